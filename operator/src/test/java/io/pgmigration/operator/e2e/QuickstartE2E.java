package io.pgmigration.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.CheckOutcome;
import io.pgmigration.operator.phase.ConditionWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The quickstart on the local cluster, as {@code make e2e} sets it up: the operator installed from
 * deploy/ running as a pod, the example app writing to its database through a Service DNS name, and
 * the in-cluster operator writing the migration's status.
 */
class QuickstartE2E {
  private static final String OPERATOR_NS = LocalCluster.OPERATOR_NS;
  private static final String NS = "example-app";
  private static final KubernetesClient client = LocalCluster.client();

  @Test
  void operatorRunsAsAPodInstalledFromDeploy() {
    Deployment operator =
        client
            .apps()
            .deployments()
            .inNamespace(OPERATOR_NS)
            .withName("pg-migration-operator")
            .get();
    assertThat(operator).as("deploy/ installs the operator Deployment").isNotNull();
    assertThat(operator.getStatus().getAvailableReplicas())
        .as("a leader and a standby")
        .isEqualTo(2);
    Pod pod = LocalCluster.leaderPod(client);
    assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("pg-migration-operator");
    assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
  }

  @Test
  void quickstartPodsAreRunning() {
    for (String selector :
        List.of(
            "app.kubernetes.io/name=postgresql-clean-29349",
            "app.kubernetes.io/name=postgresql-circular-11223",
            "app.kubernetes.io/name=web",
            "app.kubernetes.io/name=worker")) {
      await()
          .atMost(Duration.ofMinutes(2))
          .untilAsserted(
              () -> {
                List<Pod> pods = pods(selector);
                assertThat(pods).as(selector).isNotEmpty();
                assertThat(pods)
                    .as(selector)
                    .allSatisfy(p -> assertThat(p.getStatus().getPhase()).isEqualTo("Running"));
              });
    }
    assertThat(pods("app.kubernetes.io/name=web")).hasSize(2);
  }

  @Test
  void appWritesToPostgresThroughTheServiceDnsName() throws Exception {
    String url =
        new String(
            Base64.getDecoder()
                .decode(
                    client
                        .secrets()
                        .inNamespace(NS)
                        .withName("example-app-config")
                        .get()
                        .getData()
                        .get("DATABASE_URL")),
            StandardCharsets.UTF_8);
    assertThat(URI.create(url).getHost()).isEqualTo("postgresql-clean-29349");

    Pod web = pods("app.kubernetes.io/name=web").get(0);
    String count = "psql \"$DATABASE_URL\" -qtAX -c 'SELECT count(*) FROM app_writes'";
    long before = Long.parseLong(LocalCluster.exec(client, web, count).trim());
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(Long.parseLong(LocalCluster.exec(client, web, count).trim()))
                    .isGreaterThan(before));
    // The seed data came through the image's initdb contract.
    assertThat(
            LocalCluster.exec(
                    client, web, "psql \"$DATABASE_URL\" -qtAX -c 'SELECT count(*) FROM customers'")
                .trim())
        .isEqualTo("2000");
  }

  /**
   * The operator pod runs the preparation checks against both databases through their Service DNS
   * names and finds the quickstart ready to start.
   */
  @Test
  void inClusterOperatorPreparesTheMigration() {
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              PostgresMigration m =
                  client
                      .resources(PostgresMigration.class)
                      .inNamespace(NS)
                      .withName("example-app-migration")
                      .get();
              assertThat(m.getStatus()).isNotNull();
              assertThat(m.getStatus().phase).as(m.getStatus().message).isEqualTo(Phase.Ready);
              assertThat(m.getStatus().observedGeneration)
                  .isEqualTo(m.getMetadata().getGeneration());
              assertThat(m.getStatus().checks)
                  .allSatisfy(
                      c ->
                          assertThat(c.result)
                              .as(c.name + ": " + c.message)
                              .isEqualTo(CheckOutcome.Passed));
              assertThat(ConditionWriter.find(m.getStatus(), Conditions.Type.PREPARED).getStatus())
                  .isEqualTo("True");
            });
    // No operator runs anywhere else: the Ready event was recorded by the operator's pod (whose
    // log may be gone, as other tests restart it).
    assertThat(
            client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> "Ready".equals(e.getReason()))
                .map(e -> e.getReportingInstance()))
        .isNotEmpty()
        .allSatisfy(instance -> assertThat(instance).startsWith("pg-migration-operator-"));
  }

  private static List<Pod> pods(String selector) {
    String[] kv = selector.split("=");
    return client.pods().inNamespace(NS).withLabel(kv[0], kv[1]).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }
}
