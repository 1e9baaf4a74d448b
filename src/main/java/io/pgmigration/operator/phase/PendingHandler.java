package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;

/** Pending: accepted, nothing checked. Starts preparation, unless cancelled first. */
final class PendingHandler implements PhaseHandler {
  @Override
  public Step handle(PostgresMigration m, PostgresMigrationStatus status, PhaseContext ctx) {
    if (m.getSpec().cancel) {
      return Cancellation.cancel(m, status, ctx);
    }
    Transitions.startPreparing(status, "Running the preparation checks.", ctx.now());
    Transitions.condition(
        m,
        status,
        Conditions.Type.PREPARED,
        false,
        Conditions.Reason.RUNNING,
        "The preparation checks are running.",
        ctx.now());
    return Step.now();
  }
}
