package io.pgmigration.operator.live;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.api.v1alpha1.DatabaseSpec;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.SecretKeyRef;
import io.pgmigration.operator.api.v1alpha1.SpecHash;
import io.pgmigration.operator.copy.CopyPod;
import io.pgmigration.operator.db.PreparationChecks.Found;
import io.pgmigration.operator.secrets.PostgresUri;
import io.pgmigration.operator.secrets.SecretData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a migration's Secrets hold, read when needed: Secrets are not watched, since a watch on them
 * would hold every Secret of the cluster in the operator's memory. Only the two databases' URIs are
 * kept, for {@link #REUSE}: the switch-over asks for them a dozen times while the app is down.
 */
final class MigrationSecrets {
  /** How long a database's URI is used again before its Secrets are read anew. */
  static final Duration REUSE = Duration.ofSeconds(5);

  /** URIs kept beyond this many are dropped once they are older than {@link #REUSE}. */
  private static final int KEPT = 256;

  private final KubernetesClient client;
  private final Map<List<String>, Kept> resolved = new ConcurrentHashMap<>();

  /** A URI and when it was read, by {@link System#nanoTime}. */
  private record Kept(PostgresUri uri, long readAt) {}

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

  /**
   * The URI of {@code database}, verifying its server's certificate when it names a CA ({@code
   * tls.caSecret}), or why it cannot be had.
   */
  Found<PostgresUri> database(String ns, DatabaseSpec database) {
    Found<PostgresUri> uri = uri(ns, database.connectionSecret);
    if (!uri.ok() || database.tls == null || database.tls.caSecret == null) {
      return uri;
    }
    Found<String> ca = value(ns, database.tls.caSecret);
    if (!ca.ok()) {
      return Found.problem(
          "its CA certificate (" + describe(database.tls.caSecret) + "): " + ca.problem());
    }
    return Found.of(uri.value().verifyingTlsWith(caFile(ca.value())));
  }

  /** The source's URI as the operator reaches it; fails naming the Secret when it cannot. */
  PostgresUri source(PostgresMigration m) {
    return resolved(m, m.getSpec().source);
  }

  /** The destination's URI as the operator reaches it; fails naming the Secret when it cannot. */
  PostgresUri destination(PostgresMigration m) {
    return resolved(m, m.destinationDatabase());
  }

  /**
   * The source's URI as its Secret holds it (resolved from the namespace), without the CA the
   * operator verifies it with: how another server reaches it, which has its own files.
   */
  PostgresUri sourceAsWritten(PostgresMigration m) {
    return orFail(
        m, m.getSpec().source.connectionSecret, uri(ns(m), m.getSpec().source.connectionSecret));
  }

  /** The value of a Secret's key; fails with why it cannot be had. */
  String required(String ns, SecretKeyRef ref) {
    Found<String> value = value(ns, ref);
    if (!value.ok()) {
      throw new IllegalStateException(describe(ref) + ": " + value.problem());
    }
    return value.value();
  }

  private PostgresUri resolved(PostgresMigration m, DatabaseSpec database) {
    SecretKeyRef ca = database.tls == null ? null : database.tls.caSecret;
    List<String> key =
        Arrays.asList(
            ns(m),
            database.connectionSecret.name,
            database.connectionSecret.key,
            ca == null ? null : ca.name,
            ca == null ? null : ca.key);
    long now = System.nanoTime();
    Kept kept = resolved.get(key);
    if (kept != null && now - kept.readAt() < REUSE.toNanos()) {
      return kept.uri();
    }
    PostgresUri uri = orFail(m, database.connectionSecret, database(ns(m), database));
    if (resolved.size() >= KEPT) {
      resolved.values().removeIf(k -> now - k.readAt() >= REUSE.toNanos());
    }
    resolved.put(key, new Kept(uri, now));
    return uri;
  }

  private static PostgresUri orFail(PostgresMigration m, SecretKeyRef ref, Found<PostgresUri> uri) {
    if (!uri.ok()) {
      throw new IllegalStateException(describe(ref) + ": " + uri.problem());
    }
    return uri.value().resolvedFrom(ns(m));
  }

  private static String ns(PostgresMigration m) {
    return m.getMetadata().getNamespace();
  }

  /**
   * A file holding {@code pem}, named by its hash and written once, readable by the operator only:
   * the JDBC driver and pg_dump read a CA from a file.
   */
  private static synchronized String caFile(String pem) {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "pgmo-ca");
    Path file = dir.resolve(SpecHash.sha256(pem).substring(0, 32) + ".crt");
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(dir);
        CopyPod.writePrivate(file, pem);
      }
      return file.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("could not write a CA certificate to " + file, e);
    }
  }
}
