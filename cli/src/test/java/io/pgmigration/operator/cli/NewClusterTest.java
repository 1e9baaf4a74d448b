package io.pgmigration.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgmigration.operator.api.v1alpha1.CloudNativePgCluster;
import io.pgmigration.operator.api.v1alpha1.CloudNativePgDestination;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Method;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.SecretKeyRef;
import io.pgmigration.operator.cli.Databases.Database;
import io.pgmigration.operator.cli.view.Style;
import io.pgmigration.operator.cli.view.Warnings;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A CloudNativePG Cluster as a new migration's destination: the rules for the one it creates, the
 * spec it gets, what the confirmation and {@code --dry-run} say, and which Clusters qualify.
 */
class NewClusterTest {
  private static final Database SOURCE =
      new Database(
          new SecretKeyRef("postgresql-clean-29349", "DATABASE_URL"),
          "postgresql-clean-29349:5432/app",
          List.of(new SecretKeyRef("example-app-config", "DATABASE_URL")),
          null,
          true);
  private static final SecretKeyRef APP = new SecretKeyRef("example-app-config", "DATABASE_URL");

  static CloudNativePgDestination created(String cluster, Integer instances, String storage) {
    CloudNativePgDestination d = new CloudNativePgDestination();
    d.cluster = cluster;
    d.create = new CloudNativePgCluster();
    if (instances != null) {
      d.create.instances = instances;
    }
    d.create.storage = storage;
    return d;
  }

  private static Configuration config(Clusters.Found clusters, List<PostgresMigration> ms) {
    return new Configuration(List.of(SOURCE), List.of(), clusters, ms);
  }

  private static PostgresMigration migration(Configuration config, Destination to, Method method) {
    return NewMigration.build(
        "example-app",
        config.choices(
            SOURCE,
            to,
            APP,
            new LabelSelectorBuilder().addToMatchLabels("app", "example").build(),
            method,
            false,
            true,
            null));
  }

  @Test
  void theCreatedClusterGoesInTheSpecInsteadOfAConnectionSecret() {
    var config = config(new Clusters.Found(true, true, List.of()), List.of());
    PostgresMigration m =
        migration(
            config,
            new Destination.CloudNativePg(created("orders-cnpg", 3, "20Gi")),
            Method.Streaming);
    assertThat(m.getSpec().destination.connectionSecret).isNull();
    assertThat(m.getSpec().destination.workload).isNull();
    assertThat(m.getSpec().destination.cloudNativePG.cluster).isEqualTo("orders-cnpg");
    assertThat(m.getSpec().destination.cloudNativePG.create.instances).isEqualTo(3);
    assertThat(m.getSpec().method).isEqualTo(Method.Streaming);
    assertThat(m.destinationName()).isEqualTo("cnpg/orders-cnpg");
    assertThat(m.getMetadata().getName()).isEqualTo("migrate-postgresql-clean-29349");

    String yaml = Serialization.asYaml(m);
    assertThat(yaml)
        .contains("cloudNativePG:")
        .contains("cluster: \"orders-cnpg\"")
        .contains("instances: 3")
        .contains("storage: \"20Gi\"")
        .doesNotContain("connectionSecret:\n      name: \"postgresql-circular");
  }

  @Test
  void anExistingDatabaseStaysAConnectionSecret() {
    Database dest =
        new Database(
            new SecretKeyRef("postgresql-circular-11223", "DATABASE_URL"),
            "postgresql-circular-11223:5432/app",
            List.of(),
            null,
            true);
    var config = config(Clusters.Found.NOT_INSTALLED, List.of());
    PostgresMigration m = migration(config, new Destination.Existing(dest), Method.Snapshot);
    assertThat(m.getSpec().destination.cloudNativePG).isNull();
    assertThat(m.getSpec().destination.connectionSecret.name)
        .isEqualTo("postgresql-circular-11223");
  }

  @Test
  void aDefaultNameComesFromTheSourceAndAvoidsTakenOnes() {
    assertThat(Clusters.defaultName("postgresql-clean-29349", Set.of()))
        .isEqualTo("postgresql-clean-29349-cnpg");
    assertThat(
            Clusters.defaultName("postgresql-clean-29349", Set.of("postgresql-clean-29349-cnpg")))
        .isEqualTo("postgresql-clean-29349-cnpg-2");
    assertThat(Clusters.defaultName("9db.main", Set.of())).isEqualTo("pg-9db-main-cnpg");
    String longName = Clusters.defaultName("a".repeat(80), Set.of());
    assertThat(longName).hasSize(50).endsWith("-cnpg");
    assertThat(Clusters.nameProblem(longName)).isNull();
    assertThat(Clusters.nameProblem(Clusters.defaultName("ab-" + "c".repeat(43) + "-x", Set.of())))
        .isNull();
  }

