package io.pgmigration.operator.cli;

import io.pgmigration.operator.api.v1alpha1.Checks;
import io.pgmigration.operator.api.v1alpha1.Durations;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.cli.view.Eta;
import io.pgmigration.operator.cli.view.ProgressView;
import io.pgmigration.operator.cli.view.StatusWords;
import io.pgmigration.operator.cli.view.Style;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code watch}: follows one migration until it ends or waits for the user, printing each status
 * change and, while the copy runs, a progress bar with an ETA. Its exit code says how it ended.
 */
@Command(
    mixinStandardHelpOptions = true,
    name = "watch",
    description = {
      "Follow a migration: status changes, and the copy's progress bar and ETA.",
      "Returns when it ends (0 Completed, 3 Failed, 4 blocking preparation issues, 5 Cancelled"
          + " or Expired) or waits for you (6: Ready to start, or Migrated to promote)."
    })
final class WatchCommand implements Callable<Integer> {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  @ParentCommand Main main;

  @Parameters(
      arity = "0..1",
      paramLabel = "NAME",
      description = "The migration (may be left out when only one is in progress).")
  String name;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description = "Give up after this long, e.g. 30m (default: no limit).")
  String timeout;

  @Option(names = "--interval", hidden = true, description = "Poll interval in milliseconds.")
  long intervalMillis = 1000;

  @Override
  public Integer call() throws InterruptedException {
    Instant giveUpAt = timeout == null ? null : Instant.now().plus(parse(timeout, "--timeout"));
    try (Session session = main.session()) {
      PostgresMigration m = session.pick(name, StatusWords::active, "migration in progress");
      String n = m.getMetadata().getName();
      var s = session.style;
      Screen screen = new Screen(session.out, s, main.terminal);
      session.out.println(
          s.bold("=== Watching " + n)
              + " ("
              + s.database(m.getSpec().source.connectionSecret.name)
              + " to "
              + s.database(m.destinationName())
              + ")");
      while (true) {
        screen.status(m);
        screen.progress(m);
        Integer end = end(m, session);
        if (end != null) {
          return end;
        }
        if (giveUpAt != null && Instant.now().isAfter(giveUpAt)) {
          screen.endBar();
          throw new CliException(
              n
                  + " is still "
                  + StatusWords.of(m)
                  + " after "
                  + timeout
                  + "; it goes on without the watch.");
        }
        Thread.sleep(intervalMillis);
        m = session.migration(n);
      }
    }
  }

  /**
   * What the watch has shown: a line per change of status or message, and the copy's progress as a
   * bar redrawn in place on a terminal, or a line per 10% when piped.
   */
  private static final class Screen {
    private final PrintStream out;
    private final Style s;
    private final boolean live;
    private final Eta eta = new Eta();
    private String lastStatus;
    private String lastMessage;
    private int lastPercentShown = -1;
    private boolean barShown;

    Screen(PrintStream out, Style s, boolean live) {
      this.out = out;
      this.s = s;
      this.live = live;
    }

    void status(PostgresMigration m) {
      String status = StatusWords.of(m);
      String message = m.getStatus() == null ? null : m.getStatus().message;
      if (status.equals(lastStatus) && Objects.equals(message, lastMessage)) {
        return;
      }
      if (barShown) {
        out.print("\r\u001b[K");
        barShown = false;
      }
      out.println(
          s.dim(LocalTime.now(ZoneId.systemDefault()).format(CLOCK))
              + "  "
              + StatusWords.styled(m, s)
              + (message == null ? "" : "  " + message));
      lastStatus = status;
      lastMessage = message;
    }

    void progress(PostgresMigration m) {
      var progress = m.getStatus() == null ? null : m.getStatus().progress;
      // The copy: a Snapshot's in Migrating, a Streaming migration's initial copy in Preparing.
      Phase phase = m.phase();
      if ((phase != Phase.Migrating && phase != Phase.Preparing)
          || progress == null
          || progress.percent == null) {
        return;
      }
      if (progress.bytesDone != null) {
        eta.sample(Instant.now(), progress.bytesDone);
      }
      Duration left = progress.bytesTotal == null ? null : eta.remaining(progress.bytesTotal);
      if (live) {
        out.print("\r\u001b[K" + ProgressView.line(progress, left, s));
        out.flush();
        barShown = true;
      } else if (progress.percent / 10 != lastPercentShown / 10 || lastPercentShown < 0) {
        out.println(ProgressView.line(progress, left, s));
        lastPercentShown = progress.percent;
      }
    }

    void endBar() {
      if (barShown) {
        out.println();
      }
    }
  }

  /** What a completed migration's watch ends with: the downtime, the app's new database. */
  private static String completed(PostgresMigration m, Style s) {
    var status = m.getStatus();
    return s.green("Completed")
        + (status.downtime != null && status.downtime.seconds != null
            ? ": the app was in maintenance for " + status.downtime.seconds + " s"
            : "")
        + ". The app now uses "
        + s.database(m.destinationName())
        + (status.promotion != null && status.promotion.aliasKey != null
            ? "; the previous URL is kept under " + status.promotion.aliasKey
            : "")
        + ".";
  }

  /** The exit code when {@code m} has ended or waits for the user; null while it goes on. */
  private static Integer end(PostgresMigration m, Session session) {
    String n = m.getMetadata().getName();
    var out = session.out;
    var s = session.style;
    var status = m.getStatus();
    return switch (m.phase()) {
      case Completed, SourceDestroyed -> {
        out.println(completed(m, s));
        yield ExitCode.OK;
      }
      case Failed -> {
        out.println(
            s.red("Failed")
                + ": the source is available again and the app was brought back. "
                + (status.message == null ? "" : status.message));
        yield ExitCode.FAILED;
      }
      case PrepareFailed -> {
        out.println(prepareFailed(m, s));
        yield ExitCode.PREPARE_FAILED;
      }
      case Cancelled, Expired -> {
        out.println(StatusWords.of(m) + ": nothing was changed.");
        yield ExitCode.CANCELLED;
      }
      case Ready -> {
        if (m.getSpec().start || m.getSpec().cancel) {
          yield null;
        }
        out.println(
            s.yellow("Ready")
                + (status.readyDeadline == null ? "" : " until " + status.readyDeadline)
                + ". Start it with: kubectl pg-migrate start "
                + n);
        yield ExitCode.WAITING;
      }
      case Migrated -> {
        if (m.getSpec().promote) {
          yield null;
        }
        out.println(
            s.yellow("Migrated")
                + ": the data is verified and the app is still in maintenance. Promote with:"
                + " kubectl pg-migrate promote "
                + n);
        yield ExitCode.WAITING;
      }
      case Pending,
          CreatingDestination,
          Preparing,
          MaintenanceOn,
          Migrating,
          Verifying,
          Promoting -> {
        yield null;
      }
    };
  }

  /** Why preparation failed: the checks' tally, or (the destination never became ready) why. */
  private static String prepareFailed(PostgresMigration m, Style s) {
    var status = m.getStatus();
    if (status.checks == null || status.checks.isEmpty()) {
      return s.red("Error") + ": " + status.message;
    }
    return s.red(Checks.tally(status.checks))
        + ". See them with: kubectl pg-migrate checks "
        + m.getMetadata().getName();
  }

  private static Duration parse(String value, String flag) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CliException(flag + " " + value + ": expected a duration such as 90s, 30m or 2h");
    }
  }
}
