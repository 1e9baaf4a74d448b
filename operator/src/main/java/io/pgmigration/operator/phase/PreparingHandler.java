package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Checks;
import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Durations;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Method;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.SpecHash;
import io.pgmigration.operator.api.v1alpha1.Timestamps;
import io.pgmigration.operator.db.PreparationChecks;
import io.pgmigration.operator.phase.port.Ports;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Preparing: runs every check (read-only) and lists them all in status. Blocking failures end in
 * PrepareFailed (Heroku's "Error"), except that a server, Secret or workload that is not there yet
 * is waited for (up to {@link #WAIT_FOR_DATABASES}); otherwise the migration is Ready and the ready
 * window opens. For the Streaming method the replication is set up first ({@link StreamingSetup}),
 * and the migration is Ready once it streams.
 */
record PreparingHandler(Polling polling, StreamingSetup streaming) implements PhaseHandler {
  /** How long checks of the "not there yet" kind are retried before the preparation fails. */
  static final Duration WAIT_FOR_DATABASES = Duration.ofMinutes(10);

  static final Duration RETRY = Duration.ofSeconds(10);

  @Override
  public Step handle(StatusDraft d, Ports ports) {
    if (d.spec().cancel) {
      return Cancellation.cancel(d);
    }
    if (StreamingSetup.underway(d.status())) {
      return streaming.advance(d, ports);
    }
    List<CheckResult> checks = ports.preparation().runChecks(d.migration());
    d.status().checks = checks;
    d.status().preparedSpecHash = SpecHash.of(d.spec());
    String summary = Checks.summary(checks);
    if (Checks.blocked(checks) && PreparationChecks.mayResolveItself(checks)) {
      if (d.status().preparingSince == null) {
        d.status().preparingSince = d.timestamp();
      }
      Instant giveUp = Instant.parse(d.status().preparingSince).plus(WAIT_FOR_DATABASES);
      if (d.now().isBefore(giveUp)) {
        // Applied together with its databases (kubectl apply -k, a GitOps sync), a migration is
        // often prepared before they accept connections: wait for them rather than fail.
        d.message(
            "Waiting for the databases and Secrets until "
                + Timestamps.of(giveUp)
                + ": "
                + summary);
        d.condition(Conditions.Type.PREPARED, false, Conditions.Reason.RUNNING, summary);
        return Step.after(RETRY);
      }
    }
    if (Checks.blocked(checks)) {
      d.moveTo(Phase.PrepareFailed, summary + ". Fix them, then change the spec to prepare again.");
      d.condition(Conditions.Type.PREPARED, false, Conditions.Reason.CHECKS_FAILED, summary);
      return Step.waitForChange();
    }
    if (d.spec().method == Method.Streaming && !StreamingSetup.streaming(d.status())) {
      return StreamingSetup.begin(d, summary);
    }
    ready(d, summary);
    // A migration applied with start already set goes on at once.
    if (d.spec().start) {
      return Step.now();
    }
    return Step.after(
        d.spec().method == Method.Streaming
            ? polling.lag()
            : Durations.parse(d.spec().readyWindow));
  }

  /** Moves to Ready: the ready window opens. */
  static void ready(StatusDraft d, String summary) {
    Instant deadline = Timestamps.seconds(d.now().plus(Durations.parse(d.spec().readyWindow)));
    d.status().readyDeadline = deadline.toString();
    d.moveTo(Phase.Ready, summary);
    d.condition(Conditions.Type.PREPARED, true, Conditions.Reason.CHECKS_PASSED, summary);
    d.waitForStart(summary, deadline);
  }
}
