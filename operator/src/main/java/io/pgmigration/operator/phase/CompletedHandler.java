package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.phase.port.Ports;

/**
 * Completed: the app runs on the destination. The source is deleted only on the typed confirmation
 * (spec.destroySource.confirm equal to the source Secret's name, which admission enforces).
 */
final class CompletedHandler implements PhaseHandler {
  @Override
  public Step handle(StatusDraft d, Ports ports) {
    var destroy = d.spec().destroySource;
    if (destroy == null || !d.spec().source.connectionSecret.name.equals(destroy.confirm)) {
      return Step.waitForChange();
    }
    if (d.spec().source.workload == null) {
      d.message(
          "spec.destroySource.confirm is set, but spec.source.workload is not: there is no"
              + " workload to delete. Delete the source database yourself.");
      return Step.waitForChange();
    }
    String deleted = ports.promotion().destroySource(d.migration());
    d.moveTo(Phase.SourceDestroyed, "Deleted the source: " + deleted + ".");
    return Step.waitForChange();
  }
}
