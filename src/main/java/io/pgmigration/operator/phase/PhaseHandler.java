package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;

/** The work of one phase. */
public interface PhaseHandler {
  /**
   * Advances {@code migration}: edits {@code status} (the migration's next status, already a copy)
   * and says when to look again.
   */
  Step handle(PostgresMigration migration, PostgresMigrationStatus status, PhaseContext context);
}
