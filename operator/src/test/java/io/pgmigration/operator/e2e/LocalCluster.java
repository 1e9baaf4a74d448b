package io.pgmigration.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the end-to-end tests ask of the local cluster besides the quickstart itself. */
final class LocalCluster {
  static final String OPERATOR_NS = "pgmigration-system";

  private LocalCluster() {}

  /** The one operator pod that is not being deleted. */
  static Pod operatorPod(KubernetesClient client) {
    List<Pod> pods =
        client
            .pods()
            .inNamespace(OPERATOR_NS)
            .withLabel("app.kubernetes.io/name", "pg-migration-operator")
            .list()
            .getItems()
            .stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .toList();
    assertThat(pods).hasSize(1);
    return pods.get(0);
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
}
