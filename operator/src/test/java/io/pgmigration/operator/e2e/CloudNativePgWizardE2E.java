package io.pgmigration.operator.e2e;

import static io.pgmigration.operator.e2e.QuickstartInstance.APP_SECRET;
import static io.pgmigration.operator.e2e.QuickstartInstance.DESTINATION;
import static io.pgmigration.operator.e2e.QuickstartInstance.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pgmigration.operator.api.v1alpha1.CloudNativePgDestination;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec;
import io.pgmigration.operator.k8s.CloudNativePgClusters;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * "Create a new database" in the interactive {@code kubectl pg-migrate}, in a real terminal against
 * the operator on the local cluster (with CloudNativePG installed): every question of the new
 * Cluster answered with its default, Snapshot kept, and the watch shows the operator creating the
 * Cluster ("Creating target") until the migration is Ready.
 */
class CloudNativePgWizardE2E {
  private static final String NS = "e2e-cnpg-wizard";
  private static final String NAME = "migrate-" + SOURCE;

  /** The wizard's default name for the new Cluster: the source's, with -cnpg. */
  private static final String CLUSTER = SOURCE + "-cnpg";

  private static final Duration PROMPT = Duration.ofSeconds(30);

  /** What "; echo exit=$?" prints once a command has ended (the command line has no digit). */
  private static final Pattern EXITED = Pattern.compile("exit=[0-9]");

  private static final KubernetesClient client = LocalCluster.client();

  @Test
  void createANewCloudNativePgDatabaseAndWatchItBecomeReady() throws Exception {
    String kubectl = System.getenv().getOrDefault("PGMO_KUBECTL", "kubectl");
    Path kubectlDir = Path.of(kubectl).toAbsolutePath().getParent();
    String path =
        Tmux.pluginDir()
            + (kubectlDir == null ? "" : ":" + kubectlDir)
            + ":"
            + System.getenv("PATH");
    try (QuickstartInstance q = QuickstartInstance.create(client, NS, x -> {});
        Tmux term =
            Tmux.start(
                "pgmo-cnpg-wizard",
                Map.of(
                    "PATH",
                    path,
                    "KUBECONFIG",
                    System.getenv("KUBECONFIG"),
                    "TERM",
                    "xterm-256color",
                    "LANG",
                    "C.UTF-8"))) {
      try {
        configure(term);
        assertCreatedAsConfigured(q);
        watchUntilReady(term);
        assertTheClusterTheOperatorCreated(q);
      } finally {
        cleanUp(q);
      }
    }
  }

  /** Configure a database migration, into a new CloudNativePG Cluster, defaults throughout. */
  private static void configure(Tmux term) throws Exception {
    term.type("kubectl pg-migrate -n " + NS);
    term.await("? What do you want to do? (Use arrow keys)", PROMPT);
    term.press("Enter");
    assertThat(term.await("? Select the source database: (Use arrow keys)", PROMPT))
        .contains("❯ ⛁ " + SOURCE + " as DATABASE_URL of " + APP_SECRET);
    term.press("Enter");
    assertThat(term.await("? Select the destination database: (Use arrow keys)", PROMPT))
        .contains("❯ ⛁ " + DESTINATION)
        .as("CloudNativePG must be installed on the local cluster")
        .contains("  Create a new database (CloudNativePG)")
        .doesNotContain("CloudNativePG is not installed");
    term.press("Down", "Enter");
    term.await("? Select the destination database: Create a new database (CloudNativePG)", PROMPT);
    term.await("? Name of the new CloudNativePG Cluster: (" + CLUSTER + ")", PROMPT);
    term.press("Enter");
    term.await("? Name of the new CloudNativePG Cluster: " + CLUSTER, PROMPT);
    term.await("? Instances, a leader and its followers: (2: a leader and 1 follower)", PROMPT);
    term.press("Enter");
    term.await("? Instances, a leader and its followers: 2 (a leader and 1 follower)", PROMPT);
    term.await(
        "? Storage of each instance, e.g. 20Gi: (sized from the source: twice its size, at least"
            + " 1Gi)",
        PROMPT);
    term.press("Enter");
    term.await("? Storage of each instance, e.g. 20Gi: sized from the source", PROMPT);
    assertThat(term.await("? Select the migration method: (Use arrow keys)", PROMPT))
        .contains("❯ Snapshot: the app is down for the whole copy, longer the bigger the database")
        .contains(
            "  Streaming: the app is down only for the final catch-up, seconds; needs"
                + " wal_level=logical");
    term.press("Enter");
    term.await("? Select the migration method: Snapshot", PROMPT);
    term.await("? When the data is copied and verified: (Use arrow keys)", PROMPT);
    term.press("Enter");
    assertThat(term.await("? Confirm migration configuration: (Use arrow keys)", PROMPT))
        .contains(
            "A new CloudNativePG Cluster "
                + CLUSTER
                + " with 2 instances (a leader and 1 follower) will be created in namespace "
                + NS)
        .contains("It is never deleted by the operator")
        .contains(
            "Your source database ⛁ " + SOURCE + " is available while the migration is prepared.")
        .doesNotContain("must be empty");
    term.press("Enter");
    assertThat(term.await("Configuring migration " + NAME + "... done", PROMPT))
        .contains("The operator creates the CloudNativePG Cluster " + CLUSTER + " first")
        .containsPattern(
            NAME + " +⛁ " + SOURCE + " +⛁ cnpg/" + CLUSTER + " +(Preparing|Creating target)");
  }

