package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import java.time.Instant;

/** Moves a migration between phases, refusing any move its phase does not allow. */
final class Transitions {
  private Transitions() {}

  static void moveTo(PostgresMigrationStatus status, Phase next, String message) {
    requireLegal(status, next);
    status.phase = next;
    status.message = message;
  }

  /** Refuses a move from the status' phase to {@code next} that the phase does not allow. */
  static void requireLegal(PostgresMigrationStatus status, Phase next) {
    if (!status.phase.canMoveTo(next)) {
      throw new IllegalStateException("illegal transition " + status.phase + " -> " + next);
    }
  }

  /** An instant as status writes it: RFC 3339, whole seconds. */
  static String timestamp(Instant t) {
    return t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
  }

  /** Moves to Preparing and starts the clock of this round of preparation. */
  static void startPreparing(PostgresMigrationStatus status, String message, Instant now) {
    moveTo(status, Phase.Preparing, message);
    status.preparingSince = timestamp(now);
  }

  /**
   * Says what a Ready migration waits for: the message and the Ready condition, written the same
   * way whether the checks just passed or a taken-back start is undone.
   */
  static void waitForStart(
      PostgresMigration m,
      PostgresMigrationStatus status,
      String checksSummary,
      Instant deadline,
      Instant now) {
    status.message =
        checksSummary
            + ". Set spec.start to true before "
            + deadline
            + " to start; the app is in maintenance from then until the migration ends.";
    condition(
        m,
        status,
        Conditions.Type.READY,
        true,
        Conditions.Reason.WAITING_FOR_START,
        "Ready to start until " + deadline + ".",
        now);
  }

  static long generation(PostgresMigration m) {
    Long g = m.getMetadata().getGeneration();
    return g == null ? 0 : g;
  }

  static void condition(
      PostgresMigration m,
      PostgresMigrationStatus status,
      String type,
      boolean value,
      String reason,
      String message,
      Instant now) {
    ConditionWriter.set(status, type, value, reason, message, generation(m), now);
  }
}
