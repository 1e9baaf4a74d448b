package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.phase.port.Ports;

/**
 * Completed: the app runs on the destination. The source is deleted only on the typed confirmation
 * (spec.destroySource.confirm equal to the source Secret's name, which admission enforces), and
 * only when spec.source.workload is the source's server: its pods are behind the Service the
 * source's host names. Any other workload is refused with a condition, and nothing is deleted.
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
    String refused = ports.promotion().destroyRefusal(d.migration());
    if (refused != null) {
      String why = "spec.destroySource is refused: " + refused + ". Nothing was deleted.";
      d.message(why);
      d.condition(Conditions.Type.DESTROY_REFUSED, true, Conditions.Reason.NOT_THE_SOURCE, why);
      return Step.waitForChange();
    }
    String deleted = ports.promotion().destroySource(d.migration());
    d.moveTo(Phase.SourceDestroyed, "Deleted the source: " + deleted + ".");
    return Step.waitForChange();
  }
}
