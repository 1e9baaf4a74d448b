package io.pgmigration.operator.live;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.SpecHash;

/**
 * One migration per database, across namespaces: a migration claims each of its two databases with
 * a Lease in the operator's namespace, named after the database (its server's identity and its
 * name). Creating an object whose name is taken fails, so two preparations at the same moment
 * cannot both win. A claim whose holder has ended, failed its preparation or is gone is taken over
 * (an update on its resourceVersion, so again only one wins): nothing has to release a claim.
 */
final class DatabaseClaims {
  static final String ANNOTATION_DATABASE = "pgmigration.io/database";
  static final String ANNOTATION_ROLE = "pgmigration.io/role";

  private final KubernetesClient client;
  private final String namespace;

  DatabaseClaims(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** The operator's namespace, where the claims live: its pod's, else {@code default}. */
  static DatabaseClaims fromEnvironment(KubernetesClient client) {
    String ns = System.getenv("POD_NAMESPACE");
    return new DatabaseClaims(client, ns == null || ns.isBlank() ? "default" : ns);
  }

  /**
   * Claims the database {@code key} (e.g. "7312…/app") as {@code role} ("source" or "destination")
   * of {@code m}.
   *
   * @return null when {@code m} holds it, else who does, in a sentence
   */
  String claim(PostgresMigration m, String role, String key, String display) {
    String name = leaseName(key);
    String me = holder(m);
    for (int attempt = 0; attempt < 3; attempt++) {
      Lease lease = client.leases().inNamespace(namespace).withName(name).get();
      try {
        if (lease == null) {
          client.leases().inNamespace(namespace).resource(lease(name, me, role, key)).create();
          return null;
        }
        String holder = lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
        if (me.equals(holder)) {
          return null;
        }
        PostgresMigration other = holderMigration(holder);
        if (other != null && other.phase().holdsItsDatabases()) {
          String otherRole = lease.getMetadata().getAnnotations().getOrDefault(ANNOTATION_ROLE, "");
          return display
              + " is the "
              + otherRole
              + " of migration "
              + other.getMetadata().getNamespace()
              + "/"
              + other.getMetadata().getName()
              + " ("
              + other.phase()
              + ")";
        }
        lease.getSpec().setHolderIdentity(me);
        lease.getMetadata().getAnnotations().put(ANNOTATION_ROLE, role);
        client.leases().inNamespace(namespace).resource(lease).update();
        return null;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        // Someone else created or took it over in between: look again.
      }
    }
    return display + " is being claimed by another migration at this moment";
  }

  /** "namespace/name/uid" of {@code m}. */
  private static String holder(PostgresMigration m) {
    return m.getMetadata().getNamespace()
        + "/"
        + m.getMetadata().getName()
        + "/"
        + m.getMetadata().getUid();
  }

  /** The migration a holder identity names, if it still exists as that one; else null. */
  private PostgresMigration holderMigration(String holder) {
    String[] parts = holder == null ? new String[0] : holder.split("/", 3);
    if (parts.length != 3) {
      return null;
    }
    PostgresMigration m =
        client.resources(PostgresMigration.class).inNamespace(parts[0]).withName(parts[1]).get();
    return m != null && parts[2].equals(m.getMetadata().getUid()) ? m : null;
  }

  private Lease lease(String name, String holder, String role, String key) {
    return new LeaseBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .addToLabels("app.kubernetes.io/managed-by", "pg-migration-operator")
        .addToAnnotations(ANNOTATION_DATABASE, key)
        .addToAnnotations(ANNOTATION_ROLE, role)
        .endMetadata()
        .withNewSpec()
        .withHolderIdentity(holder)
        .endSpec()
        .build();
  }

  /** A Lease name for database {@code key}: a DNS label, the same for the same database. */
  static String leaseName(String key) {
    return "pgmo-database-" + SpecHash.sha256(key).substring(0, 20);
  }
}
