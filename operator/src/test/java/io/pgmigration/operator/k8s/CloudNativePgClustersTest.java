package io.pgmigration.operator.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.pgmigration.operator.api.v1alpha1.CloudNativePgCluster;
import io.pgmigration.operator.api.v1alpha1.CloudNativePgDestination;
import io.pgmigration.operator.api.v1alpha1.CloudNativePgDestination.AppRole;
import io.pgmigration.operator.k8s.CloudNativePgClusters.Login;
import io.pgmigration.operator.k8s.CloudNativePgClusters.Source;
import io.pgmigration.operator.secrets.PostgresUri;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CloudNativePgClustersTest {
  private static final Source SOURCE =
      new Source(15, 3L << 30, PostgresUri.parse("postgres://shop:pw@old-db:5432/shop"));

  private static CloudNativePgDestination destination() {
    CloudNativePgDestination d = new CloudNativePgDestination();
    d.cluster = "orders";
    d.create = new CloudNativePgCluster();
    return d;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource r) {
    return (Map<String, Object>) r.getAdditionalProperties().get("spec");
  }

  @Test
  void storageIsTwiceTheSourceInWholeGiAndAtLeastOne() {
    assertThat(CloudNativePgClusters.storageFor(0)).isEqualTo("1Gi");
    assertThat(CloudNativePgClusters.storageFor(100L << 20)).isEqualTo("1Gi");
    assertThat(CloudNativePgClusters.storageFor(3L << 30)).isEqualTo("6Gi");
    assertThat(CloudNativePgClusters.storageFor((3L << 30) + 1)).isEqualTo("7Gi");
  }

  @Test
  void aClusterForTheSourcesRoleDatabaseAndVersion() {
    GenericKubernetesResource c =
        CloudNativePgClusters.cluster("ns", destination(), "m", "uid-1", SOURCE, null);
    assertThat(c.getMetadata().getLabels()).containsEntry("pgmigration.io/migration", "m");
    assertThat(c.getMetadata().getAnnotations())
        .containsEntry("pgmigration.io/migration-uid", "uid-1");
    Map<String, Object> spec = spec(c);
    assertThat(spec)
        .containsEntry("instances", 2)
        .containsEntry("imageName", "ghcr.io/cloudnative-pg/postgresql:15")
        .containsEntry("enableSuperuserAccess", true)
        .containsEntry("storage", Map.of("size", "6Gi"))
        .containsEntry(
            "bootstrap",
            Map.of(
                "initdb",
                Map.of(
                    "database",
                    "shop",
                    "owner",
                    "shop",
                    "secret",
                    Map.of("name", "orders-owner"))));
  }

  @Test
  void theAskedVersionImageAndStorageWin() {
    CloudNativePgDestination d = destination();
    d.create.postgresVersion = 17;
    d.create.storage = "20Gi";
    d.create.storageClass = "fast";
    Map<String, Object> spec =
        spec(
            CloudNativePgClusters.cluster(
                "ns", d, "m", "u", SOURCE, "localhost/pgmo/cnpg-postgresql:{major}"));
    assertThat(spec)
        .containsEntry("imageName", "localhost/pgmo/cnpg-postgresql:17")
        .containsEntry("storage", Map.of("size", "20Gi", "storageClass", "fast"));
  }

  @Test
  void theOwnerRoleIsCloudNativePgsAppRoleWithoutBootstrapCredentials() {
    CloudNativePgDestination d = destination();
    d.appRole = AppRole.Owner;
    assertThat(spec(CloudNativePgClusters.cluster("ns", d, "m", "u", SOURCE, null)))
        .containsEntry("bootstrap", Map.of("initdb", Map.of("database", "shop", "owner", "app")));
  }

  @Test
  void followersGetTheReadReplicasOrTheLeaderWithoutThem() {
    Login su = new Login("postgres", "su");
    Login app = new Login("shop", "pw");
    assertThat(CloudNativePgClusters.connection(destination(), su, app, "shop", true))
        .containsEntry("DATABASE_URL", "postgres://postgres:su@orders-rw:5432/shop")
        .containsEntry("APP_DATABASE_URL", "postgres://shop:pw@orders-rw:5432/shop")
        .containsEntry("FOLLOWER_DATABASE_URL", "postgres://shop:pw@orders-ro:5432/shop");
    assertThat(CloudNativePgClusters.connection(destination(), su, app, "shop", false))
        .containsEntry("FOLLOWER_DATABASE_URL", "postgres://shop:pw@orders-rw:5432/shop");
  }
}
