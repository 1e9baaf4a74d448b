package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Method;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Progress;
import io.pgmigration.operator.api.v1alpha1.RollbackCause;
import io.pgmigration.operator.k8s.CopyJobBuilder;
import io.pgmigration.operator.phase.port.Copying.CopyJob;
import io.pgmigration.operator.phase.port.Ports;
import java.time.Duration;

/**
 * Migrating: for the Streaming method, the switch-over ({@link StreamingSwitchover}); for Snapshot,
 * one copy Job per prepared spec, created once and then only watched. Its name comes from the spec
 * hash, so a restarted operator finds the Job it created instead of starting a second copy; a Job
 * that vanished before it finished fails the migration rather than copying into a half-restored
 * destination again. The Job's end reaches the reconciler through its watch; progress, which
 * Kubernetes cannot tell, is read from the databases meanwhile. A Job whose pod cannot run for
 * longer than the {@link Watchdog} allows fails the migration: the app is not kept down waiting for
 * an image that cannot be pulled.
 */
record MigratingHandler(Polling polling, Watchdog watchdog, StreamingSwitchover switchover)
    implements PhaseHandler {
  @Override
  public Step handle(StatusDraft d, Ports ports) {
    CancelRefusal.check(d, ports.notices());
    if (d.spec().method == Method.Streaming) {
      return switchover.handle(d, ports);
    }
    String name = CopyJobBuilder.name(d.migration(), d.status().preparedSpecHash);
    boolean created = d.status().progress != null && d.status().progress.jobName != null;
    CopyJob job = ports.copying().copyJob(d.migration(), CopyJobBuilder.Kind.Copy, name, !created);
    if (!created) {
      Progress p = d.progress();
      p.jobName = name;
      p.percent = 0;
      p.display = "0%";
    }
    return switch (job.state()) {
      case Missing ->
          d.rollBack(
              Phase.Failed,
              RollbackCause.CopyFailed,
              "The copy Job " + name + " disappeared before it finished; it is not started again");
      case Failed -> {
        d.condition(Conditions.Type.COPIED, false, Conditions.Reason.COPY_FAILED, job.detail());
        yield d.rollBack(
            Phase.Failed,
            RollbackCause.CopyFailed,
            "The copy Job " + name + " failed: " + job.detail());
      }
      case Succeeded -> copied(d, name);
      case Running -> running(d, ports, name, job);
    };
  }

  private static Step copied(StatusDraft d, String name) {
    Progress p = d.progress();
    p.tablesDone = p.tablesTotal;
    p.bytesDone = p.bytesTotal;
    p.percent = 100;
    p.display = "100%";
    d.condition(
        Conditions.Type.COPIED,
        true,
        Conditions.Reason.COPY_SUCCEEDED,
        "The copy Job " + name + " finished.");
    d.moveTo(Phase.Verifying, "Copied; comparing every table and sequence.");
    return Step.now();
  }

  private Step running(StatusDraft d, Ports ports, String name, CopyJob job) {
    Duration left = Duration.ZERO;
    if (job.stuckSince() != null) {
      Duration stuck = Duration.between(job.stuckSince(), d.now());
      left = watchdog.stuckPod().minus(stuck);
      if (watchdog.givesUpOnPod(job.stuckSince(), d.now())) {
        String why =
            "The copy Job "
                + name
                + "'s pod could not run for "
                + stuck.toSeconds()
                + " s ("
                + job.detail()
                + "); the app is not kept down for it";
        d.condition(Conditions.Type.COPIED, false, Conditions.Reason.COPY_FAILED, why);
        return d.rollBack(Phase.Failed, RollbackCause.CopyFailed, why);
      }
    }
    Progress read = ports.copying().copyProgress(d.migration());
    if (read != null) {
      read.jobName = name;
      d.status().progress = read;
    }
    Progress p = d.progress();
    d.message(
        "Copying with Job "
            + name
            + (p.tablesTotal == null
                ? ""
                : ": " + p.tablesDone + " of " + p.tablesTotal + " tables, " + p.display)
            + (job.detail() == null ? "" : " (" + job.detail() + ")"));
    d.condition(
        Conditions.Type.COPIED,
        false,
        Conditions.Reason.COPY_RUNNING,
        "The copy Job " + name + " is running.");
    // A stuck pod is looked at again when the watchdog's limit comes, whatever the watch says.
    return Step.after(
        !left.isNegative() && !left.isZero() && left.compareTo(polling.copyProgress()) < 0
            ? left
            : polling.copyProgress());
  }
}
