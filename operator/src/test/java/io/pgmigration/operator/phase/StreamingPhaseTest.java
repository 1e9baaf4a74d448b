package io.pgmigration.operator.phase;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Method;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.ReplicationStage;
import io.pgmigration.operator.phase.port.Copying.CopyJob;
import io.pgmigration.operator.phase.port.Replication;
import io.pgmigration.operator.testing.Manifests;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The Streaming method's transitions, with the outside world scripted: the setup while the app
 * runs, the lag while Ready, the switch-over, and a replication that is dropped in every way a
 * migration can end.
 */
class StreamingPhaseTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final PhaseMachine machine = new PhaseMachine();
  private final ScriptedWorld ctx = new ScriptedWorld(T0);

  private static PostgresMigration migration() {
    PostgresMigration m = Manifests.quickstartMigration();
    m.getMetadata().setNamespace("ns");
    m.getMetadata().setUid("0b6e2c1a-7d3f-4c55-9a51-9f3e2b8d7c10");
    m.getMetadata().setGeneration(1L);
    m.getSpec().method = Method.Streaming;
    return m;
  }

  private PhaseMachine.Result step(PostgresMigration m) {
    PhaseMachine.Result r = machine.next(m, ctx.ports());
    m.setStatus(r.status());
    return r;
  }

  /** Steps until the phase is {@code phase}, at most {@code max} times. */
  private void stepUntil(PostgresMigration m, Phase phase, int max) {
    for (int i = 0; i < max && (m.getStatus() == null || m.getStatus().phase != phase); i++) {
      step(m);
    }
    assertThat(m.getStatus().phase).isEqualTo(phase);
  }

  private String schemaJob(PostgresMigration m) {
    return m.getStatus().replication.schemaJob;
  }

  /** A Streaming migration whose checks passed and whose schema Job was just created. */
  private PostgresMigration copyingSchema() {
    PostgresMigration m = migration();
    step(m); // Preparing
    step(m); // checks pass: the setup begins
    step(m); // the schema Job is created
    return m;
  }

  /** Copying the schema, then subscribed, synced, and the vacuum Job just created. */
  private PostgresMigration vacuuming() {
    PostgresMigration m = copyingSchema();
    ctx.copying.jobs.put(schemaJob(m), CopyJob.State.Succeeded);
    step(m); // Subscribing
    step(m); // Syncing: every table streams
    step(m); // the vacuum Job is created
    return m;
  }

  /** A Streaming migration prepared up to Ready: schema copied, every table streaming. */
  private PostgresMigration ready() {
    PostgresMigration m = vacuuming();
    ctx.copying.jobs.put(m.getStatus().replication.vacuumJob, CopyJob.State.Succeeded);
    stepUntil(m, Phase.Ready, 2);
    return m;
  }

  @Test
  void preparingSetsUpStreamingWhileTheAppRunsAndIsReadyOnceEveryTableStreams() {
    PostgresMigration m = migration();
    step(m);
    PhaseMachine.Result r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.Preparing);
    assertThat(r.status().replication.stage).isEqualTo(ReplicationStage.CopyingSchema);
    assertThat(r.status().replication.name).isEqualTo("pgmo_0b6e2c1a7d3f4c559a519f3e2b8d7c10");
    assertThat(schemaJob(m)).startsWith("example-app-migration-schema-");
    assertThat(ConditionWriter.find(r.status(), Conditions.Type.PREPARED).getReason())
        .isEqualTo(Conditions.Reason.SETTING_UP_REPLICATION);

    r = step(m);
    assertThat(ctx.copying.jobsCreated).isEqualTo(1);
    assertThat(r.status().message).contains("Copying the schema");
    int checkRuns = ctx.preparation.checkRuns;
    step(m);
    assertThat(ctx.copying.jobsCreated).as("one schema Job").isEqualTo(1);
    assertThat(ctx.preparation.checkRuns)
        .as("the checks are not repeated during the setup")
        .isEqualTo(checkRuns);

    ctx.copying.jobs.put(schemaJob(m), CopyJob.State.Succeeded);
    assertThat(step(m).status().replication.stage).isEqualTo(ReplicationStage.Subscribing);
    assertThat(step(m).status().replication.stage).isEqualTo(ReplicationStage.Syncing);
    assertThat(ctx.replication.replicating).isTrue();

    ctx.replication.state = new Replication.State(4, 1, 0, true, 5_000_000, 3, 16_777_216);
    r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.Preparing);
    assertThat(r.status().progress.display).isEqualTo("24%");
    assertThat(r.status().message).contains("1 of 4 tables");

    ctx.replication.state = new Replication.State(4, 4, 0, true, 2048, 1, 16_777_216);
    r = step(m);
    assertThat(r.status().replication.stage).isEqualTo(ReplicationStage.Vacuuming);
    assertThat(r.status().replication.vacuumJob).startsWith("example-app-migration-vacuum-");
    r = step(m);
    assertThat(r.status().phase).as("waits for the vacuum").isEqualTo(Phase.Preparing);
    assertThat(ctx.copying.jobsCreated).isEqualTo(2);
    ctx.copying.jobs.put(r.status().replication.vacuumJob, CopyJob.State.Succeeded);
    r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.Ready);
    assertThat(r.status().replication.stage).isEqualTo(ReplicationStage.Streaming);
    assertThat(r.status().progress.lagBytes).isEqualTo(2048);
    assertThat(r.status().progress.display).isEqualTo("lag 1s");
    assertThat(r.status().message).contains("Set spec.start to true", "2048 bytes (1s) behind");
    assertThat(r.step().requeueAfter())
        .as("Ready's handler runs at once, to begin the verification while Ready")
        .contains(Duration.ZERO);
    r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.Ready);
    assertThat(r.step().requeueAfter()).contains(Polling.DEFAULT.lag());
  }

  @Test
  void aVacuumThatFailsDoesNotStopTheMigration() {
    PostgresMigration m = vacuuming();
    ctx.copying.jobs.put(m.getStatus().replication.vacuumJob, CopyJob.State.Failed);
    PhaseMachine.Result r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.Ready);
    assertThat(r.status().message).contains("Vacuuming the destination failed");
  }

  @Test
  void readyKeepsTheLagInStatusAndSaysWhatKeepsItBack() {
    PostgresMigration m = ready();
    ctx.replication.state = new Replication.State(3, 3, 2, false, 90_000, 12, 16_777_216);
    PhaseMachine.Result r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.Ready);
    assertThat(r.status().progress.lagSeconds).isEqualTo(12);
    assertThat(r.status().message)
        .contains("90000 bytes (12s) behind", "worker is not running", "2 error(s)");
    assertThat(r.step().requeueAfter()).contains(Polling.DEFAULT.lag());
  }

  @Test
  void aSchemaCopyThatFailsEndsThePreparationWithNothingLeftRunning() {
    PostgresMigration m = copyingSchema();
    ctx.copying.jobs.put(schemaJob(m), CopyJob.State.Failed);
    PhaseMachine.Result r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.PrepareFailed);
    assertThat(r.status().message).contains("schema copy Job", "empty it before preparing again");
    assertThat(r.status().replication.stage).isEqualTo(ReplicationStage.Dropped);
    assertThat(ctx.copying.jobs).doesNotContainKey(schemaJob(m));
  }

  @Test
  void aSchemaJobWhosePodCannotRunEndsThePreparationOnceTheWatchdogsLimitIsReached() {
    PostgresMigration m = copyingSchema();
    ctx.copying.stuckSince.put(schemaJob(m), T0);
    ctx.now = T0.plus(Watchdog.DEFAULT.stuckPod()).minusSeconds(1);
    assertThat(step(m).status().phase).as("not yet").isEqualTo(Phase.Preparing);
    ctx.now = T0.plus(Watchdog.DEFAULT.stuckPod());
    PhaseMachine.Result r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.PrepareFailed);
    assertThat(r.status().message).contains("pod could not run for longer than 180 s");
    assertThat(ctx.copying.jobs).doesNotContainKey(schemaJob(m));
  }

  @Test
  void aVacuumJobWhosePodCannotRunIsGivenUpAndTheMigrationGoesOn() {
    PostgresMigration m = vacuuming();
    String vacuum = m.getStatus().replication.vacuumJob;
    ctx.copying.stuckSince.put(vacuum, T0);
    ctx.now = T0.plus(Watchdog.DEFAULT.stuckPod());
    PhaseMachine.Result r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.Ready);
    assertThat(r.status().message).contains("Vacuuming the destination failed");
    assertThat(ctx.copying.jobs).doesNotContainKey(vacuum);
  }

  @Test
  void theSwitchOverWaitsForTheDestinationThenCompletesTheReplicaAndDropsTheSlot() {
    PostgresMigration m = ready();
    m.getSpec().start = true;
    stepUntil(m, Phase.Migrating, 8);
    assertThat(ctx.maintenance.fenced).isTrue();

    ctx.replication.behind = 4096L;
    PhaseMachine.Result r = step(m);
    assertThat(r.status().replication.cutoverLsn).isEqualTo("0/3000148");
    r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.Migrating);
    assertThat(r.status().progress.display).isEqualTo("catching up");
    assertThat(r.step().requeueAfter()).contains(Polling.DEFAULT.catchUp());
    assertThat(ctx.replication.replicating).as("the slot stays until caught up").isTrue();

    ctx.replication.behind = 0L;
    r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.Verifying);
    assertThat(ctx.replication.replicasCompleted).isEqualTo(1);
    assertThat(ctx.replication.replicating).isFalse();
    assertThat(r.status().replication.stage).isEqualTo(ReplicationStage.Dropped);
    assertThat(r.status().progress.display).isEqualTo("100%");
    assertThat(ConditionWriter.find(r.status(), Conditions.Type.COPIED).getMessage())
        .contains("every change up to 0/3000148", "2 sequence(s) set", "slot pgmo_");

    stepUntil(m, Phase.Completed, 4);
    assertThat(ctx.replication.replicationDrops).as("dropped once").isEqualTo(1);
    assertThat(ctx.promotion.databaseUrl).isEqualTo("destination");
  }

  /** A started migration in the switch-over, the destination 4096 bytes behind. */
  private PostgresMigration catchingUp() {
    PostgresMigration m = ready();
    m.getSpec().start = true;
    stepUntil(m, Phase.Migrating, 8);
    ctx.replication.behind = 4096L;
    step(m);
    return m;
  }

  @Test
  void applyErrorsDuringTheSwitchOverRollBackAndDropTheSlot() {
    PostgresMigration m = catchingUp();
    ctx.replication.state = new Replication.State(3, 3, 1, true, 4096, 0, 16_777_216);
    stepUntil(m, Phase.Failed, 3);
    assertThat(m.getStatus().message).contains("1 error(s) applying the last changes");
    assertThat(ctx.replication.replicating).isFalse();
    assertThat(ctx.maintenance.fenced).isFalse();
    assertThat(ctx.maintenance.replicas).containsEntry("Deployment/web", 2);
    assertThat(ctx.promotion.databaseUrl).isEqualTo("source");
  }

  @Test
  void aDestinationThatCannotCatchUpInTimeRollsBack() {
    PostgresMigration m = catchingUp();
    step(m);
    ctx.now = T0.plus(StreamingSwitchover.CATCH_UP_TIMEOUT).plusSeconds(1);
    stepUntil(m, Phase.Failed, 3);
    assertThat(m.getStatus().message).contains("still 4096 bytes of WAL behind");
    assertThat(ctx.replication.replicating).isFalse();
  }

  @Test
  void cancelAndAnExpiredWindowDropTheReplication() {
    PostgresMigration cancelled = ready();
    cancelled.getSpec().cancel = true;
    PhaseMachine.Result r = step(cancelled);
    assertThat(r.status().phase).isEqualTo(Phase.Cancelled);
    assertThat(ctx.replication.replicating).isFalse();
    assertThat(r.status().message).contains("Dropped the slot pgmo_");

    PostgresMigration expired = ready();
    ctx.now = T0.plus(Duration.ofDays(2));
    assertThat(step(expired).status().phase).isEqualTo(Phase.Expired);
    assertThat(ctx.replication.replicating).isFalse();
    assertThat(expired.getStatus().replication.stage).isEqualTo(ReplicationStage.Dropped);
  }

  @Test
  void aDropThatFailsIsRetriedUntilNoSlotIsLeft() {
    PostgresMigration m = ready();
    m.getSpec().cancel = true;
    ctx.replication.dropFailure = new IllegalStateException("connection refused");
    PhaseMachine.Result r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.Cancelled);
    assertThat(r.status().message).contains("could not be dropped", "connection refused");
    assertThat(r.step().requeueAfter()).contains(ReplicationCleanup.RETRY);
    r = step(m);
    assertThat(r.status().message)
        .as("said once, not once per retry")
        .containsOnlyOnce("could not be dropped");

    ctx.replication.dropFailure = null;
    r = step(m);
    assertThat(ctx.replication.replicating).isFalse();
    assertThat(r.status().replication.stage).isEqualTo(ReplicationStage.Dropped);
    assertThat(r.status().message).doesNotContain("could not be dropped");
    assertThat(step(m).step().requeueAfter()).as("then nothing more to do").isEmpty();
  }

  @Test
  void deletingAReadyStreamingMigrationDropsTheReplicationFirst() {
    PostgresMigration m = ready();
    assertThat(m.getStatus().safeToDelete()).isFalse();
    PostgresMigrationStatus after = machine.cleanup(m, ctx.ports()).status();
    assertThat(ctx.replication.replicating).isFalse();
    assertThat(after.safeToDelete()).isTrue();
  }
}
