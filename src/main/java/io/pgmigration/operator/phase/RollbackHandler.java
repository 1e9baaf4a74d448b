package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Maintenance;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Undoes a migration that stopped between MaintenanceOn and Migrated: the copy Job is stopped, the
 * app's workloads get back exactly what was recorded, the source fence is lifted, and the
 * DATABASE_URL is left as it was. The destination is kept for inspection. The rollback is marked in
 * status before it runs ({@link #begin}) and every step is idempotent, so an operator restarted
 * half-way simply runs it again.
 */
final class RollbackHandler implements PhaseHandler {
  static final Duration RETRY = Duration.ofSeconds(10);

  /** Marks {@code status} for rollback; the rollback itself runs from the next reconcile on. */
  static Step begin(
      PostgresMigration m,
      PostgresMigrationStatus status,
      Phase endPhase,
      String reason,
      Instant now) {
    // Checked now, not when the rollback ends, so an impossible end is never marked.
    Transitions.requireLegal(status, endPhase);
    PostgresMigrationStatus.Rollback rollback = new PostgresMigrationStatus.Rollback();
    rollback.reason = reason;
    rollback.endPhase = endPhase;
    rollback.startedAt = Transitions.timestamp(now);
    status.rollback = rollback;
    status.message = sentence(reason) + " Rolling back.";
    return Step.now();
  }

  @Override
  public Step handle(PostgresMigration m, PostgresMigrationStatus status, PhaseContext ctx) {
    Instant now = ctx.now();
    if (status.progress != null && status.progress.jobName != null) {
      ctx.deleteCopyJob(m, status.progress.jobName);
    }
    Maintenance maintenance = status.maintenance;
    String fenceProblem = null;
    if (maintenance != null && Boolean.TRUE.equals(maintenance.sourceFenced)) {
      try {
        ctx.liftSourceFence(m);
        maintenance.sourceFenced = false;
      } catch (RuntimeException e) {
        // The app comes back even so: it must never be left scaled to zero waiting for a server.
        fenceProblem = e.getMessage();
      }
    }
    ctx.restoreWorkloads(m, maintenance == null ? List.of() : maintenance.workloads);
    if (fenceProblem != null) {
      status.message =
          sentence(status.rollback.reason)
              + " Rolling back: the app's workloads are restored, but the source is still"
              + " read-only because lifting the fence failed ("
              + fenceProblem
              + "); retrying every "
              + RETRY.toSeconds()
              + "s.";
      return Step.after(RETRY);
    }
    if (status.downtime != null && status.downtime.startedAt != null) {
      Downtimes.end(status, now);
    }
    Phase end = status.rollback.endPhase;
    String reason = status.rollback.reason;
    status.completedAt = Transitions.timestamp(now);
    status.rollback = null;
    Transitions.moveTo(
        status,
        end,
        sentence(reason)
            + " Rolled back: the source is writable, the app's workloads are as they were, and"
            + " the app's DATABASE_URL is unchanged; the destination is kept for inspection.");
    if (maintenance != null) {
      Transitions.condition(
          m,
          status,
          Conditions.Type.MAINTENANCE_MODE,
          false,
          Conditions.Reason.ROLLED_BACK,
          "The app is back on the source.",
          now);
    }
    if (end == Phase.Failed) {
      Transitions.condition(
          m, status, Conditions.Type.FAILED, true, Conditions.Reason.ROLLED_BACK, reason, now);
    }
    return Step.waitForChange();
  }

  /** The reason as a sentence: a full stop added unless it already ends like one. */
  private static String sentence(String reason) {
    return reason.matches("(?s).*[.?!]$") ? reason : reason + ".";
  }
}
