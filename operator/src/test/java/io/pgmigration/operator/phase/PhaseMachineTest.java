package io.pgmigration.operator.phase;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.DestroySourceSpec;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.CheckOutcome;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.Severity;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Progress;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Verification;
import io.pgmigration.operator.api.v1alpha1.RollbackCause;
import io.pgmigration.operator.api.v1alpha1.SpecHash;
import io.pgmigration.operator.phase.port.Copying.CopyJob;
import io.pgmigration.operator.testing.Manifests;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One test per phase transition, with the outside world replaced by a scripted context. */
class PhaseMachineTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final PhaseMachine machine = new PhaseMachine();

  private final ScriptedWorld ctx = new ScriptedWorld(T0);

  private static CheckResult check(String name, Severity severity, CheckOutcome outcome) {
    return ScriptedWorld.check(name, severity, outcome);
  }

  private static PostgresMigration migration() {
    PostgresMigration m = Manifests.quickstartMigration();
    m.getMetadata().setNamespace("ns");
    m.getMetadata().setGeneration(1L);
    return m;
  }

  /** Runs one reconcile and stores the result on the migration, as the API server would. */
  private PhaseMachine.Result step(PostgresMigration m) {
    PhaseMachine.Result r = machine.next(m, ctx.ports());
    m.setStatus(r.status());
    return r;
  }

  private static PostgresMigration in(Phase phase, PostgresMigration m) {
    if (m.getStatus() == null) {
      m.setStatus(new PostgresMigrationStatus());
    }
    m.getStatus().phase = phase;
    m.getStatus().observedGeneration = m.getMetadata().getGeneration();
    return m;
  }

  private PostgresMigration ready() {
    PostgresMigration m = migration();
    step(m);
    step(m);
    assertThat(m.getStatus().phase).isEqualTo(Phase.Ready);
    return m;
  }

  @Test
  void pendingToPreparing() {
    PostgresMigration m = migration();
    PhaseMachine.Result r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.Preparing);
    assertThat(r.status().observedGeneration).isEqualTo(1);
    assertThat(r.step().requeueAfter()).isPresent();
    assertThat(ConditionWriter.find(r.status(), Conditions.Type.PREPARED).getReason())
        .isEqualTo(Conditions.Reason.RUNNING);
    assertThat(ctx.preparation.checkRuns).as("Pending runs no check").isZero();
  }

  @Test
  void pendingToCancelled() {
    PostgresMigration m = migration();
    m.getSpec().cancel = true;
    assertThat(step(m).status().phase).isEqualTo(Phase.Cancelled);
    assertThat(m.getStatus().message).contains("nothing was touched");
  }

  @Test
  void preparingToReadyOpensTheReadyWindow() {
    PostgresMigration m = in(Phase.Preparing, migration());
    PhaseMachine.Result r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.Ready);
    assertThat(r.status().readyDeadline).isEqualTo("2026-01-02T00:00:00Z");
    assertThat(r.status().checks).hasSize(1);
    assertThat(r.status().preparedSpecHash).isEqualTo(SpecHash.of(m.getSpec()));
    assertThat(r.step().requeueAfter()).contains(Duration.ofHours(24));
    Condition prepared = ConditionWriter.find(r.status(), Conditions.Type.PREPARED);
    assertThat(prepared.getStatus()).isEqualTo("True");
    assertThat(ConditionWriter.find(r.status(), Conditions.Type.READY).getStatus())
        .isEqualTo("True");
  }

  @Test
  void aMigrationAppliedWithStartSetGoesOnOnceReady() {
    PostgresMigration m = in(Phase.Preparing, migration());
    m.getSpec().start = true;
    PhaseMachine.Result r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.Ready);
    assertThat(r.step().immediate()).isTrue();
    assertThat(step(m).status().phase).isEqualTo(Phase.MaintenanceOn);
  }

  @Test
  void preparingToPrepareFailedListsEveryFailure() {
    ctx.preparation.checks =
        List.of(
            check("DestinationEmpty", Severity.Blocking, CheckOutcome.Failed),
            check("Extensions", Severity.Blocking, CheckOutcome.Failed),
            check("DestinationCapacity", Severity.Warning, CheckOutcome.Warning),
            check("ServerVersion", Severity.Blocking, CheckOutcome.Passed));
    PhaseMachine.Result r = step(in(Phase.Preparing, migration()));
    assertThat(r.status().phase).isEqualTo(Phase.PrepareFailed);
    assertThat(r.status().message)
        .startsWith(
            "Found 2 blocking issues and 1 warning: DestinationEmpty, Extensions,"
                + " DestinationCapacity");
    assertThat(r.status().checks).hasSize(4);
    assertThat(r.step().requeueAfter()).isEmpty();
    assertThat(ConditionWriter.find(r.status(), Conditions.Type.PREPARED).getStatus())
        .isEqualTo("False");
  }

  @Test
  void preparingWaitsForDatabasesThatAreNotUpYet() {
    ctx.preparation.checks =
        List.of(
            check("SourceReachable", Severity.Blocking, CheckOutcome.Failed),
            check("DestinationEmpty", Severity.Blocking, CheckOutcome.Error));
    PostgresMigration m = in(Phase.Preparing, migration());
    PhaseMachine.Result r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.Preparing);
    assertThat(r.status().message)
        .startsWith("Waiting for the databases and Secrets until 2026-01-01T00:10:00Z");
    assertThat(r.step().requeueAfter()).contains(Duration.ofSeconds(10));
    assertThat(r.status().checks).hasSize(2);

    ctx.now = T0.plus(Duration.ofMinutes(9));
    assertThat(step(m).status().phase).isEqualTo(Phase.Preparing);
    ctx.now = T0.plus(Duration.ofMinutes(10));
    assertThat(step(m).status().phase).isEqualTo(Phase.PrepareFailed);
  }

  @Test
  void definitiveFailuresAreNotWaitedFor() {
    ctx.preparation.checks =
        List.of(
            check("SourceReachable", Severity.Blocking, CheckOutcome.Failed),
            check("Extensions", Severity.Blocking, CheckOutcome.Failed));
    assertThat(step(in(Phase.Preparing, migration())).status().phase)
        .isEqualTo(Phase.PrepareFailed);
  }

  @Test
  void warningsAloneDoNotBlock() {
    ctx.preparation.checks =
        List.of(check("AppDatabaseUrl", Severity.Warning, CheckOutcome.Warning));
    assertThat(step(in(Phase.Preparing, migration())).status().phase).isEqualTo(Phase.Ready);
  }

  @Test
  void preparingToCancelled() {
    PostgresMigration m = in(Phase.Preparing, migration());
    m.getSpec().cancel = true;
    assertThat(step(m).status().phase).isEqualTo(Phase.Cancelled);
    assertThat(ctx.preparation.checkRuns).isZero();
  }

  @Test
  void prepareFailedWaitsForASpecChangeThenPreparesAgain() {
    PostgresMigration m = in(Phase.PrepareFailed, migration());
    m.getStatus().preparedSpecHash = SpecHash.of(m.getSpec());
    PhaseMachine.Result same = step(m);
    assertThat(same.status().phase).isEqualTo(Phase.PrepareFailed);
    assertThat(same.step().requeueAfter()).isEmpty();
    m.getSpec().start = true;
    m.getMetadata().setGeneration(2L);
    assertThat(step(m).status().phase)
        .as("a new generation that only sets a gate is no new spec")
        .isEqualTo(Phase.PrepareFailed);
    m.getSpec().copy.parallelism = 8;
    m.getMetadata().setGeneration(3L);
    assertThat(step(m).status().phase).isEqualTo(Phase.Preparing);
    assertThat(m.getStatus().observedGeneration).isEqualTo(3);
  }

  @Test
  void prepareFailedToCancelled() {
    PostgresMigration m = in(Phase.PrepareFailed, migration());
    m.getSpec().cancel = true;
    assertThat(step(m).status().phase).isEqualTo(Phase.Cancelled);
  }

  @Test
  void readyWaitsForStartUntilTheDeadline() {
    PostgresMigration m = ready();
    ctx.now = T0.plus(Duration.ofHours(23));
    PhaseMachine.Result r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.Ready);
    assertThat(r.step().requeueAfter()).contains(Duration.ofHours(1));
  }

  @Test
  void readyToExpired() {
    PostgresMigration m = ready();
    ctx.now = T0.plus(Duration.ofHours(24));
    PhaseMachine.Result r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.Expired);
    assertThat(r.status().message).contains("nothing was touched");
    assertThat(ConditionWriter.find(r.status(), Conditions.Type.READY).getReason())
        .isEqualTo(Conditions.Reason.EXPIRED);
  }

  @Test
  void readyToCancelled() {
    PostgresMigration m = ready();
    m.getSpec().cancel = true;
    assertThat(step(m).status().phase).isEqualTo(Phase.Cancelled);
  }

  @Test
  void readyToPreparingWhenTheSpecChanges() {
    PostgresMigration m = ready();
    m.getSpec().copy.parallelism = 4;
    m.getMetadata().setGeneration(2L);
    assertThat(step(m).status().phase).isEqualTo(Phase.Preparing);
  }

  @Test
  void gatesDoNotPrepareAgain() {
    PostgresMigration m = ready();
    m.getSpec().promote = false;
    m.getMetadata().setGeneration(2L);
    PhaseMachine.Result r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.Ready);
    assertThat(ctx.preparation.checkRuns).isEqualTo(1);
  }

  // The run: Ready -> MaintenanceOn -> Migrating -> Verifying -> Migrated -> Promoting -> Completed

  private PostgresMigration started() {
    PostgresMigration m = ready();
    m.getSpec().start = true;
    PhaseMachine.Result r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.MaintenanceOn);
    return m;
  }

  /** Runs reconciles until the phase changes (at most 10). */
  private PhaseMachine.Result until(PostgresMigration m, Phase phase) {
    PhaseMachine.Result r = null;
    for (int i = 0; i < 10 && m.getStatus().phase != phase; i++) {
      r = step(m);
    }
    assertThat(m.getStatus().phase).as(m.getStatus().message).isEqualTo(phase);
    return r;
  }

  @Test
  void readyToMaintenanceOnRunsTheChecksOnceMore() {
    PostgresMigration m = started();
    assertThat(ctx.preparation.checkRuns).isEqualTo(2);
    assertThat(m.getStatus().startedAt).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(ctx.maintenance.replicas)
        .as("nothing is stopped before it is recorded")
        .containsValue(2);
  }

  @Test
  void readyToPreparingWhenTheChecksAtStartFail() {
    PostgresMigration m = ready();
    ctx.preparation.checks =
        List.of(check("DestinationEmpty", Severity.Blocking, CheckOutcome.Failed));
    m.getSpec().start = true;
    PhaseMachine.Result r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.Preparing);
    assertThat(r.status().message).startsWith("The checks run at start found blocking issues");
    assertThat(ctx.maintenance.replicas).containsEntry("Deployment/web", 2);
  }

  @Test
  void maintenanceOnRecordsThenStopsThenFencesThenMovesToMigrating() {
    PostgresMigration m = started();
    step(m);
    assertThat(m.getStatus().maintenance.workloads)
        .extracting(w -> w.kind + "/" + w.name + "=" + w.replicas + "/" + w.suspend)
        .containsExactly("Deployment/web=2/null", "CronJob/nightly-report=null/false");
    assertThat(m.getStatus().downtime.startedAt).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(ctx.maintenance.replicas)
        .as("recorded first, stopped on the next step")
        .containsValue(2);

    ctx.maintenance.podsLeft = List.of("Pod web-1");
    PhaseMachine.Result draining = step(m);
    assertThat(ctx.maintenance.replicas)
        .containsOnly(Map.entry("Deployment/web", 0), Map.entry("CronJob/nightly-report", 0));
    assertThat(draining.status().message).contains("Pod web-1");
    assertThat(m.getStatus().maintenance.sourceFenced).isFalse();

    ctx.maintenance.podsLeft = List.of();
    step(m);
    assertThat(m.getStatus().maintenance.sourceFenced).as("marked before fencing").isTrue();
    assertThat(ctx.maintenance.fenced).isFalse();
    step(m);
    assertThat(ctx.maintenance.fenced).isTrue();
    assertThat(m.getStatus().phase).isEqualTo(Phase.Migrating);
    assertThat(ConditionWriter.find(m.getStatus(), Conditions.Type.MAINTENANCE_MODE).getStatus())
        .isEqualTo("True");
  }

  @Test
  void maintenanceOnToFailedWhenPodsOutliveTheDrainTimeout() {
    PostgresMigration m = started();
    step(m);
    ctx.maintenance.podsLeft = List.of("Pod web-1");
    step(m);
    ctx.now = T0.plus(Duration.ofMinutes(5));
    step(m);
    assertThat(m.getStatus().rollback.reason).contains("drainTimeout (5m): Pod web-1");
    assertThat(m.getStatus().rollback.cause).isEqualTo(RollbackCause.DrainTimeout);
    step(m);
    assertThat(m.getStatus().phase).isEqualTo(Phase.Failed);
    assertThat(ctx.maintenance.replicas)
        .containsEntry("Deployment/web", 2)
        .containsEntry("CronJob/nightly-report", 1);
    assertThat(m.getStatus().downtime.seconds).isEqualTo(300);
    assertThat(ConditionWriter.find(m.getStatus(), Conditions.Type.FAILED).getStatus())
        .isEqualTo("True");
  }

  @Test
  void maintenanceOnToFailedWhenSessionsCannotBeEnded() {
    PostgresMigration m = started();
    ctx.maintenance.unendedSessions = List.of("report@psql (pid 42)");
    until(m, Phase.Failed);
    assertThat(m.getStatus().message).contains("report@psql (pid 42)");
    assertThat(ctx.maintenance.fenced).as("the fence is lifted again").isFalse();
    assertThat(ctx.maintenance.replicas).containsEntry("Deployment/web", 2);
  }

  @Test
  void maintenanceOnToCancelledUndoesMaintenance() {
    PostgresMigration m = started();
    step(m);
    step(m);
    m.getSpec().cancel = true;
    until(m, Phase.Cancelled);
    assertThat(ctx.maintenance.replicas).containsEntry("Deployment/web", 2);
    assertThat(ctx.copying.jobsCreated).isZero();
    assertThat(ConditionWriter.find(m.getStatus(), Conditions.Type.FAILED)).isNull();
  }

  private PostgresMigration migrating() {
    PostgresMigration m = started();
    until(m, Phase.Migrating);
    return m;
  }

  @Test
  void migratingCreatesTheCopyJobOnceAndShowsProgress() {
    PostgresMigration m = migrating();
    step(m);
    assertThat(ctx.copying.jobsCreated).isEqualTo(1);
    assertThat(m.getStatus().progress.jobName).startsWith("example-app-migration-copy-");
    Progress p = new Progress();
    p.tablesTotal = 5;
    p.tablesDone = 2;
    p.percent = 40;
    p.display = "40%";
    ctx.copying.progress = p;
    PhaseMachine.Result r = step(m);
    assertThat(ctx.copying.jobsCreated)
        .as("a restarted or repeated reconcile finds the Job")
        .isEqualTo(1);
    assertThat(r.status().progress.display).isEqualTo("40%");
    assertThat(r.status().progress.jobName).isEqualTo(m.getStatus().progress.jobName);
    assertThat(r.status().message).contains("2 of 5 tables, 40%");
  }

  @Test
  void migratingToVerifying() {
    PostgresMigration m = migrating();
    step(m);
    ctx.copying.jobs.replaceAll((k, v) -> CopyJob.State.Succeeded);
    step(m);
    assertThat(m.getStatus().phase).isEqualTo(Phase.Verifying);
    assertThat(m.getStatus().progress.display).isEqualTo("100%");
    assertThat(ConditionWriter.find(m.getStatus(), Conditions.Type.COPIED).getStatus())
        .isEqualTo("True");
  }

  @Test
  void migratingToFailedRollsBackAndLeavesTheUrlAlone() {
    PostgresMigration m = migrating();
    step(m);
    ctx.copying.jobs.replaceAll((k, v) -> CopyJob.State.Failed);
    step(m);
    assertThat(m.getStatus().phase).as("marked, then rolled back").isEqualTo(Phase.Migrating);
    assertThat(m.getStatus().rollback.endPhase).isEqualTo(Phase.Failed);
    step(m);
    assertThat(m.getStatus().phase).isEqualTo(Phase.Failed);
    assertThat(m.getStatus().message)
        .startsWith("The copy Job example-app-migration-copy-")
        .contains("failed: BackoffLimitExceeded. Rolled back");
    assertThat(ctx.maintenance.fenced).isFalse();
    assertThat(ctx.maintenance.replicas)
        .containsEntry("Deployment/web", 2)
        .containsEntry("CronJob/nightly-report", 1);
    assertThat(ctx.promotion.databaseUrl).isEqualTo("source");
    assertThat(ctx.copying.jobs).as("the copy Job is removed").isEmpty();
    assertThat(m.getStatus().rollback).isNull();
  }

  @Test
  void aCopyPodThatCannotRunRollsBackWhenTheWatchdogsLimitIsReached() {
    PostgresMigration m = migrating();
    step(m);
    String job = ctx.copying.jobs.keySet().iterator().next();
    ctx.copying.stuckSince.put(job, T0);
    ctx.now = T0.plusSeconds(60);
    PhaseMachine.Result r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.Migrating);
    assertThat(r.status().message).contains("ImagePullBackOff");
    // Looked at again when the limit comes, not only when the watch says something.
    assertThat(r.step().requeueAfter().orElseThrow()).isLessThanOrEqualTo(Duration.ofMinutes(2));
    ctx.now = T0.plus(Watchdog.DEFAULT.stuckPod());
    until(m, Phase.Failed);
    assertThat(m.getStatus().message)
        .startsWith("The copy Job " + job + "'s pod could not run for 180 s (ImagePullBackOff:")
        .contains("the app is not kept down for it");
    assertThat(ctx.maintenance.replicas).containsEntry("Deployment/web", 2);
    assertThat(ctx.maintenance.fenced).isFalse();
    assertThat(ctx.promotion.databaseUrl).isEqualTo("source");
    assertThat(ctx.copying.jobs).isEmpty();
  }

  @Test
  void migratingToFailedWhenTheJobDisappears() {
    PostgresMigration m = migrating();
    step(m);
    ctx.copying.jobs.clear();
    until(m, Phase.Failed);
    assertThat(m.getStatus().message).contains("disappeared before it finished");
    assertThat(ctx.copying.jobsCreated).isEqualTo(1);
  }

  @Test
  void cancelAfterTheCopyStartedIsRefusedOnce() {
    PostgresMigration m = migrating();
    m.getSpec().cancel = true;
    step(m);
    step(m);
    assertThat(m.getStatus().phase).isEqualTo(Phase.Migrating);
    Condition refused = ConditionWriter.find(m.getStatus(), Conditions.Type.CANCEL_REFUSED);
    assertThat(refused.getStatus()).isEqualTo("True");
    assertThat(refused.getMessage()).startsWith("spec.cancel is refused: the copy has started");
    assertThat(ctx.warnings).containsExactly(Conditions.Reason.CANCEL_REFUSED);
  }

  @Test
  void rollbackThatCannotLiftTheFenceStillGivesTheAppBack() {
    PostgresMigration m = migrating();
    step(m);
    ctx.copying.jobs.replaceAll((k, v) -> CopyJob.State.Failed);
    ctx.maintenance.liftFailure =
        new IllegalStateException("could not lift the source fence: refused");
    step(m);
    PhaseMachine.Result r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.Migrating);
    assertThat(r.status().rollback).isNotNull();
    assertThat(ctx.maintenance.replicas).containsEntry("Deployment/web", 2);
    assertThat(r.status().message).contains("the source is still read-only");
    assertThat(r.step().requeueAfter()).contains(Duration.ofSeconds(10));
    ctx.maintenance.liftFailure = null;
    assertThat(step(m).status().phase).isEqualTo(Phase.Failed);
    assertThat(ctx.maintenance.fenced).isFalse();
  }

  @Test
  void anUnexpectedErrorInFlightRollsBack() {
    PostgresMigration m = migrating();
    step(m);
    ctx.copying.jobs.replaceAll((k, v) -> CopyJob.State.Succeeded);
    step(m);
    ctx.copying.verifyFailure =
        new IllegalStateException("could not verify the copy: connection refused");
    PhaseMachine.Result first = step(m);
    assertThat(m.getStatus().phase).as("retried first").isEqualTo(Phase.Verifying);
    assertThat(first.step().requeueAfter()).contains(Duration.ofSeconds(1));
    assertThat(m.getStatus().message)
        .startsWith("Retrying in 1s after an error in phase Verifying (attempt 1 since")
        .contains("the app has been down since 2026-01-01T00:00:00Z")
        .contains("rolls back at 2026-01-01T00:02:00Z if it persists")
        .endsWith("could not verify the copy: connection refused");
    assertThat(step(m).step().requeueAfter()).contains(Duration.ofSeconds(2));
    assertThat(m.getStatus().retrying.attempts).isEqualTo(2);
    ctx.now = T0.plus(Duration.ofMinutes(2));
    until(m, Phase.Failed);
    assertThat(m.getStatus().message)
        .startsWith(
            "Unexpected error in phase Verifying, still failing after 3 attempts since"
                + " 2026-01-01T00:00:00Z: could not verify the copy");
    assertThat(m.getStatus().retrying).isNull();
    assertThat(ctx.maintenance.replicas).containsEntry("Deployment/web", 2);
  }

  @Test
  void anErrorThatClearsWithinTheLimitCostsNothing() {
    PostgresMigration m = verifying();
    ctx.copying.verifyFailure = new IllegalStateException("the API server is restarting");
    step(m);
    step(m);
    assertThat(m.getStatus().retrying.attempts).isEqualTo(2);
    ctx.copying.verifyFailure = null;
    ctx.now = T0.plus(Duration.ofSeconds(90));
    until(m, Phase.Completed);
    assertThat(m.getStatus().retrying).isNull();
  }

  private PostgresMigration verifying() {
    PostgresMigration m = migrating();
    step(m);
    ctx.copying.jobs.replaceAll((k, v) -> CopyJob.State.Succeeded);
    until(m, Phase.Verifying);
    return m;
  }

  @Test
  void aPromotionWhoseSecretCannotBeWrittenRollsBackWithNothingSwitched() {
    PostgresMigration m = verifying();
    m.getSpec().promote = false;
    until(m, Phase.Migrated);
    ctx.promotion.promoteFailure =
        new IllegalStateException("admission webhook denied the request");
    m.getSpec().promote = true;
    until(m, Phase.Promoting);
    step(m);
    assertThat(m.getStatus().message)
        .startsWith("Retrying in 1s after an error in phase Promoting (attempt 1 since")
        .contains("rolls back at");
    ctx.now = ctx.now.plus(Duration.ofMinutes(2));
    until(m, Phase.Failed);
    assertThat(m.getStatus().message)
        .startsWith("Unexpected error in phase Promoting, still failing after 2 attempts")
        .contains("the app's DATABASE_URL is unchanged");
    assertThat(ctx.promotion.databaseUrl).isEqualTo("source");
    assertThat(ctx.maintenance.fenced).as("the app is back on its source").isFalse();
    assertThat(ctx.maintenance.replicas).containsEntry("Deployment/web", 2);
  }

  @Test
  void aPromotionThatFailsOnceTheSecretIsWrittenIsRetriedNeverRolledBack() {
    PostgresMigration m = verifying();
    m.getSpec().promote = false;
    until(m, Phase.Migrated);
    ctx.promotion.restartFailure = new IllegalStateException("etcdserver: request timed out");
    m.getSpec().promote = true;
    until(m, Phase.Promoting);
    for (int i = 0; i < 8; i++) {
      ctx.now = ctx.now.plus(Duration.ofMinutes(1));
      step(m);
    }
    assertThat(m.getStatus().phase).isEqualTo(Phase.Promoting);
    assertThat(ctx.promotion.databaseUrl).isEqualTo("destination");
    assertThat(m.getStatus().message)
        .startsWith("Retrying in 15s after an error in phase Promoting (attempt 8 since")
        .contains("retried until it succeeds");
    ctx.promotion.restartFailure = null;
    step(m);
    assertThat(m.getStatus().phase).isEqualTo(Phase.Completed);
  }

  @Test
  void verifyingToMigratedWaitsForPromote() {
    PostgresMigration m = verifying();
    m.getSpec().promote = false;
    step(m);
    assertThat(m.getStatus().phase).isEqualTo(Phase.Migrated);
    assertThat(m.getStatus().verification.tablesCompared).isEqualTo(5);
    PhaseMachine.Result r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.Migrated);
    assertThat(r.status().message).contains("set spec.promote to true");
    assertThat(ctx.maintenance.replicas)
        .as("still in maintenance")
        .containsEntry("Deployment/web", 0);
  }

  @Test
  void verifyingToFailedNamesTheTable() {
    PostgresMigration m = verifying();
    Verification.Mismatch x = new Verification.Mismatch();
    x.table = "public.orders";
    x.detail = "rows: 10 on the source, 9 on the destination";
    ctx.copying.mismatches = List.of(x);
    until(m, Phase.Failed);
    assertThat(m.getStatus().message)
        .contains(
            "found 1 mismatch(es): public.orders: rows: 10 on the source, 9 on the destination");
    assertThat(ConditionWriter.find(m.getStatus(), Conditions.Type.VERIFIED).getReason())
        .isEqualTo(Conditions.Reason.MISMATCH);
    assertThat(ctx.promotion.databaseUrl).isEqualTo("source");
  }

  @Test
  void migratedToPromotingToCompleted() {
    PostgresMigration m = verifying();
    m.getSpec().promote = false;
    until(m, Phase.Migrated);
    m.getSpec().promote = true;
    step(m);
    assertThat(m.getStatus().phase).isEqualTo(Phase.Promoting);
    ctx.now = T0.plus(Duration.ofSeconds(42));
    step(m);
    assertThat(m.getStatus().phase).isEqualTo(Phase.Completed);
    assertThat(ctx.promotion.databaseUrl).isEqualTo("destination");
    assertThat(ctx.maintenance.replicas)
        .containsEntry("Deployment/web", 2)
        .containsEntry("CronJob/nightly-report", 1);
    assertThat(m.getStatus().promotion.aliasKey).isEqualTo("DATABASE_URL_PREVIOUS");
    assertThat(m.getStatus().downtime.seconds).isEqualTo(42);
    assertThat(m.getStatus().message)
        .contains("the previous value is kept under DATABASE_URL_PREVIOUS")
        .contains("42s of downtime");
    assertThat(ctx.maintenance.fenced).as("the abandoned source stays read-only").isTrue();
    assertThat(ConditionWriter.find(m.getStatus(), Conditions.Type.FENCE_HELD).getReason())
        .isEqualTo(Conditions.Reason.NO_WRITES);
    assertThat(m.getStatus().maintenance.fenceProvenAt).isNotNull();
  }

  @Test
  void aWriteThatGotPastTheFenceRollsBackInsteadOfBeingLost() {
    PostgresMigration m = verifying();
    m.getSpec().promote = false;
    until(m, Phase.Migrated);
    assertThat(m.getStatus().maintenance.writesAtFence.rowsInserted).isEqualTo(1000);
    ctx.maintenance.writesPastFence = 1;
    m.getSpec().promote = true;
    until(m, Phase.Failed);
    assertThat(m.getStatus().message)
        .contains("A write reached the source after its fence closed")
        .contains("1 row(s) inserted, 0 updated and 0 deleted since 2026-01-01T00:00:00Z");
    assertThat(ConditionWriter.find(m.getStatus(), Conditions.Type.FENCE_HELD).getReason())
        .isEqualTo(Conditions.Reason.WRITTEN);
    assertThat(ctx.promotion.databaseUrl).isEqualTo("source");
    assertThat(ctx.maintenance.fenced).as("the app is back on the source").isFalse();
    assertThat(ctx.maintenance.replicas).containsEntry("Deployment/web", 2);
  }

  @Test
  void aSessionThatCannotBeEndedBeforeTheSwapLeavesTheFenceUnproven() {
    PostgresMigration m = verifying();
    m.getSpec().promote = false;
    until(m, Phase.Migrated);
    ctx.maintenance.unendedSessions = List.of("mallory@psql (pid 42)");
    m.getSpec().promote = true;
    until(m, Phase.Failed);
    assertThat(m.getStatus().message)
        .contains("Cannot prove that no write reached the source")
        .contains("mallory@psql (pid 42)");
    assertThat(ctx.promotion.databaseUrl).isEqualTo("source");
  }

  @Test
  void completedToSourceDestroyedOnlyWithTheConfirmation() {
    PostgresMigration m = verifying();
    until(m, Phase.Completed);
    step(m);
    assertThat(ctx.promotion.destroyed).isZero();
    m.getSpec().destroySource = new DestroySourceSpec();
    m.getSpec().destroySource.confirm = "postgresql-clean-29349";
    step(m);
    assertThat(m.getStatus().phase).isEqualTo(Phase.SourceDestroyed);
    assertThat(ctx.promotion.destroyed).isEqualTo(1);
  }

  @Test
  void destroyingAWorkloadThatDoesNotServeTheSourceIsRefused() {
    PostgresMigration m = verifying();
    until(m, Phase.Completed);
    ctx.promotion.destroyRefusal =
        "StatefulSet web-cache's pods are not behind Service postgresql-clean-29349, the source's"
            + " host: it does not serve the source";
    m.getSpec().destroySource = new DestroySourceSpec();
    m.getSpec().destroySource.confirm = "postgresql-clean-29349";
    step(m);
    assertThat(m.getStatus().phase).isEqualTo(Phase.Completed);
    assertThat(ctx.promotion.destroyed).isZero();
    assertThat(m.getStatus().message)
        .startsWith("spec.destroySource is refused: StatefulSet web-cache's pods")
        .endsWith("Nothing was deleted.");
    assertThat(ConditionWriter.find(m.getStatus(), Conditions.Type.DESTROY_REFUSED).getStatus())
        .isEqualTo("True");
  }

  /**
   * Deletes {@code m} as the reconciler does: cleanup steps back to back, each one's status stored
   * before the next, until deletion is safe or a step has to wait; returns every stored status.
   */
  private List<PostgresMigrationStatus> delete(PostgresMigration m) {
    List<PostgresMigrationStatus> stored = new java.util.ArrayList<>();
    PhaseMachine.Result r;
    do {
      r = machine.cleanup(m, ctx.ports());
      m.setStatus(r.status());
      stored.add(r.status());
    } while (r.step().immediate() && !r.status().safeToDelete());
    return stored;
  }

  @Test
  void deletingAMigrationInFlightRollsItBackFirst() {
    PostgresMigration m = migrating();
    step(m);
    List<PostgresMigrationStatus> steps = delete(m);
    PostgresMigrationStatus marked = steps.get(0);
    assertThat(marked.phase).as("the rollback is stored before it runs").isEqualTo(Phase.Migrating);
    assertThat(marked.rollback.reason)
        .isEqualTo("The PostgresMigration was deleted in phase Migrating");
    assertThat(marked.rollback.cause).isEqualTo(RollbackCause.Deleted);
    assertThat(marked.safeToDelete()).isFalse();
    PostgresMigrationStatus end = steps.get(steps.size() - 1);
    assertThat(end.phase).isEqualTo(Phase.Failed);
    assertThat(end.message).startsWith("The PostgresMigration was deleted in phase Migrating");
    assertThat(end.safeToDelete()).isTrue();
    assertThat(ctx.maintenance.replicas).containsEntry("Deployment/web", 2);
    assertThat(ctx.maintenance.fenced).isFalse();
  }

  @Test
  void deletingAMigrationWhoseSourceCannotBeReachedStoresEachRetry() {
    PostgresMigration m = migrating();
    step(m);
    ctx.maintenance.liftFailure = new IllegalStateException("connection refused");
    List<PostgresMigrationStatus> steps = delete(m);
    PostgresMigrationStatus last = steps.get(steps.size() - 1);
    assertThat(last.rollback).as("still rolling back").isNotNull();
    assertThat(last.message).contains("the source is still read-only", "connection refused");
    assertThat(ctx.maintenance.replicas)
        .as("the app comes back even so")
        .containsEntry("Deployment/web", 2);
    ctx.maintenance.liftFailure = null;
    assertThat(delete(m).get(0).phase).isEqualTo(Phase.Failed);
  }

  @Test
  void deletingAMigrationWhilePromotingFinishesThePromotion() {
    PostgresMigration m = verifying();
    until(m, Phase.Promoting);
    List<PostgresMigrationStatus> steps = delete(m);
    assertThat(steps.get(steps.size() - 1).phase).isEqualTo(Phase.Completed);
    assertThat(ctx.maintenance.replicas).containsEntry("Deployment/web", 2);
  }

  @Test
  void aRestartedOperatorResumesFromStatusWithoutRepeatingSideEffects() {
    PostgresMigration m = migrating();
    step(m);
    // A new operator process: a new machine, the same stored status.
    PhaseMachine restarted = new PhaseMachine();
    m.setStatus(restarted.next(m, ctx.ports()).status());
    ctx.copying.jobs.replaceAll((k, v) -> CopyJob.State.Succeeded);
    for (int i = 0; i < 5; i++) {
      m.setStatus(restarted.next(m, ctx.ports()).status());
    }
    assertThat(m.getStatus().phase).isEqualTo(Phase.Completed);
    assertThat(ctx.copying.jobsCreated).isEqualTo(1);
    assertThat(ctx.maintenance.replicas).containsEntry("Deployment/web", 2);
  }

  /** A migration that reached {@code phase} the way the operator takes it there. */
  private PostgresMigration reached(Phase phase) {
    return switch (phase) {
      case Pending -> migration();
      case Ready -> ready();
      case MaintenanceOn -> started();
      case Migrating -> migrating();
      case Verifying -> verifying();
      case Migrated, Promoting, Completed -> {
        PostgresMigration m = verifying();
        until(m, Phase.Migrated);
        if (phase != Phase.Migrated) {
          m.getSpec().promote = true;
          until(m, phase);
        }
        yield m;
      }
      case CreatingDestination,
          Preparing,
          PrepareFailed,
          Expired,
          Cancelled,
          Failed,
          SourceDestroyed ->
          in(phase, migration());
    };
  }

  @ParameterizedTest
  @EnumSource(Phase.class)
  void theCliAndTheOperatorAgreeOnCancelInEveryPhase(Phase phase) {
    PostgresMigration m = reached(phase);
    // What the plugin's cancel command and its menu ask before they set spec.cancel.
    boolean offered = m.cancellable();
    m.getSpec().cancel = true;
    PostgresMigrationStatus after = step(m).status();
    boolean honoured =
        phase != Phase.Cancelled && after.phase == Phase.Cancelled
            || after.rollback != null && after.rollback.endPhase == Phase.Cancelled;
    assertThat(honoured).as("cancel in " + phase + ": " + after.message).isEqualTo(offered);
    assertThat(offered).isEqualTo(phase.honoursCancel());
  }

  @Test
  void terminalPhasesStayPut() {
    for (Phase p :
        new Phase[] {Phase.Expired, Phase.Cancelled, Phase.Failed, Phase.SourceDestroyed}) {
      PostgresMigration m = in(p, migration());
      m.getSpec().cancel = true;
      PhaseMachine.Result r = step(m);
      assertThat(r.status().phase).isEqualTo(p);
      assertThat(r.step().requeueAfter()).isEmpty();
    }
  }

  @Test
  void reconcilingAgainChangesNothing() {
    PostgresMigration m = ready();
    String before = io.fabric8.kubernetes.client.utils.Serialization.asJson(m.getStatus());
    step(m);
    assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(m.getStatus()))
        .isEqualTo(before);
  }

  @Test
  void theMigrationPassedInIsNotChanged() {
    PostgresMigration m = ready();
    PostgresMigrationStatus stored = m.getStatus();
    m.getSpec().cancel = true;
    machine.next(m, ctx.ports());
    assertThat(stored.phase).isEqualTo(Phase.Ready);
  }
}
