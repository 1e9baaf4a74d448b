package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.phase.port.Ports;

/**
 * PrepareFailed: waits for the user to fix the problems and change the spec (in anything but its
 * gates), then prepares again.
 */
final class PrepareFailedHandler implements PhaseHandler {
  @Override
  public Step handle(StatusDraft d, Ports ports) {
    Step step = cancelOrPrepareAgain(d);
    return step != null ? step : Step.waitForChange();
  }

  /**
   * What a prepared migration that has not started does first, whether its checks passed or not:
   * end on {@code cancel}, or prepare again a spec that changed since the checks ran. Null when
   * neither applies.
   */
  static Step cancelOrPrepareAgain(StatusDraft d) {
    if (d.spec().cancel) {
      return Cancellation.cancel(d);
    }
    if (!d.migration().specChangedSincePreparation()) {
      return null;
    }
    d.startPreparing("The spec changed; running the preparation checks again.");
    d.condition(
        Conditions.Type.READY,
        false,
        Conditions.Reason.SPEC_CHANGED,
        "The spec changed since the checks ran.");
    return Step.now();
  }
}
