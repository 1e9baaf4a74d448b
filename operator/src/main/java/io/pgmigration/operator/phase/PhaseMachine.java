package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.RollbackCause;
import io.pgmigration.operator.phase.port.Ports;

/**
 * The phase dispatch: one handler per phase, chosen by an exhaustive switch. Given a migration as
 * it is, computes its next status and when to look again; all I/O goes through {@link Ports}.
 *
 * <p>A migration marked for rollback is rolled back whatever its phase. An unexpected error while
 * the app {@linkplain Phase#appMayBeDown may be down} is retried with back-off; in a phase that
 * {@linkplain Phase#rollsBackOnFailure rolls back} it starts that rollback once it has lasted
 * {@link Watchdog#errorsFor()}: the app must not stay down while an error repeats. After every
 * step, a Streaming migration's replication is dropped once its phase no longer needs it ({@link
 * ReplicationCleanup}), and what users are told about goes out ({@link NotificationOutbox}).
 */
public final class PhaseMachine {
  private final PhaseHandler pending = new PendingHandler();
  private final PhaseHandler creatingDestination;
  private final PhaseHandler preparing;
  private final PhaseHandler prepareFailed = new PrepareFailedHandler();
  private final PhaseHandler ready;
  private final PhaseHandler maintenanceOn;
  private final PhaseHandler migrating;
  private final PhaseHandler verifying = new VerifyingHandler();
  private final PhaseHandler migrated = new MigratedHandler();
  private final PhaseHandler promoting = new PromotingHandler();
  private final PhaseHandler completed = new CompletedHandler();
  private final PhaseHandler rollback = new RollbackHandler();
  private final PhaseHandler hold = new HoldHandler();
  private final Watchdog watchdog;

  /** A machine that looks at what no watch tells it as often as {@code polling} says. */
  public PhaseMachine(Polling polling, Watchdog watchdog) {
    this.preparing = new PreparingHandler(polling, new StreamingSetup(polling, watchdog));
    this.creatingDestination = new CreatingDestinationHandler(polling.destination());
    this.ready = new ReadyHandler(polling);
    this.maintenanceOn = new MaintenanceOnHandler(polling);
    this.migrating = new MigratingHandler(polling, watchdog, new StreamingSwitchover(polling));
    this.watchdog = watchdog;
  }

  /** A machine with the default polling intervals and watchdog. */
  public PhaseMachine() {
    this(Polling.DEFAULT, Watchdog.DEFAULT);
  }

  /** The limits this machine keeps, which the live ports keep too. */
  public Watchdog watchdog() {
    return watchdog;
  }

  /** The next status and step of {@code migration}. The migration itself is not changed. */
  public Result next(PostgresMigration migration, Ports ports) {
    StatusDraft draft = new StatusDraft(migration, ports.clock().now());
    Phase phase = draft.phase();
    PhaseHandler handler = draft.status().rollback != null ? rollback : handler(phase);
    Step step = handleRetryingErrors(handler, draft, ports);
    step = ReplicationCleanup.afterStep(draft, ports, step);
    step = NotificationOutbox.afterStep(draft, phase, ports.notifications(), step);
    return new Result(draft.finish(), step);
  }

  private PhaseHandler handler(Phase phase) {
    return switch (phase) {
      case Pending -> pending;
      case CreatingDestination -> creatingDestination;
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
  }

  /**
   * One step of what deleting {@code migration} must do before its finalizer is removed: a
   * migration in flight is rolled back (or, once promoting, promoted to the end) so the app is
   * never left in maintenance, and a Streaming migration's replication is dropped. {@link
   * Result#status()} is then in a phase from which deletion is safe, or the step says when to look
   * again; the caller writes each step's status, as for {@link #next}.
   */
  public Result cleanup(PostgresMigration migration, Ports ports) {
    StatusDraft draft = new StatusDraft(migration, ports.clock().now());
    PostgresMigrationStatus status = draft.status();
    if (status.rollback == null && status.phase.rollsBackOnFailure()) {
      return new Result(
          draft.finish(),
          draft.rollBack(
              Phase.Failed,
              RollbackCause.Deleted,
              "The PostgresMigration was deleted in phase " + status.phase));
    }
    Step step = Step.waitForChange();
    if (status.rollback != null) {
      step = handleRetryingErrors(rollback, draft, ports);
    } else if (status.phase == Phase.Promoting) {
      step = handleRetryingErrors(promoting, draft, ports);
    }
    if (ReplicationCleanup.live(status)) {
      step = ReplicationCleanup.drop(draft, ports, step);
    }
    return new Result(draft.finish(), step);
  }

  /**
   * One step of {@code handler}. While the app may be down, an unexpected error is retried with
   * back-off ({@link ErrorRetries}); otherwise it is the reconciler's to report and retry.
   */
  private Step handleRetryingErrors(PhaseHandler handler, StatusDraft draft, Ports ports) {
    Phase phase = draft.phase();
    try {
      Step step = handler.handle(draft, ports);
      draft.status().retrying = null;
      return step;
    } catch (RuntimeException e) {
      boolean rollingBack = handler == rollback;
      if (!rollingBack && !phase.appMayBeDown()) {
        throw e;
      }
      boolean mayRollBack =
          !rollingBack
              && (phase.rollsBackOnFailure()
                  || (phase == Phase.Promoting && secretUntouched(draft, ports)));
      return ErrorRetries.retry(draft, e, mayRollBack ? watchdog.errorsFor() : null);
    }
  }

  /**
   * Whether a promotion has not rewritten the app's Secret yet, so rolling back still gives the app
   * its source with nothing switched; false when that cannot be known.
   */
  private static boolean secretUntouched(StatusDraft draft, Ports ports) {
    try {
      return !ports.promotion().secretPromoted(draft.migration());
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** A new status and when to look again. */
  public record Result(PostgresMigrationStatus status, Step step) {}
}
