package io.pgmigration.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.CheckOutcome;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.Severity;
import io.pgmigration.operator.api.v1alpha1.RollbackCause;
import io.pgmigration.operator.testing.Manifests;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The metrics as Prometheus scrapes them: their names, labels and values, from the registry the
 * operator serves /q/metrics with (Quarkus' Prometheus extension uses Micrometer's simpleclient
 * registry, deprecated upstream in favour of a newer one Quarkus does not ship yet).
 */
@SuppressWarnings("deprecation")
class MigrationMetricsTest {
  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

  private PrometheusMeterRegistry registry;
  private MigrationMetrics metrics;

  @BeforeEach
  void setUp() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics = new MigrationMetrics(registry, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @Test
  void migrationsAreCountedByPhaseAndEachNamesItsPhase() {
    PostgresMigrationStatus ready = status(Phase.Ready);
    ready.readyDeadline = NOW.plusSeconds(3600).toString();
    metrics.observe(migration("shop", "orders"), null, ready);
    metrics.observe(migration("blog", "posts"), null, status(Phase.Migrating));

    assertThat(scrape())
        .contains("pgmo_migrations{phase=\"Ready\"} 1.0")
        .contains("pgmo_migrations{phase=\"Migrating\"} 1.0")
        .contains("pgmo_migrations{phase=\"Completed\"} 0.0")
        .contains("pgmo_migration_phase{name=\"orders\",namespace=\"shop\",phase=\"Ready\"} 1.0")
        .contains(
            "pgmo_migration_ready_window_remaining_seconds{name=\"orders\",namespace=\"shop\"}"
                + " 3600.0")
        .doesNotContain("pgmo_migration_ready_window_remaining_seconds{name=\"posts\"");

    metrics.forget(migration("shop", "orders"));
    assertThat(scrape())
        .contains("pgmo_migrations{phase=\"Ready\"} 0.0")
        .doesNotContain("namespace=\"shop\"");
  }

  @Test
  void theAppsDowntimeIsShownWhileDownAndRecordedOnceWhenItEnds() {
    PostgresMigrationStatus down = status(Phase.Migrating);
    down.downtime = new PostgresMigrationStatus.Downtime();
    down.downtime.startedAt = NOW.minusSeconds(95).toString();
    metrics.observe(migration("shop", "orders"), status(Phase.MaintenanceOn), down);
    assertThat(scrape())
        .contains("pgmo_migration_app_down_seconds{name=\"orders\",namespace=\"shop\"} 95.0");

    PostgresMigrationStatus back = status(Phase.Completed);
    back.downtime = new PostgresMigrationStatus.Downtime();
    back.downtime.startedAt = down.downtime.startedAt;
    back.downtime.endedAt = NOW.toString();
    back.downtime.seconds = 95L;
    metrics.observe(migration("shop", "orders"), down, back);
    metrics.observe(migration("shop", "orders"), back, back);

    assertThat(scrape())
        .doesNotContain("pgmo_migration_app_down_seconds{")
        .contains("pgmo_app_downtime_seconds_count 1")
        .contains("pgmo_app_downtime_seconds_sum 95.0")
        .contains("pgmo_app_downtime_seconds_bucket{le=\"60.0\"} 0")
        .contains("pgmo_app_downtime_seconds_bucket{le=\"120.0\"} 1");
  }

  @Test
  void failedChecksAreCountedByNameOncePerFailedPreparation() {
    PostgresMigrationStatus failed = status(Phase.PrepareFailed);
    failed.checks =
        List.of(
            check("Rehearsal", Severity.Blocking, CheckOutcome.Failed),
            check("Roles", Severity.Blocking, CheckOutcome.Error),
            check("Collation", Severity.Warning, CheckOutcome.Warning),
            check("Encoding", Severity.Blocking, CheckOutcome.Passed));
    metrics.observe(migration("shop", "orders"), status(Phase.Preparing), failed);
    metrics.observe(migration("shop", "orders"), failed, failed);

    assertThat(scrape())
        .contains("pgmo_checks_failed_total{check=\"Rehearsal\"} 1.0")
        .contains("pgmo_checks_failed_total{check=\"Roles\"} 1.0")
        .doesNotContain("check=\"Collation\"")
        .doesNotContain("check=\"Encoding\"");
  }

  @Test
  void rollbacksAreCountedByCauseWhenMarked() {
    PostgresMigrationStatus marked = status(Phase.Verifying);
    marked.rollback = new PostgresMigrationStatus.Rollback();
    marked.rollback.cause = RollbackCause.VerificationMismatch;
    marked.rollback.endPhase = Phase.Failed;
    metrics.observe(migration("shop", "orders"), status(Phase.Verifying), marked);
    metrics.observe(migration("shop", "orders"), marked, marked);

    assertThat(scrape())
        .contains("pgmo_rollbacks_total{cause=\"VerificationMismatch\"} 1.0")
        .as("every cause is there from the start, at 0")
        .contains("pgmo_rollbacks_total{cause=\"CopyFailed\"} 0.0");
  }

  @Test
  void streamingLagAndRetainedWalAreShownWhileTheReplicationExists() {
    PostgresMigrationStatus streaming = status(Phase.Ready);
    streaming.replication = new PostgresMigrationStatus.Replication();
    streaming.replication.stage = PostgresMigrationStatus.ReplicationStage.Streaming;
    streaming.progress = new PostgresMigrationStatus.Progress();
    streaming.progress.lagBytes = 2048L;
    streaming.progress.lagSeconds = 3L;
    streaming.progress.walRetainedBytes = 16_777_216L;
    metrics.observe(migration("shop", "orders"), null, streaming);

    String tags = "{name=\"orders\",namespace=\"shop\"}";
    assertThat(scrape())
        .contains("pgmo_migration_replication_lag_bytes" + tags + " 2048.0")
        .contains("pgmo_migration_replication_lag_seconds" + tags + " 3.0")
        .contains("pgmo_migration_replication_slot_retained_bytes" + tags + " 1.6777216E7");

    streaming.replication.stage = PostgresMigrationStatus.ReplicationStage.Dropped;
    metrics.observe(migration("shop", "orders"), streaming, streaming);
    assertThat(scrape()).doesNotContain("pgmo_migration_replication_lag_bytes{");
  }

  @Test
  void theCopysBytesAndRowsAreCountersWhoseRateIsItsSpeed() {
    PostgresMigrationStatus copying = status(Phase.Migrating);
    copying.progress = new PostgresMigrationStatus.Progress();
    copying.progress.bytesDone = 1_000_000L;
    copying.progress.rowsDone = 5000L;
    metrics.observe(migration("shop", "orders"), status(Phase.MaintenanceOn), copying);
    copying.progress.bytesDone = 3_000_000L;

    String tags = "{name=\"orders\",namespace=\"shop\"}";
    assertThat(scrape())
        .contains("pgmo_migration_copied_bytes_total" + tags + " 3000000.0")
        .contains("pgmo_migration_copied_rows_total" + tags + " 5000.0");
    metrics.forget(migration("shop", "orders"));
    assertThat(scrape()).doesNotContain("pgmo_migration_copied_bytes_total{");
  }

  /** The exposition, without the trailing comma the simpleclient writes after the last label. */
  private String scrape() {
    return registry.scrape().replace(",}", "}");
  }

  private static PostgresMigration migration(String namespace, String name) {
    PostgresMigration m = Manifests.quickstartMigration();
    m.getMetadata().setNamespace(namespace);
    m.getMetadata().setName(name);
    return m;
  }

  private static PostgresMigrationStatus status(Phase phase) {
    PostgresMigrationStatus s = new PostgresMigrationStatus();
    s.phase = phase;
    return s;
  }

  private static CheckResult check(String name, Severity severity, CheckOutcome result) {
    CheckResult c = new CheckResult();
    c.name = name;
    c.severity = severity;
    c.result = result;
    return c;
  }
}
