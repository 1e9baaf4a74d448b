package io.pgmigration.operator.cli;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Method;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership;
import io.pgmigration.operator.api.v1alpha1.SecretKeyRef;
import io.pgmigration.operator.cli.Databases.Database;
import io.pgmigration.operator.cli.Databases.Workload;
import io.pgmigration.operator.cli.prompt.SelectPrompt;
import io.pgmigration.operator.cli.prompt.SelectPrompt.Choice;
import io.pgmigration.operator.cli.prompt.TerminalUi;
import io.pgmigration.operator.cli.view.MigrationTable;
import io.pgmigration.operator.cli.view.StatusWords;
import io.pgmigration.operator.cli.view.Style;
import io.pgmigration.operator.cli.view.Warnings;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The interactive flow of Heroku's {@code data:pg:migrate}: the table of configured migrations,
 * then a menu to configure, start or cancel one. Each choice ends with the table again.
 */
final class Interactive {
  private enum Action {
    CONFIGURE,
    START,
    CANCEL,
    ROLES,
    EXIT
  }

  private final Session session;
  private final TerminalUi ui;
  private final Style s;

  private Interactive(Session session, TerminalUi ui) {
    this.session = session;
    this.ui = ui;
    this.s = session.style;
  }

  static int run(Session session) {
    try (TerminalUi ui = TerminalUi.open(session.style)) {
      return new Interactive(session, ui).menu();
    }
  }

  private int menu() {
    ui.println(s.bold("Migrate an application's PostgreSQL database to a new database server"));
    ui.println("Press Ctrl+C to cancel");
    ui.println("");
    while (true) {
      Configuration config = Configuration.read(session);
      List<PostgresMigration> migrations = config.migrations();
      ui.println(MigrationTable.render(migrations, session.namespace(), s));
      ui.println("");
      Action action = ui.select(actions(config, migrations));
      if (action == Action.EXIT) {
        return ExitCode.OK;
      }
      boolean done =
          switch (action) {
            case CONFIGURE -> configure(config);
            case START ->
                gate(
                    migrations,
                    StatusWords::startable,
                    "Select the migration to start:",
                    m -> Warnings.start(m, s),
                    "Confirm to start the migration:",
                    m -> StartCommand.start(session, m));
            case CANCEL ->
                gate(
                    migrations,
                    PostgresMigration::cancellable,
                    "Select the migration to cancel:",
                    m -> Warnings.cancel(m, s),
                    "Confirm to cancel the migration:",
                    m -> CancelCommand.cancel(session, m));
            case ROLES -> roles(migrations);
            case EXIT -> false;
          };
      if (done) {
        ui.println("");
        ui.println(MigrationTable.render(session.migrations(), session.namespace(), s));
        return ExitCode.OK;
      }
      ui.println("");
    }
  }

  /** The menu: each action dimmed, with the reason, when nothing in the namespace allows it. */
  private SelectPrompt<Action> actions(Configuration config, List<PostgresMigration> migrations) {
    String ns = "namespace " + session.namespace();
    return new SelectPrompt<>(
        "What do you want to do?",
        List.of(
            new Choice<>(
                "Configure a database migration", Action.CONFIGURE, config.cannotConfigure(ns)),
            new Choice<>(
                "Start a migration",
                Action.START,
                migrations.stream().anyMatch(StatusWords::startable)
                    ? null
                    : "no ready migrations in " + ns),
            new Choice<>(
                "Cancel a migration",
                Action.CANCEL,
                migrations.stream().anyMatch(PostgresMigration::cancellable)
                    ? null
                    : "no migrations to cancel in " + ns),
            new Choice<>(
                "Resolve roles missing on a destination",
                Action.ROLES,
                migrations.stream().anyMatch(m -> MissingRoles.of(m).isPresent())
                    ? null
                    : "no migration in " + ns + " lacks roles"),
            Choice.separator(),
            Choice.of("Exit", Action.EXIT)));
  }

  /**
   * Configure: source, destination (maybe a Cluster to create), the app's Secret, method, what
   * happens after the copy, warning, confirm.
   */
  private boolean configure(Configuration config) {
    List<Choice<Database>> sources = new ArrayList<>();
    for (Database d : config.databases()) {
      sources.add(new Choice<>(s.database(d.describe()), d, config.notASource(d)));
    }
    Database source = selectOrBack("Select the source database:", sources);
    if (source == null) {
      return false;
    }
    DestinationPrompts prompts = new DestinationPrompts(ui, s, config);
    Destination destination = prompts.select(source);
    if (destination == null) {
      return false;
    }
    SecretKeyRef appSecret = appSecret(source, config);
    if (appSecret == null) {
      return false;
    }
    Method method = prompts.method();
    if (method == null) {
      return false;
    }
    Boolean promote =
        selectOrBack(
            "When the data is copied and verified:",
            List.of(
                Choice.of("Promote it and bring the app back", true),
                Choice.of("Wait for me to check the data and promote it", false)));
    if (promote == null) {
      return false;
    }
    LabelSelector selector = config.selector(appSecret);
    PostgresMigration m =
        NewMigration.build(
            session.namespace(),
            config.choices(source, destination, appSecret, selector, method, false, promote, null));
    List<Workload> stopped = selector == null ? List.of() : config.appWorkloads(appSecret);
    return confirmAndCreate(m, stopped.stream().map(Workload::display).toList());
  }

