package io.pgmigration.operator.api.v1alpha1;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A short hash of what the checks depend on: the spec without its gates. Setting start, promote,
 * cancel or destroySource does not make a prepared migration prepare again; anything else does.
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
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(Serialization.asJson(copy).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
