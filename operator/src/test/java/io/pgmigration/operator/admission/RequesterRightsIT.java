package io.pgmigration.operator.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pgmigration.operator.api.v1alpha1.CloudNativePgCluster;
import io.pgmigration.operator.api.v1alpha1.CloudNativePgDestination;
import io.pgmigration.operator.api.v1alpha1.DestinationSpec;
import io.pgmigration.operator.api.v1alpha1.DestroySourceSpec;
import io.pgmigration.operator.api.v1alpha1.NotificationsSpec;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec;
import io.pgmigration.operator.api.v1alpha1.WorkloadRef;
import io.pgmigration.operator.testing.KubeApiServers;
import io.pgmigration.operator.testing.Manifests;
import java.io.FileInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admission policy of {@code deploy/base/admission.yaml} in a real kube-apiserver with RBAC: a
 * user who lacks one of the rights a migration would exercise on their behalf is refused, with a
 * message naming it; a user who holds them all is admitted.
 */
class RequesterRightsIT {
  private static final String NS = "requester-rights";
  private static final String OPERATOR_NS = "pgmigration-system";
  private static final String PARAMS = "pg-migration-operator-admission";
  private static final String SOURCE = "postgresql-clean-29349";
  private static final String DESTINATION = "postgresql-circular-11223";
  private static final String APP = "example-app-config";
  private static KubernetesClient admin;
  private static List<HasMetadata> policy;

  /** What a user may do in the namespace, one right at a time. */
  private static final String NOTIFY = "notify";

  enum Right {
    GET_SOURCE,
    GET_DESTINATION,
    UPDATE_APP_SECRET,
    PATCH_DEPLOYMENTS,
    PATCH_STATEFULSETS,
    PATCH_CRONJOBS,
    DELETE_SOURCE_WORKLOAD,
    DELETE_CLAIMS,
    GET_NOTIFICATIONS_SECRET,
    GET_CLUSTER_SUPERUSER,
    CREATE_CLUSTERS
  }

