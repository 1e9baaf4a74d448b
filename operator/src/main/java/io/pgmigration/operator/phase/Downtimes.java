package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import java.time.Duration;
import java.time.Instant;

/** The app's downtime: from the moment maintenance begins until the app is given back. */
final class Downtimes {
  private Downtimes() {}

  static void begin(StatusDraft d) {
    d.status().downtime = new PostgresMigrationStatus.Downtime();
    d.status().downtime.startedAt = d.timestamp();
  }

  /** Ends the downtime once; later calls keep the first end. */
  static void end(StatusDraft d) {
    PostgresMigrationStatus.Downtime downtime = d.status().downtime;
    if (downtime.endedAt != null) {
      return;
    }
    downtime.endedAt = d.timestamp();
    downtime.seconds =
        Duration.between(Instant.parse(downtime.startedAt), Instant.parse(downtime.endedAt))
            .toSeconds();
  }
}
