package io.pgmigration.operator.api.v1alpha1;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A short hash of what the checks depend on: the spec without its gates. Setting start, promote,
 * cancel or destroySource, or changing spec.streaming (the start gate's limits), does not make a
 * prepared migration prepare again; anything else does.
 */
public final class SpecHash {
  private SpecHash() {}

  /** The hash of {@code spec} without its gates. */
  public static String of(PostgresMigrationSpec spec) {
    PostgresMigrationSpec copy =
        Serialization.unmarshal(Serialization.asJson(spec), PostgresMigrationSpec.class);
    copy.start = false;
    copy.promote = false;
    copy.cancel = false;
    copy.destroySource = null;
    // When start may stop the app: the checks do not depend on it, and tuning it while start
    // waits must not set the replication up again.
    copy.streaming = null;
    return sha256(Serialization.asJson(copy)).substring(0, 16);
  }

  /**
   * The SHA-256 of {@code text} (UTF-8), in hex: the one hash the operator names things by and
   * compares them with.
   */
  public static String sha256(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
