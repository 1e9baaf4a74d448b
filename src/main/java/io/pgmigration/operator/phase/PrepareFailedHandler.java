package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;

/** PrepareFailed: waits for the user to fix the problems and change the spec, then re-prepares. */
final class PrepareFailedHandler implements PhaseHandler {
  @Override
  public Step handle(PostgresMigration m, PostgresMigrationStatus status, PhaseContext ctx) {
    if (m.getSpec().cancel) {
      return Cancellation.cancel(m, status, ctx);
    }
    if (status.observedGeneration == null
        || status.observedGeneration != Transitions.generation(m)) {
      Transitions.startPreparing(
          status, "The spec changed; running the preparation checks again.", ctx.now());
      return Step.now();
    }
    return Step.waitForChange();
  }
}
