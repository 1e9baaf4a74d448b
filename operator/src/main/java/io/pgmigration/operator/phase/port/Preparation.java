package io.pgmigration.operator.phase.port;

import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import java.util.List;

/** The preparation checks: what the Secrets, the databases and the workloads say, read-only. */
@FunctionalInterface
public interface Preparation {
  /** Runs every preparation check of {@code migration}; touches nothing. */
  List<CheckResult> runChecks(PostgresMigration migration);
}