  @Test
  void namesInstancesStorageAndVersionsAreCheckedAsTheCrdChecksThem() {
    assertThat(Clusters.nameProblem("orders")).isNull();
    assertThat(Clusters.nameProblem("")).isEqualTo("a name is needed");
    assertThat(Clusters.nameProblem("Orders")).startsWith("lowercase letters, digits and '-'");
    assertThat(Clusters.nameProblem("orders-")).startsWith("lowercase letters");
    assertThat(Clusters.nameProblem("1orders")).startsWith("lowercase letters");
    assertThat(Clusters.nameProblem("a".repeat(51))).isEqualTo("at most 50 characters, not 51");
    assertThat(Clusters.instancesProblem(0))
        .isEqualTo("expected 1 to 9: a leader and up to 8 followers");
    assertThat(Clusters.instancesProblem(10)).isNotNull();
    assertThat(Clusters.instancesProblem(1)).isNull();
    assertThat(Clusters.storageProblem("20Gi")).isNull();
    assertThat(Clusters.storageProblem("1.5Ti")).isNull();
    assertThat(Clusters.storageProblem("10GB"))
        .isEqualTo("expected a size in Mi, Gi or Ti, e.g. 20Gi");
    assertThat(Clusters.storageProblem("0Gi")).isEqualTo("a size above zero is needed");
    assertThat(Clusters.postgresVersionProblem(12)).contains("from 13 on");
    assertThat(Clusters.postgresVersionProblem(17)).isNull();
  }

  @Test
  void theCliChecksWithTheCrdsOwnPatterns() throws Exception {
    assertThat(
            CloudNativePgDestination.class.getField("cluster").getAnnotation(Pattern.class).value())
        .isEqualTo(Clusters.NAME.pattern());
    assertThat(CloudNativePgCluster.class.getField("storage").getAnnotation(Pattern.class).value())
        .isEqualTo(Clusters.STORAGE.pattern());
    assertThat(new CloudNativePgCluster().instances).isEqualTo(2);
  }

  @Test
  void theConfirmationSaysWhatIsCreatedAndThatItIsNeverDeleted() {
    var config = config(new Clusters.Found(true, true, List.of()), List.of());
    PostgresMigration m =
        migration(
            config,
            new Destination.CloudNativePg(created("postgresql-clean-29349-cnpg", null, null)),
            Method.Snapshot);
    List<String> lines = Warnings.configure(m, List.of("Deployment/web"), Style.PLAIN);
    assertThat(lines)
        .contains(
            "A new CloudNativePG Cluster postgresql-clean-29349-cnpg with 2 instances (a leader"
                + " and 1 follower) will be created in namespace example-app, with storage sized"
                + " from the source (twice its size, at least 1Gi) and the source's PostgreSQL"
                + " version.")
        .contains(Warnings.NEVER_DELETED)
        .contains(
            "Your source database postgresql-clean-29349 will be unavailable during the migration.")
        .noneMatch(l -> l.contains("must be empty"));
    assertThat(Warnings.NEVER_DELETED).contains("never deleted by the operator");

    PostgresMigration streaming =
        migration(
            config, new Destination.CloudNativePg(created("orders", 1, "5Gi")), Method.Streaming);
    assertThat(Warnings.configure(streaming, List.of(), Style.PLAIN))
        .anyMatch(l -> l.contains("with 1 instance (a leader, no followers)"))
        .anyMatch(l -> l.contains("with 5Gi of storage each"))
        .anyMatch(
            l -> l.contains("only for the final catch-up") && l.contains("wal_level=logical"));
    assertThat(Warnings.cancel(streaming, Style.PLAIN))
        .anyMatch(l -> l.contains("orders") && l.contains("never deletes it"));
  }

  @Test
  void eachMethodSaysWhatItCostsInDowntimeOnOneLine() {
    assertThat(Warnings.cost(Method.Snapshot))
        .isEqualTo("Snapshot: the app is down for the whole copy, longer the bigger the database");
    assertThat(Warnings.cost(Method.Streaming))
        .isEqualTo(
            "Streaming: the app is down only for the final catch-up, seconds; needs"
                + " wal_level=logical");
    assertThat(Warnings.instances(3)).isEqualTo("a leader and 2 followers");
  }

  @Test
  void dryRunSaysWhichClusterTheOperatorCreatesAboveTheYaml() {
    var config = config(new Clusters.Found(true, true, List.of()), List.of());
    PostgresMigration m =
        migration(
            config, new Destination.CloudNativePg(created("orders", 3, "20Gi")), Method.Snapshot);
    String out = CreateCommand.dryRun(m);
    assertThat(out)
        .startsWith(
            "# A new CloudNativePG Cluster orders with 3 instances (a leader and 2 followers) will"
                + " be created in namespace example-app, with 20Gi of storage each and the"
                + " source's PostgreSQL version.\n"
                + "# The operator creates it before preparing (status: Creating target). It is"
                + " never deleted by the operator");
    String yaml = out.substring(out.indexOf("\n", out.indexOf("# The operator")) + 1);
    assertThat(Serialization.unmarshal(yaml, PostgresMigration.class).destinationName())
        .isEqualTo("cnpg/orders");

    PostgresMigration existing =
        migration(config, new Destination.CloudNativePg(existingSpec("orders")), Method.Snapshot);
    assertThat(CreateCommand.dryRun(existing)).doesNotContain("#").contains("cluster: \"orders\"");
  }

