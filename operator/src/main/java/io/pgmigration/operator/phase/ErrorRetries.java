package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Retry;
import io.pgmigration.operator.api.v1alpha1.RollbackCause;
import io.pgmigration.operator.api.v1alpha1.Timestamps;
import io.pgmigration.operator.secrets.Redaction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * An unexpected error while the app may be down (the API server restarting, a database dropping a
 * connection): retried with back-off, and recorded in {@code status.retrying}, instead of rolling
 * back hours of copying at the first one. A migration that can still roll back does so once the
 * error has lasted {@link Watchdog#errorsFor()}; a promotion or a rollback, which have no way back,
 * are retried for as long as it takes, saying so.
 */
final class ErrorRetries {
  static final Duration FIRST = Duration.ofSeconds(1);
  static final Duration LONGEST = Duration.ofSeconds(15);

  private ErrorRetries() {}

  /**
   * Records {@code e} and says when to try again, or rolls back.
   *
   * @param rollBackAfter how long the error may last before the migration rolls back; null when it
   *     cannot roll back (promoting, or already rolling back)
   */
  static Step retry(StatusDraft d, RuntimeException e, Duration rollBackAfter) {
    PostgresMigrationStatus status = d.status();
    Retry r = status.retrying;
    if (r == null) {
      r = new Retry();
      r.since = d.timestamp();
      r.attempts = 0;
      status.retrying = r;
    }
    r.attempts++;
    r.error = describe(e);
    Instant since = Instant.parse(r.since);
    if (rollBackAfter != null && !d.now().isBefore(since.plus(rollBackAfter))) {
      status.retrying = null;
      return d.rollBack(
          Phase.Failed,
          RollbackCause.Errors,
          "Unexpected error in phase "
              + d.phase()
              + ", still failing after "
              + r.attempts
              + " attempts since "
              + Timestamps.of(since)
              + ": "
              + r.error);
    }
    Duration wait = backoff(r.attempts);
    String down =
        status.downtime != null && status.downtime.endedAt == null
            ? "; the app has been down since " + status.downtime.startedAt
            : "";
    String then =
        rollBackAfter != null
            ? "; rolls back at " + Timestamps.of(since.plus(rollBackAfter)) + " if it persists"
            : status.rollback != null
                ? "; the rollback is retried until it succeeds"
                : "; retried until it succeeds";
    d.message(
        "Retrying in "
            + wait.toSeconds()
            + "s after an error in phase "
            + d.phase()
            + " (attempt "
            + r.attempts
            + " since "
            + r.since
            + down
            + then
            + "): "
            + r.error);
    return Step.after(wait);
  }

  /** 1 s, 2 s, 4 s, 8 s, then every 15 s. */
  static Duration backoff(int attempts) {
    Duration wait = FIRST.multipliedBy(1L << Math.min(attempts - 1, 4));
    return wait.compareTo(LONGEST) > 0 ? LONGEST : wait;
  }

  static String describe(RuntimeException e) {
    Throwable cause = e.getCause() != null && e.getMessage() == null ? e.getCause() : e;
    return cause.getMessage() == null
        ? cause.getClass().getSimpleName()
        : Redaction.redact(cause.getMessage(), List.of());
  }
}
