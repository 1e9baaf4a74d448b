package io.pgmigration.operator.cli;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Method;
import io.pgmigration.operator.api.v1alpha1.SecretKeyRef;
import io.pgmigration.operator.cli.Databases.Database;
import io.pgmigration.operator.cli.Databases.Workload;
import io.pgmigration.operator.cli.view.StatusWords;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a namespace offers for a new migration (its databases, workloads and migrations), and the
 * choices for one, filled in the way the interactive flow and {@code create} both do it.
 */
public record Configuration(
    List<Database> databases, List<Workload> workloads, List<PostgresMigration> migrations) {

  /** Reads the namespace. */
  public static Configuration read(Session session) {
    List<PostgresMigration> migrations = session.migrations();
    List<Workload> workloads = session.workloads();
    List<Database> databases =
        Databases.discover(session.secrets(), workloads, session.services(), session.namespace());
    return new Configuration(databases, workloads, migrations);
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

  private String busy(Database d) {
    for (PostgresMigration m : migrations) {
      if (!StatusWords.active(m)) {
        continue;
      }
      if (m.getSpec().source.connectionSecret.name.equals(d.name())) {
        return "already a source database for an active migration";
      }
      if (m.destinationName().equals(d.name())) {
        return "already a destination database for an active migration";
      }
    }
    if (Boolean.FALSE.equals(d.available())) {
      return "database isn't available";
    }
    return null;
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
      Database destination,
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
        destination.secret(),
        destination.workload(),
        appSecret,
        selector,
        method,
        start,
        promote);
  }
}
