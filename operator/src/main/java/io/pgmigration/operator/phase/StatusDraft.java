package io.pgmigration.operator.phase;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Progress;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Rollback;
import io.pgmigration.operator.api.v1alpha1.RollbackCause;
import io.pgmigration.operator.api.v1alpha1.Timestamps;
import java.time.Instant;

/**
 * The next status of one migration, as one reconcile step builds it. Handlers say what changed —
 * {@link #moveTo}, {@link #condition}, {@link #rollBack}, {@link #message}, {@link #progress} — and
 * the draft keeps the rules: a move the phase does not allow is refused, a condition keeps its
 * lastTransitionTime while its status stays, timestamps are whole seconds, and the finished status
 * carries the generation it describes. The migration itself is never changed; the reconciler writes
 * {@link #status()} by its one path.
 */
public final class StatusDraft {
  private final PostgresMigration migration;
  private final PostgresMigrationStatus status;
  private final Instant now;

  /** A draft of {@code migration}'s next status, starting from a copy of its current one. */
  public StatusDraft(PostgresMigration migration, Instant now) {
    this.migration = migration;
    this.status =
        migration.getStatus() == null
            ? new PostgresMigrationStatus()
            : Serialization.clone(migration.getStatus());
    this.status.phase = migration.phase();
    this.now = now;
  }

  /** The migration as it was read; its spec says what the user asked for. */
  public PostgresMigration migration() {
    return migration;
  }

  /** The migration's spec. */
  public PostgresMigrationSpec spec() {
    return migration.getSpec();
  }

  /** The status being drafted, for the fields that have no verb of their own. */
  public PostgresMigrationStatus status() {
    return status;
  }

  /** The phase as drafted so far. */
  public Phase phase() {
    return status.phase;
  }

  /** The time of this step. */
  public Instant now() {
    return now;
  }

  /** The time of this step as status writes it. */
  public String timestamp() {
    return Timestamps.of(now);
  }

  /** Moves to {@code next}, saying why; refuses a move the phase does not allow. */
  public void moveTo(Phase next, String message) {
    requireLegal(next);
    status.phase = next;
    status.message = message;
  }

  /**
   * Moves to Preparing (a CloudNativePG destination: CreatingDestination first) and starts the
   * clock of this round of preparation.
   */
  public void startPreparing(String message) {
    // A CloudNativePG destination is made ready first, except when a prepared migration's spec
    // changed: its destination is immutable, and its Secret already written.
    if (spec().destination.isCloudNativePg() && phase().canMoveTo(Phase.CreatingDestination)) {
      moveTo(
          Phase.CreatingDestination,
          "Making the destination ready: " + migration.destinationName() + ".");
    } else {
      moveTo(Phase.Preparing, message);
    }
    status.preparingSince = timestamp();
  }

  /** Sets the one-sentence message. */
  public void message(String message) {
    status.message = message;
  }

  /** The message as drafted so far. */
  public String message() {
    return status.message;
  }

  /** Sets condition {@code type}, keeping its lastTransitionTime when its status is unchanged. */
  public void condition(String type, boolean value, String reason, String message) {
    ConditionWriter.set(status, type, value, reason, message, migration.generation(), now);
  }

  /** The condition of {@code type} as drafted so far, or null. */
  public Condition condition(String type) {
    return ConditionWriter.find(status, type);
  }

  /** The copy's progress, made when there is none yet. */
  public Progress progress() {
    if (status.progress == null) {
      status.progress = new Progress();
    }
    return status.progress;
  }

  /**
   * Marks the migration for rollback, ending in {@code endPhase} (checked now, so an impossible end
   * is never marked), for {@code cause}; the rollback itself runs from the next step on.
   */
  public Step rollBack(Phase endPhase, RollbackCause cause, String why) {
    requireLegal(endPhase);
    Rollback rollback = new Rollback();
    rollback.reason = why;
    rollback.cause = cause;
    rollback.endPhase = endPhase;
    rollback.startedAt = timestamp();
    status.rollback = rollback;
    status.message = sentence(why) + " Rolling back.";
    return Step.now();
  }

  /** Says what a Ready migration waits for, the same way after the checks and after a take-back. */
  public void waitForStart(String checksSummary, Instant deadline) {
    status.message =
        checksSummary
            + ". Set spec.start to true before "
            + deadline
            + " to start; the app is in maintenance from then until the migration ends.";
    condition(
        Conditions.Type.READY,
        true,
        Conditions.Reason.WAITING_FOR_START,
        "Ready to start until " + deadline + ".");
  }

  /** The finished status: it describes the migration's current generation. */
  PostgresMigrationStatus finish() {
    status.observedGeneration = migration.generation();
    return status;
  }

  private void requireLegal(Phase next) {
    if (!status.phase.canMoveTo(next)) {
      throw new IllegalStateException("illegal transition " + status.phase + " -> " + next);
    }
  }

  /** {@code text} as a sentence: a full stop added unless it already ends like one. */
  static String sentence(String text) {
    return text.isEmpty() || text.matches("(?s).*[.?!]$") ? text : text + ".";
  }
}
