package io.pgmigration.operator.cli.view;

import io.pgmigration.operator.api.v1alpha1.CloudNativePgCluster;
import io.pgmigration.operator.api.v1alpha1.CloudNativePgDestination;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * The plain-language warnings shown before each step is confirmed, worded after Heroku's: what
 * stays available, what goes offline, and what cannot be undone.
 */
public final class Warnings {
  private Warnings() {}

  /** What the operator does with a Cluster it created once the migration is done with it. */
  public static final String NEVER_DELETED =
      "It is never deleted by the operator, even if the migration is cancelled or fails: delete it"
          + " yourself when you no longer need it.";

  /** What a method costs in downtime, in one line. */
  public static String cost(Method method) {
    return switch (method) {
      case Snapshot ->
          "Snapshot: the app is down for the whole copy, longer the bigger the database";
      case Streaming ->
          "Streaming: the app is down only for the final catch-up, seconds; needs"
              + " wal_level=logical";
    };
  }

  /** "a leader and 1 follower". */
  public static String instances(int instances) {
    return instances <= 1
        ? "a leader, no followers"
        : "a leader and " + (instances - 1) + (instances == 2 ? " follower" : " followers");
  }

  /**
   * "A new CloudNativePG Cluster x with 2 instances (a leader and 1 follower) will be created…".
   */
  public static String newCluster(CloudNativePgDestination d, String namespace) {
    CloudNativePgCluster c = d.create;
    return "A new CloudNativePG Cluster "
        + d.cluster
        + " with "
        + c.instances
        + (c.instances == 1 ? " instance (" : " instances (")
        + instances(c.instances)
        + ") will be created in namespace "
        + namespace
        + ", with "
        + (c.storage == null
            ? "storage sized from the source (twice its size, at least 1Gi)"
            : c.storage + " of storage each")
        + (c.postgresVersion == null
            ? " and the source's PostgreSQL version."
            : " and PostgreSQL " + c.postgresVersion + ".");
  }

  /** Before a migration is configured: {@code m}, which stops the workloads {@code stopped}. */
  public static List<String> configure(PostgresMigration m, List<String> stopped, Style s) {
    String source = s.database(m.getSpec().source.connectionSecret.name);
    CloudNativePgDestination cnpg = m.getSpec().destination.cloudNativePG;
    boolean creates = cnpg != null && cnpg.create != null;
    List<String> lines = new ArrayList<>();
    lines.add(
        creates
            ? "By continuing, the operator creates the destination, then prepares the migration: it"
                + " checks both databases and changes nothing of the app."
            : "By continuing, the operator prepares the migration: it checks both databases and"
                + " changes nothing.");
    lines.add("Your source database " + source + " is available while the migration is prepared.");
    if (creates) {
      lines.add(newCluster(cnpg, m.getMetadata().getNamespace()));
      lines.add(NEVER_DELETED);
    } else {
      lines.add(
          "The destination "
              + s.database(m.destinationName())
              + " must be empty: a destination that holds tables fails the checks.");
    }
    lines.add(
        "You have "
            + m.getSpec().readyWindow
            + " to begin the migration after the preparation is complete.");
    if (stopped.isEmpty()) {
      lines.add(
          "No workload reads the app's DATABASE_URL, so none is stopped; the source is made"
              + " read-only during the migration.");
    } else {
      lines.add("During the migration these workloads are stopped: " + String.join(", ", stopped));
    }
    if (m.getSpec().method == Method.Streaming) {
      lines.add(
          "Its data streams to the destination from the preparation on: your source database "
              + source
              + " will be unavailable during the migration only for the final catch-up, usually"
              + " seconds. The source needs wal_level=logical.");
    } else {
      lines.add("Your source database " + source + " will be unavailable during the migration.");
    }
    return lines;
  }

  /** Before a migration is started. */
  public static List<String> start(PostgresMigration m, Style s) {
    String source = s.database(m.getSpec().source.connectionSecret.name);
    List<String> lines = new ArrayList<>();
    lines.add(
        "Your database "
            + source
            + " will be unavailable after starting the migration until the migration is complete.");
    lines.add(
        "If there are any issues during the migration, the operator ends the migration and makes"
            + " the source database available again.");
    if (m.getSpec().method == Method.Streaming) {
      lines.add(
          "Its data already streams to the destination: the database is offline only while the"
              + " last changes are applied and verified, usually seconds.");
    } else {
      lines.add(
          "The database "
              + source
              + " can be offline for several hours during the migration, depending on its size.");
    }
    if (!m.getSpec().promote) {
      lines.add(
          "After the copy is verified the app stays in maintenance until you promote it: kubectl"
              + " pg-migrate promote "
              + m.getMetadata().getName());
    }
    lines.add(s.bold("You can't cancel the migration after starting it."));
    return lines;
  }

  /** Before a migration is cancelled. */
  public static List<String> cancel(PostgresMigration m, Style s) {
    String cancelled =
        "The migration from "
            + s.database(m.getSpec().source.connectionSecret.name)
            + " to "
            + s.database(m.destinationName())
            + " will be cancelled.";
    List<String> lines = new ArrayList<>();
    lines.add(cancelled);
    if (m.getSpec().method == Method.Streaming) {
      lines.add(
          "Its replication is removed from both databases; the destination keeps the tables it"
              + " copied, and the app keeps using its current database.");
    } else {
      lines.add(
          "Nothing has been changed on either database and the app keeps using its current"
              + " database.");
    }
    CloudNativePgDestination cnpg = m.getSpec().destination.cloudNativePG;
    if (cnpg != null && cnpg.create != null) {
      lines.add(
          "The CloudNativePG Cluster "
              + cnpg.cluster
              + " the migration creates is kept, if it was created: the operator never deletes"
              + " it.");
    }
    return lines;
  }
}
