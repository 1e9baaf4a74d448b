package io.pgmigration.operator.phase;

import io.pgmigration.operator.phase.port.Ports;

/** Phases in which the operator has nothing to do: the ends. */
final class HoldHandler implements PhaseHandler {
  @Override
  public Step handle(StatusDraft d, Ports ports) {
    return Step.waitForChange();
  }
}
