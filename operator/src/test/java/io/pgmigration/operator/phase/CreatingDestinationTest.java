package io.pgmigration.operator.phase;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgmigration.operator.api.v1alpha1.CloudNativePgCluster;
import io.pgmigration.operator.api.v1alpha1.CloudNativePgDestination;
import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.phase.port.Destinations.Outcome;
import io.pgmigration.operator.testing.Manifests;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** CreatingDestination: a CloudNativePG destination made ready before the checks run. */
class CreatingDestinationTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final PhaseMachine machine = new PhaseMachine();
  private final ScriptedWorld ctx = new ScriptedWorld(T0);

  private static PostgresMigration migration(boolean create) {
    PostgresMigration m = Manifests.quickstartMigration();
    m.getMetadata().setNamespace("ns");
    m.getMetadata().setGeneration(1L);
    m.getSpec().destination.connectionSecret = null;
    m.getSpec().destination.workload = null;
    m.getSpec().destination.cloudNativePG = new CloudNativePgDestination();
    m.getSpec().destination.cloudNativePG.cluster = "db";
    if (create) {
      m.getSpec().destination.cloudNativePG.create = new CloudNativePgCluster();
    }
    return m;
  }

  private PhaseMachine.Result step(PostgresMigration m) {
    PhaseMachine.Result r = machine.next(m, ctx.ports());
    m.setStatus(r.status());
    return r;
  }

  @Test
  void pendingGoesToCreatingDestinationAndRunsNoCheck() {
    PostgresMigration m = migration(true);
    assertThat(step(m).status().phase).isEqualTo(Phase.CreatingDestination);
    assertThat(m.getStatus().message).contains("cnpg/db");
    assertThat(ctx.preparation.checkRuns).isZero();
    assertThat(ctx.destinations.steps).isZero();
  }

  @Test
  void waitsWithProgressThenPreparesOnceReady() {
    PostgresMigration m = migration(true);
    step(m);
    PhaseMachine.Result r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.CreatingDestination);
    assertThat(r.status().message).contains("0/2 instances ready").contains("Waiting until");
    assertThat(r.status().destination.cluster).isEqualTo("db");
    assertThat(r.step().requeueAfter()).contains(Duration.ofSeconds(5));
    assertThat(ConditionWriter.find(r.status(), Conditions.Type.PREPARED).getReason())
        .isEqualTo(Conditions.Reason.CREATING_DESTINATION);

    ctx.destinations.outcome = Outcome.READY;
    ctx.destinations.message = "The CloudNativePG Cluster db is ready.";
    r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.Preparing);
    assertThat(r.step().immediate()).isTrue();
    assertThat(step(m).status().phase).isEqualTo(Phase.Ready);
    assertThat(ctx.preparation.checkRuns).isEqualTo(1);
  }

  @Test
  void aClusterThatCannotStartFailsThePreparationWithItsReason() {
    PostgresMigration m = migration(true);
    step(m);
    ctx.destinations.outcome = Outcome.FAILED;
    ctx.destinations.message = "pod db-1-initdb cannot pull its image x (ImagePullBackOff).";
    PhaseMachine.Result r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.PrepareFailed);
    assertThat(r.status().message).contains("ImagePullBackOff").contains("Nothing of the app");
    assertThat(ConditionWriter.find(r.status(), Conditions.Type.PREPARED).getReason())
        .isEqualTo(Conditions.Reason.DESTINATION_FAILED);
    assertThat(ctx.maintenance.fenced).isFalse();
    assertThat(ctx.maintenance.recordedBeforeStop).isEmpty();
  }

  @Test
  void aClusterNotReadyWithinItsReadyTimeoutFails() {
    PostgresMigration m = migration(true);
    m.getSpec().destination.cloudNativePG.create.readyTimeout = "2m";
    step(m);
    step(m);
    ctx.now = T0.plus(Duration.ofMinutes(2));
    PhaseMachine.Result r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.PrepareFailed);
    assertThat(r.status().message).contains("not ready within 2m").contains("0/2 instances");
  }

  @Test
  void aReferencedClusterIsWaitedForAsLongAsACreatedOnesDefault() {
    PostgresMigration m = migration(false);
    step(m);
    ctx.now = T0.plus(Duration.ofMinutes(14));
    assertThat(step(m).status().phase).isEqualTo(Phase.CreatingDestination);
    ctx.now = T0.plus(Duration.ofMinutes(15));
    assertThat(step(m).status().phase).isEqualTo(Phase.PrepareFailed);
  }

  @Test
  void cancelWhileCreatingEndsWithNothingTouched() {
    PostgresMigration m = migration(true);
    step(m);
    m.getSpec().cancel = true;
    assertThat(step(m).status().phase).isEqualTo(Phase.Cancelled);
  }

  @Test
  void aChangedSpecAfterAFailedCreationMakesTheDestinationReadyAgain() {
    PostgresMigration m = migration(true);
    step(m);
    ctx.destinations.outcome = Outcome.FAILED;
    step(m);
    m.getSpec().readyWindow = "2h";
    m.getMetadata().setGeneration(2L);
    ctx.destinations.outcome = Outcome.READY;
    assertThat(step(m).status().phase).isEqualTo(Phase.CreatingDestination);
    assertThat(step(m).status().phase).isEqualTo(Phase.Preparing);
  }
}