  private static void assertCreatedAsConfigured(QuickstartInstance q) {
    PostgresMigration m =
        q.client.resources(PostgresMigration.class).inNamespace(NS).withName(NAME).get();
    CloudNativePgDestination d = m.getSpec().destination.cloudNativePG;
    assertThat(m.getSpec().destination.connectionSecret).isNull();
    assertThat(d.cluster).isEqualTo(CLUSTER);
    assertThat(d.create.instances).isEqualTo(2);
    assertThat(d.create.storage).as("sized by the operator from the source").isNull();
    assertThat(m.getSpec().method).isEqualTo(PostgresMigrationSpec.Method.Snapshot);
    assertThat(m.getSpec().app.databaseUrlSecret.name).isEqualTo(APP_SECRET);
    assertThat(m.getSpec().promote).isTrue();
    assertThat(m.getSpec().start).isFalse();
  }

  /**
   * Watches until it waits for the start (exit 6, Ready), noting whether the terminal showed the
   * Cluster being created at any moment: the screen scrolls while the checks run.
   */
  private static void watchUntilReady(Tmux term) throws Exception {
    term.type("kubectl pg-migrate watch -n " + NS + "; echo exit=$?");
    Instant deadline = Instant.now().plus(Duration.ofMinutes(6));
    boolean creatingShown = false;
    String screen = term.screen();
    while (!EXITED.matcher(screen).find()) {
      creatingShown |= screen.contains("Creating target");
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("the watch did not end within 6 minutes; it shows:\n" + screen);
      }
      Thread.sleep(250);
      screen = term.screen();
    }
    creatingShown |= screen.contains("Creating target");
    assertThat(screen)
        .contains("=== Watching " + NAME + " (⛁ " + SOURCE + " to ⛁ cnpg/" + CLUSTER + ")")
        .contains("Ready until")
        .contains("Start it with: kubectl pg-migrate start " + NAME)
        .contains("exit=6");
    assertThat(creatingShown).as("the watch showed Creating target").isTrue();
  }

  private static void assertTheClusterTheOperatorCreated(QuickstartInstance q) {
    PostgresMigration m =
        q.client.resources(PostgresMigration.class).inNamespace(NS).withName(NAME).get();
    assertThat(m.getStatus().phase).isEqualTo(Phase.Ready);
    assertThat(m.getStatus().destination.created).isTrue();
    assertThat(m.getStatus().destination.readyInstances).isEqualTo(2);
    GenericKubernetesResource cluster = cluster(q).get();
    assertThat(cluster).as("the CloudNativePG Cluster " + CLUSTER).isNotNull();
    assertThat(cluster.getMetadata().getLabels())
        .containsEntry(CloudNativePgClusters.MIGRATION_LABEL, NAME);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) cluster.getAdditionalProperties().get("spec");
    assertThat(((Number) spec.get("instances")).intValue()).isEqualTo(2);
  }

  /**
   * The migration and the Cluster it created: the operator never deletes the Cluster, so the test
   * does (PGMO_E2E_KEEP=1 keeps both for a look after a failure, as it keeps the namespace).
   */
  private static void cleanUp(QuickstartInstance q) {
    if ("1".equals(System.getenv("PGMO_E2E_KEEP"))) {
      return;
    }
    q.client.resources(PostgresMigration.class).inNamespace(NS).withName(NAME).delete();
    try {
      cluster(q).delete();
    } catch (KubernetesClientException noClusterKind) {
      // CloudNativePG is not installed (the test said so): there is no Cluster to delete.
    }
  }

  private static io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource> cluster(
      QuickstartInstance q) {
    return q.client
        .genericKubernetesResources(
            CloudNativePgDestination.API_VERSION, CloudNativePgDestination.KIND)
        .inNamespace(NS)
        .withName(CLUSTER);
  }
}
