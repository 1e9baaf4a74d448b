package io.pgmigration.operator.cli;

import io.pgmigration.operator.api.v1alpha1.Checks;
import io.pgmigration.operator.cli.view.ChecksReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code checks}: the preparation report of one migration. */
@Command(
    mixinStandardHelpOptions = true,
    name = "checks",
    description = {
      "Show a migration's preparation report: its blocking issues and warnings with hints.",
      "Exits 4 when a blocking issue was found."
    })
final class ChecksCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @picocli.CommandLine.Parameters(
      arity = "0..1",
      paramLabel = "NAME",
      description = "The migration (may be left out when the namespace has only one).")
  String name;

  @Override
  public Integer call() {
    try (Session session = main.session()) {
      var m = session.pick(name, x -> true, "migration");
      ChecksReport.render(m, session.style).forEach(session.out::println);
      return m.getStatus() != null && Checks.blocked(m.getStatus().checks)
          ? ExitCode.PREPARE_FAILED
          : ExitCode.OK;
    }
  }
}
