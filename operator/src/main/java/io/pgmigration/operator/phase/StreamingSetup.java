package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Checks;
import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Progress;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.ReplicationStage;
import io.pgmigration.operator.db.LogicalReplication;
import io.pgmigration.operator.k8s.CopyJobBuilder;
import io.pgmigration.operator.phase.port.Copying.CopyJob;
import io.pgmigration.operator.phase.port.Ports;
import io.pgmigration.operator.phase.port.Replication;
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
record StreamingSetup(Polling polling, Watchdog watchdog) {
  /** Whether the setup has begun and the replication does not stream yet. */
  static boolean underway(PostgresMigrationStatus status) {
    var r = status.replication;
    return r != null
        && switch (r.stage) {
          case CopyingSchema, Subscribing, Syncing, Vacuuming -> true;
          case Streaming, Dropped -> false;
        };
  }

  /** Whether the replication streams: the setup is done. */
  static boolean streaming(PostgresMigrationStatus status) {
    return status.replication != null && status.replication.stage == ReplicationStage.Streaming;
  }

  /** Starts the setup: the checks have passed, and nothing is set up yet. */
  static Step begin(StatusDraft d, String summary) {
    var r = new PostgresMigrationStatus.Replication();
    r.name = LogicalReplication.name(d.migration().getMetadata().getUid());
    r.stage = ReplicationStage.CopyingSchema;
    r.schemaJob =
        CopyJobBuilder.name(d.migration(), CopyJobBuilder.Kind.Schema, d.status().preparedSpecHash);
    d.status().replication = r;
    d.status().onlineVerification = null;
    d.message(
        summary
            + ". Setting up streaming while the app keeps running: copying the schema with Job "
            + r.schemaJob
            + ".");
    d.condition(
        Conditions.Type.PREPARED, false, Conditions.Reason.SETTING_UP_REPLICATION, d.message());
    return Step.now();
  }

  /** Takes the setup one stage further. */
  Step advance(StatusDraft d, Ports ports) {
    var r = d.status().replication;
    return switch (r.stage) {
      case CopyingSchema -> schema(d, ports);
      case Subscribing -> {
        ports.replication().startReplication(d.migration(), r.name);
        r.stage = ReplicationStage.Syncing;
        d.message("Subscribed; the destination copies every table while the app runs.");
        yield Step.now();
      }
      case Syncing -> syncing(d, ports);
      case Vacuuming -> vacuum(d, ports);
      case Streaming, Dropped ->
          throw new IllegalStateException("the replication's setup is over: " + r.stage);
    };
  }

  private Step schema(StatusDraft d, Ports ports) {
    var r = d.status().replication;
    CopyJob job =
        ports.copying().copyJob(d.migration(), CopyJobBuilder.Kind.Schema, r.schemaJob, true);
    return switch (job.state()) {
      case Succeeded -> {
        r.stage = ReplicationStage.Subscribing;
        d.message(
            "The schema is copied; publishing the source's tables and subscribing the"
                + " destination to them ("
                + r.name
                + ").");
        yield Step.now();
      }
      case Failed, Missing ->
          fail(
              d,
              "The schema copy Job "
                  + r.schemaJob
                  + " failed: "
                  + (job.detail() == null ? "it disappeared" : job.detail()));
      case Running -> {
        if (watchdog.givesUpOnPod(job.stuckSince(), d.now())) {
          yield fail(
              d,
              "The schema copy Job "
                  + r.schemaJob
                  + "'s pod could not run for longer than "
                  + watchdog.stuckPod().toSeconds()
                  + " s: "
                  + job.detail());
        }
        d.message(
            "Copying the schema to the destination with Job "
                + r.schemaJob
                + (job.detail() == null ? "" : " (" + job.detail() + ")")
                + ".");
        // The Job's end is watched; this only refreshes what its pod waits for.
        yield Step.after(polling.replicationSetup());
      }
    };
  }

