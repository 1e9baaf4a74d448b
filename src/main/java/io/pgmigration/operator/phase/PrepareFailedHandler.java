package io.pgmigration.operator.phase;

import io.pgmigration.operator.phase.port.Ports;

/**
 * PrepareFailed: waits for the user to fix the problems and change the spec (in anything but its
 * gates), then prepares again.
 */
final class PrepareFailedHandler implements PhaseHandler {
  @Override
  public Step handle(StatusDraft d, Ports ports) {
    if (d.spec().cancel) {
      return Cancellation.cancel(d);
    }
    if (d.migration().specChangedSincePreparation()) {
      d.startPreparing("The spec changed; running the preparation checks again.");
      return Step.now();
    }
    return Step.waitForChange();
  }
}
