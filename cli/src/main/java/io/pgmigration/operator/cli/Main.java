package io.pgmigration.operator.cli;

import io.pgmigration.operator.cli.view.Style;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code kubectl pg-migrate}: Heroku's {@code data:pg:migrate} for PostgresMigrations. Without a
 * subcommand it opens the interactive menu; the subcommands are for scripts and CI.
 */
@Command(
    name = "kubectl pg-migrate",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    sortOptions = false,
    description = {
      "Move an application's PostgreSQL database to a new server, the way heroku data:pg:migrate"
          + " does: prepare with checks, put the app in maintenance, copy, verify, promote.",
      "",
      "Without a subcommand it opens the interactive menu (on a terminal; piped, it prints the"
          + " table)."
    },
    subcommands = {
      StatusCommand.class,
      WatchCommand.class,
      CreateCommand.class,
      StartCommand.class,
      CancelCommand.class,
      PromoteCommand.class,
      DestroySourceCommand.class,
      ChecksCommand.class,
      CompletionCommand.class,
      CompletionCommand.Complete.class
    },
    footer = {
      "",
      "Exit codes: 0 done (watch: Completed), 1 error, 2 usage, 3 migration Failed,"
          + " 4 blocking preparation issues, 5 Cancelled or Expired, 6 waiting for start or promote."
    })
public final class Main implements Callable<Integer> {
  @Option(
      names = {"-n", "--namespace"},
      scope = ScopeType.INHERIT,
      description = "Namespace of the migrations (default: the context's, else default).")
  String namespace;

  @Option(
      names = "--kubeconfig",
      scope = ScopeType.INHERIT,
      description = "Kubeconfig file (default: $KUBECONFIG, else ~/.kube/config).")
  String kubeconfig;

  @Option(
      names = "--context",
      scope = ScopeType.INHERIT,
      description = "Kubeconfig context (default: the current context).")
  String context;

  @Option(
      names = "--no-color",
      scope = ScopeType.INHERIT,
      description = "No colour, even on a terminal.")
  boolean noColor;

  final PrintStream out;
  final PrintStream err;
  final boolean terminal;
  private final Map<String, String> env;

  Main(PrintStream out, PrintStream err, boolean terminal, Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.terminal = terminal;
    this.env = env;
  }

  /** Runs the plugin with {@code args} and returns its exit code. */
  public static int run(
      String[] args, PrintStream out, PrintStream err, boolean terminal, Map<String, String> env) {
    Main main = new Main(out, err, terminal, env);
    CommandLine cl = new CommandLine(main);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setColorScheme(CommandLine.Help.defaultColorScheme(main.ansi()));
    cl.setExecutionExceptionHandler(
        (e, command, parsed) -> {
          if (e instanceof CliException c && c.exitCode() == ExitCode.INTERRUPTED) {
            return c.exitCode();
          }
          if (e instanceof CliException c) {
            err.println(main.style().red("Error:") + " " + c.getMessage());
            return c.exitCode();
          }
          err.println(
              main.style().red("Error:")
                  + " "
                  + e
                  + (env.containsKey("PGMO_DEBUG")
                      ? ""
                      : " (set PGMO_DEBUG=1 for the stack trace)"));
          if (env.containsKey("PGMO_DEBUG")) {
            e.printStackTrace(err);
          }
          return ExitCode.ERROR;
        });
    return cl.execute(args);
  }

  public static void main(String[] args) {
    // The fabric8 client logs through SLF4J; a command-line tool prints only what it means to.
    if (System.getProperty("slf4j.provider") == null) {
      System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
      System.setProperty("slf4j.internal.verbosity", "WARN");
    }
    PrintStream out =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    PrintStream err =
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    System.exit(run(args, out, err, System.console() != null, System.getenv()));
  }

  /** Colour only on a terminal, and not when NO_COLOR, TERM=dumb or --no-color say otherwise. */
  Style style() {
    return new Style(
        terminal
            && !noColor
            && !env.containsKey("NO_COLOR")
            && !"dumb".equals(env.getOrDefault("TERM", "")));
  }

  private CommandLine.Help.Ansi ansi() {
    return style().colour() ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF;
  }

  /** Connects to the cluster the options (or kubectl's defaults) name. */
  Session session() {
    return Session.open(kubeconfig, context, namespace, out, style());
  }

  @Override
  public Integer call() {
    try (Session session = session()) {
      if (!terminal) {
        StatusCommand.printTable(session);
        out.println();
        out.println(
            "The interactive menu needs a terminal; the subcommands do the same from scripts"
                + " (kubectl pg-migrate --help).");
        return ExitCode.OK;
      }
      return Interactive.run(session);
    }
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"kubectl pg-migrate " + (v == null ? "(development build)" : v)};
    }
  }
}