  private Step syncing(StatusDraft d, Ports ports) {
    var r = d.status().replication;
    Replication.State state = ports.replication().replication(d.migration(), r.name);
    Progress p = progress(d, state);
    if (state.tables() > 0 && state.synced() == state.tables()) {
      r.stage = ReplicationStage.Vacuuming;
      r.vacuumJob =
          CopyJobBuilder.name(
              d.migration(), CopyJobBuilder.Kind.Vacuum, d.status().preparedSpecHash);
      p.percent = 99;
      p.display = "99%";
      d.message(
          "Every table is copied and streams; vacuuming and analyzing the destination with"
              + " Job "
              + r.vacuumJob
              + ", so the switch-over and the app's first queries find it ready.");
      return Step.now();
    }
    p.percent = state.tables() == 0 ? 0 : 99 * state.synced() / state.tables();
    p.display = p.percent + "%";
    d.message(
        "Initial copy while the app runs: "
            + state.synced()
            + " of "
            + state.tables()
            + " tables copied and streaming."
            + trouble(state));
    return Step.after(polling.replicationSetup());
  }

  private Step vacuum(StatusDraft d, Ports ports) {
    var r = d.status().replication;
    CopyJob vacuum =
        ports.copying().copyJob(d.migration(), CopyJobBuilder.Kind.Vacuum, r.vacuumJob, true);
    boolean stuck = watchdog.givesUpOnPod(vacuum.stuckSince(), d.now());
    if (vacuum.state() == CopyJob.State.Running && !stuck) {
      return Step.after(polling.replicationSetup());
    }
    if (stuck) {
      ports.copying().deleteCopyJob(d.migration(), r.vacuumJob);
    }
    r.stage = ReplicationStage.Streaming;
    PreparingHandler.ready(d, Checks.summary(d.status().checks));
    observe(d, ports.replication());
    if (vacuum.state() != CopyJob.State.Succeeded) {
      // Not a reason to stop: the destination only reads slower until autovacuum gets there.
      d.message(
          d.message()
              + " Vacuuming the destination failed ("
              + (vacuum.detail() == null ? "the Job disappeared" : vacuum.detail())
              + "); the switch-over's verification may take longer.");
    }
    // Ready at once: its handler arms the verification while Ready without waiting for a poll.
    return Step.now();
  }

  /** Ready: keeps the lag in status, and says so in the message. */
  static void observe(StatusDraft d, Replication replication) {
    d.waitForStart(Checks.summary(d.status().checks), Instant.parse(d.status().readyDeadline));
    Replication.State state;
    try {
      state = replication.replication(d.migration(), d.status().replication.name);
    } catch (RuntimeException e) {
      // The lag is for show; the checks at start decide whether the migration may begin.
      d.message(d.message() + " The replication's lag could not be read: " + e.getMessage());
      return;
    }
    Progress p = progress(d, state);
    p.percent = 100;
    p.display = "lag " + state.lagSeconds() + "s";
    d.message(
        d.message()
            + " Streaming: the destination follows the source, "
            + state.lagBytes()
            + " bytes ("
            + state.lagSeconds()
            + "s) behind."
            + trouble(state));
  }

  private static Step fail(StatusDraft d, String reason) {
    d.moveTo(
        Phase.PrepareFailed,
        reason + ". The destination may hold part of the schema: empty it before preparing again.");
    d.condition(Conditions.Type.PREPARED, false, Conditions.Reason.REPLICATION_FAILED, reason);
    return Step.waitForChange();
  }

  private static Progress progress(StatusDraft d, Replication.State state) {
    Progress p = d.progress();
    p.tablesTotal = state.tables();
    p.tablesDone = state.synced();
    p.lagBytes = state.lagBytes();
    p.lagSeconds = state.lagSeconds();
    p.walRetainedBytes = state.retainedBytes();
    return p;
  }

  /** What may keep the replication from catching up, in a sentence; empty when nothing. */
  private static String trouble(Replication.State state) {
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
}