  /** Shows what configuring {@code m} means, and creates it once confirmed. */
  private boolean confirmAndCreate(PostgresMigration m, List<String> stopped) {
    ui.println("");
    ui.println(Warnings.configure(m, stopped, s));
    ui.println("");
    if (!confirm("Confirm migration configuration:")) {
      return false;
    }
    session.create(m);
    String name = m.getMetadata().getName();
    ui.println("Configuring migration " + name + "... done");
    var cnpg = m.getSpec().destination.cloudNativePG;
    ui.println(
        (cnpg != null && cnpg.create != null
                ? "The operator creates the CloudNativePG Cluster "
                    + cnpg.cluster
                    + " first (Creating target), then prepares the migration: it can take a few"
                    + " minutes."
                : "It can take a few minutes to prepare.")
            + " Follow it with: kubectl pg-migrate watch "
            + name
            + " -n "
            + session.namespace());
    return true;
  }

  /** The app's Secret for {@code source}: the one found, or the user's pick among several. */
  private SecretKeyRef appSecret(Database source, Configuration config) {
    if (source.appSecrets().size() == 1) {
      return source.appSecrets().get(0);
    }
    List<Choice<SecretKeyRef>> choices = new ArrayList<>();
    List<SecretKeyRef> candidates =
        source.appSecrets().isEmpty()
            ? config.databases().stream().map(Database::secret).toList()
            : source.appSecrets();
    for (SecretKeyRef r : candidates) {
      choices.add(Choice.of(r.name + " (" + r.key + ")", r));
    }
    return selectOrBack("Select the Secret your app reads its DATABASE_URL from:", choices);
  }

  /**
   * Roles missing on the destination: pick the migration, show what is missing, and choose who owns
   * the copied objects; the new spec is prepared again.
   */
  private boolean roles(List<PostgresMigration> migrations) {
    List<Choice<PostgresMigration>> choices = new ArrayList<>();
    for (PostgresMigration m : migrations) {
      if (MissingRoles.of(m).isPresent()) {
        choices.add(Choice.of(m.getMetadata().getName(), m));
      }
    }
    PostgresMigration m = selectOrBack("Select the migration:", choices);
    if (m == null) {
      return false;
    }
    ui.println("");
    ui.println(MissingRoles.of(m).orElseThrow().message);
    ui.println("");
    List<Choice<Ownership>> ways = new ArrayList<>();
    for (Ownership o : List.of(Ownership.CreateRoles, Ownership.DestinationUser)) {
      ways.add(Choice.of(MissingRoles.describe(o) + " (ownership: " + o + ")", o));
    }
    Ownership chosen = selectOrBack("Who should own the copied objects?", ways);
    if (chosen == null) {
      return false;
    }
    String name = m.getMetadata().getName();
    session.patchSpec(name, java.util.Map.of("ownership", chosen.name()));
    ui.println("Setting ownership: " + chosen + " on " + name + "... done; it prepares again now.");
    return true;
  }

  /** Start or cancel: pick the migration, show the warning, confirm, set the gate. */
  private boolean gate(
      List<PostgresMigration> migrations,
      Predicate<PostgresMigration> eligible,
      String question,
      Function<PostgresMigration, List<String>> warning,
      String confirmQuestion,
      java.util.function.Consumer<PostgresMigration> apply) {
    List<Choice<PostgresMigration>> choices = new ArrayList<>();
    for (PostgresMigration m : migrations) {
      if (eligible.test(m)) {
        choices.add(
            Choice.of(
                "From "
                    + s.database(m.getSpec().source.connectionSecret.name)
                    + " to "
                    + s.database(m.destinationName())
                    + " ("
                    + m.getMetadata().getName()
                    + ")",
                m));
      }
    }
    PostgresMigration m = selectOrBack(question, choices);
    if (m == null) {
      return false;
    }
    ui.println("");
    ui.println(warning.apply(m));
    ui.println("");
    if (!confirm(confirmQuestion)) {
      return false;
    }
    apply.accept(session.migration(m.getMetadata().getName()));
    return true;
  }

  private boolean confirm(String question) {
    Boolean yes =
        ui.select(
            new SelectPrompt<>(
                question, List.of(Choice.of("Confirm", true), Choice.of("Go back", false))));
    return yes;
  }

  /** {@code choices} then a separator and "Go back"; null when the user goes back. */
  private <T> T selectOrBack(String question, List<Choice<T>> choices) {
    return ui.selectOrBack(question, choices);
  }
}
