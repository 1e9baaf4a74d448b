package io.pgmigration.operator.cli;

import io.pgmigration.operator.api.v1alpha1.CloudNativePgCluster;
import io.pgmigration.operator.api.v1alpha1.CloudNativePgDestination;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Method;
import io.pgmigration.operator.cli.Databases.Database;
import io.pgmigration.operator.cli.prompt.InputPrompt;
import io.pgmigration.operator.cli.prompt.InputPrompt.Answer;
import io.pgmigration.operator.cli.prompt.SelectPrompt.Choice;
import io.pgmigration.operator.cli.prompt.TerminalUi;
import io.pgmigration.operator.cli.view.Style;
import io.pgmigration.operator.cli.view.Warnings;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The destination of "Configure a database migration": the namespace's other databases, its
 * CloudNativePG Clusters, or a new Cluster the operator creates (its name, instances and storage
 * asked for with their defaults); then the method, with what each costs in downtime.
 */
final class DestinationPrompts {
  static final String CREATE = "Create a new database (CloudNativePG)";

  private final TerminalUi ui;
  private final Style s;
  private final Configuration config;

  DestinationPrompts(TerminalUi ui, Style s, Configuration config) {
    this.ui = ui;
    this.s = s;
    this.config = config;
  }

  /** The destination of a migration from {@code source}, or null when the user goes back. */
  Destination select(Database source) {
    List<Choice<Supplier<Destination>>> choices = new ArrayList<>();
    for (Database d : config.databases()) {
      if (d != source) {
        Destination existing = new Destination.Existing(d);
        choices.add(
            new Choice<>(
                s.database(d.describe()), () -> existing, config.notADestination(d, source)));
      }
    }
    for (Clusters.Cluster c : config.clusters().clusters()) {
      Destination existing = new Destination.CloudNativePg(spec(c.name(), null));
      choices.add(
          new Choice<>(
              s.database(c.describe()), () -> existing, config.notADestination(c, source)));
    }
    choices.add(
        new Choice<>(
            CREATE,
            () -> newCluster(source),
            config.clusters().installed() ? null : "CloudNativePG is not installed"));
    Supplier<Destination> chosen = ui.selectOrBack("Select the destination database:", choices);
    return chosen == null ? null : chosen.get();
  }

  /** The method, each with what it costs in downtime; null when the user goes back. */
  Method method() {
    List<Choice<Method>> methods = new ArrayList<>();
    for (Method m : List.of(Method.Snapshot, Method.Streaming)) {
      methods.add(Choice.of(Warnings.cost(m), m, m.name()));
    }
    return ui.selectOrBack("Select the migration method:", methods);
  }

  /** The Cluster the operator creates: its name, instances and storage, each with a default. */
  private Destination newCluster(Database source) {
    Set<String> taken = config.clusterNamesTaken();
    String suggested = Clusters.defaultName(source.name(), taken);
    String name =
        ui.input(
            new InputPrompt<>(
                "Name of the new CloudNativePG Cluster:",
                suggested,
                typed -> name(typed.isEmpty() ? suggested : typed, taken)));
    CloudNativePgCluster create = new CloudNativePgCluster();
    int defaultInstances = create.instances;
    create.instances =
        ui.input(
            new InputPrompt<>(
                "Instances, a leader and its followers:",
                defaultInstances + ": " + Warnings.instances(defaultInstances),
                typed -> instances(typed.isEmpty() ? Integer.toString(defaultInstances) : typed)));
    create.storage =
        ui.input(
            new InputPrompt<>(
                "Storage of each instance, e.g. 20Gi:",
                Clusters.STORAGE_DEFAULT + ": twice its size, at least 1Gi",
                DestinationPrompts::storage));
    return new Destination.CloudNativePg(spec(name, create));
  }

  static Answer<String> name(String name, Set<String> taken) {
    String problem = Clusters.nameProblem(name);
    if (problem == null && taken.contains(name)) {
      problem = "a CloudNativePG Cluster " + name + " exists, or is being created: name another";
    }
    return problem == null ? Answer.of(name, name) : Answer.problem(problem);
  }

  static Answer<Integer> instances(String typed) {
    int n;
    try {
      n = Integer.parseInt(typed);
    } catch (NumberFormatException e) {
      n = 0;
    }
    String problem = Clusters.instancesProblem(n);
    return problem == null
        ? Answer.of(n, n + " (" + Warnings.instances(n) + ")")
        : Answer.problem(problem);
  }

  static Answer<String> storage(String typed) {
    if (typed.isEmpty()) {
      return Answer.of(null, Clusters.STORAGE_DEFAULT);
    }
    String problem = Clusters.storageProblem(typed);
    return problem == null ? Answer.of(typed, typed) : Answer.problem(problem);
  }

  private static CloudNativePgDestination spec(String cluster, CloudNativePgCluster create) {
    CloudNativePgDestination d = new CloudNativePgDestination();
    d.cluster = cluster;
    d.create = create;
    return d;
  }
}