  private static CloudNativePgDestination existingSpec(String cluster) {
    CloudNativePgDestination d = new CloudNativePgDestination();
    d.cluster = cluster;
    return d;
  }

  private static GenericKubernetesResource cluster(String name, Map<String, Object> spec) {
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setMetadata(new ObjectMetaBuilder().withName(name).build());
    r.setAdditionalProperty("spec", spec);
    return r;
  }

  @Test
  void existingClustersQualifyUnlessBusyTheSourceOrWithoutSuperuser() {
    Clusters.Cluster orders = Clusters.Cluster.of(cluster("orders", Map.of("instances", 3)));
    Clusters.Cluster locked =
        Clusters.Cluster.of(
            cluster("locked", Map.of("instances", 1, "enableSuperuserAccess", false)));
    Clusters.Cluster itself = Clusters.Cluster.of(cluster("postgresql-clean-29349", Map.of()));
    assertThat(orders.describe()).isEqualTo("cnpg/orders (CloudNativePG, 3 instances)");
    assertThat(locked.describe()).isEqualTo("cnpg/locked (CloudNativePG, 1 instance)");
    PostgresMigration busy =
        migration(
            config(Clusters.Found.NOT_INSTALLED, List.of()),
            new Destination.CloudNativePg(existingSpec("orders")),
            Method.Snapshot);
    var config =
        config(new Clusters.Found(true, true, List.of(itself, locked, orders)), List.of(busy));
    assertThat(config.notADestination(orders, SOURCE))
        .isEqualTo("already a destination database for an active migration");
    assertThat(config.notADestination(locked, SOURCE)).startsWith("superuser access is off");
    Database cnpgSource =
        new Database(
            new SecretKeyRef("orders-app", "uri"), "orders-rw:5432/app", List.of(), null, true);
    assertThat(
            config(new Clusters.Found(true, true, List.of(orders)), List.of())
                .notADestination(orders, cnpgSource))
        .isEqualTo("same database as the source");

    busy.setStatus(new PostgresMigrationStatus());
    busy.getStatus().phase = Phase.Cancelled;
    assertThat(config.notADestination(orders, SOURCE)).isNull();
  }

  @Test
  void aClusterNamedByFlagsIsCheckedAgainstTheNamespace() {
    Clusters.Cluster orders = Clusters.Cluster.of(cluster("orders", Map.of("instances", 2)));
    var none = config(Clusters.Found.NOT_INSTALLED, List.of());
    assertThatThrownBy(() -> none.cluster(created("x", null, null), SOURCE, "ns"))
        .hasMessageStartingWith("--destination-cluster x: CloudNativePG is not installed");
    var config = config(new Clusters.Found(true, true, List.of(orders)), List.of());
    assertThatThrownBy(() -> config.cluster(created("orders", null, null), SOURCE, "ns"))
        .hasMessageContaining("already exists in namespace ns; leave out --create-destination");
    assertThatThrownBy(() -> config.cluster(existingSpec("nope"), SOURCE, "ns"))
        .hasMessage(
            "--destination-cluster nope: no CloudNativePG Cluster by that name in namespace ns"
                + " (found: orders); add --create-destination to create it.");
    assertThat(config.cluster(existingSpec("orders"), SOURCE, "ns").creates()).isFalse();
    assertThat(config.cluster(created("new", null, null), SOURCE, "ns").creates()).isTrue();

    PostgresMigration pending =
        migration(
            config, new Destination.CloudNativePg(created("new", null, null)), Method.Snapshot);
    var withPending = config(new Clusters.Found(true, true, List.of(orders)), List.of(pending));
    assertThat(withPending.clusterNamesTaken()).containsExactly("new", "orders");
    assertThatThrownBy(() -> withPending.cluster(created("new", null, null), SOURCE, "ns"))
        .hasMessageContaining("an active migration already creates a Cluster by that name");

    // Clusters that may not be listed: nothing is known, the operator says what it finds.
    var unlisted = config(new Clusters.Found(true, false, List.of()), List.of());
    assertThat(unlisted.cluster(existingSpec("hidden"), SOURCE, "ns").name())
        .isEqualTo("cnpg/hidden");
  }

  @Test
  void oneDatabaseIsEnoughWhenCloudNativePgCanCreateTheOther() {
    assertThat(config(new Clusters.Found(true, true, List.of()), List.of()).cannotConfigure("ns"))
        .isNull();
    assertThat(config(Clusters.Found.NOT_INSTALLED, List.of()).cannotConfigure("namespace ns"))
        .isEqualTo(
            "needs two databases, or one and CloudNativePG to create the other; found 1 in"
                + " namespace ns");
  }
}
