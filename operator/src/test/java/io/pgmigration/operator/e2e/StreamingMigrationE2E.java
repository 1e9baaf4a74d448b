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
      // The gate lets start go on whatever the lag, and the one round is not repeated: the rows
      // below are written after it, so that only the switch-over can meet them.
      q.applyMigration(
          m -> {
            m.getSpec().method = Method.Streaming;
            m.getSpec().streaming.maxLagBytes = 1L << 40;
            m.getSpec().streaming.maxLagSeconds = 86_400;
            m.getSpec().streaming.verificationMaxAge = "2h";
          });
      q.awaitPhase(Phase.Ready, PREPARE);
      awaitVerified(q);
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

  /**
   * A row changed by hand on the destination while Ready is found by the verification while Ready,
   * checked again and reported by table; start is refused with that table named, the app keeps
   * running on the source, and a cancel leaves nothing of the verification on either server.
   */
  @Test
  void aRowChangedByHandOnTheDestinationIsFoundWhileReadyAndBlocksStart() throws Exception {
    try (QuickstartInstance q = QuickstartInstance.create(client, "e2e-stream-hand", x -> {})) {
      q.applyMigration(
          m -> {
            m.getSpec().method = Method.Streaming;
            m.getSpec().streaming.verificationMaxAge = "20s";
          });
      q.awaitPhase(Phase.Ready, PREPARE);
      awaitVerified(q);
      Map<String, String> before = q.appState();
      q.execute(
          DESTINATION,
          "UPDATE app_writes SET n = n + 1000000 WHERE id = (SELECT min(id) FROM app_writes)");
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () -> {
                var v = q.migration().getStatus().onlineVerification;
                assertThat(v.differences).as(v.state + ": " + v.reason).isNotNull();
                assertThat(v.differences)
                    .extracting(d -> d.table)
                    .containsExactly("public.app_writes");
              });

      q.patchSpec("{\"start\":true}");
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(q.migration().getStatus().message)
                      .startsWith("Start is refused for now")
                      .contains("public.app_writes: checksum of the rows differs"));
      Thread.sleep(5_000);
      PostgresMigration refused = q.migration();
      assertThat(refused.getStatus().phase).isEqualTo(Phase.Ready);
      assertThat(refused.getStatus().downtime).isNull();
      assertThat(q.appState()).isEqualTo(before);
      assertThat(q.query(SOURCE, "SHOW default_transaction_read_only")).containsExactly("off");

      q.patchSpec("{\"cancel\":true}");
      q.awaitPhase(Phase.Cancelled, Duration.ofSeconds(60));
      assertNothingLeft(q);
    }
  }

  /**
   * A destination more than the gate's 1 MiB behind holds the app up after start: the app is
   * stopped only once the destination has caught up again.
   */
  @Test
  void aLagAboveTheGateDelaysTheStopOfTheApp() throws Exception {
    try (QuickstartInstance q = QuickstartInstance.create(client, "e2e-stream-lag", x -> {})) {
      q.applyMigration(m -> m.getSpec().method = Method.Streaming);
      PostgresMigration ready = q.awaitPhase(Phase.Ready, PREPARE);
      awaitVerified(q);
      String name = ready.getStatus().replication.name;
      Map<String, String> before = q.appState();
      q.execute(DESTINATION, "ALTER SUBSCRIPTION " + name + " DISABLE");
      // The apply worker stops a moment later; until then it would still take what follows.
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(q.query(SOURCE, "SELECT active::text FROM pg_replication_slots"))
                      .containsExactly("false"));
      // Transactional, so that its commit writes it out at once: 3 MB of WAL the destination
      // has not confirmed.
      q.execute(SOURCE, "SELECT pg_logical_emit_message(true, 'pad', repeat('x', 3000000))");

      q.patchSpec("{\"start\":true}");
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(q.migration().getStatus().message)
                      .startsWith("Start is waiting before it stops the app: the destination is")
                      .contains("at most 1048576 bytes"));
      Thread.sleep(10_000);
      PostgresMigration waiting = q.migration();
      assertThat(waiting.getStatus().phase).isEqualTo(Phase.Ready);
      assertThat(waiting.getStatus().downtime).isNull();
      assertThat(q.appState()).isEqualTo(before);

      java.time.Instant enabled = java.time.Instant.now();
      q.execute(DESTINATION, "ALTER SUBSCRIPTION " + name + " ENABLE");
      PostgresMigration done = q.awaitPhase(Phase.Completed, RUN);
      assertThat(java.time.Instant.parse(done.getStatus().downtime.startedAt))
          .isAfterOrEqualTo(enabled.minusSeconds(1));
      assertThat(done.getStatus().downtime.seconds).isLessThan(5);
      assertThat(done.getStatus().onlineVerification.switchover).isNotNull();
      assertNothingLeft(q);
    }
  }

  private static void awaitVerified(QuickstartInstance q) {
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              var v = q.migration().getStatus().onlineVerification;
              assertThat(v).as("the verification while Ready").isNotNull();
              assertThat(v.verifiedAt).as("a complete round").isNotNull();
            });
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

  /**
   * No slot or publication on the source, no subscription on the destination, nothing of the
   * verification while Ready on either.
   */
  private static void assertNothingLeft(QuickstartInstance q) throws Exception {
    for (String side : List.of(SOURCE, DESTINATION)) {
      assertThat(q.query(side, "SELECT nspname FROM pg_namespace WHERE nspname = 'pgmo_verify'"))
          .isEmpty();
      assertThat(q.query(side, "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'pgmo%'"))
          .isEmpty();
    }
    assertThat(slots(q)).isEmpty();
    assertThat(q.query(SOURCE, "SELECT pubname FROM pg_publication")).isEmpty();
    assertThat(q.query(DESTINATION, "SELECT subname FROM pg_subscription")).isEmpty();
  }
}
