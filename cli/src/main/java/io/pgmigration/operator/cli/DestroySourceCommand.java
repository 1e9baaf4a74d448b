package io.pgmigration.operator.cli;

import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.cli.prompt.TerminalUi;
import io.pgmigration.operator.cli.view.StatusWords;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code destroy-source}: Heroku's {@code addons:destroy} of the old database, typed confirm. */
@Command(
    mixinStandardHelpOptions = true,
    name = "destroy-source",
    description = {
      "Destroy the source database of a Completed migration: its workload is deleted (and its"
          + " volumes with --delete-volumes).",
      "Refused unless --confirm names the source database exactly."
    })
final class DestroySourceCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Parameters(
      arity = "0..1",
      paramLabel = "NAME",
      description = "The migration (may be left out when only one is Completed).")
  String name;

  @Option(
      names = "--confirm",
      paramLabel = "SOURCE",
      description = "The source database's name, typed out.")
  String confirm;

  @Option(
      names = "--delete-volumes",
      description = "Also delete the source's PersistentVolumeClaims: its data is then gone.")
  boolean deleteVolumes;

  @Override
  public Integer call() {
    try (Session session = main.session()) {
      PostgresMigration m =
          session.pick(name, x -> x.phase() == Phase.Completed, "Completed migration");
      String n = m.getMetadata().getName();
      String source = m.getSpec().source.connectionSecret.name;
      Phase phase = m.phase();
      if (phase == Phase.SourceDestroyed) {
        session.out.println("The source " + source + " of " + n + " is already destroyed.");
        return ExitCode.OK;
      }
      if (phase != Phase.Completed) {
        throw new CliException(
            "The source of "
                + n
                + " can only be destroyed after the migration is Completed; it is "
                + StatusWords.of(m)
                + ".");
      }
      if (m.getSpec().source.workload == null) {
        throw new CliException(
            n
                + " names no source workload (spec.source.workload), so there is nothing the"
                + " operator can delete. Delete the source database yourself.");
      }
      var s = session.style;
      String typed = confirmation(session, m, source);
      if (!source.equals(typed == null ? "" : typed.trim())) {
        throw new CliException(
            "Confirmation \"" + typed + "\" does not match " + source + "; nothing was destroyed.");
      }
      Map<String, Object> destroy = new LinkedHashMap<>();
      destroy.put("confirm", source);
      destroy.put("deletePersistentVolumeClaims", deleteVolumes);
      session.patchSpec(n, Map.of("destroySource", destroy));
      session.out.println(
          "Destroying "
              + s.database(source)
              + "... requested; the operator deletes it, then shows Completed - source"
              + " destroyed.");
      return ExitCode.OK;
    }
  }

  /** Warns what will be deleted and returns the name typed to confirm it (or --confirm's). */
  private String confirmation(Session session, PostgresMigration m, String source) {
    var s = session.style;
    session.out.println(s.yellow(" ›   Warning: Destructive Action"));
    session.out.println(
        s.yellow(
            " ›   This deletes "
                + m.getSpec().source.workload.kind
                + "/"
                + m.getSpec().source.workload.name
                + (deleteVolumes ? " and its volumes, with all their data" : "")
                + " in namespace "
                + session.namespace()));
    String typed = confirm;
    if (typed == null) {
      if (!main.terminal) {
        throw new CliException("To proceed, re-run this command with --confirm " + source);
      }
      try (TerminalUi ui = TerminalUi.open(s)) {
        typed =
            ui.readLine(
                "To proceed, type "
                    + source
                    + " or re-run this command with --confirm "
                    + source
                    + ": ");
      }
    }
    return typed;
  }
}
