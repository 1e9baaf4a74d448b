package io.pgmigration.operator.api.v1alpha1;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Instants as status, conditions and events write them: RFC 3339, whole seconds. */
public final class Timestamps {
  private Timestamps() {}

  /** {@code t} in whole seconds, e.g. {@code 2026-01-01T00:00:00Z}. */
  public static String of(Instant t) {
    return seconds(t).toString();
  }

  /** {@code t} without its fraction of a second. */
  public static Instant seconds(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS);
  }
}
