package io.pgmigration.operator.secrets;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Secret's keys and values as text, read the way the API server holds them: {@code data} is
 * base64, {@code stringData} (only ever seen on objects not yet written) is plain.
 */
public final class SecretData {
  private SecretData() {}

  /** Every key of {@code secret} and its value; values that are not base64 are left out. */
  public static Map<String, String> of(Secret secret) {
    Map<String, String> out = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret
          .getData()
          .forEach(
              (k, v) -> {
                try {
                  out.put(k, decode(v));
                } catch (IllegalArgumentException notBase64) {
                  // Not what the API server stores; such a value cannot be a usable URL.
                }
              });
    }
    if (secret.getStringData() != null) {
      secret.getStringData().forEach(out::putIfAbsent);
    }
    return out;
  }

  /** The text of a base64 {@code data} value. */
  public static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  /** {@code value} as a base64 {@code data} value. */
  public static String encode(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