  @BeforeAll
  static void install() throws Exception {
    admin = KubeApiServers.client();
    KubeApiServers.installCrd(admin);
    for (String ns : List.of(NS, OPERATOR_NS)) {
      admin
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .serverSideApply();
    }
    try (var in =
        new FileInputStream(Manifests.repo().resolve("deploy/base/admission.yaml").toFile())) {
      policy = admin.load(in).items();
    }
    policy.forEach(o -> admin.resource(o).serverSideApply());
    // The policy takes effect once the API server has loaded it: until it refuses someone.
    String waiting = user("waiting", EnumSet.noneOf(Right.class));
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              String refused = refusal(waiting, m -> {});
              return refused != null && refused.contains("you may not get Secret");
            });
  }

  @AfterAll
  static void uninstall() {
    // The API server is shared by this JVM's other tests: leave them without the policy. The
    // binding goes first, and only once the API server has let go of it do its parameters go:
    // a binding without its ConfigMap denies everything.
    policy.stream()
        .filter(o -> o.getKind().equals("ValidatingAdmissionPolicyBinding"))
        .forEach(o -> admin.resource(o).delete());
    String waiting = user("waiting", EnumSet.noneOf(Right.class));
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> refusal(waiting, m -> {}) == null);
    policy.stream()
        .filter(o -> !o.getKind().equals("ValidatingAdmissionPolicyBinding"))
        .forEach(o -> admin.resource(o).delete());
    admin.close();
  }

  /** A user holding {@code rights}, plus the right to create and update migrations. */
  private static String user(String name, Set<Right> rights) {
    List<PolicyRule> rules = new ArrayList<>();
    rules.add(
        rule(
            "pgmigration.io", "postgresmigrations", List.of(), "create", "update", "patch", "get"));
    List<String> readable = new ArrayList<>(List.of(APP));
    if (rights.contains(Right.GET_SOURCE)) {
      readable.add(SOURCE);
    }
    if (rights.contains(Right.GET_DESTINATION)) {
      readable.add(DESTINATION);
    }
    if (rights.contains(Right.GET_NOTIFICATIONS_SECRET)) {
      readable.add(NOTIFY);
    }
    if (rights.contains(Right.GET_CLUSTER_SUPERUSER)) {
      readable.add("orders-db-superuser");
    }
    if (rights.contains(Right.CREATE_CLUSTERS)) {
      rules.add(rule("postgresql.cnpg.io", "clusters", List.of(), "create"));
    }
    rules.add(rule("", "secrets", readable, "get"));
    if (rights.contains(Right.UPDATE_APP_SECRET)) {
      rules.add(rule("", "secrets", List.of(APP), "update"));
    }
    if (rights.contains(Right.PATCH_DEPLOYMENTS)) {
      rules.add(rule("apps", "deployments", List.of(), "patch"));
    }
    if (rights.contains(Right.PATCH_STATEFULSETS)) {
      rules.add(rule("apps", "statefulsets", List.of(), "patch"));
    }
    if (rights.contains(Right.PATCH_CRONJOBS)) {
      rules.add(rule("batch", "cronjobs", List.of(), "patch"));
    }
    if (rights.contains(Right.DELETE_SOURCE_WORKLOAD)) {
      rules.add(rule("apps", "statefulsets", List.of(SOURCE), "delete"));
    }
    if (rights.contains(Right.DELETE_CLAIMS)) {
      rules.add(rule("", "persistentvolumeclaims", List.of(), "delete"));
    }
    admin
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .withRules(rules)
                .build())
        .serverSideApply();
    admin
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", name)
                .addNewSubject()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("User")
                .withName(name)
                .endSubject()
                .build())
        .serverSideApply();
    return name;
  }

  private static PolicyRule rule(
      String group, String resource, List<String> names, String... verbs) {
    return new PolicyRuleBuilder()
        .withApiGroups(group)
        .withResources(resource)
        .withResourceNames(names)
        .withVerbs(verbs)
        .build();
  }

  private static KubernetesClient as(String user) {
    Config config =
        new ConfigBuilder(Config.fromKubeconfig(KubeApiServers.kubeconfig()))
            .withImpersonateUsername(user)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private static PostgresMigration migration(String name, Consumer<PostgresMigrationSpec> edit) {
    PostgresMigration m = Manifests.quickstartMigration();
    m.getMetadata().setName(name);
    m.getMetadata().setNamespace(NS);
    edit.accept(m.getSpec());
    return m;
  }

  /** Creates a migration as {@code user}: null when admitted, else the refusal's message. */
  private static String refusal(String user, Consumer<PostgresMigrationSpec> edit) {
    try (KubernetesClient c = as(user)) {
      PostgresMigration m = migration(user + "-" + System.nanoTime() % 100000, edit);
      c.resource(m).create();
      admin.resource(m).delete();
      return null;
    } catch (KubernetesClientException e) {
      return e.getMessage();
    }
  }

  private static Set<Right> allBut(Right missing) {
    Set<Right> rights = EnumSet.allOf(Right.class);
    rights.remove(missing);
    return rights;
  }

  /** A migration that destroys its source, with its claims, and sends notifications. */
  private static void destroying(PostgresMigrationSpec s) {
    s.notifications = new NotificationsSpec();
    s.notifications.secretName = NOTIFY;
    s.source.workload = new WorkloadRef();
    s.source.workload.kind = WorkloadRef.WorkloadKind.StatefulSet;
    s.source.workload.name = SOURCE;
    s.destroySource = new DestroySourceSpec();
    s.destroySource.confirm = s.source.connectionSecret.name;
    s.destroySource.deletePersistentVolumeClaims = true;
  }

  @Test
  void aUserLackingOneRightIsRefusedNamingIt() {
    Map<Right, String> expected =
        Map.of(
            Right.GET_SOURCE,
                "you may not get Secret " + SOURCE + " (spec.source.connectionSecret)",
            Right.GET_DESTINATION,
                "you may not get Secret " + DESTINATION + " (spec.destination.connectionSecret)",
            Right.UPDATE_APP_SECRET,
                "you may not get and update Secret " + APP + " (spec.app.databaseUrlSecret)",
            Right.PATCH_DEPLOYMENTS, "you may not patch the Deployments of namespace " + NS,
            Right.PATCH_STATEFULSETS, "you may not patch the StatefulSets of namespace " + NS,
            Right.PATCH_CRONJOBS, "you may not patch the CronJobs of namespace " + NS,
            Right.DELETE_SOURCE_WORKLOAD,
                "you may not delete StatefulSet " + SOURCE + " (spec.destroySource",
            Right.DELETE_CLAIMS, "you may not delete the PersistentVolumeClaims of namespace " + NS,
            Right.GET_NOTIFICATIONS_SECRET,
                "you may not get Secret " + NOTIFY + " (spec.notifications.secretName)");
    expected.forEach(
        (missing, message) -> {
          String user =
              user("lacks-" + missing.name().toLowerCase().replace('_', '-'), allBut(missing));
          assertThat(refusal(user, RequesterRightsIT::destroying))
              .as("a user without %s", missing)
              .isNotNull()
              .contains(message);
        });
  }

  @Test
  void aCloudNativePgDestinationNeedsItsSuperuserSecretAndTheRightToCreateIt() {
    Consumer<PostgresMigrationSpec> cnpg =
        s -> {
          s.destination = new DestinationSpec();
          s.destination.cloudNativePG = new CloudNativePgDestination();
          s.destination.cloudNativePG.cluster = "orders-db";
          s.destination.cloudNativePG.create = new CloudNativePgCluster();
        };
    assertThat(refusal(user("cnpg-all", EnumSet.allOf(Right.class)), cnpg)).isNull();
    assertThat(refusal(user("cnpg-no-superuser", allBut(Right.GET_CLUSTER_SUPERUSER)), cnpg))
        .contains("you may not get Secret orders-db-superuser (spec.destination.cloudNativePG)");
    String noCreate = user("cnpg-no-create", allBut(Right.CREATE_CLUSTERS));
    assertThat(refusal(noCreate, cnpg))
        .contains("you may not create CloudNativePG Clusters in namespace " + NS);
    assertThat(refusal(noCreate, cnpg.andThen(s -> s.destination.cloudNativePG.create = null)))
        .as("referencing an existing Cluster needs no right to create one")
        .isNull();
    Consumer<PostgresMigrationSpec> owner =
        cnpg.andThen(
            s -> {
              s.destination.cloudNativePG.appRole = CloudNativePgDestination.AppRole.Owner;
              s.ownership = PostgresMigrationSpec.Ownership.DestinationUser;
            });
    assertThat(refusal(user("cnpg-owner", EnumSet.allOf(Right.class)), owner))
        .contains("you may not get Secret orders-db-app (spec.destination.cloudNativePG)")
        .contains("database owner");
  }

  @Test
  void aUserHoldingEveryRightIsAdmittedAndMayFlipTheGatesWithoutThem() {
    String all = user("holds-all", EnumSet.allOf(Right.class));
    assertThat(refusal(all, RequesterRightsIT::destroying)).isNull();

    // Created by someone who may, started by someone who may only update migrations.
    PostgresMigration m = admin.resource(migration("gated", s -> {})).create();
    String starter = user("only-starts", EnumSet.noneOf(Right.class));
    try (KubernetesClient c = as(starter)) {
      c.resources(PostgresMigration.class)
          .inNamespace(NS)
          .withName("gated")
          .edit(
              x -> {
                x.getSpec().start = true;
                x.getSpec().promote = true;
                return x;
              });
      // Naming another Secret is another matter.
      assertThatThrownBy(
              () ->
                  c.resources(PostgresMigration.class)
                      .inNamespace(NS)
                      .withName("gated")
                      .edit(
                          x -> {
                            x.getSpec().app.databaseUrlSecret.name = "another-secret";
                            return x;
                          }))
          // Every right is checked again then, and this user holds none of them.
          .hasMessageContaining("requester-rights.pgmigration.io")
          .hasMessageContaining("you may not get Secret " + SOURCE);
    } finally {
      admin.resource(m).delete();
    }
  }

  @Test
  void aCopyImageMustBeOnTheAllowList() {
    String all = user("image-user", EnumSet.allOf(Right.class));
    assertThat(refusal(all, s -> s.copy.image = "registry.example/any:1"))
        .contains("spec.copy.image registry.example/any:1 is not allowed");
    admin
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(PARAMS)
                .withNamespace(OPERATOR_NS)
                .endMetadata()
                .withData(Map.of("copyImages", "registry.example/other:2, registry.example/any:1"))
                .build())
        .serverSideApply();
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> refusal(all, s -> s.copy.image = "registry.example/any:1") == null);
      assertThat(refusal(all, s -> s.copy.image = "registry.example/any:2")).isNotNull();
    } finally {
      admin
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName(PARAMS)
                  .withNamespace(OPERATOR_NS)
                  .endMetadata()
                  .withData(Map.of("copyImages", ""))
                  .build())
          .serverSideApply();
    }
  }
}
