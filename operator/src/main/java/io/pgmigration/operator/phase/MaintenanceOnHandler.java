package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Durations;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Maintenance;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.RecordedWorkload;
import io.pgmigration.operator.api.v1alpha1.RollbackCause;
import io.pgmigration.operator.api.v1alpha1.Timestamps;
import io.pgmigration.operator.db.SourceFence;
import io.pgmigration.operator.phase.port.Ports;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * MaintenanceOn, in three steps, each one written to status before the next begins:
 *
 * <ol>
 *   <li>record every selected workload as it is (the downtime starts);
 *   <li>scale the Deployments and StatefulSets to zero and suspend the CronJobs, then wait up to
 *       drainTimeout for their pods and running Jobs to end;
 *   <li>mark the source as fenced, then fence it: read-only, remaining sessions ended; and read
 *       what its statistics count as written, to prove before the URL swap that nothing was. This
 *       step's status is written with the switch-over's first.
 * </ol>
 *
 * Recording before stopping means a restarted operator never takes a workload it already scaled to
 * zero for one that has "0 replicas". Marking before fencing means a rollback always lifts a fence
 * that may have been set. {@code cancel} is still honoured here, before the copy starts.
 */
record MaintenanceOnHandler(Polling polling) implements PhaseHandler {
  @Override
  public Step handle(StatusDraft d, Ports ports) {
    if (d.spec().cancel) {
      return d.rollBack(
          Phase.Cancelled,
          RollbackCause.Cancelled,
          "Cancelled by spec.cancel during maintenance, before the copy started");
    }
    if (d.status().maintenance == null) {
      return record(d, ports);
    }
    if (!Boolean.TRUE.equals(d.status().maintenance.sourceFenced)) {
      return drain(d, ports);
    }
    SourceFence.Fenced fenced = ports.maintenance().fenceSource(d.migration(), d.now());
    List<String> unended = fenced.unended();
    if (!unended.isEmpty()) {
      return d.rollBack(
          Phase.Failed,
          RollbackCause.FenceFailed,
          "Could not end "
              + unended.size()
              + " session(s) on the source, so writes to it cannot be ruled out: "
              + String.join(", ", unended)
              + ". Connect as the database owner with pg_signal_backend, or stop those clients");
    }
    // Every other session has just ended, so the counters are complete: the fence's evidence.
    d.status().maintenance.writesAtFence = fenced.writes();
    d.moveTo(Phase.Migrating, "The app is stopped and the source is read-only; copying.");
    d.condition(
        Conditions.Type.MAINTENANCE_MODE,
        true,
        Conditions.Reason.APP_STOPPED,
        "Stopped " + describe(d.status().maintenance.workloads) + "; the source is read-only.");
    // Fencing again, should the operator stop before the next write, is harmless.
    return Step.onward();
  }

  /** Step 1: every selected workload recorded as it is; the downtime starts. */
  private static Step record(StatusDraft d, Ports ports) {
    Maintenance maintenance = new Maintenance();
    maintenance.workloads = ports.maintenance().recordWorkloads(d.migration());
    maintenance.sourceFenced = false;
    d.status().maintenance = maintenance;
    Downtimes.begin(d);
    d.message(
        "Recorded "
            + describe(maintenance.workloads)
            + "; stopping them and waiting for their pods to end.");
    d.condition(
        Conditions.Type.MAINTENANCE_MODE, true, Conditions.Reason.STOPPING_WORKLOADS, d.message());
    return Step.now();
  }

  /**
   * Step 2: the workloads stopped (again, should something have scaled one up), and their pods
   * waited for until drainTimeout.
   */
  private Step drain(StatusDraft d, Ports ports) {
    Maintenance maintenance = d.status().maintenance;
    String drainTimeout = d.spec().app.maintenance.drainTimeout;
    Instant began = Instant.parse(d.status().downtime.startedAt);
    Instant giveUp = began.plus(Durations.parse(drainTimeout));
    // During the first seconds a look watches the pods end, as far as drainTimeout allows; after
    // that, a slow app is looked at now and then.
    boolean first = d.now().isBefore(began.plus(Polling.FIRST_DRAIN));
    Duration wait =
        first && d.now().isBefore(giveUp)
            ? Collections.min(List.of(polling.drainFirst(), Duration.between(d.now(), giveUp)))
            : Duration.ZERO;
    List<String> left =
        ports
            .maintenance()
            .stopWorkloads(
                d.migration(), maintenance.workloads, maintenance.stoppedAt == null, wait);
    if (maintenance.stoppedAt == null) {
      maintenance.stoppedAt = d.timestamp();
    }
    if (left.isEmpty()) {
      d.status().maintenance.sourceFenced = true;
      d.message("The app is stopped; fencing the source (read-only, sessions ended).");
      return Step.now();
    }
    if (!d.now().plus(wait).isBefore(giveUp)) {
      return d.rollBack(
          Phase.Failed,
          RollbackCause.DrainTimeout,
          left.size()
              + " pod(s) of the app were still running after drainTimeout ("
              + drainTimeout
              + "): "
              + String.join(", ", left));
    }
    d.message(
        "Waiting until "
            + Timestamps.of(giveUp)
            + " for "
            + left.size()
            + " pod(s) of the app to end: "
            + String.join(", ", left));
    // The app's pods are not the operator's, so they are watched only during a look, not cached.
    // The status is written only now and then while the looks follow each other.
    return first ? Step.quietlyAfter(Duration.ZERO) : Step.after(polling.drain());
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
