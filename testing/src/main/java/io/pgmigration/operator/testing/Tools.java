package io.pgmigration.operator.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The tools hack/build-binaries.sh builds into the cache (Helm, Prometheus, Mailpit), found the way
 * the scripts find them: the cache directory ($PGMO_CACHE, by default
 * ~/.cache/pg-migration-operator) and the version in hack/versions.env.
 */
public final class Tools {
  private Tools() {}

  /** {@code binary} of the tool whose version hack/versions.env names {@code versionKey}. */
  public static Path binary(String tool, String versionKey, String binary) {
    String cache = System.getenv("PGMO_CACHE");
    Path dir =
        cache != null && !cache.isEmpty()
            ? Path.of(cache)
            : Path.of(System.getProperty("user.home"), ".cache", "pg-migration-operator");
    Path path = dir.resolve("bin").resolve(tool + "-" + version(versionKey)).resolve(binary);
    if (!Files.isExecutable(path)) {
      throw new IllegalStateException(path + " is missing: run hack/build-binaries.sh " + tool);
    }
    return path;
  }

  private static String version(String key) {
    try {
      return Files.readAllLines(Manifests.repo().resolve("hack/versions.env")).stream()
          .filter(l -> l.startsWith(key + "="))
          .map(l -> l.substring(key.length() + 1).trim())
          .findFirst()
          .orElseThrow(() -> new IllegalStateException(key + " is not in hack/versions.env"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
