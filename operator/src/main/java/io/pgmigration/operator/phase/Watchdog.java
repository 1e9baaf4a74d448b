package io.pgmigration.operator.phase;

import java.time.Duration;

/**
 * How long the operator lets something keep the app down before it gives up: a copy that never
 * starts, an error that repeats, or a database that stops answering must not keep the app in
 * maintenance until the copy's deadline, or forever.
 *
 * @param stuckPod how long a copy Job's pod may be unable to run (image pull errors, configuration
 *     errors, unschedulable, not created) before the migration fails and rolls back
 * @param errorsFor how long an unexpected error (the API server or a database refusing a call) is
 *     retried, with back-off, before a migration that can still roll back does
 * @param statement how long one statement of the verification may run, and a database may take to
 *     answer it, before the verification fails
 */
public record Watchdog(Duration stuckPod, Duration errorsFor, Duration statement) {
  /**
   * The operator's default: three minutes for a pod, long enough for a slow image pull; two minutes
   * of errors, longer than an API server's restart; an hour for one statement of the verification,
   * which reads a whole table at once.
   */
  public static final Watchdog DEFAULT =
      new Watchdog(Duration.ofMinutes(3), Duration.ofMinutes(2), Duration.ofHours(1));

  /**
   * Whether a pod unable to run since {@code stuckSince} (null: it can run) has been so for {@link
   * #stuckPod} by {@code now}.
   */
  public boolean givesUpOnPod(java.time.Instant stuckSince, java.time.Instant now) {
    return stuckSince != null && !now.isBefore(stuckSince.plus(stuckPod));
  }
}
