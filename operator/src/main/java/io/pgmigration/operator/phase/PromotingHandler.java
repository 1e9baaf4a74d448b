package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.Promotion;
import io.pgmigration.operator.api.v1alpha1.SecretKeyRef;
import io.pgmigration.operator.phase.port.Ports;
import java.util.List;

/**
 * Promoting: the app's DATABASE_URL is switched to the destination (the previous value kept under
 * an alias key), follower keys are repointed, every workload gets back exactly what was recorded,
 * and other pods reading the Secret are restarted. Each step is idempotent, so an interrupted
 * promotion is simply run again. The source stays read-only: the app has left it, and a write to it
 * now would be lost.
 */
final class PromotingHandler implements PhaseHandler {
  @Override
  public Step handle(StatusDraft d, Ports ports) {
    PostgresMigrationStatus status = d.status();
    if (status.promotion == null) {
      status.promotion = new Promotion();
      status.promotion.promotedAt = d.timestamp();
    }
    status.promotion.aliasKey = ports.promotion().promoteSecret(d.migration());
    ports.maintenance().restoreWorkloads(d.migration(), status.maintenance.workloads);
    List<String> restarted =
        ports
            .promotion()
            .restartSecretReaders(
                d.migration(), status.maintenance.workloads, status.promotion.promotedAt);
    Downtimes.end(d);
    status.completedAt = d.timestamp();
    SecretKeyRef app = d.spec().app.databaseUrlSecret;
    String promoted =
        app.key
            + " of Secret "
            + app.name
            + " points to the destination; the previous value is kept under "
            + status.promotion.aliasKey
            + ".";
    d.condition(Conditions.Type.PROMOTED, true, Conditions.Reason.PROMOTED, promoted);
    d.condition(
        Conditions.Type.MAINTENANCE_MODE,
        false,
        Conditions.Reason.APP_RESTORED,
        "Restored " + MaintenanceOnHandler.describe(status.maintenance.workloads) + ".");
    d.moveTo(
        Phase.Completed,
        promoted
            + " The app is back after "
            + status.downtime.seconds
            + "s of downtime"
            + (restarted.isEmpty() ? "" : "; restarted " + String.join(", ", restarted))
            + ". The source stays read-only; to delete it set spec.destroySource.confirm to "
            + d.spec().source.connectionSecret.name
            + ".");
    return Step.waitForChange();
  }
}
