package io.pgmigration.operator.cli;

import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.cli.view.StatusWords;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code cancel}: sets the cancel gate, honoured until the migration starts. */
@Command(
    mixinStandardHelpOptions = true,
    name = "cancel",
    description = {
      "Cancel a migration that has not started (spec.cancel). Nothing has been changed yet, so"
          + " nothing is undone.",
      "A migration can't be cancelled after it starts."
    })
final class CancelCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Parameters(
      arity = "0..1",
      paramLabel = "NAME",
      description = "The migration (may be left out when only one can be cancelled).")
  String name;

  @Override
  public Integer call() {
    try (Session session = main.session()) {
      PostgresMigration m =
          session.pick(name, PostgresMigration::cancellable, "migration to cancel");
      cancel(session, m);
      return ExitCode.OK;
    }
  }

  /** Sets the cancel gate of {@code m}, or says why it can't be cancelled. */
  static void cancel(Session session, PostgresMigration m) {
    String n = m.getMetadata().getName();
    Phase phase = m.phase();
    if (m.cancellable()) {
      session.patchSpec(n, Map.of("cancel", true));
      session.out.println(
          "Cancelling migration of "
              + session.style.database(m.getSpec().source.connectionSecret.name)
              + " to "
              + session.style.database(m.destinationName())
              + "... done");
      return;
    }
    if (phase == Phase.Cancelled || m.getSpec().cancel && !phase.isTerminal()) {
      session.out.println(n + " is already cancelled (" + StatusWords.of(m) + ").");
      return;
    }
    if (phase.isTerminal() || phase == Phase.Completed) {
      throw new CliException(n + " has already ended (" + StatusWords.of(m) + ").");
    }
    throw new CliException(
        n
            + " has started ("
            + StatusWords.of(m)
            + ") and can't be cancelled after starting. If anything goes wrong the operator ends"
            + " it and makes the source available again.");
  }
}
