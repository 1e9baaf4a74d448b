package io.pgmigration.operator.e2e;

import static io.pgmigration.operator.e2e.QuickstartInstance.APP_SECRET;
import static io.pgmigration.operator.e2e.QuickstartInstance.DESTINATION;
import static io.pgmigration.operator.e2e.QuickstartInstance.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Method;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.ReplicationStage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The Streaming method on the local cluster, each scenario in a fresh copy of the quickstart whose
 * app keeps writing numbered rows: a migration that completes with seconds of downtime, one that
 * fails during the switch-over, and one cancelled while Ready. After each, no replication slot,
 * publication or subscription is left behind.
 */
class StreamingMigrationE2E {
  private static final Duration PREPARE = Duration.ofMinutes(4);
  private static final Duration RUN = Duration.ofMinutes(4);

  private static final KubernetesClient client = LocalCluster.client();

  @Test
  void theAppKeepsWritingWhileItsDataStreamsAndIsDownForSecondsOnly() throws Exception {
    try (QuickstartInstance q = QuickstartInstance.create(client, "e2e-stream", x -> {})) {
      q.applyMigration(m -> m.getSpec().method = Method.Streaming);
      PostgresMigration ready = q.awaitPhase(Phase.Ready, PREPARE);
      assertThat(ready.getStatus().replication.stage).isEqualTo(ReplicationStage.Streaming);
      assertThat(slots(q)).containsExactly(ready.getStatus().replication.name);

      // Ready, and the app still runs on the source: its new rows reach the destination.
      TreeSet<String> early = q.appRows(SOURCE);
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                TreeSet<String> replicated = q.appRows(DESTINATION);
                assertThat(replicated).containsAll(early);
                assertThat(replicated).hasSizeGreaterThan(early.size() + 4);
              });
      assertThat(q.migration().getStatus().progress.lagBytes).isNotNull();
      Map<String, String> before = q.appState();
      Map<String, Integer> logged = q.committedInLogs();
      String sourceUrl = q.secretValue(APP_SECRET, "DATABASE_URL");

      q.awaitNoBatchRunning();
      q.patchSpec("{\"start\":true}");
      PostgresMigration done = q.awaitPhase(Phase.Completed, RUN);

      var status = done.getStatus();
      assertThat(status.downtime.seconds)
          .as(
              "maintenance on to off, from %s to %s",
              status.downtime.startedAt, status.downtime.endedAt)
          .isLessThan(5);
      assertThat(status.verification.mismatches).isEmpty();
      assertThat(status.replication.stage).isEqualTo(ReplicationStage.Dropped);
      TreeSet<String> sourceRows = q.appRows(SOURCE);
      TreeSet<String> destinationRows = q.appRows(DESTINATION);
      assertThat(destinationRows).containsAll(sourceRows);
      logged.forEach(
          (writer, n) ->
              assertThat(destinationRows).as("logged by " + writer).contains(writer + " " + n));
      // Sequences came along: the app's next rows on the destination do not collide. The app is
      // back and writing on the destination by now, so its sequence may already be further on.
      long sourceSequence =
          Long.parseLong(q.query(SOURCE, "SELECT last_value FROM app_writes_id_seq").get(0));
      assertThat(
              Long.parseLong(
                  q.query(DESTINATION, "SELECT last_value FROM app_writes_id_seq").get(0)))
          .isGreaterThanOrEqualTo(sourceSequence);
      assertNothingLeft(q);

      Map<String, String> after = q.appState();
      for (String workload :
          List.of("Deployment/web", "Deployment/worker", "CronJob/nightly-report")) {
        assertThat(after.get(workload)).as(workload).isEqualTo(before.get(workload));
      }
      assertThat(q.secretValue(APP_SECRET, "DATABASE_URL"))
          .isEqualTo(q.secretValue(DESTINATION, "DATABASE_URL"));
      assertThat(q.secretValue(APP_SECRET, "DATABASE_URL_PREVIOUS")).isEqualTo(sourceUrl);
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () -> {
                TreeSet<String> now = q.appRows(DESTINATION);
                now.removeAll(destinationRows);
                assertThat(now).hasSizeGreaterThanOrEqualTo(5);
              });
    }
  }

  /**
   * Rows written to the destination behind the replication's back collide with the app's next rows:
   * the destination cannot apply them, the switch-over sees its errors, and the migration rolls
   * back with the app on the source and no slot left.
   */
  @Test
  void aSwitchOverThatCannotCatchUpRollsBackAndLeavesNoSlot() throws Exception {
    try (QuickstartInstance q = QuickstartInstance.create(client, "e2e-stream-fails", x -> {})) {
      q.applyMigration(m -> m.getSpec().method = Method.Streaming);
      q.awaitPhase(Phase.Ready, PREPARE);
      Map<String, String> before = q.appState();
      String sourceUrl = q.secretValue(APP_SECRET, "DATABASE_URL");
      // For every writer, the rows it will write next, already on the destination.
      q.execute(
          DESTINATION,
          "INSERT INTO app_writes (id, writer, n)"
              + " SELECT 1000000000 + row_number() OVER (), w.writer, w.n + g"
              + " FROM (SELECT writer, max(n) AS n FROM app_writes GROUP BY writer) w,"
              + " generate_series(1, 200) g");
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () -> assertThat(q.migration().getStatus().message).contains("error(s) applying"));

      q.patchSpec("{\"start\":true}");
      PostgresMigration failed = q.awaitPhase(Phase.Failed, RUN);
      assertThat(failed.getStatus().message)
          .contains("error(s) applying the last changes")
          .contains("Rolled back");
      assertNothingLeft(q);
      assertThat(q.query(SOURCE, "SHOW default_transaction_read_only")).containsExactly("off");
      assertThat(q.appState()).isEqualTo(before);
      assertThat(q.secretValue(APP_SECRET, "DATABASE_URL")).isEqualTo(sourceUrl);
      TreeSet<String> frozen = q.appRows(SOURCE);
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(() -> assertThat(q.appRows(SOURCE)).hasSizeGreaterThan(frozen.size() + 4));
    }
  }

  @Test
  void aCancelledStreamingMigrationLeavesNoSlot() throws Exception {
    try (QuickstartInstance q = QuickstartInstance.create(client, "e2e-stream-cancel", x -> {})) {
      q.applyMigration(m -> m.getSpec().method = Method.Streaming);
      q.awaitPhase(Phase.Ready, PREPARE);
      Map<String, String> before = q.appState();
      assertThat(slots(q)).hasSize(1);
      q.patchSpec("{\"cancel\":true}");
      PostgresMigration cancelled = q.awaitPhase(Phase.Cancelled, Duration.ofSeconds(60));
      assertThat(cancelled.getStatus().message).contains("Dropped the");
      assertNothingLeft(q);
      assertThat(q.appState()).isEqualTo(before);
      assertThat(q.query(SOURCE, "SHOW default_transaction_read_only")).containsExactly("off");
    }
  }

  private static List<String> slots(QuickstartInstance q) throws Exception {
    return q.query(SOURCE, "SELECT slot_name FROM pg_replication_slots");
  }

  /** No slot or publication on the source, no subscription on the destination. */
  private static void assertNothingLeft(QuickstartInstance q) throws Exception {
    assertThat(slots(q)).isEmpty();
    assertThat(q.query(SOURCE, "SELECT pubname FROM pg_publication")).isEmpty();
    assertThat(q.query(DESTINATION, "SELECT subname FROM pg_subscription")).isEmpty();
  }
}
