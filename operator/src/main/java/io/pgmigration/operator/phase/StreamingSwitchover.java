package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Progress;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.ReplicationStage;
import io.pgmigration.operator.api.v1alpha1.RollbackCause;
import io.pgmigration.operator.phase.port.Ports;
import io.pgmigration.operator.phase.port.Replication;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Migrating for the Streaming method: the data is already on the destination, and the app is
 * stopped and the source fenced. The switch-over takes the source's WAL position (every write the
 * app made is before it), waits until the destination has confirmed everything up to there, then on
 * one session per server sets the sequences and refreshes the materialized views, compares the rows
 * changed since the last round of the verification while Ready ({@link ChangesSinceRound}), and
 * drops the replication: a slot must not outlive the migration. Verification then compares the rest
 * (every table too when there was no such round), as for a Snapshot copy.
 *
 * <p>Waiting ends in a rollback when the destination reports errors applying the last changes, or
 * after {@link #CATCH_UP_TIMEOUT}: the app must not stay down while the replica cannot catch up.
 */
record StreamingSwitchover(Polling polling) {
  static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(10);

  Step handle(StatusDraft d, Ports ports) {
    var r = d.status().replication;
    Replication replication = ports.replication();
    if (r.cutoverLsn == null) {
      Replication.Cutover cutover = replication.cutover(d.migration(), r.name);
      r.cutoverLsn = cutover.position();
      r.cutoverStartedAt = d.timestamp();
      r.applyErrorsBefore = cutover.applyErrors();
      d.message(
          "The app is stopped and the source is read-only; waiting for the destination to"
              + " confirm every change up to "
              + r.cutoverLsn
              + ".");
      d.condition(Conditions.Type.COPIED, false, Conditions.Reason.CATCHING_UP, d.message());
      // Only read: should the operator stop before the next write, the position is read again.
      return Step.onward();
    }
    Long behind = replication.behind(d.migration(), r.name, r.cutoverLsn);
    if (behind != null && behind > 0) {
      return stillBehind(d, replication, behind);
    }
    // Caught up; a slot already gone means an earlier pass got this far, and verification has
    // the last word on whether anything is missing.
    Replication.Finish finish =
        replication.finish(d.migration(), r.name, ChangesSinceRound.wanted(d));
    List<String> dropped = finish.dropped();
    r.stage = ReplicationStage.Dropped;
    r.droppedAt = d.timestamp();
    String changed = ChangesSinceRound.record(d, finish.changes(), finish.schema());
    if (changed == null) {
      return d.rollBack(
          Phase.Failed,
          RollbackCause.VerificationMismatch,
          "The rows changed since the verification while Ready, or the schemas, differ: "
              + ChangesSinceRound.mismatches(d));
    }
    Progress p = d.progress();
    p.lagBytes = 0L;
    p.lagSeconds = 0L;
    p.tablesDone = p.tablesTotal;
    p.percent = 100;
    p.display = "100%";
    String caughtUp =
        "The destination has every change up to "
            + r.cutoverLsn
            + "; "
            + finish.completed()
            + (dropped.isEmpty() ? "" : "; dropped the " + String.join(", ", dropped))
            + ".";
    d.condition(Conditions.Type.COPIED, true, Conditions.Reason.CAUGHT_UP, caughtUp);
    d.moveTo(
        Phase.Verifying,
        caughtUp
            + (changed.isEmpty()
                ? " Comparing every table and sequence."
                : " " + changed + " Comparing the sequences and the schema."));
    return Step.now();
  }

  private Step stillBehind(StatusDraft d, Replication replication, long behind) {
    PostgresMigrationStatus.Replication r = d.status().replication;
    Replication.State state = replication.replication(d.migration(), r.name);
    if (state.errors() > r.applyErrorsBefore) {
      return d.rollBack(
          Phase.Failed,
          RollbackCause.CatchUpFailed,
          "The destination reported "
              + (state.errors() - r.applyErrorsBefore)
              + " error(s) applying the last changes of the source (the destination server's"
              + " log says why), so it cannot catch up");
    }
    if (!d.now().isBefore(Instant.parse(r.cutoverStartedAt).plus(CATCH_UP_TIMEOUT))) {
      return d.rollBack(
          Phase.Failed,
          RollbackCause.CatchUpFailed,
          "The destination was still "
              + behind
              + " bytes of WAL behind the source after "
              + CATCH_UP_TIMEOUT.toMinutes()
              + " minutes");
    }
    Progress p = d.progress();
    p.lagBytes = behind;
    p.display = "catching up";
    d.message(
        "The app is stopped and the source is read-only; the destination is "
            + behind
            + " bytes of WAL behind.");
    // Caught up within a few looks as a rule: they are not written one by one.
    return Step.quietlyAfter(polling.catchUp());
  }
}
