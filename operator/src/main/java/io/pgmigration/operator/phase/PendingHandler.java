package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.phase.port.Ports;

/** Pending: accepted, nothing checked. Starts preparation, unless cancelled first. */
final class PendingHandler implements PhaseHandler {
  @Override
  public Step handle(StatusDraft d, Ports ports) {
    if (d.spec().cancel) {
      return Cancellation.cancel(d);
    }
    d.startPreparing("Running the preparation checks.");
    d.condition(
        Conditions.Type.PREPARED,
        false,
        Conditions.Reason.RUNNING,
        "The preparation checks are running.");
    return Step.now();
  }
}
