package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Method;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Progress;
import io.pgmigration.operator.k8s.CopyJobBuilder;
import java.time.Duration;
import java.time.Instant;

/**
 * Migrating: for the Streaming method, the switch-over ({@link StreamingSwitchover}); for Snapshot,
 * one copy Job per prepared spec, created once and then only watched. Its name comes from the spec
 * hash, so a restarted operator finds the Job it created instead of starting a second copy; a Job
 * that vanished before it finished fails the migration rather than copying into a half-restored
 * destination again. Progress is read from the destination while the Job runs.
 */
final class MigratingHandler implements PhaseHandler {
  static final Duration POLL = Duration.ofSeconds(5);

  @Override
  public Step handle(PostgresMigration m, PostgresMigrationStatus status, PhaseContext ctx) {
    Instant now = ctx.now();
    CancelRefusal.check(m, status, ctx);
    if (m.getSpec().method == Method.Streaming) {
      return StreamingSwitchover.handle(m, status, ctx);
    }
    String name = CopyJobBuilder.name(m, status.preparedSpecHash);
    boolean created = status.progress != null && status.progress.jobName != null;
    PhaseContext.CopyJob job = ctx.copyJob(m, CopyJobBuilder.Kind.Copy, name, !created);
    if (!created) {
      status.progress = new Progress();
      status.progress.jobName = name;
      status.progress.percent = 0;
      status.progress.display = "0%";
    }
    switch (job.state()) {
      case Missing:
        return RollbackHandler.begin(
            m,
            status,
            Phase.Failed,
            "The copy Job " + name + " disappeared before it finished; it is not started again",
            now);
      case Failed:
        Transitions.condition(
            m,
            status,
            Conditions.Type.COPIED,
            false,
            Conditions.Reason.COPY_FAILED,
            job.detail(),
            now);
        return RollbackHandler.begin(
            m, status, Phase.Failed, "The copy Job " + name + " failed: " + job.detail(), now);
      case Succeeded:
        status.progress.tablesDone = status.progress.tablesTotal;
        status.progress.bytesDone = status.progress.bytesTotal;
        status.progress.percent = 100;
        status.progress.display = "100%";
        Transitions.condition(
            m,
            status,
            Conditions.Type.COPIED,
            true,
            Conditions.Reason.COPY_SUCCEEDED,
            "The copy Job " + name + " finished.",
            now);
        Transitions.moveTo(status, Phase.Verifying, "Copied; comparing every table and sequence.");
        return Step.now();
      case Running:
      default:
        Progress read = ctx.copyProgress(m);
        if (read != null) {
          read.jobName = name;
          status.progress = read;
        }
        Progress p = status.progress;
        status.message =
            "Copying with Job "
                + name
                + (p.tablesTotal == null
                    ? ""
                    : ": " + p.tablesDone + " of " + p.tablesTotal + " tables, " + p.display)
                + (job.detail() == null ? "" : " (" + job.detail() + ")");
        Transitions.condition(
            m,
            status,
            Conditions.Type.COPIED,
            false,
            Conditions.Reason.COPY_RUNNING,
            "The copy Job " + name + " is running.",
            now);
        return Step.after(POLL);
    }
  }
}
