package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;

/**
 * Completed: the app runs on the destination. The source is deleted only on the typed confirmation
 * (spec.destroySource.confirm equal to the source Secret's name, which admission enforces).
 */
final class CompletedHandler implements PhaseHandler {
  @Override
  public Step handle(PostgresMigration m, PostgresMigrationStatus status, PhaseContext ctx) {
    var destroy = m.getSpec().destroySource;
    if (destroy == null || !m.getSpec().source.connectionSecret.name.equals(destroy.confirm)) {
      return Step.waitForChange();
    }
    if (m.getSpec().source.workload == null) {
      status.message =
          "spec.destroySource.confirm is set, but spec.source.workload is not: there is no"
              + " workload to delete. Delete the source database yourself.";
      return Step.waitForChange();
    }
    String deleted = ctx.destroySource(m);
    Transitions.moveTo(status, Phase.SourceDestroyed, "Deleted the source: " + deleted + ".");
    return Step.waitForChange();
  }
}
