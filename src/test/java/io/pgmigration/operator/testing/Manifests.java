package io.pgmigration.operator.testing;

import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository that tests apply as a user would. */
public final class Manifests {
  private Manifests() {}

  /** The repository root (tests run from it). */
  public static Path repo() {
    return Path.of("").toAbsolutePath();
  }

  /** The committed CRD, as {@code kubectl apply -k deploy/} installs it. */
  public static Path crd() {
    return repo().resolve("crds/postgresmigrations.pgmigration.io-v1.yml");
  }

  /** The quickstart's migration, parsed. */
  public static PostgresMigration quickstartMigration() {
    return read("examples/quickstart/migration.yaml", PostgresMigration.class);
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
