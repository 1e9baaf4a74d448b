package io.pgmigration.operator.phase;

import java.time.Duration;

/**
 * How often the phase handlers look at what no watch tells them: the databases, and the app's pods
 * (which are not the operator's, so not watched). Jobs and their pods are watched: their changes
 * start a reconcile at once, whatever these intervals are.
 *
 * @param drainFirst the longest one look of the drain watches the app's pods during its first
 *     {@link #FIRST_DRAIN}, seeing each end as the kubelet reports it (every moment of it is
 *     downtime, and an app that stops on SIGTERM is gone in a second or two); the next look follows
 *     at once
 * @param drain the drain after that, for a slow app
 * @param copyProgress the Snapshot copy's progress, read from both databases
 * @param replicationSetup the Streaming initial copy, read from the subscription
 * @param lag a Ready Streaming migration's lag
 * @param catchUp the switch-over's wait for the destination to confirm the fenced position
 */
public record Polling(
    Duration drainFirst,
    Duration drain,
    Duration copyProgress,
    Duration replicationSetup,
    Duration lag,
    Duration catchUp) {
  /** How long the drain watches the app's pods ({@link #drainFirst}) before it only looks. */
  public static final Duration FIRST_DRAIN = Duration.ofSeconds(10);

  /** The operator's defaults: each about as often as what it shows changes. */
  public static final Polling DEFAULT =
      new Polling(
          Duration.ofSeconds(1),
          Duration.ofSeconds(2),
          Duration.ofSeconds(5),
          Duration.ofSeconds(2),
          Duration.ofSeconds(10),
          Duration.ofMillis(50));

  /**
   * A CloudNativePG destination being made ready (instances start in tens of seconds), as often as
   * the copy's progress.
   */
  public Duration destination() {
    return copyProgress;
  }
}
