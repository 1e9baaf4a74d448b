package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Maintenance;
import io.pgmigration.operator.phase.port.Ports;
import java.time.Duration;
import java.util.List;

/**
 * Undoes a migration that stopped between MaintenanceOn and Migrated: the copy Job is stopped, the
 * app's workloads get back exactly what was recorded, the source fence is lifted, and the
 * DATABASE_URL is left as it was. The destination is kept for inspection. The rollback is marked in
 * status before it runs ({@link StatusDraft#rollBack}) and every step is idempotent, so an operator
 * restarted half-way simply runs it again.
 */
final class RollbackHandler implements PhaseHandler {
  static final Duration RETRY = Duration.ofSeconds(10);

  @Override
  public Step handle(StatusDraft d, Ports ports) {
    PostgresMigrationStatus status = d.status();
    if (status.progress != null && status.progress.jobName != null) {
      ports.copying().deleteCopyJob(d.migration(), status.progress.jobName);
    }
    Maintenance maintenance = status.maintenance;
    String fenceProblem = null;
    if (maintenance != null && Boolean.TRUE.equals(maintenance.sourceFenced)) {
      try {
        ports.maintenance().liftSourceFence(d.migration());
        maintenance.sourceFenced = false;
      } catch (RuntimeException e) {
        // The app comes back even so: it must never be left scaled to zero waiting for a server.
        fenceProblem = e.getMessage();
      }
    }
    ports
        .maintenance()
        .restoreWorkloads(d.migration(), maintenance == null ? List.of() : maintenance.workloads);
    String reason = StatusDraft.sentence(status.rollback.reason);
    if (fenceProblem != null) {
      d.message(
          reason
              + " Rolling back: the app's workloads are restored, but the source is still"
              + " read-only because lifting the fence failed ("
              + fenceProblem
              + "); retrying every "
              + RETRY.toSeconds()
              + "s.");
      return Step.after(RETRY);
    }
    if (status.downtime != null && status.downtime.startedAt != null) {
      Downtimes.end(d);
    }
    Phase end = status.rollback.endPhase;
    String why = status.rollback.reason;
    status.completedAt = d.timestamp();
    status.rollback = null;
    d.moveTo(
        end,
        reason
            + " Rolled back: the source is writable, the app's workloads are as they were, and"
            + " the app's DATABASE_URL is unchanged; the destination is kept for inspection.");
    if (maintenance != null) {
      d.condition(
          Conditions.Type.MAINTENANCE_MODE,
          false,
          Conditions.Reason.ROLLED_BACK,
          "The app is back on the source.");
    }
    if (end == Phase.Failed) {
      d.condition(Conditions.Type.FAILED, true, Conditions.Reason.ROLLED_BACK, why);
    }
    return Step.waitForChange();
  }
}
