package io.pgmigration.operator.phase;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;

/**
 * The phase dispatch: one handler per phase, chosen by an exhaustive switch. Given a migration as
 * it is, computes its next status and when to look again; all I/O goes through {@link
 * PhaseContext}.
 */
public final class PhaseMachine {
  private final PhaseHandler pending = new PendingHandler();
  private final PhaseHandler preparing = new PreparingHandler();
  private final PhaseHandler prepareFailed = new PrepareFailedHandler();
  private final PhaseHandler ready = new ReadyHandler();
  private final PhaseHandler hold = new HoldHandler();

  /** The next status and step of {@code migration}. The migration itself is not changed. */
  public Result next(PostgresMigration migration, PhaseContext context) {
    PostgresMigrationStatus status =
        migration.getStatus() == null
            ? new PostgresMigrationStatus()
            : Serialization.clone(migration.getStatus());
    if (status.phase == null) {
      status.phase = Phase.Pending;
    }
    PhaseHandler handler =
        switch (status.phase) {
          case Pending -> pending;
          case Preparing -> preparing;
          case PrepareFailed -> prepareFailed;
          case Ready -> ready;
          // Not built yet: Ready never moves on to them.
          case MaintenanceOn, Migrating, Verifying, Migrated, Promoting, Completed -> hold;
          case Expired, Cancelled, Failed, SourceDestroyed -> hold;
        };
    Step step = handler.handle(migration, status, context);
    status.observedGeneration = Transitions.generation(migration);
    return new Result(status, step);
  }

  /** A new status and when to look again. */
  public record Result(PostgresMigrationStatus status, Step step) {}
}
