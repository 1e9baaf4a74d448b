package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Progress;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Replication;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.ReplicationStage;
import io.pgmigration.operator.db.LogicalReplication;
import io.pgmigration.operator.k8s.CopyJobBuilder;
import java.time.Duration;
import java.time.Instant;

/**
 * The Streaming method's part of Preparing, after the checks have passed, while the app keeps
 * running: the schema is copied by a Job, the source publishes its tables and the destination
 * subscribes to them, and the subscription copies every table. The migration is Ready once every
 * table streams, so starting it only has to wait for the last seconds of changes. Each stage is
 * written to status before the next begins, and each is idempotent.
 *
 * <p>While Ready, {@link #observe} keeps the lag in status.
 */
final class StreamingSetup {
  static final Duration POLL = Duration.ofSeconds(2);

  /** How often a Ready streaming migration's lag is read. */
  static final Duration OBSERVE = Duration.ofSeconds(10);

  private StreamingSetup() {}

  /** Whether the setup has begun and the replication does not stream yet. */
  static boolean underway(PostgresMigrationStatus status) {
    Replication r = status.replication;
    return r != null
        && (r.stage == ReplicationStage.CopyingSchema
            || r.stage == ReplicationStage.Subscribing
            || r.stage == ReplicationStage.Syncing
            || r.stage == ReplicationStage.Vacuuming);
  }

  /** Whether the replication streams: the setup is done. */
  static boolean streaming(PostgresMigrationStatus status) {
    return status.replication != null && status.replication.stage == ReplicationStage.Streaming;
  }

  /** Starts the setup: the checks have passed, and nothing is set up yet. */
  static Step begin(
      PostgresMigration m, PostgresMigrationStatus status, PhaseContext ctx, String summary) {
    Replication r = new Replication();
    r.name = LogicalReplication.name(m.getMetadata().getUid());
    r.stage = ReplicationStage.CopyingSchema;
    r.schemaJob = CopyJobBuilder.name(m, CopyJobBuilder.Kind.Schema, status.preparedSpecHash);
    status.replication = r;
    status.message =
        summary
            + ". Setting up streaming while the app keeps running: copying the schema with Job "
            + r.schemaJob
            + ".";
    Transitions.condition(
        m,
        status,
        Conditions.Type.PREPARED,
        false,
        Conditions.Reason.SETTING_UP_REPLICATION,
        status.message,
        ctx.now());
    return Step.now();
  }

  /** Takes the setup one stage further. */
  static Step advance(PostgresMigration m, PostgresMigrationStatus status, PhaseContext ctx) {
    Replication r = status.replication;
    Instant now = ctx.now();
    switch (r.stage) {
      case CopyingSchema:
        PhaseContext.CopyJob job = ctx.copyJob(m, CopyJobBuilder.Kind.Schema, r.schemaJob, true);
        switch (job.state()) {
          case Succeeded:
            r.stage = ReplicationStage.Subscribing;
            status.message =
                "The schema is copied; publishing the source's tables and subscribing the"
                    + " destination to them ("
                    + r.name
                    + ").";
            return Step.now();
          case Failed:
          case Missing:
            return fail(
                m,
                status,
                "The schema copy Job "
                    + r.schemaJob
                    + " failed: "
                    + (job.detail() == null ? "it disappeared" : job.detail()),
                now);
          case Running:
          default:
            status.message =
                "Copying the schema to the destination with Job "
                    + r.schemaJob
                    + (job.detail() == null ? "" : " (" + job.detail() + ")")
                    + ".";
            return Step.after(POLL);
        }
      case Subscribing:
        ctx.startReplication(m, r.name);
        r.stage = ReplicationStage.Syncing;
        status.message = "Subscribed; the destination copies every table while the app runs.";
        return Step.now();
      case Syncing:
        PhaseContext.ReplicationState state = ctx.replication(m, r.name);
        status.progress = progress(status.progress, state);
        if (state.tables() > 0 && state.synced() == state.tables()) {
          r.stage = ReplicationStage.Vacuuming;
          r.vacuumJob = CopyJobBuilder.name(m, CopyJobBuilder.Kind.Vacuum, status.preparedSpecHash);
          status.progress.percent = 99;
          status.progress.display = "99%";
          status.message =
              "Every table is copied and streams; vacuuming and analyzing the destination with"
                  + " Job "
                  + r.vacuumJob
                  + ", so the switch-over and the app's first queries find it ready.";
          return Step.now();
        }
        int percent = state.tables() == 0 ? 0 : 99 * state.synced() / state.tables();
        status.progress.percent = percent;
        status.progress.display = percent + "%";
        status.message =
            "Initial copy while the app runs: "
                + state.synced()
                + " of "
                + state.tables()
                + " tables copied and streaming."
                + trouble(state);
        return Step.after(POLL);
      case Vacuuming:
      default:
        PhaseContext.CopyJob vacuum = ctx.copyJob(m, CopyJobBuilder.Kind.Vacuum, r.vacuumJob, true);
        if (vacuum.state() == PhaseContext.CopyJob.State.Running) {
          return Step.after(POLL);
        }
        r.stage = ReplicationStage.Streaming;
        PreparingHandler.ready(m, status, ctx, summary(status), now);
        observe(m, status, ctx);
        if (vacuum.state() != PhaseContext.CopyJob.State.Succeeded) {
          // Not a reason to stop: the destination only reads slower until autovacuum gets there.
          status.message +=
              " Vacuuming the destination failed ("
                  + (vacuum.detail() == null ? "the Job disappeared" : vacuum.detail())
                  + "); the switch-over's verification may take longer.";
        }
        return m.getSpec().start ? Step.now() : Step.after(OBSERVE);
    }
  }

