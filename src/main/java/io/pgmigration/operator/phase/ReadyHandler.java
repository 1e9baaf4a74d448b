package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.db.PreparationChecks;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Ready: the app and the source are untouched (a Streaming migration's replication follows the
 * source, and its lag is kept in status). Waits for {@code start} until the ready window ends (then
 * Expired); {@code cancel} ends it; a changed spec is prepared again. On start the checks run once
 * more, then maintenance begins.
 */
final class ReadyHandler implements PhaseHandler {
  @Override
  public Step handle(PostgresMigration m, PostgresMigrationStatus status, PhaseContext ctx) {
    Instant now = ctx.now();
    if (m.getSpec().cancel) {
      return Cancellation.cancel(m, status, ctx);
    }
    if (!SpecHash.of(m.getSpec()).equals(status.preparedSpecHash)) {
      Transitions.startPreparing(
          status, "The spec changed; running the preparation checks again.", ctx.now());
      Transitions.condition(
          m,
          status,
          Conditions.Type.READY,
          false,
          Conditions.Reason.SPEC_CHANGED,
          "The spec changed since the checks ran.",
          now);
      return Step.now();
    }
    Instant deadline = Instant.parse(status.readyDeadline);
    if (!now.isBefore(deadline)) {
      Transitions.moveTo(
          status,
          Phase.Expired,
          "The ready window ended at "
              + deadline
              + " without spec.start; nothing was touched. Create a new migration to try again.");
      Transitions.condition(
          m,
          status,
          Conditions.Type.READY,
          false,
          Conditions.Reason.EXPIRED,
          "The ready window ended.",
          now);
      return Step.waitForChange();
    }
    if (StreamingSetup.streaming(status)) {
      StreamingSetup.observe(m, status, ctx);
    }
    if (m.getSpec().start) {
      return start(m, status, ctx, now);
    }
    Duration untilDeadline = Duration.between(now, deadline);
    return Step.after(
        StreamingSetup.streaming(status) && StreamingSetup.OBSERVE.compareTo(untilDeadline) < 0
            ? StreamingSetup.OBSERVE
            : untilDeadline);
  }

  /**
   * Starts the migration, after running the checks once more: the destination may have been written
   * to, or a server stopped, since the migration became Ready.
   */
  private static Step start(
      PostgresMigration m, PostgresMigrationStatus status, PhaseContext ctx, Instant now) {
    List<CheckResult> checks = ctx.runChecks(m);
    status.checks = checks;
    if (PreparationChecks.blocked(checks)) {
      Transitions.startPreparing(
          status,
          "The checks run at start found blocking issues; nothing was touched. "
              + PreparationChecks.summary(checks)
              + ".",
          now);
      return Step.now();
    }
    status.startedAt = Transitions.timestamp(now);
    Transitions.moveTo(
        status,
        Phase.MaintenanceOn,
        "Started: recording the app's workloads, then putting the app in maintenance.");
    Transitions.condition(
        m,
        status,
        Conditions.Type.READY,
        true,
        Conditions.Reason.STARTED,
        "Started at " + status.startedAt + ".",
        now);
    return Step.now();
  }
}
