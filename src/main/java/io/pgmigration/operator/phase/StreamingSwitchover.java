package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Progress;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Replication;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.ReplicationStage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Migrating for the Streaming method: the data is already on the destination, and the app is
 * stopped and the source fenced. The switch-over takes the source's WAL position (every write the
 * app made is before it), waits until the destination has confirmed everything up to there, sets
 * the sequences and refreshes the materialized views, and drops the replication: a slot must not
 * outlive the migration. Verification then compares everything, as for a Snapshot copy.
 *
 * <p>Waiting ends in a rollback when the destination reports errors applying the last changes, or
 * after {@link #CATCH_UP_TIMEOUT}: the app must not stay down while the replica cannot catch up.
 */
final class StreamingSwitchover {
  static final Duration POLL = Duration.ofMillis(200);
  static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(10);

  private StreamingSwitchover() {}

  static Step handle(PostgresMigration m, PostgresMigrationStatus status, PhaseContext ctx) {
    Instant now = ctx.now();
    Replication r = status.replication;
    if (r.cutoverLsn == null) {
      r.cutoverLsn = ctx.sourcePosition(m);
      r.cutoverStartedAt = Transitions.timestamp(now);
      r.applyErrorsBefore = ctx.replication(m, r.name).errors();
      status.message =
          "The app is stopped and the source is read-only; waiting for the destination to"
              + " confirm every change up to "
              + r.cutoverLsn
              + ".";
      Transitions.condition(
          m,
          status,
          Conditions.Type.COPIED,
          false,
          Conditions.Reason.CATCHING_UP,
          status.message,
          now);
      return Step.now();
    }
    Long behind = ctx.behind(m, r.name, r.cutoverLsn);
    if (behind != null && behind > 0) {
      PhaseContext.ReplicationState state = ctx.replication(m, r.name);
      if (state.errors() > r.applyErrorsBefore) {
        return RollbackHandler.begin(
            m,
            status,
            Phase.Failed,
            "The destination reported "
                + (state.errors() - r.applyErrorsBefore)
                + " error(s) applying the last changes of the source (the destination server's"
                + " log says why), so it cannot catch up",
            now);
      }
      if (!now.isBefore(Instant.parse(r.cutoverStartedAt).plus(CATCH_UP_TIMEOUT))) {
        return RollbackHandler.begin(
            m,
            status,
            Phase.Failed,
            "The destination was still "
                + behind
                + " bytes of WAL behind the source after "
                + CATCH_UP_TIMEOUT.toMinutes()
                + " minutes",
            now);
      }
      Progress p = status.progress == null ? new Progress() : status.progress;
      p.lagBytes = behind;
      p.display = "catching up";
      status.progress = p;
      status.message =
          "The app is stopped and the source is read-only; the destination is "
              + behind
              + " bytes of WAL behind.";
      return Step.after(POLL);
    }
    // Caught up; a slot already gone means an earlier pass got this far, and verification has
    // the last word on whether anything is missing.
    String completed = ctx.completeReplica(m);
    List<String> dropped = ctx.dropReplication(m, r.name);
    r.stage = ReplicationStage.Dropped;
    r.droppedAt = Transitions.timestamp(now);
    Progress p = status.progress == null ? new Progress() : status.progress;
    p.lagBytes = 0L;
    p.lagSeconds = 0L;
    p.tablesDone = p.tablesTotal;
    p.percent = 100;
    p.display = "100%";
    status.progress = p;
    String caughtUp =
        "The destination has every change up to "
            + r.cutoverLsn
            + "; "
            + completed
            + (dropped.isEmpty() ? "" : "; dropped the " + String.join(", ", dropped))
            + ".";
    Transitions.condition(
        m, status, Conditions.Type.COPIED, true, Conditions.Reason.CAUGHT_UP, caughtUp, now);
    Transitions.moveTo(status, Phase.Verifying, caughtUp + " Comparing every table and sequence.");
    return Step.now();
  }
}
