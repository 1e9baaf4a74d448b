package io.pgmigration.operator.cli;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.cli.view.MigrationTable;
import io.pgmigration.operator.cli.view.StatusWords;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code status}: the table of configured migrations, or the same as JSON or YAML. */
@Command(
    mixinStandardHelpOptions = true,
    name = "status",
    description = "Show the configured migrations: source, destination and status.")
final class StatusCommand implements Callable<Integer> {
  enum Format {
    table,
    json,
    yaml
  }

  @ParentCommand Main main;

  @Option(
      names = {"-o", "--output"},
      description = "table (default), json or yaml.")
  Format output = Format.table;

  @Override
  public Integer call() {
    try (Session session = main.session()) {
      switch (output) {
        case table -> printTable(session);
        case json -> session.out.println(Serialization.asJson(summaries(session.migrations())));
        case yaml -> session.out.print(Serialization.asYaml(summaries(session.migrations())));
      }
      return ExitCode.OK;
    }
  }

  static void printTable(Session session) {
    MigrationTable.render(session.migrations(), session.namespace(), session.style)
        .forEach(session.out::println);
  }

  /** One map per migration, in the table's words plus the phase and progress behind them. */
  static List<Map<String, Object>> summaries(List<PostgresMigration> migrations) {
    return migrations.stream().map(StatusCommand::summary).toList();
  }

  private static Map<String, Object> summary(PostgresMigration m) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("name", m.getMetadata().getName());
    s.put("namespace", m.getMetadata().getNamespace());
    s.put("source", m.getSpec().source.connectionSecret.name);
    s.put("destination", m.destinationName());
    s.put("method", m.getSpec().method.name());
    s.put("phase", m.phase().name());
    s.put("status", StatusWords.of(m));
    var status = m.getStatus();
    if (status != null) {
      if (status.progress != null && status.progress.percent != null) {
        s.put("percent", status.progress.percent);
      }
      if (status.message != null) {
        s.put("message", status.message);
      }
      if (status.readyDeadline != null) {
        s.put("readyDeadline", status.readyDeadline);
      }
      if (status.downtime != null && status.downtime.seconds != null) {
        s.put("downtimeSeconds", status.downtime.seconds);
      }
      status
          .appDownFor(java.time.Instant.now())
          .ifPresent(
              down -> {
                s.put("appDownSince", status.downtime.startedAt);
                s.put("appDownSeconds", down.toSeconds());
              });
    }
    return s;
  }
}
