package io.pgmigration.operator.cli;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgmigration.operator.api.v1alpha1.CloudNativePgDestination;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Method;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership;
import io.pgmigration.operator.api.v1alpha1.SecretKeyRef;
import io.pgmigration.operator.cli.Databases.Database;
import io.pgmigration.operator.cli.view.Warnings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code create}: "Configure a database migration" without the menu. */
@Command(
    mixinStandardHelpOptions = true,
    name = "create",
    description = {
      "Configure a migration from --source to --destination, or to a CloudNativePG Cluster"
          + " (--destination-cluster, created with --create-destination). The operator prepares it"
          + " (checks both databases, changes nothing) until it is Ready to start.",
      "The app's Secret and the workloads to stop are found from what reads the source, unless"
          + " given."
    })
final class CreateCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Parameters(
      arity = "0..1",
      paramLabel = "NAME",
      description = "Name of the migration (default: migrate-<source>).")
  String name;

  @Option(
      names = "--source",
      required = true,
      paramLabel = "SECRET[:KEY]",
      description = "Secret (and key, default DATABASE_URL) of the database to migrate from.")
  String source;

  @Option(
      names = "--destination",
      paramLabel = "SECRET[:KEY]",
      description =
          "Secret (and key) of the empty database to migrate to (or --destination-cluster).")
  String destination;

  @Mixin ClusterOptions cluster = new ClusterOptions();

  @Option(
      names = "--app-secret",
      paramLabel = "SECRET[:KEY]",
      description = "The app's DATABASE_URL, rewritten on promotion (default: found).")
  String appSecret;

  @Option(
      names = "--selector",
      paramLabel = "KEY=VALUE[,…]",
      description =
          "Labels of the app's Deployments, StatefulSets and CronJobs stopped during the"
              + " migration (default: found from the workloads that read the app's Secret).")
  String selector;

  @Option(
      names = "--method",
      paramLabel = "METHOD",
      description =
          "Snapshot (default: the app is down for the whole copy, longer the bigger the database)"
              + " or Streaming (down only for the final catch-up, seconds; needs"
              + " wal_level=logical on the source).")
  Method method = Method.Snapshot;

  @Option(
      names = "--ownership",
      paramLabel = "OWNERSHIP",
      description =
          "Who owns the copied objects: Preserve (default: owners and grants as on the source),"
              + " CreateRoles (the same, creating the roles the destination lacks) or"
              + " DestinationUser (everything owned by the destination's user, no grants).")
  Ownership ownership = Ownership.Preserve;

  @Option(names = "--start", description = "Start as soon as it is Ready.")
  boolean start;

  @Option(
      names = "--promote",
      description =
          "Promote as soon as the copy is verified (default: wait in Migrated for 'promote').")
  boolean promote;

  @Option(
      names = "--dry-run",
      description =
          "Print the PostgresMigration as YAML, and the Cluster it would create, instead of"
              + " creating anything.")
  boolean dryRun;

  @Override
  public Integer call() {
    CloudNativePgDestination cnpg = cluster.spec(destination);
    try (Session session = main.session()) {
      Configuration config = Configuration.read(session);
      Database from = config.database(ref(source, "--source"), "--source");
      String refused = config.notASource(from);
      if (refused != null) {
        throw new CliException("--source " + from.name() + ": " + refused);
      }
      Destination to =
          cnpg != null
              ? config.cluster(cnpg, from, session.namespace())
              : existing(config, from, ref(destination, "--destination"));
      SecretKeyRef app = appSecret != null ? ref(appSecret, "--app-secret") : appSecret(from);
      LabelSelector labels = selector != null ? labels(selector) : config.selector(app);
      PostgresMigration m =
          NewMigration.build(
              session.namespace(),
              config.choices(from, to, app, labels, method, start, promote, name));
      m.getSpec().ownership = ownership;
      if (dryRun) {
        session.out.print(dryRun(m));
        return ExitCode.OK;
      }
      session.create(m);
      created(session, m, labels == null ? app : null);
      return ExitCode.OK;
    }
  }

  private static Destination existing(Configuration config, Database from, SecretKeyRef ref) {
    Database to = config.database(ref, "--destination");
    String refused = config.notADestination(to, from);
    if (refused != null) {
      throw new CliException("--destination " + to.name() + ": " + refused);
    }
    return new Destination.Existing(to);
  }

  /**
   * What {@code --dry-run} prints: the migration as YAML, after comments on the Cluster the
   * operator creates for it, if any.
   */
  static String dryRun(PostgresMigration m) {
    StringBuilder out = new StringBuilder();
    CloudNativePgDestination cnpg = m.getSpec().destination.cloudNativePG;
    if (cnpg != null && cnpg.create != null) {
      out.append("# ")
          .append(Warnings.newCluster(cnpg, m.getMetadata().getNamespace()))
          .append("\n# The operator creates it before preparing (status: Creating target). ")
          .append(Warnings.NEVER_DELETED)
          .append('\n');
    }
    return out.append(Serialization.asYaml(m)).toString();
  }

  /**
   * What {@code create} says once {@code m} exists; {@code unread}: the app Secret no one reads.
   */
  private static void created(Session session, PostgresMigration m, SecretKeyRef unread) {
    session.out.println(
        "Configuring migration "
            + m.getMetadata().getName()
            + " of "
            + session.style.database(m.getSpec().source.connectionSecret.name)
            + " to "
            + session.style.database(m.destinationName())
            + "... done");
    CloudNativePgDestination cnpg = m.getSpec().destination.cloudNativePG;
    if (cnpg != null && cnpg.create != null) {
      session.out.println(
          "The operator creates the CloudNativePG Cluster "
              + cnpg.cluster
              + " first (Creating target), then prepares. "
              + Warnings.NEVER_DELETED);
    }
    if (unread != null) {
      session.out.println(
          "No workload reads "
              + unread.name
              + ", so none will be stopped; the source is made read-only during the migration.");
    }
    session.out.println(
        "Follow it with: kubectl pg-migrate watch "
            + m.getMetadata().getName()
            + " -n "
            + session.namespace());
  }

  private static SecretKeyRef appSecret(Database source) {
    if (source.appSecrets().size() == 1) {
      return source.appSecrets().get(0);
    }
    if (source.appSecrets().isEmpty()) {
      throw new CliException(
          "No workload reads a Secret pointing to "
              + source.name()
              + ": name the app's DATABASE_URL with --app-secret SECRET[:KEY].");
    }
    throw new CliException(
        "Several Secrets point to "
            + source.name()
            + " ("
            + String.join(
                ", ", source.appSecrets().stream().map(r -> r.name + ":" + r.key).toList())
            + "): name the app's with --app-secret SECRET[:KEY].");
  }

  /** {@code NAME[:KEY]}, KEY defaulting to DATABASE_URL. */
  static SecretKeyRef ref(String value, String flag) {
    String[] parts = value.split(":", 2);
    if (parts[0].isBlank() || parts.length == 2 && parts[1].isBlank()) {
      throw new CliException(flag + " " + value + ": expected SECRET or SECRET:KEY");
    }
    return new SecretKeyRef(parts[0], parts.length == 2 ? parts[1] : "DATABASE_URL");
  }

  /** {@code k=v,k2=v2} as matchLabels. */
  static LabelSelector labels(String value) {
    LabelSelectorBuilder b = new LabelSelectorBuilder();
    for (String pair : value.split(",")) {
      String[] kv = pair.split("=", 2);
      if (kv.length != 2 || kv[0].isBlank()) {
        throw new CliException("--selector " + value + ": expected KEY=VALUE[,KEY=VALUE…]");
      }
      b.addToMatchLabels(kv[0].trim(), kv[1].trim());
    }
    return b.build();
  }
}
