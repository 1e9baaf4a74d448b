package io.pgmigration.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.testing.Manifests;
import io.pgmigration.operator.testing.PostgresServer;
import java.time.Duration;

/**
 * Migrations of the quickstart's shape, started at once, for the operator's ITs: the API server
 * runs no controllers, so the app's Deployment has no pods (the drain is instant) and the copy Job
 * it creates never runs unless a test plays its Job controller.
 */
final class StartedMigrations {
  private StartedMigrations() {}

  /** A started migration in {@code ns} from {@code source} to {@code destination}. */
  static PostgresMigration startedIn(
      KubernetesClient client, String ns, PostgresServer source, PostgresServer destination) {
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .serverSideApply();
    client.resource(Manifests.urlSecret(ns, "postgresql-clean-29349", source.uri())).create();
    client
        .resource(Manifests.urlSecret(ns, "postgresql-circular-11223", destination.uri()))
        .create();
    client.resource(Manifests.urlSecret(ns, "example-app-config", source.uri())).create();
    client.resource(Manifests.appDeployment(ns, "web")).create();
    PostgresMigration m = Manifests.quickstartMigration();
    m.getMetadata().setNamespace(ns);
    m.getSpec().source.workload = null;
    m.getSpec().destination.workload = null;
    m.getSpec().start = true;
    return client.resource(m).create();
  }

  /** The copy Job, once the migration has created it and waits for it in Migrating. */
  static Job awaitCopyJob(KubernetesClient client, PostgresMigration m) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              PostgresMigrationStatus s = client.resource(m).get().getStatus();
              assertThat(s).isNotNull();
              assertThat(s.phase).as(s.message).isEqualTo(Phase.Migrating);
              assertThat(s.progress).isNotNull();
              assertThat(s.progress.jobName).isNotNull();
            });
    String name = client.resource(m).get().getStatus().progress.jobName;
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(m.getMetadata().getNamespace())
        .withName(name)
        .get();
  }
}
