package io.pgmigration.operator.phase;

import java.time.Duration;

/**
 * How long the operator lets a pod it started be unable to run before it gives up: a copy that
 * never starts must not keep the app in maintenance until the copy's deadline.
 *
 * @param stuckPod how long a copy Job's pod may be unable to run (image pull errors, configuration
 *     errors, unschedulable, not created) before the migration fails and rolls back
 */
public record Watchdog(Duration stuckPod) {
  /** The operator's default: three minutes, long enough for a slow image pull to finish. */
  public static final Watchdog DEFAULT = new Watchdog(Duration.ofMinutes(3));
}
