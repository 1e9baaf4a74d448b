package io.pgmigration.operator.cli;

import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.cli.view.StatusWords;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code start}: sets the start gate, Heroku's "Start a migration". */
@Command(
    mixinStandardHelpOptions = true,
    name = "start",
    description = {
      "Start a migration (spec.start). A Ready migration starts at once; one still preparing"
          + " starts as soon as it is Ready.",
      "The app is put in maintenance and the source is unavailable until the migration is"
          + " complete. It can't be cancelled after starting."
    })
final class StartCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Parameters(
      arity = "0..1",
      paramLabel = "NAME",
      description = "The migration (may be left out when only one is Ready).")
  String name;

  @Override
  public Integer call() {
    try (Session session = main.session()) {
      PostgresMigration m = session.pick(name, StatusWords::startable, "Ready migration");
      start(session, m);
      return ExitCode.OK;
    }
  }

  /** Sets the start gate of {@code m}, or says why it can't be started. */
  static void start(Session session, PostgresMigration m) {
    String n = m.getMetadata().getName();
    Phase phase = m.phase();
    var s = session.style;
    String what =
        " of "
            + s.database(m.getSpec().source.connectionSecret.name)
            + " to "
            + s.database(m.destinationName());
    switch (phase) {
      case Pending, CreatingDestination, Preparing, Ready -> {
        if (m.getSpec().cancel) {
          throw new CliException(n + " is being cancelled; it can't be started.");
        }
        if (m.getSpec().start) {
          session.out.println(n + " is already set to start (" + StatusWords.of(m) + ").");
          return;
        }
        session.patchSpec(n, Map.of("start", true));
        session.out.println(
            phase == Phase.Ready
                ? "Starting migration" + what + "... done"
                : "Migration"
                    + what
                    + " will start as soon as it is Ready (now "
                    + StatusWords.of(m)
                    + ").");
      }
      case PrepareFailed ->
          throw new CliException(
              n + " failed its preparation checks; fix them first: kubectl pg-migrate checks " + n);
      case MaintenanceOn, Migrating, Verifying, Migrated, Promoting, Completed, SourceDestroyed ->
          session.out.println(n + " has already started (" + StatusWords.of(m) + ").");
      case Expired, Cancelled, Failed ->
          throw new CliException(
              n
                  + " has ended ("
                  + phase
                  + ") and can't be started again; configure a new migration"
                  + " (kubectl pg-migrate create).");
    }
  }
}
