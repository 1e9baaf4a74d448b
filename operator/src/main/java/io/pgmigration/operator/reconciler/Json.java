package io.pgmigration.operator.reconciler;

import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Canonical JSON of model objects, to tell whether a computed status differs from the stored one.
 */
final class Json {
  private Json() {}

  static String of(Object value) {
    return value == null ? "null" : Serialization.asJson(value);
  }
}
