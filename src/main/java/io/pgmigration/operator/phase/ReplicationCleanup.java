package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Replication;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.ReplicationStage;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The one place that drops a Streaming migration's replication when it is no longer wanted: after a
 * failure, a cancel, an expired ready window, a failed preparation, and before a deleted migration
 * lets go. A replication slot left behind keeps the source's WAL until its disk is full, so a drop
 * that fails (the source cannot be reached) is retried until it succeeds; what is left is said in
 * the message meanwhile.
 */
final class ReplicationCleanup {
  /** Phases that still need the replication (unless a rollback is under way). */
  static final Set<Phase> KEEPS =
      EnumSet.of(Phase.Preparing, Phase.Ready, Phase.MaintenanceOn, Phase.Migrating);

  static final Duration RETRY = Duration.ofSeconds(30);
  private static final String NOTE = " Replication cleanup: ";

  private ReplicationCleanup() {}

  /** Whether something of the replication may still exist on the servers. */
  static boolean live(PostgresMigrationStatus status) {
    return status.replication != null && status.replication.live();
  }

  /** Whether the replication should be dropped now. */
  static boolean due(PostgresMigrationStatus status) {
    return live(status) && (status.rollback != null || !KEEPS.contains(status.phase));
  }

  /**
   * Drops the replication when {@link #due}; returns when to look again: {@code step}, or sooner
   * when the drop must be tried again.
   */
  static Step afterStep(
      PostgresMigration m, PostgresMigrationStatus status, PhaseContext ctx, Step step) {
    return due(status) ? drop(m, status, ctx, step) : step;
  }

  /** Drops the replication whatever the phase (a deleted migration). */
  static Step drop(
      PostgresMigration m, PostgresMigrationStatus status, PhaseContext ctx, Step step) {
    Replication r = status.replication;
    String message = withoutNote(status.message);
    try {
      // A Job still at work would only go on copying into, or vacuuming, what is given up.
      if (r.stage == ReplicationStage.CopyingSchema && r.schemaJob != null) {
        ctx.deleteCopyJob(m, r.schemaJob);
      }
      if (r.stage == ReplicationStage.Vacuuming && r.vacuumJob != null) {
        ctx.deleteCopyJob(m, r.vacuumJob);
      }
      List<String> dropped = ctx.dropReplication(m, r.name);
      r.stage = ReplicationStage.Dropped;
      r.droppedAt = Transitions.timestamp(ctx.now());
      status.message =
          dropped.isEmpty()
              ? message
              : sentence(message) + " Dropped the " + String.join(", ", dropped) + ".";
      return step;
    } catch (RuntimeException e) {
      status.message =
          sentence(message)
              + NOTE
              + "the replication slot "
              + r.name
              + " could not be dropped from the source yet ("
              + e.getMessage()
              + "); retrying every "
              + RETRY.toSeconds()
              + "s. Until then it keeps the source's WAL.";
      return step.requeueAfter().filter(d -> d.compareTo(RETRY) <= 0).isPresent()
          ? step
          : Step.after(RETRY);
    }
  }

  private static String withoutNote(String message) {
    if (message == null) {
      return "";
    }
    int at = message.indexOf(NOTE);
    return at < 0 ? message : message.substring(0, at);
  }

  private static String sentence(String s) {
    return s.isEmpty() || s.matches("(?s).*[.?!]$") ? s : s + ".";
  }
}
