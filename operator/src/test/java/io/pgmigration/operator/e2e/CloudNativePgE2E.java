package io.pgmigration.operator.e2e;

import static io.pgmigration.operator.e2e.QuickstartInstance.APP_SECRET;
import static io.pgmigration.operator.e2e.QuickstartInstance.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgmigration.operator.api.v1alpha1.CloudNativePgCluster;
import io.pgmigration.operator.api.v1alpha1.CloudNativePgDestination;
import io.pgmigration.operator.api.v1alpha1.DestinationSpec;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's done-when: Heroku's step 1 on the local cluster's real CloudNativePG. A migration
 * creates its destination Cluster with one follower and completes with every row, the app on the
 * -rw Service and its follower key on -ro, which serves the migrated data; a migration into an
 * existing Cluster completes too; a Cluster that cannot become ready fails the migration before
 * anything of the app is touched.
 */
class CloudNativePgE2E {
  private static final Duration CREATE_AND_RUN = Duration.ofMinutes(10);
  private static final String FOLLOWER_KEY = "DATABASE_FOLLOWER_URL";
  private static final KubernetesClient client = LocalCluster.client();

  @Test
  void createsTheDestinationWithOneFollowerAndMovesEveryRow() throws Exception {
    try (QuickstartInstance q = QuickstartInstance.create(client, "e2e-cnpg-create", x -> {})) {
      q.applyMigration(
          m -> {
            m.getSpec().destination = cnpg("orders-db", 2, null);
            m.getSpec().app.followerUrlKeys = List.of(FOLLOWER_KEY);
            m.getSpec().start = true;
            m.getSpec().promote = true;
          });
      PostgresMigration done = q.awaitPhase(Phase.Completed, CREATE_AND_RUN);
      assertThat(q.phaseEvents())
          .containsSubsequence("CreatingDestination", "Preparing", "Ready", "Completed");
      assertThat(done.getStatus().destination.created).isTrue();
      assertThat(done.getStatus().destination.readyInstances).isEqualTo(2);
      assertThat(done.getStatus().destination.followerService).isEqualTo("orders-db-ro");

      GenericKubernetesResource cluster = cluster(q, "orders-db");
      assertThat(cluster.getMetadata().getLabels())
          .containsEntry("pgmigration.io/migration", QuickstartInstance.MIGRATION);

      String app = q.secretValue(APP_SECRET, "DATABASE_URL");
      String follower = q.secretValue(APP_SECRET, FOLLOWER_KEY);
      assertThat(URI.create(app).getHost()).isEqualTo("orders-db-rw");
      assertThat(URI.create(follower).getHost()).isEqualTo("orders-db-ro");
      assertThat(URI.create(app).getUserInfo())
          .isEqualTo(URI.create(q.secretValue(SOURCE, "DATABASE_URL")).getUserInfo());

      // Every row the fenced source holds is on the leader, and the follower serves them too.
      TreeSet<String> sourceRows = q.appRows(SOURCE);
      assertThat(sourceRows).isNotEmpty();
      assertThat(rows(q, app)).containsAll(sourceRows);
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(rows(q, follower)).containsAll(sourceRows));
      assertThat(query(q, follower, "SELECT pg_is_in_recovery()::text")).containsExactly("true");

      // The app runs again, on the destination, as the role it used on the source.
      await()
          .atMost(Duration.ofMinutes(2))
          .untilAsserted(() -> assertThat(rows(q, app).size()).isGreaterThan(sourceRows.size()));
    }
  }

  @Test
  void migratesIntoAnExistingClusterWithoutReplicas() throws Exception {
    try (QuickstartInstance q = QuickstartInstance.create(client, "e2e-cnpg-existing", x -> {})) {
      // The Cluster as a user would create it for the app: its database and role the source's,
      // but at first with another password, which the app could not log in with.
      URI source = URI.create(q.secretValue(SOURCE, "DATABASE_URL"));
      String[] user = source.getUserInfo().split(":", 2);
      client
          .secrets()
          .inNamespace(q.ns)
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("existing-db-app")
                  .endMetadata()
                  .withType("kubernetes.io/basic-auth")
                  .withStringData(Map.of("username", user[0], "password", "not-the-source-pw"))
                  .build())
          .create();
      client
          .resource(
              Serialization.unmarshal(
                  """
                  apiVersion: postgresql.cnpg.io/v1
                  kind: Cluster
                  metadata: {name: existing-db, namespace: %s}
                  spec:
                    instances: 1
                    imageName: localhost/pgmo/cnpg-postgresql:15
                    enableSuperuserAccess: true
                    storage: {size: 1Gi}
                    bootstrap:
                      initdb: {database: app, owner: %s, secret: {name: existing-db-app}}
                  """
                      .formatted(q.ns, user[0]),
                  GenericKubernetesResource.class))
          .create();
      q.applyMigration(
          m -> {
            m.getSpec().destination = cnpg("existing-db", 0, null);
            m.getSpec().app.followerUrlKeys = List.of(FOLLOWER_KEY);
            m.getSpec().start = true;
            m.getSpec().promote = true;
          });
      PostgresMigration refused = q.awaitPhase(Phase.PrepareFailed, CREATE_AND_RUN);
      assertThat(refused.getStatus().checks)
          .anySatisfy(
              c -> {
                assertThat(c.name).isEqualTo("AppLogin");
                assertThat(c.message).contains("is refused with the source's password");
              });
      assertThat(q.phaseEvents()).doesNotContain("MaintenanceOn");

      // Fixed as the hint says, and the spec changed: it is prepared again and completes.
      String su =
          "postgres://postgres:"
              + q.secretValue("existing-db-superuser", "password")
              + "@existing-db-rw:5432/app";
      execute(q, su, "ALTER ROLE " + user[0] + " PASSWORD '" + user[1] + "'");
      q.patchSpec("{\"readyWindow\":\"23h\"}");
      PostgresMigration done = q.awaitPhase(Phase.Completed, CREATE_AND_RUN);
      assertThat(done.getStatus().destination.created).isFalse();
      assertThat(done.getStatus().destination.followerService).isEqualTo("existing-db-rw");
      String app = q.secretValue(APP_SECRET, "DATABASE_URL");
      assertThat(URI.create(app).getHost()).isEqualTo("existing-db-rw");
      assertThat(URI.create(q.secretValue(APP_SECRET, FOLLOWER_KEY)).getHost())
          .as("no replicas: followers on the leader")
          .isEqualTo("existing-db-rw");
      assertThat(rows(q, app)).containsAll(q.appRows(SOURCE));
    }
  }

  @Test
  void theAppMayConnectAsTheClustersOwnerWhichOwnsEveryObject() throws Exception {
    try (QuickstartInstance q = QuickstartInstance.create(client, "e2e-cnpg-owner", x -> {})) {
      q.applyMigration(
          m -> {
            m.getSpec().destination = cnpg("owned-db", 1, null);
            m.getSpec().destination.cloudNativePG.appRole = CloudNativePgDestination.AppRole.Owner;
            m.getSpec().ownership = PostgresMigrationSpec.Ownership.DestinationUser;
            m.getSpec().start = true;
            m.getSpec().promote = true;
          });
      q.awaitPhase(Phase.Completed, CREATE_AND_RUN);
      String app = q.secretValue(APP_SECRET, "DATABASE_URL");
      assertThat(URI.create(app).getUserInfo())
          .as("the Cluster owner's credentials, from its Secret owned-db-app")
          .isEqualTo(
              q.secretValue("owned-db-app", "username")
                  + ":"
                  + q.secretValue("owned-db-app", "password"));
      assertThat(
              query(
                  q, app, "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"))
          .containsExactly(q.secretValue("owned-db-app", "username"));
      TreeSet<String> sourceRows = q.appRows(SOURCE);
      await()
          .atMost(Duration.ofMinutes(2))
          .untilAsserted(() -> assertThat(rows(q, app).size()).isGreaterThan(sourceRows.size()));
    }
  }

  @Test
  void aClusterThatCannotBecomeReadyFailsBeforeTheAppIsTouched() throws Exception {
    try (QuickstartInstance q = QuickstartInstance.create(client, "e2e-cnpg-unready", x -> {})) {
      Map<String, String> before = q.appState();
      q.applyMigration(
          m -> {
            m.getSpec().destination = cnpg("broken-db", 2, "localhost/pgmo/unpullable:15");
            m.getSpec().start = true;
            m.getSpec().promote = true;
          });
      PostgresMigration failed = q.awaitPhase(Phase.PrepareFailed, Duration.ofMinutes(5));
      assertThat(failed.getStatus().message)
          .contains("broken-db")
          .contains("localhost/pgmo/unpullable:15")
          .contains("Nothing of the app was touched");
      assertThat(q.phaseEvents()).doesNotContain("MaintenanceOn", "Preparing");
      assertThat(q.appState()).isEqualTo(before);
      assertThat(cluster(q, "broken-db")).as("never deleted by the operator").isNotNull();
    }
  }

  private static DestinationSpec cnpg(String name, int instancesToCreate, String image) {
    DestinationSpec d = new DestinationSpec();
    d.cloudNativePG = new CloudNativePgDestination();
    d.cloudNativePG.cluster = name;
    if (instancesToCreate > 0) {
      d.cloudNativePG.create = new CloudNativePgCluster();
      d.cloudNativePG.create.instances = instancesToCreate;
      d.cloudNativePG.create.storage = "1Gi";
      d.cloudNativePG.create.imageName = image;
      d.cloudNativePG.create.readyTimeout = "8m";
    }
    return d;
  }

  private static GenericKubernetesResource cluster(QuickstartInstance q, String name) {
    return client
        .genericKubernetesResources(
            CloudNativePgDestination.API_VERSION, CloudNativePgDestination.KIND)
        .inNamespace(q.ns)
        .withName(name)
        .get();
  }

  private static TreeSet<String> rows(QuickstartInstance q, String url) throws SQLException {
    return new TreeSet<>(query(q, url, "SELECT writer || ' ' || n FROM app_writes"));
  }

  private static void execute(QuickstartInstance q, String url, String sql) throws SQLException {
    try (Connection c = connect(q, url);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** Runs {@code sql} through the Service {@code url} names, reached at its cluster IP. */
  private static List<String> query(QuickstartInstance q, String url, String sql)
      throws SQLException {
    try (Connection c = connect(q, url);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      List<String> out = new java.util.ArrayList<>();
      while (r.next()) {
        out.add(r.getString(1));
      }
      return out;
    }
  }

  private static Connection connect(QuickstartInstance q, String url) throws SQLException {
    URI uri = URI.create(url);
    String ip =
        client
            .services()
            .inNamespace(q.ns)
            .withName(uri.getHost())
            .waitUntilCondition(s -> s != null, 1, TimeUnit.MINUTES)
            .getSpec()
            .getClusterIP();
    String[] user = uri.getUserInfo().split(":", 2);
    Properties p = new Properties();
    p.setProperty("user", user[0]);
    p.setProperty("password", user[1]);
    p.setProperty("connectTimeout", "10");
    return new org.postgresql.Driver()
        .connect("jdbc:postgresql://" + ip + ":" + uri.getPort() + uri.getPath(), p);
  }
}
