package io.pgmigration.operator.phase;

import java.time.Duration;
import java.util.Optional;

/**
 * What a handler decided besides the new status: when to look at the migration again, or never
 * (until the user changes it).
 */
public record Step(Optional<Duration> requeueAfter) {
  /** Nothing to do until the migration changes. */
  public static Step waitForChange() {
    return new Step(Optional.empty());
  }

  /** Look again after {@code delay}. */
  public static Step after(Duration delay) {
    return new Step(Optional.of(delay));
  }

  /**
   * Go on right away: the reconciler writes the new status, then runs the next step in the same
   * reconcile, so steps that only wait on each other's status write cost no time.
   */
  public static Step now() {
    return after(Duration.ZERO);
  }

  /** This step, or one that looks again after {@code delay} if that is sooner. */
  public Step noLaterThan(Duration delay) {
    return requeueAfter.filter(d -> d.compareTo(delay) <= 0).isPresent() ? this : after(delay);
  }

  /** Whether the next step should run right away. */
  public boolean immediate() {
    return requeueAfter.filter(Duration::isZero).isPresent();
  }
}
