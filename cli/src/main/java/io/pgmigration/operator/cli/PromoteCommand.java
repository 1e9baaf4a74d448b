package io.pgmigration.operator.cli;

import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.cli.view.StatusWords;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code promote}: sets the promote gate, Heroku's {@code pg:promote} plus maintenance:off. */
@Command(
    mixinStandardHelpOptions = true,
    name = "promote",
    description = {
      "Promote the destination (spec.promote): the app's DATABASE_URL is switched to it, the"
          + " previous URL kept under an alias, and the app brought back.",
      "Set before the copy is verified, the migration promotes as soon as it is verified."
    })
final class PromoteCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Parameters(
      arity = "0..1",
      paramLabel = "NAME",
      description = "The migration (may be left out when only one waits for promotion).")
  String name;

  @Override
  public Integer call() {
    try (Session session = main.session()) {
      PostgresMigration m =
          session.pick(
              name,
              x -> x.phase() == Phase.Migrated && !x.getSpec().promote,
              "migration waiting for promotion");
      String n = m.getMetadata().getName();
      Phase phase = m.phase();
      String dest = session.style.database(m.destinationName());
      String url =
          m.getSpec().app.databaseUrlSecret.key + " of " + m.getSpec().app.databaseUrlSecret.name;
      if (phase == Phase.Promoting || phase == Phase.Completed || phase == Phase.SourceDestroyed) {
        session.out.println(n + " is already promoted (" + StatusWords.of(m) + ").");
        return ExitCode.OK;
      }
      if (phase.isTerminal()) {
        throw new CliException(n + " has ended (" + StatusWords.of(m) + ") and can't be promoted.");
      }
      if (m.getSpec().promote) {
        session.out.println(n + " is already set to promote (" + StatusWords.of(m) + ").");
        return ExitCode.OK;
      }
      session.patchSpec(n, Map.of("promote", true));
      session.out.println(
          phase == Phase.Migrated
              ? "Promoting " + dest + " to " + url + "... done"
              : dest
                  + " will be promoted to "
                  + url
                  + " once the copy is verified (now "
                  + StatusWords.of(m)
                  + ").");
      return ExitCode.OK;
    }
  }
}
