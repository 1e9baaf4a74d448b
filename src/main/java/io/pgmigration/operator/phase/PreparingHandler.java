package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Durations;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Method;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.db.PreparationChecks;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Preparing: runs every check (read-only) and lists them all in status. Blocking failures end in
 * PrepareFailed (Heroku's "Error"), except that a server, Secret or workload that is not there yet
 * is waited for (up to {@link #WAIT_FOR_DATABASES}); otherwise the migration is Ready and the ready
 * window opens. For the Streaming method the replication is set up first ({@link StreamingSetup}),
 * and the migration is Ready once it streams.
 */
final class PreparingHandler implements PhaseHandler {
  /** How long checks of the "not there yet" kind are retried before the preparation fails. */
  static final Duration WAIT_FOR_DATABASES = Duration.ofMinutes(10);

  static final Duration RETRY = Duration.ofSeconds(10);

  @Override
  public Step handle(PostgresMigration m, PostgresMigrationStatus status, PhaseContext ctx) {
    if (m.getSpec().cancel) {
      return Cancellation.cancel(m, status, ctx);
    }
    if (StreamingSetup.underway(status)) {
      return StreamingSetup.advance(m, status, ctx);
    }
    List<CheckResult> checks = ctx.runChecks(m);
    status.checks = checks;
    status.preparedSpecHash = SpecHash.of(m.getSpec());
    String summary = PreparationChecks.summary(checks);
    Instant now = ctx.now();
    if (PreparationChecks.blocked(checks) && PreparationChecks.mayResolveItself(checks)) {
      if (status.preparingSince == null) {
        status.preparingSince = now.truncatedTo(ChronoUnit.SECONDS).toString();
      }
      Instant since = Instant.parse(status.preparingSince);
      Instant giveUp = since.plus(WAIT_FOR_DATABASES);
      if (now.isBefore(giveUp)) {
        // Applied together with its databases (kubectl apply -k, a GitOps sync), a migration is
        // often prepared before they accept connections: wait for them rather than fail.
        status.message =
            "Waiting for the databases and Secrets until "
                + giveUp.truncatedTo(ChronoUnit.SECONDS)
                + ": "
                + summary;
        Transitions.condition(
            m, status, Conditions.Type.PREPARED, false, Conditions.Reason.RUNNING, summary, now);
        return Step.after(RETRY);
      }
    }
    if (PreparationChecks.blocked(checks)) {
      Transitions.moveTo(
          status,
          Phase.PrepareFailed,
          summary + ". Fix them, then change the spec to prepare again.");
      Transitions.condition(
          m,
          status,
          Conditions.Type.PREPARED,
          false,
          Conditions.Reason.CHECKS_FAILED,
          summary,
          now);
      return Step.waitForChange();
    }
    if (m.getSpec().method == Method.Streaming && !StreamingSetup.streaming(status)) {
      return StreamingSetup.begin(m, status, ctx, summary);
    }
    ready(m, status, ctx, summary, now);
    // A migration applied with start already set goes on at once.
    return m.getSpec().start
        ? Step.now()
        : Step.after(
            m.getSpec().method == Method.Streaming
                ? StreamingSetup.OBSERVE
                : Durations.parse(m.getSpec().readyWindow));
  }

  /** Moves to Ready: the ready window opens. */
  static void ready(
      PostgresMigration m,
      PostgresMigrationStatus status,
      PhaseContext ctx,
      String summary,
      Instant now) {
    Duration window = Durations.parse(m.getSpec().readyWindow);
    Instant deadline = now.plus(window).truncatedTo(ChronoUnit.SECONDS);
    status.readyDeadline = deadline.toString();
    Transitions.moveTo(status, Phase.Ready, summary);
    Transitions.condition(
        m, status, Conditions.Type.PREPARED, true, Conditions.Reason.CHECKS_PASSED, summary, now);
    Transitions.waitForStart(m, status, summary, deadline, now);
  }
}
