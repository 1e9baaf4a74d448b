package io.pgmigration.operator.phase;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.CheckOutcome;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.Severity;
import io.pgmigration.operator.testing.Manifests;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per phase transition, with the outside world replaced by a scripted context. */
class PhaseMachineTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final PhaseMachine machine = new PhaseMachine();

  /** A context whose checks return what the test says and which counts their runs. */
  private static final class Scripted implements PhaseContext {
    Instant now = T0;
    List<CheckResult> checks =
        List.of(check("SourceReachable", Severity.Blocking, CheckOutcome.Passed));
    int runs;

    @Override
    public Instant now() {
      return now;
    }

    @Override
    public List<CheckResult> runChecks(PostgresMigration migration) {
      runs++;
      return new ArrayList<>(checks);
    }
  }

  private final Scripted ctx = new Scripted();

  private static CheckResult check(String name, Severity severity, CheckOutcome outcome) {
    CheckResult c = new CheckResult();
    c.name = name;
    c.severity = severity;
    c.result = outcome;
    c.message = name + " " + outcome;
    return c;
  }

  private static PostgresMigration migration() {
    PostgresMigration m = Manifests.quickstartMigration();
    m.getMetadata().setNamespace("ns");
    m.getMetadata().setGeneration(1L);
    return m;
  }

  /** Runs one reconcile and stores the result on the migration, as the API server would. */
  private PhaseMachine.Result step(PostgresMigration m) {
    PhaseMachine.Result r = machine.next(m, ctx);
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
    assertThat(ctx.runs).as("Pending runs no check").isZero();
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
  void preparingToPrepareFailedListsEveryFailure() {
    ctx.checks =
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
    ctx.checks =
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
    ctx.checks =
        List.of(
            check("SourceReachable", Severity.Blocking, CheckOutcome.Failed),
            check("Extensions", Severity.Blocking, CheckOutcome.Failed));
    assertThat(step(in(Phase.Preparing, migration())).status().phase)
        .isEqualTo(Phase.PrepareFailed);
  }

  @Test
  void warningsAloneDoNotBlock() {
    ctx.checks = List.of(check("AppDatabaseUrl", Severity.Warning, CheckOutcome.Warning));
    assertThat(step(in(Phase.Preparing, migration())).status().phase).isEqualTo(Phase.Ready);
  }

  @Test
  void preparingToCancelled() {
    PostgresMigration m = in(Phase.Preparing, migration());
    m.getSpec().cancel = true;
    assertThat(step(m).status().phase).isEqualTo(Phase.Cancelled);
    assertThat(ctx.runs).isZero();
  }

  @Test
  void prepareFailedWaitsForANewGenerationThenPreparesAgain() {
    PostgresMigration m = in(Phase.PrepareFailed, migration());
    PhaseMachine.Result same = step(m);
    assertThat(same.status().phase).isEqualTo(Phase.PrepareFailed);
    assertThat(same.step().requeueAfter()).isEmpty();
    m.getMetadata().setGeneration(2L);
    assertThat(step(m).status().phase).isEqualTo(Phase.Preparing);
    assertThat(m.getStatus().observedGeneration).isEqualTo(2);
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
    m.getSpec().start = true;
    m.getMetadata().setGeneration(2L);
    PhaseMachine.Result r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.Ready);
    assertThat(ctx.runs).isEqualTo(1);
    // Starting is not built yet: the status says so instead of pretending.
    assertThat(r.status().message).contains("cannot run the migration yet");
  }

  @Test
  void takingStartBackRestoresTheReadyMessage() {
    PostgresMigration m = ready();
    String waiting = m.getStatus().message;
    m.getSpec().start = true;
    step(m);
    m.getSpec().start = false;
    PhaseMachine.Result r = step(m);
    assertThat(r.status().message).startsWith("All 1 checks passed. Set spec.start to true before");
    assertThat(ConditionWriter.find(r.status(), Conditions.Type.READY).getReason())
        .isEqualTo(Conditions.Reason.WAITING_FOR_START);
    assertThat(waiting).startsWith("All 1 checks passed. Set spec.start to true before");
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
    machine.next(m, ctx);
    assertThat(stored.phase).isEqualTo(Phase.Ready);
  }
}
