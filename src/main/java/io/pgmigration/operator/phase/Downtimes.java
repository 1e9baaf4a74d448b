package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import java.time.Duration;
import java.time.Instant;

/** The app's downtime: from the moment maintenance begins until the app is given back. */
final class Downtimes {
  private Downtimes() {}

  static void begin(PostgresMigrationStatus status, Instant now) {
    status.downtime = new PostgresMigrationStatus.Downtime();
    status.downtime.startedAt = Transitions.timestamp(now);
  }

  /** Ends the downtime once; later calls keep the first end. */
  static void end(PostgresMigrationStatus status, Instant now) {
    if (status.downtime.endedAt != null) {
      return;
    }
    status.downtime.endedAt = Transitions.timestamp(now);
    status.downtime.seconds =
        Duration.between(
                Instant.parse(status.downtime.startedAt), Instant.parse(status.downtime.endedAt))
            .toSeconds();
  }
}
