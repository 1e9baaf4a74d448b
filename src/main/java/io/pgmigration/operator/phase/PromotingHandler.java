package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Promotion;
import java.time.Instant;
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
  public Step handle(PostgresMigration m, PostgresMigrationStatus status, PhaseContext ctx) {
    Instant now = ctx.now();
    if (status.promotion == null) {
      status.promotion = new Promotion();
      status.promotion.promotedAt = Transitions.timestamp(now);
    }
    status.promotion.aliasKey = ctx.promoteSecret(m);
    ctx.restoreWorkloads(m, status.maintenance.workloads);
    List<String> restarted =
        ctx.restartSecretReaders(m, status.maintenance.workloads, status.promotion.promotedAt);
    Downtimes.end(status, now);
    status.completedAt = Transitions.timestamp(now);
    String key = m.getSpec().app.databaseUrlSecret.key;
    String promoted =
        key
            + " of Secret "
            + m.getSpec().app.databaseUrlSecret.name
            + " points to the destination; the previous value is kept under "
            + status.promotion.aliasKey
            + ".";
    Transitions.condition(
        m, status, Conditions.Type.PROMOTED, true, Conditions.Reason.PROMOTED, promoted, now);
    Transitions.condition(
        m,
        status,
        Conditions.Type.MAINTENANCE_MODE,
        false,
        Conditions.Reason.APP_RESTORED,
        "Restored " + MaintenanceOnHandler.describe(status.maintenance.workloads) + ".",
        now);
    Transitions.moveTo(
        status,
        Phase.Completed,
        promoted
            + " The app is back after "
            + status.downtime.seconds
            + "s of downtime"
            + (restarted.isEmpty() ? "" : "; restarted " + String.join(", ", restarted))
            + ". The source stays read-only; to delete it set spec.destroySource.confirm to "
            + m.getSpec().source.connectionSecret.name
            + ".");
    return Step.waitForChange();
  }
}
