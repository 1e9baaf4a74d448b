package io.pgmigration.operator.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.testing.KubeApiServers;
import io.pgmigration.operator.testing.Manifests;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One migration per database, against a real API server: the claim is atomic, names its holder, and
 * passes to another migration once the holder has ended or is gone.
 */
class DatabaseClaimsIT {
  private static final String[] NAMESPACES = {"claims-a", "claims-b", "claims-operator"};
  private static KubernetesClient client;
  private static DatabaseClaims claims;

  @BeforeAll
  static void connect() {
    client = KubeApiServers.client();
    KubeApiServers.installCrd(client);
    for (String ns : NAMESPACES) {
      client
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .serverSideApply();
    }
    claims = new DatabaseClaims(client, "claims-operator");
  }

  @AfterAll
  static void close() {
    client.close();
  }

  private static PostgresMigration migration(String ns, String name, Phase phase) {
    PostgresMigration m = Manifests.quickstartMigration();
    m.getMetadata().setNamespace(ns);
    m.getMetadata().setName(name);
    PostgresMigration created = client.resource(m).create();
    return inPhase(created, phase);
  }

  private static PostgresMigration inPhase(PostgresMigration m, Phase phase) {
    m.setStatus(new PostgresMigrationStatus());
    m.getStatus().phase = phase;
    return client.resource(m).updateStatus();
  }

  @Test
  void aSecondMigrationIsRefusedNamingTheFirstUntilTheFirstEnds() {
    PostgresMigration first = migration("claims-a", "first", Phase.Ready);
    PostgresMigration second = migration("claims-b", "second", Phase.Preparing);
    assertThat(claims.claim(first, "source", "7312/app", "database app on db-a:5432")).isNull();
    assertThat(claims.claim(first, "source", "7312/app", "database app on db-a:5432"))
        .as("a claim held is held again")
        .isNull();
    assertThat(claims.claim(second, "destination", "7312/app", "database app on db:5432"))
        .isEqualTo("database app on db:5432 is the source of migration claims-a/first (Ready)");

    // Failed: nothing more happens to it, and its databases are free.
    first = inPhase(first, Phase.Failed);
    assertThat(claims.claim(second, "destination", "7312/app", "database app on db:5432")).isNull();
    assertThat(claims.claim(first, "source", "7312/app", "database app on db-a:5432"))
        .isEqualTo(
            "database app on db-a:5432 is the destination of migration claims-b/second"
                + " (Preparing)");

    // Deleted: gone, whatever its phase was.
    client.resource(second).delete();
    PostgresMigration third = migration("claims-a", "third", Phase.Preparing);
    assertThat(claims.claim(third, "source", "7312/app", "database app on db-a:5432")).isNull();
  }

  @Test
  void ofTwoMigrationsClaimingAtTheSameMomentExactlyOneWins() throws Exception {
    List<PostgresMigration> racing = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      racing.add(migration("claims-b", "racer-" + i, Phase.Preparing));
    }
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<String>> results = new ArrayList<>();
    for (PostgresMigration m : racing) {
      results.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                return claims.claim(m, "source", "9999/race", "database race on db:5432");
              }));
    }
    go.countDown();
    List<String> outcomes = new ArrayList<>();
    for (var r : results) {
      outcomes.add(r.get());
    }
    assertThat(outcomes).filteredOn(o -> o == null).hasSize(1);
    assertThat(outcomes)
        .filteredOn(o -> o != null)
        .hasSize(3)
        .allSatisfy(o -> assertThat(o).contains("is the source of migration claims-b/racer-"));
  }
}
