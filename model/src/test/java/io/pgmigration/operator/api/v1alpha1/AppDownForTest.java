package io.pgmigration.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AppDownForTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");

  @Test
  void theAppIsDownFromMaintenanceUntilItIsBack() {
    PostgresMigrationStatus status = new PostgresMigrationStatus();
    assertThat(status.appDownFor(NOW)).as("before maintenance").isEmpty();
    status.downtime = new PostgresMigrationStatus.Downtime();
    status.downtime.startedAt = "2026-01-01T00:07:30Z";
    assertThat(status.appDownFor(NOW)).contains(Duration.ofSeconds(150));
    status.downtime.endedAt = "2026-01-01T00:08:00Z";
    assertThat(status.appDownFor(NOW)).as("back").isEmpty();
  }
}
