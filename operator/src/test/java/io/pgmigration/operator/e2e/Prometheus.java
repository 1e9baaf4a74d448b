package io.pgmigration.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgmigration.operator.testing.FreePorts;
import io.pgmigration.operator.testing.Manifests;
import io.pgmigration.operator.testing.Tools;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (built by hack/build-binaries.sh) on this machine, the local cluster's node,
 * scraping the operator's pods the way the chart's PodMonitor has the Prometheus Operator do it:
 * found through the API server, /q/metrics on the port named http, the pod's labels kept
 * (honor_labels), every 2 seconds; with the chart's alert rules loaded.
 */
final class Prometheus implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Process process;
  private final Path dir;
  private final String url;
  private final HttpClient http = HttpClient.newHttpClient();

  private Prometheus(Process process, Path dir, String url) {
    this.process = process;
    this.dir = dir;
    this.url = url;
  }

  static Prometheus start() throws Exception {
    Path dir = Files.createTempDirectory("pgmo-prometheus");
    Path rules =
        Manifests.repo().resolve("charts/pg-migration-operator/files/prometheus-rules.yaml");
    String kubeconfig = System.getenv("KUBECONFIG");
    Files.writeString(
        dir.resolve("prometheus.yml"),
        """
        global: {scrape_interval: 2s, evaluation_interval: 2s}
        rule_files: [%s]
        scrape_configs:
        - job_name: pg-migration-operator
          metrics_path: /q/metrics
          honor_labels: true
          kubernetes_sd_configs:
          - role: pod
            kubeconfig_file: %s
            namespaces: {names: [%s]}
          relabel_configs:
          - {source_labels: [__meta_kubernetes_pod_label_app_kubernetes_io_name], regex: pg-migration-operator, action: keep}
          - {source_labels: [__meta_kubernetes_pod_container_port_name], regex: http, action: keep}
          - {source_labels: [__meta_kubernetes_pod_name], target_label: pod}
        """
            .formatted(rules, kubeconfig, LocalCluster.OPERATOR_NS));
    int port = FreePorts.any();
    Process p =
        new ProcessBuilder(
                Tools.binary("prometheus", "PROMETHEUS_VERSION", "prometheus").toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    Prometheus prometheus = new Prometheus(p, dir, "http://127.0.0.1:" + port);
    for (int i = 0; i < 60 && !prometheus.ready(); i++) {
      assertThat(p.isAlive()).as("Prometheus runs: " + prometheus.log()).isTrue();
      Thread.sleep(500);
    }
    return prometheus;
  }

  private boolean ready() {
    try {
      return get("/-/ready").statusCode() == 200;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** The result vector of the instant query {@code promql}. */
  JsonNode query(String promql) throws Exception {
    JsonNode body =
        json("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    assertThat(body.path("status").asText()).as(promql + ": " + body).isEqualTo("success");
    return body.path("data").path("result");
  }

  JsonNode json(String path) throws Exception {
    return JSON.readTree(get(path).body());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  String log() {
    try {
      return Files.readString(dir.resolve("prometheus.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