  /** Ready: keeps the lag in status, and says so in the message. */
  static void observe(PostgresMigration m, PostgresMigrationStatus status, PhaseContext ctx) {
    Transitions.waitForStart(
        m, status, summary(status), Instant.parse(status.readyDeadline), ctx.now());
    PhaseContext.ReplicationState state;
    try {
      state = ctx.replication(m, status.replication.name);
    } catch (RuntimeException e) {
      // The lag is for show; the checks at start decide whether the migration may begin.
      status.message += " The replication's lag could not be read: " + e.getMessage();
      return;
    }
    status.progress = progress(status.progress, state);
    status.progress.percent = 100;
    status.progress.display = lag(state);
    status.message += " " + streamingSentence(state);
  }

  private static Step fail(
      PostgresMigration m, PostgresMigrationStatus status, String reason, Instant now) {
    Transitions.moveTo(
        status,
        Phase.PrepareFailed,
        reason + ". The destination may hold part of the schema: empty it before preparing again.");
    Transitions.condition(
        m,
        status,
        Conditions.Type.PREPARED,
        false,
        Conditions.Reason.REPLICATION_FAILED,
        reason,
        now);
    return Step.waitForChange();
  }

  private static Progress progress(Progress before, PhaseContext.ReplicationState state) {
    Progress p = before == null ? new Progress() : before;
    p.tablesTotal = state.tables();
    p.tablesDone = state.synced();
    p.lagBytes = state.lagBytes();
    p.lagSeconds = state.lagSeconds();
    return p;
  }

  /** The PROGRESS column of a streaming replica: how far behind the source it is. */
  private static String lag(PhaseContext.ReplicationState state) {
    return "lag " + state.lagSeconds() + "s";
  }

  private static String streamingSentence(PhaseContext.ReplicationState state) {
    return "Streaming: the destination follows the source, "
        + state.lagBytes()
        + " bytes ("
        + state.lagSeconds()
        + "s) behind."
        + trouble(state);
  }

  /** What may keep the replication from catching up, in a sentence; empty when nothing. */
  private static String trouble(PhaseContext.ReplicationState state) {
    String out = "";
    if (!state.running()) {
      out += " The destination's replication worker is not running.";
    }
    if (state.errors() > 0) {
      out +=
          " The destination reported "
              + state.errors()
              + " error(s) applying changes; its server log says why.";
    }
    return out;
  }

  private static String summary(PostgresMigrationStatus status) {
    return io.pgmigration.operator.db.PreparationChecks.summary(status.checks);
  }
}
