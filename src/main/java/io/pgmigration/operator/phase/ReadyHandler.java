package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * Ready: nothing is touched yet. Waits for {@code start} until the ready window ends (then
 * Expired); {@code cancel} ends it; a changed spec is prepared again.
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
    if (m.getSpec().start) {
      // Maintenance, copy, verification and promotion are not part of this version yet.
      status.message =
          "spec.start is set, but this operator version cannot run the migration yet;"
              + " nothing was touched.";
      Transitions.condition(
          m,
          status,
          Conditions.Type.READY,
          true,
          Conditions.Reason.START_NOT_AVAILABLE,
          "Starting is not available in this operator version.",
          now);
    } else if (Conditions.Reason.START_NOT_AVAILABLE.equals(
        ConditionWriter.find(status, Conditions.Type.READY).getReason())) {
      // start was set and taken back: say again what the migration waits for.
      String checks = ConditionWriter.find(status, Conditions.Type.PREPARED).getMessage();
      Transitions.waitForStart(m, status, checks, deadline, now);
    }
    return Step.after(Duration.between(now, deadline));
  }
}
