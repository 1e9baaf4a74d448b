package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Checks;
import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.phase.port.Ports;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Ready: the app and the source are untouched (a Streaming migration's replication follows the
 * source, and its lag is kept in status). Waits for {@code start} until the ready window ends (then
 * Expired); {@code cancel} ends it; a changed spec is prepared again. On start the checks run once
 * more, then maintenance begins.
 */
record ReadyHandler(Polling polling) implements PhaseHandler {
  @Override
  public Step handle(StatusDraft d, Ports ports) {
    Step before = PrepareFailedHandler.cancelOrPrepareAgain(d);
    if (before != null) {
      return before;
    }
    Instant deadline = Instant.parse(d.status().readyDeadline);
    if (!d.now().isBefore(deadline)) {
      d.moveTo(
          Phase.Expired,
          "The ready window ended at "
              + deadline
              + " without spec.start; nothing was touched. Create a new migration to try again.");
      d.condition(
          Conditions.Type.READY, false, Conditions.Reason.EXPIRED, "The ready window ended.");
      return Step.waitForChange();
    }
    boolean streaming = StreamingSetup.streaming(d.status());
    Duration next = Duration.between(d.now(), deadline);
    if (streaming) {
      StreamingSetup.observe(d, ports.replication());
      next = shorter(next, polling.lag());
      next = shorter(next, OnlineVerifier.advance(d, ports));
    }
    if (!d.spec().start) {
      StartGate.reset(d.status());
    } else {
      Step waiting = streaming ? StartGate.waiting(d) : null;
      if (waiting == null) {
        return start(d, ports);
      }
      // Given up: the rounds and the lag go on being kept in status all the same.
      next = shorter(next, waiting.requeueAfter().orElse(null));
    }
    return Step.after(next);
  }

  private static Duration shorter(Duration a, Duration b) {
    return b != null && b.compareTo(a) < 0 ? b : a;
  }

  /**
   * Starts the migration, after running the checks once more: the destination may have been written
   * to, or a server stopped, since the migration became Ready.
   */
  private static Step start(StatusDraft d, Ports ports) {
    List<CheckResult> checks = ports.preparation().runChecks(d.migration());
    d.status().checks = checks;
    if (Checks.blocked(checks)) {
      d.startPreparing(
          "The checks run at start found blocking issues; nothing was touched. "
              + Checks.summary(checks)
              + ".");
      return Step.now();
    }
    d.status().startedAt = d.timestamp();
    d.moveTo(
        Phase.MaintenanceOn,
        "Started: recording the app's workloads, then putting the app in maintenance.");
    d.condition(
        Conditions.Type.READY,
        true,
        Conditions.Reason.STARTED,
        "Started at " + d.status().startedAt + ".");
    return Step.now();
  }
}
