package io.pgmigration.operator.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code completion bash|zsh}: the shell completion script picocli generates for the plugin's
 * binary, {@code kubectl-pg_migrate} (zsh through its bash compatibility).
 */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Print a shell completion script for kubectl-pg_migrate.",
      "  source <(kubectl pg-migrate completion bash)     # bash",
      "  source <(kubectl pg-migrate completion zsh)      # zsh",
      "For `kubectl pg-migrate <TAB>` (kubectl 1.26+), put the kubectl_complete-pg_migrate script"
          + " of the release next to kubectl-pg_migrate on PATH."
    })
final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
  String shell;

  @Override
  public Integer call() {
    if (!shell.equals("bash") && !shell.equals("zsh")) {
      throw new CliException("completion is for bash or zsh, not " + shell + ".");
    }
    CommandLine root = spec.root().commandLine();
    String script = AutoComplete.bash("kubectl-pg_migrate", root);
    spec.commandLine().getOut().print(shell.equals("zsh") ? zshPrelude() + script : script);
    spec.commandLine().getOut().flush();
    return ExitCode.OK;
  }

  private static String zshPrelude() {
    return "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n";
  }

  /**
   * {@code __complete -- WORD...}: what kubectl asks a plugin's {@code kubectl_complete-<plugin>}
   * for (the Cobra protocol): one candidate per line for the last word, then {@code :4} (no file
   * completion). picocli finds the candidates; {@code --} keeps the words' options from being read
   * as this command's.
   */
  @Command(name = "__complete", hidden = true)
  static final class Complete implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "WORD")
    List<String> words = new ArrayList<>();

    @Override
    public Integer call() {
      String[] args = words.isEmpty() ? new String[] {""} : words.toArray(String[]::new);
      int last = args.length - 1;
      List<CharSequence> suffixes = new ArrayList<>();
      AutoComplete.complete(
          spec.root(), args, last, args[last].length(), String.join(" ", args).length(), suffixes);
      java.io.PrintWriter out = spec.commandLine().getOut();
      suffixes.stream()
          .map(s -> args[last] + s)
          .filter(c -> !c.startsWith("__"))
          .distinct()
          .forEach(out::println);
      out.println(":4");
      out.flush();
      return ExitCode.OK;
    }
  }
}
