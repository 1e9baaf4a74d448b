package io.pgmigration.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.cli.view.Eta;
import io.pgmigration.operator.cli.view.MigrationTable;
import io.pgmigration.operator.cli.view.ProgressView;
import io.pgmigration.operator.cli.view.StatusWords;
import io.pgmigration.operator.cli.view.Style;
import io.pgmigration.operator.testing.Manifests;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The words, table and progress line the plugin prints. */
class ViewsTest {
  private static PostgresMigration in(Phase phase) {
    PostgresMigration m = Manifests.quickstartMigration();
    m.getSpec().promote = false;
    m.setStatus(new PostgresMigrationStatus());
    m.getStatus().phase = phase;
    return m;
  }

  @Test
  void everyPhaseHasHerokusWordOrOneInItsSpirit() {
    assertThat(StatusWords.of(Manifests.quickstartMigration())).isEqualTo("Preparing");
    assertThat(StatusWords.of(in(Phase.Preparing))).isEqualTo("Preparing");
    assertThat(StatusWords.of(in(Phase.PrepareFailed))).isEqualTo("Error - check status");
    assertThat(StatusWords.of(in(Phase.Ready))).isEqualTo("Ready");
    for (Phase p : List.of(Phase.MaintenanceOn, Phase.Migrating, Phase.Verifying)) {
      assertThat(StatusWords.of(in(p))).isEqualTo("Migrating");
    }
    assertThat(StatusWords.of(in(Phase.Migrated))).isEqualTo("Migrated - waiting for promote");
    assertThat(StatusWords.of(in(Phase.Completed))).isEqualTo("Completed");
    assertThat(StatusWords.of(in(Phase.Failed))).isEqualTo("Failed - check status");
    PostgresMigration rollingBack = in(Phase.Migrating);
    rollingBack.getStatus().rollback = new PostgresMigrationStatus.Rollback();
    assertThat(StatusWords.of(rollingBack)).isEqualTo("Rolling back");
    for (Phase p : Phase.values()) {
      assertThat(StatusWords.of(in(p))).isNotBlank();
    }
  }

  @Test
  void theTableLinesUpItsColumns() {
    PostgresMigration m = in(Phase.Ready);
    m.getMetadata().setName("example-app-migration");
    assertThat(MigrationTable.render(List.of(m), "example-app", Style.PLAIN))
        .containsExactly(
            "=== Configured Migrations",
            "",
            "Name                   Source Database         Destination Database       Status",
            "─".repeat(80),
            "example-app-migration  postgresql-clean-29349  postgresql-circular-11223  Ready");
  }

  @Test
  void aClusterBeingCreatedIsCreatingTargetUnderItsCnpgName() {
    PostgresMigration m = in(Phase.CreatingDestination);
    m.getMetadata().setName("example-app-migration");
    m.getSpec().destination.connectionSecret = null;
    m.getSpec().destination.workload = null;
    m.getSpec().destination.cloudNativePG = NewClusterTest.created("orders", null, null);
    assertThat(StatusWords.of(m)).isEqualTo("Creating target");
    assertThat(StatusWords.active(m)).isTrue();
    assertThat(m.cancellable()).isTrue();
    assertThat(MigrationTable.render(List.of(m), "example-app", Style.PLAIN))
        .last()
        .isEqualTo(
            "example-app-migration  postgresql-clean-29349  cnpg/orders           Creating target");
  }

  @Test
  void progressShowsBarBytesTablesAndEta() {
    var p = new PostgresMigrationStatus.Progress();
    p.percent = 50;
    p.bytesDone = 143_000_000L;
    p.bytesTotal = 286_000_000L;
    p.tablesDone = 2;
    p.tablesTotal = 5;
    assertThat(ProgressView.line(p, Duration.ofSeconds(70), Style.PLAIN))
        .isEqualTo(
            "["
                + "█".repeat(15)
                + "░".repeat(15)
                + "]  50%  143 MB of 286 MB  2/5 tables  ETA 1m10s");
  }

  @Test
  void etaComesFromTheObservedRate() {
    Eta eta = new Eta();
    Instant t = Instant.parse("2026-11-24T00:00:00Z");
    eta.sample(t, 0);
    assertThat(eta.remaining(100)).isNull();
    eta.sample(t.plusSeconds(10), 25);
    assertThat(eta.remaining(100)).isEqualTo(Duration.ofSeconds(30));
    eta.sample(t.plusSeconds(11), 5);
    assertThat(eta.remaining(100)).isNull();
  }
}
