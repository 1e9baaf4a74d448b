package io.pgmigration.operator.cli;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.pgmigration.operator.api.v1alpha1.CloudNativePgDestination;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Method;
import io.pgmigration.operator.api.v1alpha1.SecretKeyRef;
import io.pgmigration.operator.cli.Databases.Database;
import io.pgmigration.operator.cli.Databases.Workload;
import io.pgmigration.operator.cli.view.StatusWords;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a namespace offers for a new migration (its databases, workloads, CloudNativePG Clusters and
 * migrations), and the choices for one, filled in the way the interactive flow and {@code create}
 * both do it.
 */
public record Configuration(
    List<Database> databases,
    List<Workload> workloads,
    Clusters.Found clusters,
    List<PostgresMigration> migrations) {

  /** Reads the namespace. */
  public static Configuration read(Session session) {
    List<PostgresMigration> migrations = session.migrations();
    List<Workload> workloads = session.workloads();
    List<Database> databases =
        Databases.discover(session.secrets(), workloads, session.services(), session.namespace());
    return new Configuration(databases, workloads, session.clusters(), migrations);
  }

  /**
   * Why no migration can be configured in namespace {@code ns}, or null: it needs a source and a
   * destination, which CloudNativePG can create.
   */
  public String cannotConfigure(String ns) {
    int found = databases.size();
    if (found >= 2 || found == 1 && (clusters.installed() || !clusters.clusters().isEmpty())) {
      return null;
    }
    return "needs two databases, or one and CloudNativePG to create the other; found "
        + found
        + " in "
        + ns;
  }

  /** Why {@code d} can't be a migration's source, or null when it can. */
  public String notASource(Database d) {
    return busy(d);
  }

  /** Why {@code d} can't be the destination of a migration from {@code source}, or null. */
  public String notADestination(Database d, Database source) {
    if (d.server().equals(source.server())) {
      return "same database as the source";
    }
    return busy(d);
  }

  /**
   * Why the existing CloudNativePG Cluster {@code c} can't be the destination of a migration from
   * {@code source}, or null.
   */
  public String notADestination(Clusters.Cluster c, Database source) {
    String host = source.server().substring(0, source.server().indexOf(':'));
    if (Set.of(c.name() + "-rw", c.name() + "-ro", c.name() + "-r").contains(host)) {
      return "same database as the source";
    }
    String busy = busy(c.destinationName());
    if (busy != null) {
      return busy;
    }
    if (c.superuserOff()) {
      return "superuser access is off; the copy needs it: set spec.enableSuperuserAccess: true";
    }
    return null;
  }

  private String busy(Database d) {
    String busy = busy(d.name());
    if (busy == null && Boolean.FALSE.equals(d.available())) {
      return "database isn't available";
    }
    return busy;
  }

  private String busy(String name) {
    for (PostgresMigration m : migrations) {
      if (!StatusWords.active(m)) {
        continue;
      }
      if (m.getSpec().source.connectionSecret.name.equals(name)) {
        return "already a source database for an active migration";
      }
      if (m.destinationName().equals(name)) {
        return "already a destination database for an active migration";
      }
    }
    return null;
  }

  /**
   * The names a new Cluster can't take: the Clusters of the namespace, and those that active
   * migrations are to create.
   */
  public Set<String> clusterNamesTaken() {
    Set<String> taken = new TreeSet<>();
    clusters.clusters().forEach(c -> taken.add(c.name()));
    for (PostgresMigration m : migrations) {
      var cnpg = m.getSpec().destination.cloudNativePG;
      if (cnpg != null && cnpg.create != null && StatusWords.active(m)) {
        taken.add(cnpg.cluster);
      }
    }
    return taken;
  }

  /** The database {@code ref} names, or a clear error naming {@code flag}. */
  public Database database(SecretKeyRef ref, String flag) {
    String given = flag + " " + ref.name + ":" + ref.key;
    for (Database d : databases) {
      if (same(d.secret(), ref)) {
        return d;
      }
      if (d.appSecrets().stream().anyMatch(a -> same(a, ref))) {
        throw new CliException(
            given
                + " is the app's Secret for database "
                + d.name()
                + ": use "
                + flag
                + " "
                + d.name());
      }
    }
    throw new CliException(
        given
            + ": no Secret key of this namespace holds a postgres:// URI by that name. Databases"
            + " found: "
            + (databases.isEmpty()
                ? "none"
                : String.join(
                    ", ", databases.stream().map(d -> d.name() + ":" + d.secret().key).toList())));
  }

  /**
   * The CloudNativePG destination {@code spec} names, checked against namespace {@code ns} for a
   * migration from {@code source}, or a clear error naming --destination-cluster.
   */
  public Destination.CloudNativePg cluster(
      CloudNativePgDestination spec, Database source, String ns) {
    String given = "--destination-cluster " + spec.cluster;
    if (!clusters.installed()) {
      throw new CliException(
          given
              + ": CloudNativePG is not installed in this Kubernetes cluster (no "
              + CloudNativePgDestination.API_VERSION
              + " Cluster kind); install it, or give --destination.");
    }
    Optional<Clusters.Cluster> existing = clusters.named(spec.cluster);
    if (spec.create != null) {
      if (existing.isPresent()) {
        throw new CliException(
            given
                + ": a CloudNativePG Cluster by that name already exists in namespace "
                + ns
                + "; leave out --create-destination to migrate into it, or name another.");
      }
      if (clusterNamesTaken().contains(spec.cluster)) {
        throw new CliException(
            given + ": an active migration already creates a Cluster by that name.");
      }
    } else if (clusters.listable()) {
      if (existing.isEmpty()) {
        throw new CliException(
            given
                + ": no CloudNativePG Cluster by that name in namespace "
                + ns
                + " (found: "
                + (clusters.clusters().isEmpty()
                    ? "none"
                    : String.join(
                        ", ", clusters.clusters().stream().map(Clusters.Cluster::name).toList()))
                + "); add --create-destination to create it.");
      }
      String refused = notADestination(existing.get(), source);
      if (refused != null) {
        throw new CliException(given + ": " + refused);
      }
    }
    return new Destination.CloudNativePg(spec);
  }

  private static boolean same(SecretKeyRef a, SecretKeyRef b) {
    return a.name.equals(b.name) && a.key.equals(b.key);
  }

  /** The workloads that read {@code appSecret}: the ones maintenance stops. */
  public List<Workload> appWorkloads(SecretKeyRef appSecret) {
    return Databases.readers(appSecret.name, workloads, databases);
  }

  /** A selector of exactly {@code appWorkloads(appSecret)}, or null when no label picks them. */
  public LabelSelector selector(SecretKeyRef appSecret) {
    Set<String> servers = new HashSet<>();
    databases.stream()
        .filter(d -> d.workload() != null)
        .forEach(d -> servers.add(d.workload().kind + "/" + d.workload().name));
    List<Workload> candidates =
        workloads.stream().filter(w -> !servers.contains(w.display())).toList();
    return Databases.selectorFor(appWorkloads(appSecret), candidates);
  }

  /** The choices for a migration from {@code source} to {@code destination}. */
  public NewMigration.Choices choices(
      Database source,
      Destination destination,
      SecretKeyRef appSecret,
      LabelSelector selector,
      Method method,
      boolean start,
      boolean promote,
      String name) {
    Set<String> taken = new HashSet<>();
    migrations.forEach(m -> taken.add(m.getMetadata().getName()));
    return new NewMigration.Choices(
        name != null ? name : NewMigration.name(source.name(), taken),
        source.secret(),
        source.workload(),
        destination instanceof Destination.Existing e ? e.database().secret() : null,
        destination instanceof Destination.Existing e ? e.database().workload() : null,
        destination instanceof Destination.CloudNativePg c ? c.spec() : null,
        appSecret,
        selector,
        method,
        start,
        promote);
  }
}
