package io.pgmigration.operator.cli.view;

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

  /** Before a migration is configured. */
  public static List<String> configure(
      String source, String destination, String readyWindow, List<String> stopped, Style s) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "By continuing, the operator prepares the migration: it checks both databases and changes"
            + " nothing.");
    lines.add(
        "Your source database "
            + s.database(source)
            + " is available while the migration is prepared.");
    lines.add(
        "The destination "
            + s.database(destination)
            + " must be empty: a destination that holds tables fails the checks.");
    lines.add(
        "You have " + readyWindow + " to begin the migration after the preparation is complete.");
    if (stopped.isEmpty()) {
      lines.add(
          "No workload reads the app's DATABASE_URL, so none is stopped; the source is made"
              + " read-only during the migration.");
    } else {
      lines.add("During the migration these workloads are stopped: " + String.join(", ", stopped));
    }
    lines.add(
        "Your source database "
            + s.database(source)
            + " will be unavailable during the migration.");
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
    if (m.getSpec().method == Method.Streaming) {
      return List.of(
          cancelled,
          "Its replication is removed from both databases; the destination keeps the tables it"
              + " copied, and the app keeps using its current database.");
    }
    return List.of(
        cancelled,
        "Nothing has been changed on either database and the app keeps using its current"
            + " database.");
  }
}
