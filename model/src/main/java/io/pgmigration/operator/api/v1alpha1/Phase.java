package io.pgmigration.operator.api.v1alpha1;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a migration stands. The happy path is {@code Pending → Preparing → Ready → MaintenanceOn →
 * Migrating → Verifying → Migrated → Promoting → Completed}; every constant lists its legal next
 * phases, and {@link #canMoveTo} is the one place that knows them.
 */
public enum Phase {
  /** Accepted, nothing checked yet. Next: CreatingDestination, Preparing, Cancelled. */
  Pending,
  /**
   * Heroku's "creating target": a CloudNativePG destination is created if asked, and waited for
   * until every instance is ready. Nothing of the app is touched. Next: Preparing, PrepareFailed,
   * Cancelled.
   */
  CreatingDestination,
  /** Preparation checks are running; all read-only. Next: Ready, PrepareFailed, Cancelled. */
  Preparing,
  /**
   * Heroku's "Error": a blocking check failed, or the destination could not be created. Next:
   * Preparing or CreatingDestination (on a new generation), Cancelled.
   */
  PrepareFailed,
  /**
   * Checks passed; waiting for {@code start} until readyDeadline. Next: MaintenanceOn, Expired,
   * Cancelled, Preparing (on a new generation).
   */
  Ready,
  /** The ready window passed without a start. Terminal. */
  Expired,
  /** Cancelled before the copy started; anything maintenance changed was undone. Terminal. */
  Cancelled,
  /**
   * App scaled down and source fenced. Next: Migrating, Failed, Cancelled (cancel before the copy
   * starts rolls maintenance back).
   */
  MaintenanceOn,
  /** The copy runs. Next: Verifying, Failed. */
  Migrating,
  /** Source and destination are compared. Next: Migrated, Failed. */
  Verifying,
  /** Verified; waiting for {@code promote}. Next: Promoting, Failed. */
  Migrated,
  /** DATABASE_URL rewritten, app restored. Next: Completed. */
  Promoting,
  /** The app runs on the destination. Next: SourceDestroyed. */
  Completed,
  /**
   * Rolled back after a failure: source writable, app restored, DATABASE_URL untouched. Terminal.
   */
  Failed,
  /** The source workload was deleted after completion. Terminal. */
  SourceDestroyed;

  /** Whether a migration in this phase may move to {@code next}. */
  public boolean canMoveTo(Phase next) {
    return successors().contains(next);
  }

  /** The phases this one may move to; empty for terminal phases. */
  public Set<Phase> successors() {
    return switch (this) {
      case Pending -> EnumSet.of(CreatingDestination, Preparing, Cancelled);
      case CreatingDestination -> EnumSet.of(Preparing, PrepareFailed, Cancelled);
      case Preparing -> EnumSet.of(Ready, PrepareFailed, Cancelled);
      case PrepareFailed -> EnumSet.of(CreatingDestination, Preparing, Cancelled);
      case Ready -> EnumSet.of(MaintenanceOn, Expired, Cancelled, Preparing);
      case MaintenanceOn -> EnumSet.of(Migrating, Failed, Cancelled);
      case Migrating -> EnumSet.of(Verifying, Failed);
      case Verifying -> EnumSet.of(Migrated, Failed);
      case Migrated -> EnumSet.of(Promoting, Failed);
      // Failed only while the app's Secret is untouched: an error that keeps it from being written.
      case Promoting -> EnumSet.of(Completed, Failed);
      case Completed -> EnumSet.of(SourceDestroyed);
      case Expired, Cancelled, Failed, SourceDestroyed -> EnumSet.noneOf(Phase.class);
    };
  }

  /** Whether nothing more will happen to a migration in this phase. */
  public boolean isTerminal() {
    return successors().isEmpty();
  }

  /**
   * Whether {@code spec.cancel} is honoured in this phase: until the copy starts. Before
   * MaintenanceOn nothing was touched; in MaintenanceOn what maintenance did is rolled back.
   */
  public boolean honoursCancel() {
    return switch (this) {
      case Pending, CreatingDestination, Preparing, PrepareFailed, Ready, MaintenanceOn -> true;
      default -> false;
    };
  }

  /**
   * Whether a failure in this phase rolls the migration back: the app is stopped and its
   * DATABASE_URL not switched yet, so it must be given back its source.
   */
  public boolean rollsBackOnFailure() {
    return switch (this) {
      case MaintenanceOn, Migrating, Verifying, Migrated -> true;
      default -> false;
    };
  }

  /**
   * Whether a Streaming migration still needs its replication in this phase (unless a rollback is
   * under way): from its setup in Preparing until the switch-over has caught up.
   */
  public boolean keepsReplication() {
    return switch (this) {
      case Preparing, Ready, MaintenanceOn, Migrating -> true;
      default -> false;
    };
  }

  /**
   * Whether a migration in this phase holds its two databases, so no other migration may use
   * either: from preparation until it ends, failed preparations aside (they are prepared again, and
   * claim again, when their spec changes).
   */
  public boolean holdsItsDatabases() {
    return !isTerminal() && this != PrepareFailed;
  }

  /** Whether the app is, or may be, in maintenance in this phase. */
  public boolean appMayBeDown() {
    return rollsBackOnFailure() || this == Promoting;
  }
}
