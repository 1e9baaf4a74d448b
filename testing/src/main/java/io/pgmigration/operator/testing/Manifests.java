package io.pgmigration.operator.testing;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Files of the repository that tests apply as a user would. */
public final class Manifests {
  private Manifests() {}

  /** The repository root: tests run from their module's directory, somewhere below it. */
  public static Path repo() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("crds")) && Files.isDirectory(dir.resolve("examples"))) {
        return dir;
      }
    }
    throw new IllegalStateException("not inside the repository: " + Path.of("").toAbsolutePath());
  }

  /** The committed CRD, as {@code kubectl apply -k deploy/} installs it. */
  public static Path crd() {
    return repo().resolve("crds/postgresmigrations.pgmigration.io-v1.yml");
  }

  /** The quickstart's migration, parsed. */
  public static PostgresMigration quickstartMigration() {
    return read("examples/quickstart/migration.yaml", PostgresMigration.class);
  }

  /**
   * A Deployment of the quickstart's app (label app.kubernetes.io/part-of=example-app), for API
   * servers without a kubelet: its pods never run.
   */
  public static Deployment appDeployment(String ns, String name) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .withLabels(Map.of("app.kubernetes.io/part-of", "example-app"))
        .endMetadata()
        .withNewSpec()
        .withNewSelector()
        .withMatchLabels(Map.of("app", name))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of("app", name))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("postgres:15")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * A one-replica StatefulSet whose pods carry {@code podLabels}, as a database server's does; its
   * pods never run on API servers without a kubelet.
   */
  public static StatefulSet databaseServer(String ns, String name, Map<String, String> podLabels) {
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .withNewSpec()
        .withReplicas(1)
        .withNewSelector()
        .withMatchLabels(podLabels)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("postgres")
        .withImage("postgres:15")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** A Secret holding {@code url} under DATABASE_URL, as the quickstart's Secrets do. */
  public static Secret urlSecret(String ns, String name, String url) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .withStringData(Map.of("DATABASE_URL", url))
        .build();
  }

  static <T> T read(String path, Class<T> type) {
    try {
      return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
          Files.readString(repo().resolve(path)), type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
