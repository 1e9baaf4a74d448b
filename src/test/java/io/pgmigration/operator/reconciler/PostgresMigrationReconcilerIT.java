package io.pgmigration.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.testing.KubeApiServerTestResource;
import io.pgmigration.operator.testing.Manifests;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The operator, started by Quarkus, reconciling against a real API server. */
@QuarkusTest
@QuarkusTestResource(value = KubeApiServerTestResource.class, restrictToAnnotatedClass = true)
class PostgresMigrationReconcilerIT {
  @Inject KubernetesClient client;

  @Test
  void acceptsAMigrationAndWritesItsStatus() {
    String ns = "reconciler-it";
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .serverSideApply();
    PostgresMigration m = Manifests.quickstartMigration();
    m.getMetadata().setNamespace(ns);
    client.resource(m).create();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              PostgresMigration current =
                  client
                      .resources(PostgresMigration.class)
                      .inNamespace(ns)
                      .withName(m.getMetadata().getName())
                      .get();
              assertThat(current.getStatus()).isNotNull();
              assertThat(current.getStatus().phase).isEqualTo(Phase.Pending);
              assertThat(current.getStatus().observedGeneration)
                  .isEqualTo(current.getMetadata().getGeneration());
              assertThat(ConditionWriter.find(current.getStatus(), Conditions.Type.PREPARED))
                  .isNotNull();
            });
  }
}
