package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Durations;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Maintenance;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.RecordedWorkload;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * MaintenanceOn, in three steps, each one written to status before the next begins:
 *
 * <ol>
 *   <li>record every selected workload as it is (the downtime starts);
 *   <li>scale the Deployments and StatefulSets to zero and suspend the CronJobs, then wait up to
 *       drainTimeout for their pods and running Jobs to end;
 *   <li>mark the source as fenced, then fence it: read-only, remaining sessions ended.
 * </ol>
 *
 * Recording before stopping means a restarted operator never takes a workload it already scaled to
 * zero for one that has "0 replicas". Marking before fencing means a rollback always lifts a fence
 * that may have been set. {@code cancel} is still honoured here, before the copy starts.
 */
final class MaintenanceOnHandler implements PhaseHandler {
  /**
   * How often the drain is looked at: often at first, since every moment of it is downtime and an
   * app that stops on SIGTERM is gone in a second or two; then less often, for a slow one.
   */
  static final Duration POLL_FIRST = Duration.ofMillis(250);

  static final Duration POLL = Duration.ofSeconds(2);
  static final Duration FIRST_POLLS = Duration.ofSeconds(10);

  @Override
  public Step handle(PostgresMigration m, PostgresMigrationStatus status, PhaseContext ctx) {
    Instant now = ctx.now();
    if (m.getSpec().cancel) {
      return RollbackHandler.begin(
          m,
          status,
          Phase.Cancelled,
          "Cancelled by spec.cancel during maintenance, before the copy started",
          now);
    }
    if (status.maintenance == null) {
      Maintenance maintenance = new Maintenance();
      maintenance.workloads = ctx.recordWorkloads(m);
      maintenance.sourceFenced = false;
      status.maintenance = maintenance;
      Downtimes.begin(status, now);
      status.message =
          "Recorded "
              + describe(maintenance.workloads)
              + "; stopping them and waiting for their pods to end.";
      Transitions.condition(
          m,
          status,
          Conditions.Type.MAINTENANCE_MODE,
          true,
          Conditions.Reason.STOPPING_WORKLOADS,
          status.message,
          now);
      return Step.now();
    }
    List<RecordedWorkload> workloads = status.maintenance.workloads;
    if (!Boolean.TRUE.equals(status.maintenance.sourceFenced)) {
      for (RecordedWorkload w : workloads) {
        ctx.stopWorkload(m, w);
      }
      List<String> left = ctx.remainingPods(m, workloads);
      if (!left.isEmpty()) {
        Duration drain = Durations.parse(m.getSpec().app.maintenance.drainTimeout);
        Instant giveUp = Instant.parse(status.downtime.startedAt).plus(drain);
        if (!now.isBefore(giveUp)) {
          return RollbackHandler.begin(
              m,
              status,
              Phase.Failed,
              left.size()
                  + " pod(s) of the app were still running after drainTimeout ("
                  + m.getSpec().app.maintenance.drainTimeout
                  + "): "
                  + String.join(", ", left),
              now);
        }
        status.message =
            "Waiting until "
                + Transitions.timestamp(giveUp)
                + " for "
                + left.size()
                + " pod(s) of the app to end: "
                + String.join(", ", left);
        Instant began = Instant.parse(status.downtime.startedAt);
        return Step.after(now.isBefore(began.plus(FIRST_POLLS)) ? POLL_FIRST : POLL);
      }
      status.maintenance.sourceFenced = true;
      status.message = "The app is stopped; fencing the source (read-only, sessions ended).";
      return Step.now();
    }
    List<String> unended = ctx.fenceSource(m);
    if (!unended.isEmpty()) {
      return RollbackHandler.begin(
          m,
          status,
          Phase.Failed,
          "Could not end "
              + unended.size()
              + " session(s) on the source, so writes to it cannot be ruled out: "
              + String.join(", ", unended)
              + ". Connect as the database owner with pg_signal_backend, or stop those clients",
          now);
    }
    Transitions.moveTo(
        status, Phase.Migrating, "The app is stopped and the source is read-only; copying.");
    Transitions.condition(
        m,
        status,
        Conditions.Type.MAINTENANCE_MODE,
        true,
        Conditions.Reason.APP_STOPPED,
        "Stopped " + describe(workloads) + "; the source is read-only.",
        now);
    return Step.now();
  }

  /** "3 workloads (Deployment web, Deployment worker, CronJob nightly-report)". */
  static String describe(List<RecordedWorkload> workloads) {
    if (workloads.isEmpty()) {
      return "no workloads";
    }
    return workloads.size()
        + (workloads.size() == 1 ? " workload (" : " workloads (")
        + workloads.stream().map(w -> w.kind + " " + w.name).collect(Collectors.joining(", "))
        + ")";
  }
}
