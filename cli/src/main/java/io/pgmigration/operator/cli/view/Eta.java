package io.pgmigration.operator.cli.view;

import java.time.Duration;
import java.time.Instant;

/**
 * Estimates the time left of a copy from the bytes copied between the first and the latest sample
 * the watcher saw. Unknown until the copy has moved forward at least once.
 */
public final class Eta {
  private Instant firstAt;
  private long firstBytes;
  private Instant lastAt;
  private long lastBytes;

  /** Records that {@code done} of {@code total} bytes were copied at {@code at}. */
  public void sample(Instant at, long done) {
    if (firstAt == null || done < lastBytes) {
      firstAt = at;
      firstBytes = done;
    }
    lastAt = at;
    lastBytes = done;
  }

  /** The time left to copy {@code total} bytes, or null while no rate is known. */
  public Duration remaining(long total) {
    if (firstAt == null || lastBytes <= firstBytes || !lastAt.isAfter(firstAt)) {
      return null;
    }
    double perMilli =
        (lastBytes - firstBytes) / (double) Duration.between(firstAt, lastAt).toMillis();
    long left = Math.max(0, total - lastBytes);
    return Duration.ofMillis((long) (left / perMilli));
  }
}
