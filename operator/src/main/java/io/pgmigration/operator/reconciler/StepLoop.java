package io.pgmigration.operator.reconciler;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.phase.PhaseMachine;
import io.pgmigration.operator.phase.Step;
import java.time.Duration;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * One reconcile's steps, back to back: each changed status is written before the next step begins,
 * or with a later one's when a step {@linkplain Step#deferWrite defers} it (its quiet wait waited
 * out here), until a step has to wait or {@code maxSteps} have run. The last status is always
 * written: a reconcile never ends with a status only in memory.
 *
 * @param writer the one path a status takes to the API server
 * @param maxSteps steps run before the reconcile yields to other migrations
 * @param observer told of every step, once its status is written or deferred
 */
record StepLoop(StatusWriter writer, int maxSteps, Observer observer) {
  private static final Logger LOG = Logger.getLogger(StepLoop.class);

  /** What the reconciler does with each step besides writing it: metrics, log, Events. */
  @FunctionalInterface
  interface Observer {
    /**
     * {@code current} (as written, or with its deferred status) went from {@code previous} to
     * {@code next}.
     */
    void stepped(
        PostgresMigration current, PostgresMigrationStatus previous, PostgresMigrationStatus next);
  }

  /**
   * Runs steps of {@code next} from {@code migration}, whose status is set to each one written;
   * returns the step that ended the loop. Should a later step throw, the latest status written
   * stays, not one deferred.
   */
  Step run(
      PostgresMigration migration,
      Context<PostgresMigration> context,
      Function<PostgresMigration, PhaseMachine.Result> next) {
    PostgresMigration current = migration;
    boolean unwritten = false;
    for (int steps = 1; ; steps++) {
      PostgresMigrationStatus previous = current.getStatus();
      long began = System.nanoTime();
      PhaseMachine.Result result = next.apply(current);
      long stepped = System.nanoTime();
      Step step = result.step();
      boolean goesOn = step.continues() && steps < maxSteps;
      boolean changed = unwritten || !Json.of(previous).equals(Json.of(result.status()));
      unwritten = changed && goesOn && step.deferWrite();
      if (unwritten) {
        current = withStatus(current, result.status());
      } else if (changed) {
        current = writer.write(context, current, result.status());
        migration.setStatus(result.status());
      }
      LOG.debugf(
          "step in %s took %d ms; status %s%s",
          result.status().phase,
          (stepped - began) / 1_000_000,
          unwritten ? "deferred" : changed ? "written in " : "unchanged",
          !unwritten && changed ? (System.nanoTime() - stepped) / 1_000_000 + " ms" : "");
      observer.stepped(current, previous, result.status());
      if (!goesOn) {
        return step;
      }
      step.requeueAfter().filter(d -> !d.isZero()).ifPresent(StepLoop::pause);
    }
  }

  /** {@code m} with {@code status}, not written: what the next step starts from. */
  private static PostgresMigration withStatus(PostgresMigration m, PostgresMigrationStatus status) {
    PostgresMigration next = new PostgresMigration();
    next.setMetadata(m.getMetadata());
    next.setSpec(m.getSpec());
    next.setStatus(status);
    return next;
  }

  /** Waits out a step's quiet wait ({@link Step#quietlyAfter}). */
  private static void pause(Duration delay) {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the next step", e);
    }
  }
}
