package io.pgmigration.operator.phase;

import java.time.Duration;
import java.util.Optional;

/**
 * What a handler decided besides the new status: when to look at the migration again, or never
 * (until the user changes it), and whether the next step may run before this status is written.
 *
 * @param requeueAfter when to look again; empty when only a change of the migration should wake it
 * @param deferWrite the next step runs in the same reconcile before this status is written, and
 *     writes it with its own
 */
public record Step(Optional<Duration> requeueAfter, boolean deferWrite) {
  /** The longest wait {@link #quietlyAfter} allows: the reconcile thread waits it out. */
  public static final Duration LONGEST_QUIET_WAIT = Duration.ofMillis(250);

  /** Nothing to do until the migration changes. */
  public static Step waitForChange() {
    return new Step(Optional.empty(), false);
  }

  /** Look again after {@code delay}. */
  public static Step after(Duration delay) {
    return new Step(Optional.of(delay), false);
  }

  /**
   * Go on right away: the reconciler writes the new status, then runs the next step in the same
   * reconcile, so steps that only wait on each other's status write cost no time.
   */
  public static Step now() {
    return after(Duration.ZERO);
  }

  /**
   * Go on right away, and write this status only with the next step's: while the app is down every
   * write to the API server is downtime. Only for a step whose work may simply be done again when
   * the operator stops before that write: it only read something, or did what is idempotent and is
   * looked at again from the status as last written. A step that must be known to have happened
   * before the next one acts (the workloads recorded before they are stopped, the fence marked
   * before it is set, the phase Promoting before the Secret is switched) returns {@link #now}.
   */
  public static Step onward() {
    return new Step(Optional.of(Duration.ZERO), true);
  }

  /**
   * Look again after {@code delay} in the same reconcile, without writing this status first: for a
   * wait of a few tenths of a second while the app is down (its pods ending, the destination
   * catching up), where a write per look would add to the downtime. The reconciler writes it after
   * a bounded number of such looks, so a longer wait is still told in status. A delay longer than
   * {@link #LONGEST_QUIET_WAIT} is an ordinary {@link #after}.
   */
  public static Step quietlyAfter(Duration delay) {
    return delay.compareTo(LONGEST_QUIET_WAIT) > 0
        ? after(delay)
        : new Step(Optional.of(delay), true);
  }

  /** This step, or one that looks again after {@code delay} if that is sooner. */
  public Step noLaterThan(Duration delay) {
    return requeueAfter.filter(d -> d.compareTo(delay) <= 0).isPresent() ? this : after(delay);
  }

  /** Whether the next step should run right away. */
  public boolean immediate() {
    return requeueAfter.filter(Duration::isZero).isPresent();
  }

  /** Whether the next step runs in the same reconcile: at once, or after a quiet wait. */
  public boolean continues() {
    return immediate() || deferWrite;
  }
}
