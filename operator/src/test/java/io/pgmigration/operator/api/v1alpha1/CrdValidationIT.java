package io.pgmigration.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.pgmigration.operator.testing.KubeApiServers;
import io.pgmigration.operator.testing.Manifests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Admission of PostgresMigrations by a real kube-apiserver with the committed CRD: what a user gets
 * back from {@code kubectl apply} for a bad spec, each message naming the field.
 */
class CrdValidationIT {
  private static final String NS = "crd-validation";
  private static KubernetesClient client;
  private static MixedOperation<
          PostgresMigration, KubernetesResourceList<PostgresMigration>, Resource<PostgresMigration>>
      migrations;

  @BeforeAll
  static void installCrd() throws IOException {
    client = KubeApiServers.client();
    KubeApiServers.installCrd(client);
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .serverSideApply();
    migrations = client.resources(PostgresMigration.class);
  }

  private static PostgresMigration quickstart(String name, Consumer<PostgresMigrationSpec> edit) {
    PostgresMigration m = Manifests.quickstartMigration();
    m.getMetadata().setName(name);
    m.getMetadata().setNamespace(NS);
    edit.accept(m.getSpec());
    return m;
  }

  private static void assertRejected(PostgresMigration m, String... fragments) {
    assertThatThrownBy(() -> migrations.inNamespace(NS).resource(m).create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .message()
        .contains(fragments);
  }

  @Test
  void quickstartIsAcceptedAndDefaultsAreFilledIn() {
    PostgresMigration created =
        migrations
            .inNamespace(NS)
            .resource(
                quickstart(
                    "accepted",
                    s -> {
                      s.copy = null;
                      s.readyWindow = null;
                      s.verification = null;
                    }))
            .create();
    assertThat(created.getSpec().copy.parallelism).isEqualTo(2);
    assertThat(created.getSpec().copy.activeDeadline).isEqualTo("6h");
    assertThat(created.getSpec().readyWindow).isEqualTo("24h");
    assertThat(created.getSpec().verification)
        .isEqualTo(PostgresMigrationSpec.VerificationMode.Checksums);
    assertThat(created.getSpec().destination.connectionSecret.key).isEqualTo("DATABASE_URL");
  }

  @Test
  void destinationMustDifferFromSource() {
    assertRejected(
        quickstart(
            "same",
            s ->
                s.destination.connectionSecret =
                    new SecretKeyRef("postgresql-clean-29349", "DATABASE_URL")),
        "spec.destination.connectionSecret",
        "destination must differ from source");
  }

  @Test
  void destroyConfirmationMustNameTheSource() {
    assertRejected(
        quickstart(
            "confirm",
            s -> {
              s.destroySource = new DestroySourceSpec();
              s.destroySource.confirm = "example-app";
            }),
        "spec.destroySource.confirm",
        "must be empty or equal to source.connectionSecret.name");
  }

  @Test
  void durationsMustParse() {
    assertRejected(
        quickstart("window", s -> s.readyWindow = "tomorrow"), "spec.readyWindow", "tomorrow");
    assertRejected(
        quickstart("deadline", s -> s.copy.activeDeadline = "6 hours"), "spec.copy.activeDeadline");
    assertRejected(
        quickstart("drain", s -> s.app.maintenance.drainTimeout = "-5m"),
        "spec.app.maintenance.drainTimeout");
  }

  @Test
  void parallelismIsBetween1And64() {
    assertRejected(
        quickstart("p0", s -> s.copy.parallelism = 0),
        "spec.copy.parallelism",
        "greater than or equal to 1");
    assertRejected(
        quickstart("p65", s -> s.copy.parallelism = 65),
        "spec.copy.parallelism",
        "less than or equal to 64");
  }

  @Test
  void requiredFieldsAreNamed() {
    assertRejected(quickstart("noapp", s -> s.app = null), "spec.app: Required value");
    assertRejected(
        quickstart("nosource", s -> s.source.connectionSecret = null),
        "spec.source.connectionSecret: Required value");
  }

  @Test
  void aCloudNativePgDestinationIsAcceptedWithItsDefaults() {
    PostgresMigration created =
        migrations.inNamespace(NS).resource(quickstart("cnpg", s -> cnpg(s, "db", true))).create();
    CloudNativePgCluster create = created.getSpec().destination.cloudNativePG.create;
    assertThat(create.instances).isEqualTo(2);
    assertThat(create.readyTimeout).isEqualTo("15m");
    assertThat(create.storage).as("sized by the operator from the source").isNull();
  }

  @Test
  void aDestinationIsEitherASecretOrACloudNativePgCluster() {
    assertRejected(
        quickstart(
            "both",
            s -> {
              cnpg(s, "db", false);
              s.destination.connectionSecret = new SecretKeyRef("x", "DATABASE_URL");
            }),
        "spec.destination",
        "exactly one of connectionSecret and cloudNativePG");
    assertRejected(
        quickstart("neither", s -> s.destination.connectionSecret = null),
        "exactly one of connectionSecret and cloudNativePG");
    assertRejected(
        quickstart(
            "cnpg-workload",
            s -> {
              cnpg(s, "db", false);
              s.destination.workload = new WorkloadRef();
              s.destination.workload.kind = WorkloadRef.WorkloadKind.StatefulSet;
              s.destination.workload.name = "db";
            }),
        "spec.destination.workload",
        "CloudNativePG runs its instances");
  }

  @Test
  void aClusterToCreateIsCheckedByField() {
    assertRejected(
        quickstart("cnpg-name", s -> cnpg(s, "Orders_DB", false)),
        "spec.destination.cloudNativePG.cluster");
    assertRejected(
        quickstart(
            "cnpg-instances",
            s -> {
              cnpg(s, "db", true);
              s.destination.cloudNativePG.create.instances = 0;
            }),
        "spec.destination.cloudNativePG.create.instances",
        "greater than or equal to 1");
    assertRejected(
        quickstart(
            "cnpg-storage",
            s -> {
              cnpg(s, "db", true);
              s.destination.cloudNativePG.create.storage = "10GB";
            }),
        "spec.destination.cloudNativePG.create.storage");
    assertRejected(
        quickstart(
            "cnpg-version",
            s -> {
              cnpg(s, "db", true);
              s.destination.cloudNativePG.create.postgresVersion = 9;
            }),
        "spec.destination.cloudNativePG.create.postgresVersion");
  }

  @Test
  void theClustersOwnerAsTheAppsRoleNeedsEveryObjectGivenToIt() {
    assertRejected(
        quickstart(
            "cnpg-owner",
            s -> {
              cnpg(s, "db", true);
              s.destination.cloudNativePG.appRole = CloudNativePgDestination.AppRole.Owner;
            }),
        "spec.ownership",
        "needs ownership: DestinationUser");
  }

  private static void cnpg(PostgresMigrationSpec s, String cluster, boolean create) {
    s.destination.connectionSecret = null;
    s.destination.workload = null;
    s.destination.cloudNativePG = new CloudNativePgDestination();
    s.destination.cloudNativePG.cluster = cluster;
    if (create) {
      s.destination.cloudNativePG.create = new CloudNativePgCluster();
      s.destination.cloudNativePG.create.readyTimeout = null;
    }
  }

  @Test
  void sourceDestinationAndMethodAreImmutable() {
    migrations.inNamespace(NS).resource(quickstart("immutable", s -> {})).create();
    Resource<PostgresMigration> existing = migrations.inNamespace(NS).withName("immutable");
    assertThatThrownBy(
            () ->
                existing.edit(
                    m -> {
                      m.getSpec().source.connectionSecret.name = "another-database";
                      return m;
                    }))
        .hasMessageContaining("spec.source")
        .hasMessageContaining("source is immutable once set");
    assertThatThrownBy(
            () ->
                existing.edit(
                    m -> {
                      m.getSpec().method = PostgresMigrationSpec.Method.Streaming;
                      return m;
                    }))
        .hasMessageContaining("spec.method")
        .hasMessageContaining("method is immutable once set");
    // The gates stay editable: that is how a GitOps repository starts and promotes.
    PostgresMigration started =
        existing.edit(
            m -> {
              m.getSpec().start = true;
              return m;
            });
    assertThat(started.getSpec().start).isTrue();
  }

  @Test
  void kubectlGetShowsHerokusColumns() throws Exception {
    migrations.inNamespace(NS).resource(quickstart("columns", s -> {})).create();
    Path kubeconfig = Files.createTempFile("kubeconfig", ".yaml");
    Files.writeString(kubeconfig, KubeApiServers.kubeconfig());
    Path kubectl =
        Path.of(
            System.getProperty(
                "pgmo.cache", System.getProperty("user.home") + "/.cache/pg-migration-operator"),
            "kube-api-test");
    Path binary;
    try (var dirs = Files.list(kubectl.resolve("k8s"))) {
      binary = dirs.findFirst().orElseThrow().resolve("kubectl");
    }
    Process p =
        new ProcessBuilder(
                List.of(
                    binary.toString(),
                    "--kubeconfig",
                    kubeconfig.toString(),
                    "-n",
                    NS,
                    "get",
                    "pgm",
                    "columns"))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    assertThat(out.lines().findFirst().orElseThrow().split("\\s+"))
        .containsExactly("NAME", "SOURCE", "DESTINATION", "METHOD", "STATUS", "PROGRESS", "AGE");
    assertThat(out).contains("postgresql-clean-29349", "postgresql-circular-11223", "Snapshot");
  }
}
