package io.pgmigration.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamedAuthInfoBuilder;
import io.fabric8.kubernetes.api.model.NamedContextBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.testing.KubeApiServers;
import io.pgmigration.operator.testing.Manifests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every subcommand of {@code kubectl pg-migrate} against a real API server holding the quickstart's
 * objects, through the same entry point and kubeconfig handling as the packaged plugin. There is no
 * operator here: a test writes the status the operator would write, then checks what the plugin
 * prints and what it changed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlPluginIT {
  private static final String SOURCE = "postgresql-clean-29349";
  private static final String DESTINATION = "postgresql-circular-11223";
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  private static KubernetesClient client;
  private static Path kubeconfig;

  record Run(int code, String out, String err) {}

  @BeforeAll
  static void setUp() throws IOException {
    client = KubeApiServers.client();
    KubeApiServers.installCrd(client);
    kubeconfig = Files.createTempFile("kubeconfig", ".yaml");
    Files.writeString(kubeconfig, KubeApiServers.kubeconfig());
  }

  @AfterAll
  static void tearDown() throws IOException {
    client.close();
    Files.deleteIfExists(kubeconfig);
  }

  /** A fresh namespace with the quickstart's databases and app; both databases are up. */
  private static String quickstart() {
    String ns = "cli-" + NAMESPACES.incrementAndGet();
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    for (String file : List.of("source-database.yaml", "destination-database.yaml", "app.yaml")) {
      try (InputStream in =
          Files.newInputStream(Manifests.repo().resolve("examples/quickstart/" + file))) {
        client.load(in).inNamespace(ns).create();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    up(ns, SOURCE);
    up(ns, DESTINATION);
    return ns;
  }

  /** A ready endpoint for the Service {@code name}, as the endpoint controller would write. */
  private static void up(String ns, String name) {
    client
        .resource(
            new EndpointSliceBuilder()
                .withNewMetadata()
                .withName(name + "-up")
                .withNamespace(ns)
                .addToLabels("kubernetes.io/service-name", name)
                .endMetadata()
                .withAddressType("IPv4")
                .addNewEndpoint()
                .withAddresses("10.0.0.1")
                .withNewConditions()
                .withReady(true)
                .endConditions()
                .endEndpoint()
                .build())
        .create();
  }

  private static Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of(args));
    if (!all.contains("--kubeconfig")) {
      all.add("--kubeconfig");
      all.add(kubeconfig.toString());
    }
    int code =
        Main.run(
            all.toArray(String[]::new),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            false,
            Map.of());
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static PostgresMigration get(String ns, String name) {
    return client.resources(PostgresMigration.class).inNamespace(ns).withName(name).get();
  }

  /**
   * The migration as a GitOps tool compares it with Git: its spec, labels and annotations (not what
   * the API server and the operator keep: status, resourceVersion, managedFields).
   */
  private static Map<String, Object> userFields(String ns, String name) {
    PostgresMigration m = get(ns, name);
    return Map.of(
        "spec",
        new com.fasterxml.jackson.databind.ObjectMapper()
            .convertValue(m.getSpec(), new TypeReference<Map<String, Object>>() {}),
        "labels",
        String.valueOf(m.getMetadata().getLabels()),
        "annotations",
        String.valueOf(m.getMetadata().getAnnotations()));
  }

  /**
   * The plugin changed {@code /spec/<gate>} and nothing else a GitOps tool compares, so the
   * ignoreDifferences recipe of docs/gitops.md (the gates' JSON pointers) covers all it writes.
   */
  @SuppressWarnings("unchecked")
  private static void assertOnlyGateChanged(
      Map<String, Object> before, Map<String, Object> after, String gate) {
    Map<String, Object> specBefore =
        new java.util.HashMap<>((Map<String, Object>) before.get("spec"));
    Map<String, Object> specAfter =
        new java.util.HashMap<>((Map<String, Object>) after.get("spec"));
    assertThat(specAfter.get(gate)).as("/spec/" + gate).isEqualTo(true);
    specBefore.remove(gate);
    specAfter.remove(gate);
    assertThat(specAfter).as("the rest of the spec").isEqualTo(specBefore);
    assertThat(after.get("labels")).isEqualTo(before.get("labels"));
    assertThat(after.get("annotations")).isEqualTo(before.get("annotations"));
  }

  /** Writes the status the operator would write. */
  private static void status(String ns, String name, Consumer<PostgresMigrationStatus> edit) {
    PostgresMigration m = get(ns, name);
    if (m.getStatus() == null) {
      m.setStatus(new PostgresMigrationStatus());
    }
    edit.accept(m.getStatus());
    client.resource(m).updateStatus();
  }

  private static String created(String ns) {
    Run run = cli("create", "-n", ns, "--source", SOURCE, "--destination", DESTINATION);
    assertThat(run.code()).as(run.err()).isZero();
    return "migrate-" + SOURCE;
  }

  @Test
  @Order(1)
  void createFindsTheAppSecretWorkloadsAndServers() {
    String ns = quickstart();

    Run dry =
        cli("create", "-n", ns, "--source", SOURCE, "--destination", DESTINATION, "--dry-run");
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("kind: \"PostgresMigration\"").contains(SOURCE);
    Run roles =
        cli(
            "create",
            "-n",
            ns,
            "--source",
            SOURCE,
            "--destination",
            DESTINATION,
            "--ownership",
            "CreateRoles",
            "--dry-run");
    assertThat(roles.out()).contains("ownership: \"CreateRoles\"");
    assertThat(client.resources(PostgresMigration.class).inNamespace(ns).list().getItems())
        .isEmpty();

    Run run = cli("create", "-n", ns, "--source", SOURCE, "--destination", DESTINATION);
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("Configuring migration migrate-" + SOURCE + " of " + SOURCE)
        .contains("... done")
        .contains("kubectl pg-migrate watch migrate-" + SOURCE);
    PostgresMigration m = get(ns, "migrate-" + SOURCE);
    assertThat(m.getSpec().source.connectionSecret.name).isEqualTo(SOURCE);
    assertThat(m.getSpec().source.workload.name).isEqualTo(SOURCE);
    assertThat(m.getSpec().destination.connectionSecret.name).isEqualTo(DESTINATION);
    assertThat(m.getSpec().destination.workload.name).isEqualTo(DESTINATION);
    assertThat(m.getSpec().app.databaseUrlSecret.name).isEqualTo("example-app-config");
    assertThat(m.getSpec().app.databaseUrlSecret.key).isEqualTo("DATABASE_URL");
    assertThat(m.getSpec().app.maintenance.selector.getMatchLabels())
        .isEqualTo(Map.of("app.kubernetes.io/part-of", "example-app"));
    assertThat(m.getSpec().start).isFalse();
    assertThat(m.getSpec().promote).isFalse();
    assertThat(m.getSpec().ownership).isEqualTo(Ownership.Preserve);

    Run again = cli("create", "-n", ns, "--source", SOURCE, "--destination", DESTINATION);
    assertThat(again.code()).isEqualTo(ExitCode.ERROR);
    assertThat(again.err())
        .contains("--source " + SOURCE + ": already a source database for an active migration")
        .doesNotContain("Exception");
  }

  @Test
  @Order(2)
  void createNamesTheFlagOfEveryMistake() {
    String ns = quickstart();
    Run unknown = cli("create", "-n", ns, "--source", "nope", "--destination", DESTINATION);
    assertThat(unknown.code()).isEqualTo(ExitCode.ERROR);
    assertThat(unknown.err())
        .contains("--source nope:DATABASE_URL: no Secret key")
        .contains(SOURCE + ":DATABASE_URL");

    Run app = cli("create", "-n", ns, "--source", "example-app-config", "--destination", SOURCE);
    assertThat(app.err())
        .contains("is the app's Secret for database " + SOURCE + ": use --source " + SOURCE);

    Run same = cli("create", "-n", ns, "--source", SOURCE, "--destination", SOURCE);
    assertThat(same.err()).contains("--destination " + SOURCE + ": same database as the source");

    client.discovery().v1().endpointSlices().inNamespace(ns).withName(DESTINATION + "-up").delete();
    Run down = cli("create", "-n", ns, "--source", SOURCE, "--destination", DESTINATION);
    assertThat(down.err()).contains("--destination " + DESTINATION + ": database isn't available");

    Run usage = cli("create", "-n", ns, "--source", SOURCE);
    assertThat(usage.code()).isEqualTo(ExitCode.USAGE);
    assertThat(usage.err())
        .contains("Name the destination: --destination SECRET[:KEY] (an existing database) or")
        .contains("--destination-cluster NAME");

    assertThat(client.resources(PostgresMigration.class).inNamespace(ns).list().getItems())
        .isEmpty();
  }

  @Test
  @Order(3)
  void statusPrintsTheTableJsonAndYaml() throws Exception {
    String ns = quickstart();
    Run empty = cli("status", "-n", ns);
    assertThat(empty.out()).contains("You haven't configured any migrations in namespace " + ns);

    String name = created(ns);
    status(ns, name, s -> s.phase = Phase.PrepareFailed);
    Run table = cli("status", "-n", ns);
    assertThat(table.code()).isZero();
    assertThat(table.out())
        .contains("=== Configured Migrations")
        .containsPattern("Name +Source Database +Destination Database +Status")
        .containsPattern(name + " +" + SOURCE + " +" + DESTINATION + " +Error - check status");

    status(
        ns,
        name,
        s -> {
          s.phase = Phase.Migrating;
          s.progress = new PostgresMigrationStatus.Progress();
          s.progress.percent = 42;
        });
    assertThat(cli("status", "-n", ns).out()).contains("Migrating 42%");

    List<Map<String, Object>> json =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readValue(
                cli("status", "-n", ns, "-o", "json").out(),
                new TypeReference<List<Map<String, Object>>>() {});
    assertThat(json).hasSize(1);
    assertThat(json.get(0))
        .containsEntry("name", name)
        .containsEntry("source", SOURCE)
        .containsEntry("destination", DESTINATION)
        .containsEntry("phase", "Migrating")
        .containsEntry("status", "Migrating")
        .containsEntry("percent", 42);
    assertThat(cli("status", "-n", ns, "-o", "yaml").out())
        .contains("name: \"" + name + "\"")
        .contains("phase: \"Migrating\"");

    Run piped = cli("-n", ns);
    assertThat(piped.code()).isZero();
    assertThat(piped.out()).contains("=== Configured Migrations").contains("needs a terminal");
    // Piped output is plain text: no colour, no database glyph.
    assertThat(table.out() + piped.out()).doesNotContain("\u001b[").doesNotContain("⛁");
  }

  @Test
  @Order(4)
  void startSetsTheGateOnlyWhenItMayStart() {
    String ns = quickstart();
    String name = created(ns);

    status(
        ns,
        name,
        s -> {
          s.phase = Phase.PrepareFailed;
        });
    Run failed = cli("start", name, "-n", ns);
    assertThat(failed.code()).isEqualTo(ExitCode.ERROR);
    assertThat(failed.err()).contains("failed its preparation checks").contains("checks " + name);
    assertThat(get(ns, name).getSpec().start).isFalse();

    status(ns, name, s -> s.phase = Phase.Ready);
    Map<String, Object> before = userFields(ns, name);
    Run run = cli("start", "-n", ns);
    assertThat(run.code()).as(run.err()).isZero();
    assertOnlyGateChanged(before, userFields(ns, name), "start");
    assertThat(run.out())
        .contains("Starting migration of " + SOURCE + " to " + DESTINATION + "... done");
    assertThat(get(ns, name).getSpec().start).isTrue();
    assertThat(cli("status", "-n", ns).out()).contains("Starting");

    Run again = cli("start", name, "-n", ns);
    assertThat(again.code()).isZero();
    assertThat(again.out()).contains("already set to start");

    Run missing = cli("start", "nope", "-n", ns);
    assertThat(missing.code()).isEqualTo(ExitCode.ERROR);
    assertThat(missing.err())
        .contains("No migration named nope in namespace " + ns)
        .doesNotContain("Exception");
  }

  @Test
  @Order(5)
  void cancelIsRefusedOnceTheCopyStarted() {
    String ns = quickstart();
    String name = created(ns);
    status(ns, name, s -> s.phase = Phase.Migrating);
    Run refused = cli("cancel", name, "-n", ns);
    assertThat(refused.code()).isEqualTo(ExitCode.ERROR);
    assertThat(refused.err()).contains("can't be cancelled after starting");
    assertThat(get(ns, name).getSpec().cancel).isFalse();

    status(ns, name, s -> s.phase = Phase.Ready);
    Map<String, Object> before = userFields(ns, name);
    Run run = cli("cancel", "-n", ns);
    assertThat(run.code()).as(run.err()).isZero();
    assertOnlyGateChanged(before, userFields(ns, name), "cancel");
    assertThat(run.out()).contains("Cancelling migration of " + SOURCE + " to " + DESTINATION);
    assertThat(get(ns, name).getSpec().cancel).isTrue();
  }

  @Test
  @Order(6)
  void promoteSetsTheGate() {
    String ns = quickstart();
    String name = created(ns);
    status(ns, name, s -> s.phase = Phase.Migrated);
    assertThat(cli("status", "-n", ns).out()).contains("Migrated - waiting for promote");
    Map<String, Object> before = userFields(ns, name);
    Run run = cli("promote", "-n", ns);
    assertThat(run.code()).as(run.err()).isZero();
    assertOnlyGateChanged(before, userFields(ns, name), "promote");
    assertThat(run.out())
        .contains("Promoting " + DESTINATION + " to DATABASE_URL of example-app-config... done");
    assertThat(get(ns, name).getSpec().promote).isTrue();

    status(ns, name, s -> s.phase = Phase.Failed);
    PostgresMigration m = get(ns, name);
    m.getSpec().promote = false;
    client.resource(m).update();
    Run ended = cli("promote", name, "-n", ns);
    assertThat(ended.code()).isEqualTo(ExitCode.ERROR);
    assertThat(ended.err()).contains("can't be promoted");
    assertThat(get(ns, name).getSpec().promote).isFalse();
  }

  @Test
  @Order(7)
  void destroySourceNeedsTheNameTypedExactly() {
    String ns = quickstart();
    String name = created(ns);
    status(ns, name, s -> s.phase = Phase.Promoting);
    Run early = cli("destroy-source", name, "-n", ns, "--confirm", SOURCE);
    assertThat(early.code()).isEqualTo(ExitCode.ERROR);
    assertThat(early.err()).contains("only be destroyed after the migration is Completed");

    status(ns, name, s -> s.phase = Phase.Completed);
    Run none = cli("destroy-source", name, "-n", ns);
    assertThat(none.code()).isEqualTo(ExitCode.ERROR);
    assertThat(none.out()).contains("Warning: Destructive Action");
    assertThat(none.err()).contains("re-run this command with --confirm " + SOURCE);

    Run wrong = cli("destroy-source", name, "-n", ns, "--confirm", SOURCE + "x");
    assertThat(wrong.code()).isEqualTo(ExitCode.ERROR);
    assertThat(wrong.err()).contains("does not match " + SOURCE + "; nothing was destroyed");
    assertThat(get(ns, name).getSpec().destroySource).isNull();

    Run run = cli("destroy-source", "-n", ns, "--confirm", SOURCE);
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("Destroying " + SOURCE + "... requested");
    var destroy = get(ns, name).getSpec().destroySource;
    assertThat(destroy.confirm).isEqualTo(SOURCE);
    assertThat(destroy.deletePersistentVolumeClaims).isFalse();
  }

  @Test
  @Order(8)
  void checksPrintsTheReportWithHints() {
    String ns = quickstart();
    String name = created(ns);
    Run notYet = cli("checks", name, "-n", ns);
    assertThat(notYet.code()).isZero();
    assertThat(notYet.out()).contains("have not run yet");

    status(
        ns,
        name,
        s -> {
          s.phase = Phase.PrepareFailed;
          s.checks =
              List.of(
                  check(
                      "destination-empty",
                      CheckResult.Severity.Blocking,
                      CheckResult.CheckOutcome.Failed,
                      "holds 3 user tables",
                      "Point it at an empty database."),
                  check(
                      "extensions",
                      CheckResult.Severity.Blocking,
                      CheckResult.CheckOutcome.Failed,
                      "pg_trgm is not available",
                      "Install pg_trgm."),
                  check(
                      "app-database-url",
                      CheckResult.Severity.Warning,
                      CheckResult.CheckOutcome.Warning,
                      "points elsewhere",
                      "Check the app Secret."),
                  check(
                      "source-reachable",
                      CheckResult.Severity.Blocking,
                      CheckResult.CheckOutcome.Passed,
                      "reachable",
                      null));
        });
    Run run = cli("checks", "-n", ns);
    assertThat(run.code()).isEqualTo(ExitCode.PREPARE_FAILED);
    assertThat(run.out())
        .contains("Found 2 blocking issues and 1 warning")
        .contains("destination-empty: holds 3 user tables")
        .contains("Hint: Point it at an empty database.")
        .contains("Hint: Check the app Secret.")
        .contains("passed    source-reachable");
  }

  private static CheckResult check(
      String name,
      CheckResult.Severity severity,
      CheckResult.CheckOutcome outcome,
      String message,
      String hint) {
    CheckResult c = new CheckResult();
    c.name = name;
    c.severity = severity;
    c.result = outcome;
    c.message = message;
    c.hint = hint;
    return c;
  }

  @Test
  @Order(9)
  void watchFollowsToTheEndAndSaysHowItEnded() throws Exception {
    String ns = quickstart();
    String name = created(ns);
    status(ns, name, s -> s.phase = Phase.Preparing);
    CompletableFuture<Run> watching =
        CompletableFuture.supplyAsync(() -> cli("watch", name, "-n", ns, "--interval", "100"));
    Thread.sleep(500);
    status(ns, name, s -> s.phase = Phase.Ready);
    Run ready = watching.get();
    assertThat(ready.code()).isEqualTo(ExitCode.WAITING);
    assertThat(ready.out())
        .contains("Preparing")
        .contains("Ready")
        .contains("Start it with: kubectl pg-migrate start " + name);

    PostgresMigration m = get(ns, name);
    m.getSpec().start = true;
    m.getSpec().promote = true;
    client.resource(m).update();
    status(
        ns,
        name,
        s -> {
          s.phase = Phase.Migrating;
          s.progress = new PostgresMigrationStatus.Progress();
          s.progress.percent = 10;
          s.progress.bytesDone = 10_000_000L;
          s.progress.bytesTotal = 100_000_000L;
        });
    watching = CompletableFuture.supplyAsync(() -> cli("watch", "-n", ns, "--interval", "100"));
    Thread.sleep(500);
    status(
        ns,
        name,
        s -> {
          s.progress.percent = 60;
          s.progress.bytesDone = 60_000_000L;
        });
    Thread.sleep(500);
    status(
        ns,
        name,
        s -> {
          s.phase = Phase.Completed;
          s.downtime = new PostgresMigrationStatus.Downtime();
          s.downtime.seconds = 14L;
        });
    Run completed = watching.get();
    assertThat(completed.code()).as(completed.err()).isEqualTo(ExitCode.OK);
    assertThat(completed.out())
        .contains("Migrating")
        .contains(" 10%  10 MB of 100 MB")
        .contains(" 60%  60 MB of 100 MB")
        .contains("ETA")
        .contains("Completed: the app was in maintenance for 14 s");

    Run none = cli("watch", "-n", ns);
    assertThat(none.code()).isEqualTo(ExitCode.ERROR);
    assertThat(none.err()).contains("No migration in progress in namespace " + ns);

    status(ns, name, s -> s.phase = Phase.Preparing);
    Run timeout = cli("watch", name, "-n", ns, "--timeout", "1s", "--interval", "100");
    assertThat(timeout.code()).isEqualTo(ExitCode.ERROR);
    assertThat(timeout.err()).contains(name + " is still Preparing after 1s");
  }

  @Test
  @Order(10)
  void honoursKubeconfigContextsAndSaysWhatIsForbidden() throws Exception {
    String ns = quickstart();
    String name = created(ns);
    client
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("viewer")
                .withNamespace(ns)
                .endMetadata()
                .build())
        .create();
    client
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName("migration-viewer")
                .withNamespace(ns)
                .endMetadata()
                .withRules(
                    new PolicyRuleBuilder()
                        .withApiGroups("pgmigration.io")
                        .withResources("postgresmigrations")
                        .withVerbs("get", "list", "watch")
                        .build())
                .build())
        .create();
    client
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName("migration-viewer")
                .withNamespace(ns)
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", "migration-viewer")
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("viewer")
                .withNamespace(ns)
                .endSubject()
                .build())
        .create();
    String token =
        client
            .serviceAccounts()
            .inNamespace(ns)
            .withName("viewer")
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(3600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    var config = KubeConfigUtils.parseConfigFromString(KubeApiServers.kubeconfig());
    String cluster = config.getContexts().get(0).getContext().getCluster();
    config
        .getUsers()
        .add(
            new NamedAuthInfoBuilder()
                .withName("viewer")
                .withNewUser()
                .withToken(token)
                .endUser()
                .build());
    config
        .getContexts()
        .add(
            new NamedContextBuilder()
                .withName("viewer")
                .withNewContext()
                .withCluster(cluster)
                .withUser("viewer")
                .withNamespace(ns)
                .endContext()
                .build());
    Path file = Files.createTempFile("viewer", ".yaml");
    Files.writeString(file, Serialization.asYaml(config));
    try {
      Run list = cli("status", "--kubeconfig", file.toString(), "--context", "viewer");
      // The context's namespace is used when -n is not given, as kubectl does.
      assertThat(list.code()).as(list.err()).isZero();
      assertThat(list.out()).contains(name);

      Run patch = cli("cancel", name, "--kubeconfig", file.toString(), "--context", "viewer");
      assertThat(patch.code()).isEqualTo(ExitCode.ERROR);
      assertThat(patch.err())
          .contains("You are not allowed to patch postgresmigrations in namespace " + ns)
          .contains("system:serviceaccount:" + ns + ":viewer")
          .doesNotContain("Exception");
      assertThat(get(ns, name).getSpec().cancel).isFalse();

      Run noContext = cli("status", "--context", "nope");
      assertThat(noContext.code()).isEqualTo(ExitCode.ERROR);
      assertThat(noContext.err()).contains("--context nope: no such context");

      Run noFile = cli("status", "--kubeconfig", "/nonexistent/kubeconfig");
      assertThat(noFile.err()).contains("--kubeconfig /nonexistent/kubeconfig: no such file");

      // A server that does not answer: one line, no stack trace.
      Path nowhere = Files.createTempFile("nowhere", ".yaml");
      Files.writeString(
          nowhere,
          Files.readString(file)
              .replaceAll("server: \"?https://[^\"\\s]+\"?", "server: \"https://127.0.0.1:1\""));
      Run unreachable = cli("status", "--kubeconfig", nowhere.toString(), "--context", "viewer");
      Files.deleteIfExists(nowhere);
      assertThat(unreachable.code()).isEqualTo(ExitCode.ERROR);
      assertThat(unreachable.err())
          .contains("Cannot reach the Kubernetes API server at https://127.0.0.1:1/")
          .doesNotContain("\tat ");
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * CloudNativePG's Cluster kind, as far as the plugin reads it (no operator runs here): objects of
   * any shape, as a test writes them.
   */
  private static void installCloudNativePgCrd() {
    CustomResourceDefinition crd =
        new CustomResourceDefinitionBuilder()
            .withNewMetadata()
            .withName("clusters.postgresql.cnpg.io")
            .endMetadata()
            .withNewSpec()
            .withGroup("postgresql.cnpg.io")
            .withScope("Namespaced")
            .withNewNames()
            .withKind("Cluster")
            .withListKind("ClusterList")
            .withPlural("clusters")
            .withSingular("cluster")
            .endNames()
            .addNewVersion()
            .withName("v1")
            .withServed(true)
            .withStorage(true)
            .withNewSchema()
            .withNewOpenAPIV3Schema()
            .withType("object")
            .withXKubernetesPreserveUnknownFields(true)
            .endOpenAPIV3Schema()
            .endSchema()
            .endVersion()
            .endSpec()
            .build();
    KubeApiServers.established(client, crd);
  }

  private static List<GenericKubernetesResource> clusters(String ns) {
    return client
        .genericKubernetesResources("postgresql.cnpg.io/v1", "Cluster")
        .inNamespace(ns)
        .list()
        .getItems();
  }

  @Test
  @Order(11)
  void createAsksTheOperatorToCreateACloudNativePgCluster() throws Exception {
    String ns = quickstart();
    Run missing =
        cli(
            "create",
            "-n",
            ns,
            "--source",
            SOURCE,
            "--destination-cluster",
            "orders",
            "--create-destination");
    assertThat(missing.code()).isEqualTo(ExitCode.ERROR);
    assertThat(missing.err())
        .contains("--destination-cluster orders: CloudNativePG is not installed")
        .doesNotContain("Exception");

    installCloudNativePgCrd();
    String[] flags = {
      "create",
      "-n",
      ns,
      "--source",
      SOURCE,
      "--destination-cluster",
      "orders",
      "--create-destination",
      "--instances",
      "3",
      "--storage",
      "20Gi",
      "--method",
      "Streaming"
    };
    Run dry = cli(concat(flags, "--dry-run"));
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out())
        .startsWith(
            "# A new CloudNativePG Cluster orders with 3 instances (a leader and 2 followers) will"
                + " be created in namespace "
                + ns)
        .contains("It is never deleted by the operator")
        .contains("cluster: \"orders\"")
        .contains("method: \"Streaming\"");
    assertThat(client.resources(PostgresMigration.class).inNamespace(ns).list().getItems())
        .isEmpty();
    assertThat(clusters(ns)).isEmpty();

    Run run = cli(flags);
    assertThat(run.code()).as(run.err()).isZero();
    String name = "migrate-" + SOURCE;
    assertThat(run.out())
        .contains("Configuring migration " + name + " of " + SOURCE + " to cnpg/orders... done")
        .contains("The operator creates the CloudNativePG Cluster orders first");
    PostgresMigration m = get(ns, name);
    assertThat(m.getSpec().destination.connectionSecret).isNull();
    assertThat(m.getSpec().destination.cloudNativePG.cluster).isEqualTo("orders");
    assertThat(m.getSpec().destination.cloudNativePG.create.instances).isEqualTo(3);
    assertThat(m.getSpec().destination.cloudNativePG.create.storage).isEqualTo("20Gi");
    assertThat(m.getSpec().destination.cloudNativePG.create.readyTimeout).isEqualTo("15m");
    assertThat(m.getSpec().method.name()).isEqualTo("Streaming");
    assertThat(m.getSpec().app.databaseUrlSecret.name).isEqualTo("example-app-config");
    assertThat(m.getSpec().app.maintenance.selector.getMatchLabels())
        .isEqualTo(Map.of("app.kubernetes.io/part-of", "example-app"));
    assertThat(clusters(ns)).as("the operator creates it, not the plugin").isEmpty();

    Run twice = cli(flags);
    assertThat(twice.err()).contains("already a source database for an active migration");

    status(
        ns,
        name,
        s -> {
          s.phase = Phase.CreatingDestination;
          s.message = "The CloudNativePG Cluster orders: 1/3 instances ready.";
        });
    assertThat(cli("status", "-n", ns).out())
        .containsPattern(name + " +" + SOURCE + " +cnpg/orders +Creating target");
    Run watch = cli("watch", name, "-n", ns, "--timeout", "1s", "--interval", "100");
    assertThat(watch.out())
        .contains("=== Watching " + name + " (" + SOURCE + " to cnpg/orders)")
        .contains("Creating target  The CloudNativePG Cluster orders: 1/3 instances ready.");
    assertThat(watch.err()).contains(name + " is still Creating target after 1s");
    Run start = cli("start", name, "-n", ns);
    assertThat(start.code()).as(start.err()).isZero();
    assertThat(start.out()).contains("will start as soon as it is Ready (now Creating target)");
    assertThat(get(ns, name).getSpec().start).isTrue();
  }

  @Test
  @Order(12)
  void createMigratesIntoAnExistingCloudNativePgCluster() {
    installCloudNativePgCrd();
    String ns = quickstart();
    GenericKubernetesResource billing = new GenericKubernetesResource();
    billing.setApiVersion("postgresql.cnpg.io/v1");
    billing.setKind("Cluster");
    billing.setMetadata(new ObjectMetaBuilder().withName("billing").withNamespace(ns).build());
    billing.setAdditionalProperty("spec", Map.of("instances", 3, "enableSuperuserAccess", true));
    client.resource(billing).create();

    Run exists =
        cli(
            "create",
            "-n",
            ns,
            "--source",
            SOURCE,
            "--destination-cluster",
            "billing",
            "--create-destination");
    assertThat(exists.code()).isEqualTo(ExitCode.ERROR);
    assertThat(exists.err())
        .contains("--destination-cluster billing: a CloudNativePG Cluster by that name already")
        .contains("leave out --create-destination");
    Run nope = cli("create", "-n", ns, "--source", SOURCE, "--destination-cluster", "nope");
    assertThat(nope.err())
        .contains("--destination-cluster nope: no CloudNativePG Cluster by that name")
        .contains("(found: billing); add --create-destination to create it.");

    Run run = cli("create", "-n", ns, "--source", SOURCE, "--destination-cluster", "billing");
    assertThat(run.code()).as(run.err()).isZero();
    PostgresMigration m = get(ns, "migrate-" + SOURCE);
    assertThat(m.getSpec().destination.cloudNativePG.cluster).isEqualTo("billing");
    assertThat(m.getSpec().destination.cloudNativePG.create).isNull();
    assertThat(m.getSpec().method.name()).isEqualTo("Snapshot");
    assertThat(clusters(ns)).hasSize(1);
  }

  private static String[] concat(String[] a, String... b) {
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(b));
    return all.toArray(String[]::new);
  }

  @Test
  @Order(100)
  void saysSoWhenTheCrdIsNotInstalled() {
    var crds = client.apiextensions().v1().customResourceDefinitions();
    crds.withName("postgresmigrations.pgmigration.io").delete();
    crds.withName("postgresmigrations.pgmigration.io")
        .waitUntilCondition(c -> c == null, 60, java.util.concurrent.TimeUnit.SECONDS);
    try {
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                Run run = cli("status");
                assertThat(run.code()).isEqualTo(ExitCode.ERROR);
                assertThat(run.err())
                    .contains(
                        "The PostgresMigration API (postgresmigrations.pgmigration.io) is not installed")
                    .contains("kubectl apply -k deploy/");
              });
    } finally {
      KubeApiServers.installCrd(client);
    }
  }
}
