package io.pgmigration.operator.e2e;

import static io.pgmigration.operator.e2e.QuickstartInstance.APP_SECRET;
import static io.pgmigration.operator.e2e.QuickstartInstance.DESTINATION;
import static io.pgmigration.operator.e2e.QuickstartInstance.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 4's done-when: the interactive {@code kubectl pg-migrate} in a real terminal, found by the
 * real kubectl on PATH, against the operator on the local cluster. It configures a migration of the
 * quickstart, watches it reach Ready, starts it, and sees Completed in the table.
 */
class KubectlPluginE2E {
  private static final String NS = "e2e-plugin";
  private static final String NAME = "migrate-" + SOURCE;
  private static final Duration PROMPT = Duration.ofSeconds(30);

  /** What "; echo exit=$?" prints once a command has ended (the command line has no digit). */
  private static final Pattern EXITED = Pattern.compile("exit=[0-9]");

  private static final KubernetesClient client = LocalCluster.client();

  @Test
  void configureWatchStartAndSeeCompletedInTheTable() throws Exception {
    String kubectl = System.getenv().getOrDefault("PGMO_KUBECTL", "kubectl");
    Path kubectlDir = Path.of(kubectl).toAbsolutePath().getParent();
    String path =
        Tmux.pluginDir()
            + (kubectlDir == null ? "" : ":" + kubectlDir)
            + ":"
            + System.getenv("PATH");
    try (QuickstartInstance q = QuickstartInstance.create(client, NS, x -> {});
        Tmux term =
            Tmux.start(
                "pgmo-plugin",
                Map.of(
                    "PATH",
                    path,
                    "KUBECONFIG",
                    System.getenv("KUBECONFIG"),
                    "TERM",
                    "xterm-256color",
                    "LANG",
                    "C.UTF-8"))) {
      // Configure a database migration.
      term.type("kubectl pg-migrate -n " + NS);
      String menu = term.await("? What do you want to do? (Use arrow keys)", PROMPT);
      assertThat(menu)
          .contains("Press Ctrl+C to cancel")
          .contains("You haven't configured any migrations in namespace " + NS)
          .contains("❯ Configure a database migration")
          .contains("- Start a migration (no ready migrations in namespace " + NS + ")")
          .contains("- Cancel a migration (no migrations to cancel in namespace " + NS + ")");
      term.press("Enter");
      assertThat(term.await("? Select the source database: (Use arrow keys)", PROMPT))
          .contains("❯ ⛁ " + SOURCE + " as DATABASE_URL of " + APP_SECRET)
          .contains("  ⛁ " + DESTINATION);
      term.press("Enter");
      assertThat(term.await("? Select the destination database: (Use arrow keys)", PROMPT))
          .contains("❯ ⛁ " + DESTINATION)
          .contains("Create a new database (CloudNativePG)");
      term.press("Enter");
      // The method, each with what it costs in downtime: Enter keeps Snapshot, Heroku's.
      assertThat(term.await("? Select the migration method: (Use arrow keys)", PROMPT))
          .contains("❯ Snapshot: the app is down for the whole copy")
          .contains("  Streaming: the app is down only for the final catch-up");
      term.press("Enter");
      term.await("? Select the migration method: Snapshot", PROMPT);
      term.await("? When the data is copied and verified: (Use arrow keys)", PROMPT);
      term.press("Enter");
      assertThat(term.await("? Confirm migration configuration: (Use arrow keys)", PROMPT))
          .contains(
              "Your source database ⛁ " + SOURCE + " is available while the migration is prepared.")
          .contains(
              "During the migration these workloads are stopped: Deployment/web, Deployment/worker,"
                  + " CronJob/nightly-report")
          .contains("will be unavailable during the migration");
      term.press("Enter");
      assertThat(term.await("Configuring migration " + NAME + "... done", PROMPT))
          .containsPattern(NAME + " +⛁ " + SOURCE + " +⛁ " + DESTINATION + " +Preparing");
      PostgresMigration m =
          q.client.resources(PostgresMigration.class).inNamespace(NS).withName(NAME).get();
      assertThat(m.getSpec().app.databaseUrlSecret.name).isEqualTo(APP_SECRET);
      assertThat(m.getSpec().app.maintenance.selector.getMatchLabels())
          .containsEntry("app.kubernetes.io/part-of", "example-app");
      assertThat(m.getSpec().promote).isTrue();
      assertThat(m.getSpec().start).isFalse();
      assertThat(m.getSpec().method).isEqualTo(PostgresMigrationSpec.Method.Snapshot);

      // Watch it reach Ready: watch returns 6, waiting for the start.
      term.type("kubectl pg-migrate watch -n " + NS + "; echo exit=$?");
      assertThat(term.awaitMatch(EXITED, Duration.ofMinutes(3)))
          .contains("=== Watching " + NAME)
          .contains("Ready until")
          .contains("Start it with: kubectl pg-migrate start " + NAME)
          .contains("exit=6");

      // Start a migration.
      term.type("kubectl pg-migrate -n " + NS);
      assertThat(term.await("? What do you want to do? (Use arrow keys)", PROMPT))
          .containsPattern(NAME + " +⛁ " + SOURCE + " +⛁ " + DESTINATION + " +Ready");
      term.press("Down", "Enter");
      assertThat(term.await("? Select the migration to start: (Use arrow keys)", PROMPT))
          .contains("❯ From ⛁ " + SOURCE + " to ⛁ " + DESTINATION + " (" + NAME + ")");
      term.press("Enter");
      assertThat(term.await("? Confirm to start the migration: (Use arrow keys)", PROMPT))
          .contains(
              "Your database ⛁ "
                  + SOURCE
                  + " will be unavailable after starting the migration until the migration is"
                  + " complete.")
          .contains("You can't cancel the migration after starting it.");
      term.press("Enter");
      term.await("Starting migration of ⛁ " + SOURCE + " to ⛁ " + DESTINATION + "... done", PROMPT);

      // Follow it to the end.
      term.type("kubectl pg-migrate watch -n " + NS + "; echo exit=$?");
      assertThat(term.awaitMatch(EXITED, Duration.ofMinutes(6)))
          .contains("Completed: the app was in maintenance for")
          .contains("The app now uses ⛁ " + DESTINATION)
          .contains("exit=0");

      // Completed in the table, then Exit.
      term.type("kubectl pg-migrate -n " + NS);
      assertThat(term.await("? What do you want to do? (Use arrow keys)", PROMPT))
          .containsPattern(NAME + " +⛁ " + SOURCE + " +⛁ " + DESTINATION + " +Completed");
      term.press("Up", "Enter");
      term.await("? What do you want to do? Exit", PROMPT);

      assertThat(
              q.client
                  .resources(PostgresMigration.class)
                  .inNamespace(NS)
                  .withName(NAME)
                  .get()
                  .getStatus()
                  .phase)
          .isEqualTo(Phase.Completed);
      assertThat(q.secretValue(APP_SECRET, "DATABASE_URL")).contains(DESTINATION);
    }
  }
}
