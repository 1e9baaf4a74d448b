package io.pgmigration.operator.phase;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import java.util.EnumSet;
import java.util.Set;

/**
 * The phase dispatch: one handler per phase, chosen by an exhaustive switch. Given a migration as
 * it is, computes its next status and when to look again; all I/O goes through {@link
 * PhaseContext}.
 *
 * <p>A migration marked for rollback is rolled back whatever its phase. An unexpected error while
 * the app is in maintenance and nothing is promoted yet starts that rollback too: the app must not
 * stay down while an error repeats. After every step, a Streaming migration's replication is
 * dropped once its phase no longer needs it ({@link ReplicationCleanup}).
 */
public final class PhaseMachine {
  /** Phases in which a failure rolls back: the app is stopped, the URL not switched yet. */
  static final Set<Phase> ROLLS_BACK =
      EnumSet.of(Phase.MaintenanceOn, Phase.Migrating, Phase.Verifying, Phase.Migrated);

  private final PhaseHandler pending = new PendingHandler();
  private final PhaseHandler preparing = new PreparingHandler();
  private final PhaseHandler prepareFailed = new PrepareFailedHandler();
  private final PhaseHandler ready = new ReadyHandler();
  private final PhaseHandler maintenanceOn = new MaintenanceOnHandler();
  private final PhaseHandler migrating = new MigratingHandler();
  private final PhaseHandler verifying = new VerifyingHandler();
  private final PhaseHandler migrated = new MigratedHandler();
  private final PhaseHandler promoting = new PromotingHandler();
  private final PhaseHandler completed = new CompletedHandler();
  private final PhaseHandler rollback = new RollbackHandler();
  private final PhaseHandler hold = new HoldHandler();

  /** The next status and step of {@code migration}. The migration itself is not changed. */
  public Result next(PostgresMigration migration, PhaseContext context) {
    PostgresMigrationStatus status = copyOf(migration);
    PhaseHandler handler =
        status.rollback != null
            ? rollback
            : switch (status.phase) {
              case Pending -> pending;
              case Preparing -> preparing;
              case PrepareFailed -> prepareFailed;
              case Ready -> ready;
              case MaintenanceOn -> maintenanceOn;
              case Migrating -> migrating;
              case Verifying -> verifying;
              case Migrated -> migrated;
              case Promoting -> promoting;
              case Completed -> completed;
              case Expired, Cancelled, Failed, SourceDestroyed -> hold;
            };
    Step step;
    try {
      step = handler.handle(migration, status, context);
    } catch (RuntimeException e) {
      if (handler == rollback || !ROLLS_BACK.contains(status.phase)) {
        throw e;
      }
      step =
          RollbackHandler.begin(
              migration,
              status,
              Phase.Failed,
              "Unexpected error in phase " + status.phase + ": " + describe(e),
              context.now());
    }
    step = ReplicationCleanup.afterStep(migration, status, context, step);
    status.observedGeneration = Transitions.generation(migration);
    return new Result(status, step);
  }

  /**
   * What deleting {@code migration} must do before its finalizer is removed: a migration in flight
   * is rolled back (or, once promoting, promoted to the end) so the app is never left in
   * maintenance, and a Streaming migration's replication is dropped. {@link Result#status()} is
   * then in a phase from which deletion is safe, or the step says when to try again.
   */
  public Result cleanup(PostgresMigration migration, PhaseContext context) {
    PostgresMigrationStatus status = copyOf(migration);
    Step step = Step.waitForChange();
    if (status.rollback == null && ROLLS_BACK.contains(status.phase)) {
      RollbackHandler.begin(
          migration,
          status,
          Phase.Failed,
          "The PostgresMigration was deleted in phase " + status.phase,
          context.now());
    }
    if (status.rollback != null) {
      step = rollback.handle(migration, status, context);
    } else if (status.phase == Phase.Promoting) {
      step = promoting.handle(migration, status, context);
    }
    if (ReplicationCleanup.live(status)) {
      step = ReplicationCleanup.drop(migration, status, context, step);
    }
    return new Result(status, step);
  }

  /** Whether a migration in {@code status} may be deleted without leaving anything half-done. */
  public static boolean safeToDelete(PostgresMigrationStatus status) {
    return status.rollback == null
        && !ROLLS_BACK.contains(status.phase)
        && status.phase != Phase.Promoting
        && !ReplicationCleanup.live(status);
  }

  private static PostgresMigrationStatus copyOf(PostgresMigration migration) {
    PostgresMigrationStatus status =
        migration.getStatus() == null
            ? new PostgresMigrationStatus()
            : Serialization.clone(migration.getStatus());
    if (status.phase == null) {
      status.phase = Phase.Pending;
    }
    return status;
  }

  private static String describe(RuntimeException e) {
    Throwable cause = e.getCause() != null && e.getMessage() == null ? e.getCause() : e;
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  /** A new status and when to look again. */
  public record Result(PostgresMigrationStatus status, Step step) {}
}
