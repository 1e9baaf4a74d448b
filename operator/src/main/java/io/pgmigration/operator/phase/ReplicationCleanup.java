package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Replication;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.ReplicationStage;
import io.pgmigration.operator.phase.port.Ports;
import java.time.Duration;
import java.util.List;

/**
 * The one place that drops a Streaming migration's replication when it is no longer wanted: after a
 * failure, a cancel, an expired ready window, a failed preparation, and before a deleted migration
 * lets go. A replication slot left behind keeps the source's WAL until its disk is full, so a drop
 * that fails (the source cannot be reached) is retried until it succeeds; why it failed is kept in
 * {@code status.replication.dropError} and said at the end of the message meanwhile.
 */
final class ReplicationCleanup {
  static final Duration RETRY = Duration.ofSeconds(30);

  private ReplicationCleanup() {}

  /** Whether something of the replication may still exist on the servers. */
  static boolean live(PostgresMigrationStatus status) {
    return status.replication != null && status.replication.live();
  }

  /** Whether the replication should be dropped now. */
  static boolean due(PostgresMigrationStatus status) {
    return live(status) && (status.rollback != null || !status.phase.keepsReplication());
  }

  /**
   * Drops the replication when {@link #due}; returns when to look again: {@code step}, or sooner
   * when the drop must be tried again.
   */
  static Step afterStep(StatusDraft d, Ports ports, Step step) {
    return due(d.status()) ? drop(d, ports, step) : step;
  }

  /** Drops the replication whatever the phase (a deleted migration). */
  static Step drop(StatusDraft d, Ports ports, Step step) {
    Replication r = d.status().replication;
    String message = d.message() == null ? "" : d.message();
    if (r.dropError != null && message.endsWith(note(r))) {
      message = message.substring(0, message.length() - note(r).length());
    }
    try {
      // A Job still at work would only go on copying into, or vacuuming, what is given up.
      if (r.stage == ReplicationStage.CopyingSchema && r.schemaJob != null) {
        ports.copying().deleteCopyJob(d.migration(), r.schemaJob);
      }
      if (r.stage == ReplicationStage.Vacuuming && r.vacuumJob != null) {
        ports.copying().deleteCopyJob(d.migration(), r.vacuumJob);
      }
      List<String> dropped = ports.replication().dropReplication(d.migration(), r.name);
      r.stage = ReplicationStage.Dropped;
      r.droppedAt = d.timestamp();
      r.dropError = null;
      d.message(
          dropped.isEmpty()
              ? message
              : StatusDraft.sentence(message) + " Dropped the " + String.join(", ", dropped) + ".");
      return step;
    } catch (RuntimeException e) {
      r.dropError = e.getMessage();
      d.message(StatusDraft.sentence(message) + note(r));
      return step.noLaterThan(RETRY);
    }
  }

  /** What the message says while the drop keeps failing. */
  private static String note(Replication r) {
    return " The replication slot "
        + r.name
        + " could not be dropped from the source yet ("
        + r.dropError
        + "); retrying every "
        + RETRY.toSeconds()
        + "s. Until then it keeps the source's WAL.";
  }
}
