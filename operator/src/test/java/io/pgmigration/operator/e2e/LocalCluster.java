package io.pgmigration.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.pgmigration.operator.config.LeaderElection;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the end-to-end tests ask of the local cluster besides the quickstart itself. */
final class LocalCluster {
  static final String OPERATOR_NS = "pgmigration-system";

  private static KubernetesClient client;

  private LocalCluster() {}

  /**
   * The tests' client of the local cluster (from KUBECONFIG): one for the whole run, shared by the
   * test classes, closed when the JVM ends.
   */
  static synchronized KubernetesClient client() {
    if (client == null) {
      client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().build();
      KubernetesClient shared = client;
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return client;
  }

  /** The operator's pods that are not being deleted. */
  static List<Pod> operatorPods(KubernetesClient client) {
    return client
        .pods()
        .inNamespace(OPERATOR_NS)
        .withLabel("app.kubernetes.io/name", "pg-migration-operator")
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  /** The operator pod that holds the leader's Lease: the one that reconciles. */
  static Pod leaderPod(KubernetesClient client) {
    Lease lease = client.leases().inNamespace(OPERATOR_NS).withName(LeaderElection.LEASE).get();
    assertThat(lease).as("the leader's Lease").isNotNull();
    String holder = lease.getSpec().getHolderIdentity();
    Pod pod = client.pods().inNamespace(OPERATOR_NS).withName(holder).get();
    assertThat(pod).as("the leader's pod " + holder).isNotNull();
    return pod;
  }

  /**
   * Freezes (or thaws) every process of {@code pod} with the cgroup freezer, as a hung server or a
   * paused VM looks from outside: the kernel still accepts connections, nothing answers them. The
   * local cluster's node is this machine, so its cgroups are at hand (v1 freezer or v2).
   */
  static void freeze(Pod pod, boolean frozen) throws java.io.IOException {
    String uid = pod.getMetadata().getUid();
    java.nio.file.Path v1 = java.nio.file.Path.of("/sys/fs/cgroup/freezer");
    java.nio.file.Path root = java.nio.file.Files.isDirectory(v1) ? v1 : v1.getParent();
    java.nio.file.Path dir;
    try (var walk = java.nio.file.Files.walk(root, 4)) {
      dir =
          walk.filter(java.nio.file.Files::isDirectory)
              .filter(
                  d -> {
                    String name = d.getFileName().toString();
                    return name.contains("pod" + uid)
                        || name.contains("pod" + uid.replace('-', '_'));
                  })
              .findFirst()
              .orElseThrow(() -> new AssertionError("no cgroup for pod " + uid + " under " + root));
    }
    if (root == v1) {
      java.nio.file.Files.writeString(dir.resolve("freezer.state"), frozen ? "FROZEN" : "THAWED");
    } else {
      java.nio.file.Files.writeString(dir.resolve("cgroup.freeze"), frozen ? "1" : "0");
    }
  }

  /** Runs {@code command} with bash in {@code pod}; fails unless it exits 0. Returns its stdout. */
  static String exec(KubernetesClient client, Pod pod, String command) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ExecWatch watch =
        client
            .pods()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(pod.getMetadata().getName())
            .writingOutput(out)
            .writingError(err)
            .exec("bash", "-c", command)) {
      int code = watch.exitCode().get(30, TimeUnit.SECONDS);
      assertThat(code).as("%s: %s", command, err.toString(StandardCharsets.UTF_8)).isZero();
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * Runs {@code command} in the repository's root; fails unless it exits 0 within 6 minutes.
   * Returns its output (stdout and stderr).
   */
  static String run(List<String> command) throws Exception {
    Process p =
        new ProcessBuilder(command)
            .directory(io.pgmigration.operator.testing.Manifests.repo().toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(6, TimeUnit.MINUTES) && p.exitValue() == 0)
        .as(String.join(" ", command) + ":\n" + out)
        .isTrue();
    return out;
  }

  /** kubectl, as the tests were given it. */
  static String kubectl() {
    return System.getenv().getOrDefault("PGMO_KUBECTL", "kubectl");
  }

  /** kubectl apply -k {@code overlay}, then the rollout of the operator's Deployment. */
  static void installOverlay(String overlay) throws Exception {
    run(List.of(kubectl(), "apply", "-k", overlay));
    awaitRollout();
  }

  /** Waits for the rollout of the operator's Deployment. */
  static void awaitRollout() throws Exception {
    run(
        List.of(
            kubectl(),
            "-n",
            OPERATOR_NS,
            "rollout",
            "status",
            "deployment/pg-migration-operator",
            "--timeout=5m"));
  }

  /** Waits until one of the Deployment's current pods leads. */
  static void awaitNewLeader(KubernetesClient client) {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofMinutes(2))
        .ignoreExceptions()
        .until(
            () ->
                operatorPods(client).stream()
                    .anyMatch(
                        p ->
                            p.getMetadata()
                                .getName()
                                .equals(leaderPod(client).getMetadata().getName())));
  }
}
