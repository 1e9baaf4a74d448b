package io.pgmigration.operator.reconciler;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import java.time.Instant;

/**
 * The phase dispatch: given a migration as it is, computes its next status. Pure — no I/O — so
 * every transition is unit-tested. Phases whose handlers are not built yet hold their state and say
 * so in the status message rather than pretend to progress.
 */
public final class PhaseMachine {
  private PhaseMachine() {}

  /** The status {@code migration} should have after this reconcile. */
  public static PostgresMigrationStatus next(PostgresMigration migration, Instant now) {
    PostgresMigrationStatus current = migration.getStatus();
    PostgresMigrationStatus status = current == null ? new PostgresMigrationStatus() : current;
    long generation = generationOf(migration);
    Phase phase = status.phase == null ? Phase.Pending : status.phase;
    switch (phase) {
      case Pending -> pending(status, generation, now);
      case Preparing,
          PrepareFailed,
          Ready,
          MaintenanceOn,
          Migrating,
          Verifying,
          Migrated,
          Promoting,
          Completed,
          Expired,
          Cancelled,
          Failed,
          SourceDestroyed -> {
        // Later phases are reached only by handlers that set them; nothing to do here yet.
      }
    }
    return status;
  }

  private static void pending(PostgresMigrationStatus status, long generation, Instant now) {
    status.phase = Phase.Pending;
    status.observedGeneration = generation;
    status.message =
        "Accepted. Preparation checks are not available in this operator version yet;"
            + " nothing has been touched.";
    ConditionWriter.set(
        status,
        Conditions.Type.PREPARED,
        "Unknown",
        Conditions.Reason.NOT_IMPLEMENTED,
        "Preparation checks have not run.",
        generation,
        now);
  }

  private static long generationOf(PostgresMigration migration) {
    Long generation = migration.getMetadata().getGeneration();
    return generation == null ? 0 : generation;
  }
}
