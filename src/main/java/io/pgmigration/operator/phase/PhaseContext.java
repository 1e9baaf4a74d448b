package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import java.time.Instant;
import java.util.List;

/** What phase handlers may use besides the migration itself: the clock and the outside world. */
public interface PhaseContext {
  /** The current time. */
  Instant now();

  /** Runs every preparation check of {@code migration}, read-only. */
  List<CheckResult> runChecks(PostgresMigration migration);
}
