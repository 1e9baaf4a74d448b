package io.pgmigration.operator.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.secrets.PostgresUri;
import io.pgmigration.operator.testing.KubeApiServers;
import io.pgmigration.operator.testing.Manifests;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which workload serves a database, against a real API server: the one whose pods are behind the
 * Service the database's host names, however the host is written.
 */
class DatabaseServersIT {
  private static final String NS = "database-servers";
  private static KubernetesClient client;
  private static DatabaseServers servers;
  private static StatefulSet db;
  private static StatefulSet cache;

  @BeforeAll
  static void install() {
    client = KubeApiServers.client();
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .serverSideApply();
    client
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("orders-db")
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withSelector(Map.of("app", "orders-db"))
                .addNewPort()
                .withPort(5432)
                .endPort()
                .endSpec()
                .build())
        .serverSideApply();
    db =
        client
            .resource(
                Manifests.databaseServer(
                    NS, "orders-db", Map.of("app", "orders-db", "tier", "data")))
            .serverSideApply();
    cache =
        client
            .resource(Manifests.databaseServer(NS, "orders-cache", Map.of("app", "orders-cache")))
            .serverSideApply();
    servers = new DatabaseServers(client);
  }

  @AfterAll
  static void close() {
    client.close();
  }

  private static PostgresUri at(String host) {
    return PostgresUri.parse("postgres://app:pw@" + host + ":5432/app");
  }

  @Test
  void theServiceIsFoundHoweverTheHostIsWrittenInItsNamespace() {
    for (String host :
        new String[] {
          "orders-db",
          "orders-db." + NS,
          "orders-db." + NS + ".svc",
          "orders-db." + NS + ".svc.cluster.local"
        }) {
      assertThat(servers.service(NS, at(host))).as(host).isNotNull();
    }
    assertThat(servers.service(NS, at("orders-db.elsewhere.svc"))).isNull();
    assertThat(servers.service(NS, at("10.0.0.7"))).isNull();
    assertThat(servers.service(NS, at("db.example.com"))).isNull();
  }

  @Test
  void onlyTheWorkloadBehindTheServiceServesTheDatabase() {
    var service = servers.service(NS, at("orders-db"));
    assertThat(DatabaseServers.serves(service, db)).isTrue();
    assertThat(DatabaseServers.serves(service, cache)).isFalse();
    assertThat(servers.destroyRefusal(NS, db, at("orders-db"))).isNull();
    assertThat(servers.destroyRefusal(NS, cache, at("orders-db")))
        .isEqualTo(
            "StatefulSet orders-cache's pods are not behind Service orders-db, the source's host:"
                + " it does not serve the source");
    assertThat(servers.destroyRefusal(NS, db, at("10.0.0.7")))
        .isEqualTo(
            "the source's host 10.0.0.7 is not a Service of namespace "
                + NS
                + ", so nothing shows that StatefulSet orders-db serves the source");
  }
}
