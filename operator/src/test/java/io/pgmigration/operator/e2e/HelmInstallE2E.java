package io.pgmigration.operator.e2e;

import static io.pgmigration.operator.e2e.QuickstartInstance.DESTINATION;
import static io.pgmigration.operator.e2e.QuickstartInstance.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.testing.Tools;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart on the local cluster: the real helm installs the operator in place of the
 * kustomize install (taking its objects over, as a user moving to Helm does), a migration completes
 * under it, and the kustomize install is put back afterwards.
 */
class HelmInstallE2E {
  private static final String RELEASE = "pg-migration-operator";
  private static final String CHART = "charts/pg-migration-operator";

  private static final KubernetesClient client = LocalCluster.client();

  /**
   * With logFormat: json, the leader writes one JSON object per line, and every line it wrote while
   * reconciling the migration names it and its phase.
   */
  private static void logLinesNameTheMigrationAndPhase() throws Exception {
    String log =
        client
            .pods()
            .inNamespace(LocalCluster.OPERATOR_NS)
            .withName(LocalCluster.leaderPod(client).getMetadata().getName())
            .getLog();
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> reconciling = new ArrayList<>();
    for (String line : log.split("\n")) {
      if (line.startsWith("NOTE: Picked up JDK_JAVA_OPTIONS")) {
        continue; // the JVM's own, before any logger
      }
      JsonNode record = json.readTree(line);
      if (record.path("message").asText().contains("e2e-helm/")) {
        reconciling.add(record);
      }
    }
    assertThat(reconciling).as("the leader's log lines about e2e-helm").isNotEmpty();
    for (JsonNode record : reconciling) {
      assertThat(record.path("mdc").path("migration").asText())
          .as(record.toString())
          .isEqualTo("e2e-helm/" + QuickstartInstance.MIGRATION);
      assertThat(Phase.valueOf(record.path("mdc").path("phase").asText())).isNotNull();
    }
  }

  @Test
  void theChartInstallsAnOperatorThatMigrates() throws Exception {
    String helm = Tools.binary("helm", "HELM_VERSION", "helm").toString();
    try (QuickstartInstance q = QuickstartInstance.create(client, "e2e-helm", x -> {})) {
      try {
        List<String> install =
            new ArrayList<>(
                List.of(
                    helm,
                    "upgrade",
                    "--install",
                    RELEASE,
                    CHART,
                    "--namespace",
                    LocalCluster.OPERATOR_NS,
                    "--take-ownership",
                    "--force-conflicts",
                    "--wait",
                    "--timeout",
                    "5m"));
        // The local overlay's settings (hack/overlays/local), as chart values.
        install.addAll(
            List.of(
                "--set",
                "image.repository=localhost/pgmo/operator,image.tag=dev,image.pullPolicy=Never",
                "--set",
                "copyImages={localhost/pgmo/unpullable:e2e}",
                "--set",
                "logFormat=json",
                "--set",
                "notifications.smtp.host=mailpit.pgmo-mailpit.svc.cluster.local,"
                    + "notifications.smtp.port=1025",
                "--set-json",
                "extraEnv=[{\"name\":\"PGMO_WATCHDOG_STUCK_POD\",\"value\":\"1m\"},"
                    + "{\"name\":\"PGMO_WATCHDOG_STATEMENT\",\"value\":\"90s\"},"
                    + "{\"name\":\"PGMO_WATCHDOG_ERRORS_FOR\",\"value\":\"30s\"}]"));
        LocalCluster.run(install);
        LocalCluster.awaitRollout();
        assertThat(
                LocalCluster.run(
                    List.of(helm, "status", RELEASE, "--namespace", LocalCluster.OPERATOR_NS)))
            .contains("STATUS: deployed");
        Deployment operator =
            client
                .apps()
                .deployments()
                .inNamespace(LocalCluster.OPERATOR_NS)
                .withName("pg-migration-operator")
                .get();
        assertThat(operator.getMetadata().getAnnotations())
            .containsEntry("meta.helm.sh/release-name", RELEASE);
        LocalCluster.awaitNewLeader(client);

        PostgresMigration m =
            q.applyMigration(
                x -> {
                  x.getSpec().start = true;
                  x.getSpec().promote = true;
                });
        assertThat(m).isNotNull();
        PostgresMigration done = q.awaitPhase(Phase.Completed, Duration.ofMinutes(6));
        assertThat(done.getStatus().verification.mismatches).isEmpty();
        assertThat(q.appRows(DESTINATION)).containsAll(q.appRows(SOURCE));
        logLinesNameTheMigrationAndPhase();
      } finally {
        // Helm forgets the release (its records are these Secrets) without deleting what it
        // installed; kustomize then takes the objects back.
        client
            .secrets()
            .inNamespace(LocalCluster.OPERATOR_NS)
            .withLabel("owner", "helm")
            .withLabel("name", RELEASE)
            .delete();
        LocalCluster.installOverlay("hack/overlays/local");
        LocalCluster.awaitNewLeader(client);
      }
    }
  }
}
