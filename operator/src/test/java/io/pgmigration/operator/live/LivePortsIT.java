package io.pgmigration.operator.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.RecordedWorkload;
import io.pgmigration.operator.k8s.MaintenancePatches;
import io.pgmigration.operator.k8s.SecretPromotion;
import io.pgmigration.operator.phase.port.Ports;
import io.pgmigration.operator.testing.KubeApiServers;
import io.pgmigration.operator.testing.Manifests;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes side of the live ports ({@link LivePorts}) against a real API server: what
 * maintenance records, stops and restores, and what promotion writes into the app's Secret,
 * including what a repeat after an operator restart does.
 */
class LivePortsIT {
  private static final Map<String, String> APP = Map.of("app.kubernetes.io/part-of", "example-app");
  private static KubernetesClient client;
  private static Ports ports;

  @BeforeAll
  static void connect() {
    client = KubeApiServers.client();
    ports =
        LivePorts.of(
            client,
            JobWatch.direct(client),
            new CopyImage(
                client,
                java.util.Optional.of("localhost/pgmo/operator:dev"),
                java.util.List.of(),
                null,
                null),
            io.pgmigration.operator.phase.Watchdog.DEFAULT,
            io.pgmigration.operator.phase.port.Notifications.NONE);
  }

  @AfterAll
  static void close() {
    client.close();
  }

