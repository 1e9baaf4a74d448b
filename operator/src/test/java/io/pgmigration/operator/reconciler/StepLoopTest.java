package io.pgmigration.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.phase.PhaseMachine;
import io.pgmigration.operator.phase.Step;
import io.pgmigration.operator.testing.Manifests;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepLoopTest {
  private final List<String> written = new ArrayList<>();
  private final List<String> observed = new ArrayList<>();
  private final StepLoop loop =
      new StepLoop(
          (context, migration, status) -> {
            written.add(status.message);
            PostgresMigration copy = new PostgresMigration();
            copy.setMetadata(migration.getMetadata());
            copy.setSpec(migration.getSpec());
            copy.setStatus(status);
            return copy;
          },
          5,
          (current, previous, status) -> observed.add(current.getStatus().message));

  @Test
  void aDeferredStatusIsWrittenWithTheNextStepThatWrites() {
    PostgresMigration m = migration("recorded");
    Step last =
        loop.run(
            m,
            null,
            steps(
                result("fenced", Step.onward()),
                result("cutover read", Step.onward()),
                result("dropped", Step.now()),
                result("verified", Step.waitForChange())));

    assertThat(written).containsExactly("dropped", "verified");
    assertThat(observed)
        .as("each step starts from the one before, written or not")
        .containsExactly("fenced", "cutover read", "dropped", "verified");
    assertThat(m.getStatus().message).isEqualTo("verified");
    assertThat(last.requeueAfter()).isEmpty();
  }

  @Test
  void quietWaitsAreWaitedOutAndWrittenWhenTheLoopYields() {
    PostgresMigration m = migration("stopping");
    long began = System.nanoTime();
    Step last =
        loop.run(
            m,
            null,
            steps(
                result("1 pod left", Step.quietlyAfter(Duration.ofMillis(20))),
                result("1 pod left", Step.quietlyAfter(Duration.ofMillis(20))),
                result("1 pod left", Step.quietlyAfter(Duration.ofMillis(20))),
                result("1 pod left", Step.quietlyAfter(Duration.ofMillis(20))),
                result("1 pod left", Step.quietlyAfter(Duration.ofMillis(20)))));

    assertThat(Duration.ofNanos(System.nanoTime() - began))
        .as("four waits between five steps")
        .isGreaterThanOrEqualTo(Duration.ofMillis(80));
    assertThat(written)
        .as("the last of the five steps a reconcile runs is written, so the wait is told")
        .containsExactly("1 pod left");
    assertThat(last.requeueAfter()).contains(Duration.ofMillis(20));
  }

  @Test
  void aQuietWaitThatChangesNothingWritesNothing() {
    PostgresMigration m = migration("waiting");
    loop.run(
        m,
        null,
        steps(
            result("waiting", Step.quietlyAfter(Duration.ofMillis(1))),
            result("waiting", Step.after(Duration.ofSeconds(1)))));

    assertThat(written).isEmpty();
  }

  @Test
  void aLongWaitIsNeverQuiet() {
    assertThat(Step.quietlyAfter(Step.LONGEST_QUIET_WAIT).deferWrite()).isTrue();
    Step longer = Step.quietlyAfter(Step.LONGEST_QUIET_WAIT.plusMillis(1));
    assertThat(longer.deferWrite()).isFalse();
    assertThat(longer.continues()).isFalse();
  }

  private static PostgresMigration migration(String message) {
    PostgresMigration m = Manifests.quickstartMigration();
    m.setStatus(new PostgresMigrationStatus());
    m.getStatus().phase = Phase.MaintenanceOn;
    m.getStatus().message = message;
    return m;
  }

  private static PhaseMachine.Result result(String message, Step step) {
    PostgresMigrationStatus s = new PostgresMigrationStatus();
    s.phase = Phase.MaintenanceOn;
    s.message = message;
    return new PhaseMachine.Result(s, step);
  }

  private static java.util.function.Function<PostgresMigration, PhaseMachine.Result> steps(
      PhaseMachine.Result... results) {
    Iterator<PhaseMachine.Result> each = List.of(results).iterator();
    return current -> each.next();
  }
}
