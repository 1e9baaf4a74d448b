package io.pgmigration.operator.live;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.SecretKeyRef;
import io.pgmigration.operator.db.PreparationChecks.Found;
import io.pgmigration.operator.secrets.PostgresUri;
import io.pgmigration.operator.secrets.SecretData;

/**
 * What a migration's Secrets hold, read when needed: Secrets are not cached, since a watch on them
 * would hold every Secret of the cluster in the operator's memory.
 */
final class MigrationSecrets {
  private final KubernetesClient client;

  MigrationSecrets(KubernetesClient client) {
    this.client = client;
  }

  /** "Secret name, key KEY": how checks and errors name a reference. */
  static String describe(SecretKeyRef ref) {
    return "Secret " + ref.name + ", key " + ref.key;
  }

  /** The Secret {@code name} in {@code ns}, or null. */
  Secret secret(String ns, String name) {
    return client.secrets().inNamespace(ns).withName(name).get();
  }

  /** The value of a Secret's key, or why it cannot be had. */
  Found<String> value(String ns, SecretKeyRef ref) {
    Secret secret = secret(ns, ref.name);
    if (secret == null) {
      return Found.problem("the Secret does not exist in namespace " + ns);
    }
    String value = SecretData.of(secret).get(ref.key);
    return value == null ? Found.problem("the Secret has no key " + ref.key) : Found.of(value);
  }

  /** The URI in a Secret's key, or why it cannot be had. */
  Found<PostgresUri> uri(String ns, SecretKeyRef ref) {
    Found<String> value = value(ns, ref);
    if (!value.ok()) {
      return Found.problem(value.problem());
    }
    try {
      return Found.of(PostgresUri.parse(value.value()));
    } catch (IllegalArgumentException e) {
      return Found.problem("the URI in it " + e.getMessage());
    }
  }

  /** The source's URI as the operator reaches it; fails naming the Secret when it cannot. */
  PostgresUri source(PostgresMigration m) {
    return resolved(m, m.getSpec().source.connectionSecret);
  }

  /** The destination's URI as the operator reaches it; fails naming the Secret when it cannot. */
  PostgresUri destination(PostgresMigration m) {
    return resolved(m, m.getSpec().destination.connectionSecret);
  }

  /** The value of a Secret's key; fails with why it cannot be had. */
  String required(String ns, SecretKeyRef ref) {
    Found<String> value = value(ns, ref);
    if (!value.ok()) {
      throw new IllegalStateException(describe(ref) + ": " + value.problem());
    }
    return value.value();
  }

  private PostgresUri resolved(PostgresMigration m, SecretKeyRef ref) {
    String ns = m.getMetadata().getNamespace();
    Found<PostgresUri> uri = uri(ns, ref);
    if (!uri.ok()) {
      throw new IllegalStateException(describe(ref) + ": " + uri.problem());
    }
    return uri.value().resolvedFrom(ns);
  }
}