  private static PostgresMigration migrationIn(String ns) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    PostgresMigration m = Manifests.quickstartMigration();
    m.getMetadata().setNamespace(ns);
    m.getMetadata().setUid(UUID.randomUUID().toString());
    return m;
  }

  @Test
  void maintenanceRecordsStopsAndRestoresExactlyOnce() {
    PostgresMigration m = migrationIn("maintenance");
    Deployment web = Manifests.appDeployment("maintenance", "web");
    web.getSpec().setReplicas(2);
    client.resource(web).create();
    client.resource(cronJob("maintenance")).create();
    // The source database carries the app's label too; it must never be stopped.
    StatefulSet source =
        Manifests.databaseServer("maintenance", "postgresql-clean-29349", Map.of("db", "source"));
    source.getMetadata().setLabels(APP);
    client.resource(source).create();

    List<RecordedWorkload> recorded = ports.maintenance().recordWorkloads(m);
    assertThat(recorded)
        .extracting(w -> w.kind + "/" + w.name + " " + w.replicas + " " + w.suspend)
        .containsExactly("CronJob/nightly-report null false", "Deployment/web 2 null");
    assertThat(ports.maintenance().stopWorkloads(m, recorded, true, Duration.ZERO))
        .as("no pods run here")
        .isEmpty();
    assertThat(web().getSpec().getReplicas()).isZero();
    assertThat(web().getMetadata().getAnnotations()).containsKey(MaintenancePatches.ANNOTATION);
    assertThat(cron().getSpec().getSuspend()).isTrue();
    // Scaled up again during the drain (a GitOps sync, say): the next look stops it again.
    client.apps().deployments().inNamespace("maintenance").withName("web").scale(3);
    ports.maintenance().stopWorkloads(m, recorded, false, Duration.ZERO);
    assertThat(web().getSpec().getReplicas()).isZero();

    // A restarted operator recording again reads the annotations, not the stopped specs.
    assertThat(ports.maintenance().recordWorkloads(m))
        .extracting(w -> w.kind + "/" + w.name + " " + w.replicas + " " + w.suspend)
        .containsExactlyElementsOf(
            recorded.stream()
                .map(w -> w.kind + "/" + w.name + " " + w.replicas + " " + w.suspend)
                .toList());
    // Even from a lost status, the annotations alone bring everything back.
    ports.maintenance().restoreWorkloads(m, List.of());
    assertThat(web().getSpec().getReplicas()).isEqualTo(2);
    assertThat(web().getMetadata().getAnnotations())
        .doesNotContainKey(MaintenancePatches.ANNOTATION);
    assertThat(cron().getSpec().getSuspend()).isFalse();

    // A repeated restore after someone scaled the app changes nothing.
    client.apps().deployments().inNamespace("maintenance").withName("web").scale(5);
    ports.maintenance().restoreWorkloads(m, recorded);
    assertThat(web().getSpec().getReplicas()).isEqualTo(5);
  }

  @Test
  void theDrainSeesThePodsEndWhileItWatches() {
    PostgresMigration m = migrationIn("drain");
    // No controller runs here: the pods stay until deleted by hand.
    for (String app : List.of("web", "worker")) {
      Deployment d = client.resource(Manifests.appDeployment("drain", app)).create();
      // A pod of its template, as its ReplicaSet would make it.
      client
          .pods()
          .inNamespace("drain")
          .resource(
              new PodBuilder()
                  .withNewMetadataLike(d.getSpec().getTemplate().getMetadata())
                  .withName(app + "-1")
                  .endMetadata()
                  .withSpec(d.getSpec().getTemplate().getSpec())
                  .build())
          .create();
    }
    List<RecordedWorkload> recorded = ports.maintenance().recordWorkloads(m);
    assertThat(ports.maintenance().stopWorkloads(m, recorded, true, Duration.ZERO))
        .containsExactly("Pod web-1", "Pod worker-1");

    CompletableFuture<Void> deletion =
        CompletableFuture.runAsync(
            () -> {
              client.pods().inNamespace("drain").withName("web-1").delete();
              client.pods().inNamespace("drain").withName("worker-1").delete();
            },
            CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));
    // Deleted while the look watches: that ends the look, which would otherwise last ten minutes.
    assertThat(ports.maintenance().stopWorkloads(m, recorded, false, Duration.ofMinutes(10)))
        .isEmpty();
    deletion.join();
  }

  @Test
  void promotionKeepsThePreviousUrlAndIsNotRepeated() {
    PostgresMigration m = migrationIn("promotion");
    secret(
        "promotion", "postgresql-circular-11223", "postgres://app:d@postgresql-circular-11223/app");
    secret("promotion", "example-app-config", "postgres://app:s@postgresql-clean-29349/app");

    assertThat(ports.promotion().secretPromoted(m)).as("before").isFalse();
    assertThat(ports.promotion().promoteSecret(m)).isEqualTo("DATABASE_URL_PREVIOUS");
    assertThat(ports.promotion().secretPromoted(m)).as("after").isTrue();
    assertThat(appSecret())
        .containsEntry("DATABASE_URL", "postgres://app:d@postgresql-circular-11223/app")
        .containsEntry("DATABASE_URL_PREVIOUS", "postgres://app:s@postgresql-clean-29349/app")
        .hasSize(2);
    assertThat(
            client
                .secrets()
                .inNamespace("promotion")
                .withName("example-app-config")
                .get()
                .getMetadata()
                .getAnnotations())
        .containsKey(SecretPromotion.MARKER);

    // Resumed after a restart: the same alias, nothing aliased twice.
    assertThat(ports.promotion().promoteSecret(m)).isEqualTo("DATABASE_URL_PREVIOUS");
    assertThat(appSecret()).hasSize(2);
  }

  private static Deployment web() {
    return client.apps().deployments().inNamespace("maintenance").withName("web").get();
  }

  private static CronJob cron() {
    return client
        .batch()
        .v1()
        .cronjobs()
        .inNamespace("maintenance")
        .withName("nightly-report")
        .get();
  }

  private static Map<String, String> appSecret() {
    Map<String, String> data = new java.util.TreeMap<>();
    client
        .secrets()
        .inNamespace("promotion")
        .withName("example-app-config")
        .get()
        .getData()
        .forEach(
            (k, v) ->
                data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    return data;
  }

  private static void secret(String ns, String name, String url) {
    client.resource(Manifests.urlSecret(ns, name, url)).create();
  }

  private static CronJob cronJob(String ns) {
    return new CronJobBuilder()
        .withNewMetadata()
        .withName("nightly-report")
        .withNamespace(ns)
        .withLabels(APP)
        .endMetadata()
        .withNewSpec()
        .withSchedule("* * * * *")
        .withSuspend(false)
        .withNewJobTemplate()
        .withNewSpec()
        .withNewTemplate()
        .withNewSpec()
        .withRestartPolicy("Never")
        .addNewContainer()
        .withName("report")
        .withImage("postgres:15")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .endJobTemplate()
        .endSpec()
        .build();
  }
}
