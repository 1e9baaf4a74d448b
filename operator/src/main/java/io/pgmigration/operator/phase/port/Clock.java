package io.pgmigration.operator.phase.port;

import java.time.Instant;

/** The time, as the phase handlers see it: the operator's clock, or a test's. */
@FunctionalInterface
public interface Clock {
  /** The current time. */
  Instant now();
}
