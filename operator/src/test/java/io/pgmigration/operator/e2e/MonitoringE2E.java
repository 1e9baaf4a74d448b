package io.pgmigration.operator.e2e;

import static io.pgmigration.operator.e2e.QuickstartInstance.DESTINATION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Method;
import io.pgmigration.operator.testing.Manifests;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus scraping the operator on the local cluster while four migrations live in four
 * namespaces: one completes, one streams and waits in Ready, one fails its checks, and one rolls
 * back. The phase metric says where each stands, every panel of the Grafana dashboard has data, and
 * the alert rules load and fire for the two that failed.
 */
class MonitoringE2E {
  private static final String UNPULLABLE = "localhost/pgmo/unpullable:e2e";
  private static final String DONE = "e2e-metrics-done";
  private static final String STREAMING = "e2e-metrics-stream";
  private static final String CHECKS_FAIL = "e2e-metrics-checks";
  private static final String ROLLED_BACK = "e2e-metrics-rollback";

  private static final KubernetesClient client = LocalCluster.client();

  @Test
  void prometheusSeesEveryMigrationAndEveryPanelHasData() throws Exception {
    List<QuickstartInstance> instances = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (Prometheus prometheus = Prometheus.start()) {
      List<CompletableFuture<QuickstartInstance>> started =
          List.of(
              start(pool, DONE, m -> m.getSpec().promote = true, Phase.Completed),
              start(pool, STREAMING, m -> m.getSpec().method = Method.Streaming, Phase.Ready),
              start(pool, CHECKS_FAIL, m -> {}, Phase.PrepareFailed),
              start(pool, ROLLED_BACK, m -> m.getSpec().copy.image = UNPULLABLE, Phase.Failed));
      for (CompletableFuture<QuickstartInstance> f : started) {
        instances.add(f.get());
      }

      for (String[] expected :
          new String[][] {
            {DONE, "Completed"},
            {STREAMING, "Ready"},
            {CHECKS_FAIL, "PrepareFailed"},
            {ROLLED_BACK, "Failed"}
          }) {
        String query = "max by (phase) (pgmo_migration_phase{namespace=\"" + expected[0] + "\"})";
        await()
            .atMost(Duration.ofMinutes(1))
            .untilAsserted(
                () -> {
                  JsonNode result = prometheus.query(query);
                  assertThat(result).as(query + ": " + result).hasSize(1);
                  assertThat(result.get(0).path("metric").path("phase").asText())
                      .isEqualTo(expected[1]);
                  assertThat(result.get(0).path("value").get(1).asText()).isEqualTo("1");
                });
      }
      assertValue(prometheus, "sum(pgmo_checks_failed_total{check=\"DestinationEmpty\"})");
      assertValue(prometheus, "sum(pgmo_rollbacks_total{cause=\"CopyFailed\"})");
      assertValue(prometheus, "sum(pgmo_app_downtime_seconds_count)");
      assertValue(
          prometheus, "sum(reconciliations_started_total{controller_name=\"postgresmigration\"})");

      everyPanelHasData(prometheus);
      rulesLoadAndFire(prometheus);
    } finally {
      pool.shutdown();
      for (QuickstartInstance q : instances) {
        q.close();
      }
    }
  }

  /** Creates the quickstart in {@code ns}, applies its migration and waits for {@code phase}. */
  private static CompletableFuture<QuickstartInstance> start(
      ExecutorService pool, String ns, Consumer<PostgresMigration> customize, Phase phase) {
    return CompletableFuture.supplyAsync(
        () -> {
          QuickstartInstance q = QuickstartInstance.create(client, ns, x -> {});
          try {
            if (phase == Phase.PrepareFailed) {
              q.execute(DESTINATION, "CREATE TABLE left_behind (id int)");
            }
            q.applyMigration(
                m -> {
                  m.getSpec().start = phase != Phase.Ready && phase != Phase.PrepareFailed;
                  customize.accept(m);
                });
            q.awaitPhase(phase, Duration.ofMinutes(6));
            return q;
          } catch (Exception e) {
            q.close();
            throw new IllegalStateException(ns + ": " + e.getMessage(), e);
          }
        },
        pool);
  }

  /** Every query of the dashboard returns at least one series, with Grafana's variables set. */
  private static void everyPanelHasData(Prometheus prometheus) throws Exception {
    JsonNode dashboard =
        new ObjectMapper()
            .readTree(
                Files.readString(
                    Manifests.repo()
                        .resolve("charts/pg-migration-operator/files/grafana-dashboard.json")));
    List<String> queries = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        queries.add(
            target
                .path("expr")
                .asText()
                .replace("$namespace", ".*")
                .replace("$__rate_interval", "1m")
                .replace("$__range", "1h"));
      }
    }
    assertThat(queries).hasSizeGreaterThan(10);
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> {
              List<String> empty = new ArrayList<>();
              for (String q : queries) {
                if (prometheus.query(q).isEmpty()) {
                  empty.add(q);
                }
              }
              assertThat(empty).as("dashboard queries without data").isEmpty();
            });
  }

  /** The chart's rules load without error, and PostgresMigrationFailed fires for both failures. */
  private static void rulesLoadAndFire(Prometheus prometheus) throws Exception {
    JsonNode groups = prometheus.json("/api/v1/rules").path("data").path("groups");
    assertThat(groups).hasSize(1);
    for (JsonNode rule : groups.get(0).path("rules")) {
      assertThat(rule.path("health").asText()).as(rule.path("name").asText()).isEqualTo("ok");
    }
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> {
              List<String> firing = new ArrayList<>();
              for (JsonNode alert : prometheus.json("/api/v1/alerts").path("data").path("alerts")) {
                if (alert.path("state").asText().equals("firing")) {
                  firing.add(
                      alert.path("labels").path("alertname").asText()
                          + " "
                          + alert.path("labels").path("namespace").asText());
                }
              }
              assertThat(firing)
                  .contains(
                      "PostgresMigrationFailed " + CHECKS_FAIL,
                      "PostgresMigrationFailed " + ROLLED_BACK);
            });
  }

  private static void assertValue(Prometheus prometheus, String query) {
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> {
              JsonNode result = prometheus.query(query);
              assertThat(result).as(query).hasSize(1);
              assertThat(result.get(0).path("value").get(1).asDouble())
                  .as(query)
                  .isGreaterThanOrEqualTo(1);
            });
  }
}
