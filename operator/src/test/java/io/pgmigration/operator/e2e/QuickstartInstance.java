package io.pgmigration.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.k8s.CopyJobBuilder;
import io.pgmigration.operator.testing.Manifests;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A copy of examples/quickstart in a namespace of its own, so every scenario starts from the state
 * a user starts from: the manifests as {@code kubectl kustomize hack/overlays/quickstart} renders
 * them (the quickstart with the locally built PostgreSQL image), with the namespace changed.
 */
final class QuickstartInstance implements AutoCloseable {
  static final String MIGRATION = "example-app-migration";
  static final String SOURCE = "postgresql-clean-29349";
  static final String DESTINATION = "postgresql-circular-11223";
  static final String APP_SECRET = "example-app-config";
  private static List<HasMetadata> rendered;

  final KubernetesClient client;
  final String ns;

  private QuickstartInstance(KubernetesClient client, String ns) {
    this.client = client;
    this.ns = ns;
  }

  /**
   * Creates the quickstart in namespace {@code ns} (replacing a leftover one) and waits for its
   * databases and app. The migration is not created; see {@link #applyMigration}.
   */
  static QuickstartInstance create(
      KubernetesClient client, String ns, Consumer<HasMetadata> customize) {
    QuickstartInstance q = new QuickstartInstance(client, ns);
    if (client.namespaces().withName(ns).get() != null) {
      client.namespaces().withName(ns).delete();
      client.namespaces().withName(ns).waitUntilCondition(n -> n == null, 3, TimeUnit.MINUTES);
    }
    for (HasMetadata item : render()) {
      if (item instanceof PostgresMigration) {
        continue;
      }
      if (item instanceof Namespace n) {
        n.getMetadata().setName(ns);
        n.getMetadata().getLabels().put("pgmo.e2e", "true");
      } else {
        item.getMetadata().setNamespace(ns);
      }
      customize.accept(item);
      client.resource(item).create();
    }
    q.waitForApp();
    return q;
  }

  /** The quickstart's migration, changed by {@code customize}, applied. */
  PostgresMigration applyMigration(Consumer<PostgresMigration> customize) {
    PostgresMigration m =
        render().stream()
            .filter(PostgresMigration.class::isInstance)
            .map(PostgresMigration.class::cast)
            .findFirst()
            .orElseThrow();
    m.getMetadata().setNamespace(ns);
    customize.accept(m);
    return client.resource(m).create();
  }

  void waitForApp() {
    for (String sts : List.of(SOURCE, DESTINATION)) {
      client
          .apps()
          .statefulSets()
          .inNamespace(ns)
          .withName(sts)
          .waitUntilCondition(
              s -> s != null && Integer.valueOf(1).equals(s.getStatus().getReadyReplicas()),
              4,
              TimeUnit.MINUTES);
    }
    for (String d : List.of("web", "worker")) {
      client
          .apps()
          .deployments()
          .inNamespace(ns)
          .withName(d)
          .waitUntilCondition(
              x ->
                  x != null
                      && x.getSpec().getReplicas().equals(x.getStatus().getReadyReplicas())
                      && x.getSpec().getReplicas().equals(x.getStatus().getUpdatedReplicas()),
              4,
              TimeUnit.MINUTES);
    }
  }

  /** The Jobs the operator started for migration {@code name} (copy, schema, vacuum). */
  List<Job> copyJobs(String name) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(ns)
        .withLabel(CopyJobBuilder.MIGRATION_LABEL, name)
        .list()
        .getItems();
  }

  /** The Jobs the operator started for the quickstart's migration. */
  List<Job> copyJobs() {
    return copyJobs(MIGRATION);
  }

  PostgresMigration migration() {
    return client.resources(PostgresMigration.class).inNamespace(ns).withName(MIGRATION).get();
  }

  void patchSpec(String json) {
    client
        .resources(PostgresMigration.class)
        .inNamespace(ns)
        .withName(MIGRATION)
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"spec\":" + json + "}");
  }

  /** Waits until the migration is in {@code phase}, failing early if it ends elsewhere. */
  PostgresMigration awaitPhase(Phase phase, Duration atMost) {
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              PostgresMigration m = migration();
              assertThat(m.getStatus()).isNotNull();
              Phase now = m.getStatus().phase;
              if (now != phase && now.isTerminal()) {
                throw new AssertionError(
                    "ended in " + now + " instead of " + phase + ": " + m.getStatus().message);
              }
              assertThat(now).as(m.getStatus().message).isEqualTo(phase);
            });
    return migration();
  }

  /**
   * Waits for a moment when the app's nightly-report CronJob (scheduled every minute, each run
   * about ten seconds) has no run going and none due within 20 seconds. Maintenance waits for a
   * CronJob's running Jobs to end, by design; a test of the switch-over's own downtime starts
   * between two runs, as an operator of a real app would.
   */
  void awaitNoBatchRunning() {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(90))
        .pollInterval(java.time.Duration.ofMillis(500))
        .until(
            () -> {
              int second = java.time.LocalTime.now(java.time.ZoneOffset.UTC).getSecond();
              var cron =
                  client.batch().v1().cronjobs().inNamespace(ns).withName("nightly-report").get();
              boolean idle =
                  cron.getStatus() == null
                      || cron.getStatus().getActive() == null
                      || cron.getStatus().getActive().isEmpty();
              return idle && second >= 15 && second <= 40;
            });
  }

  /** Every phase the migration's Events name, in order. */
  List<String> phaseEvents() {
    // Several phases pass within one second; the local cluster's resourceVersions (etcd
    // revisions) order what the creation timestamps cannot.
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> MIGRATION.equals(e.getInvolvedObject().getName()))
        .sorted(
            java.util.Comparator.comparing(
                    (io.fabric8.kubernetes.api.model.Event e) ->
                        e.getMetadata().getCreationTimestamp())
                .thenComparing(e -> Long.parseLong(e.getMetadata().getResourceVersion())))
        .map(e -> e.getReason())
        .toList();
  }

  String secretValue(String secret, String key) {
    Secret s = client.secrets().inNamespace(ns).withName(secret).get();
    String v = s.getData().get(key);
    return v == null ? null : new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8);
  }

  /** The passwords of the source's and the destination's users, as their Secrets hold them. */
  List<String> databasePasswords() {
    return List.of(SOURCE, DESTINATION).stream()
        .map(s -> URI.create(secretValue(s, "DATABASE_URL")).getUserInfo().split(":", 2)[1])
        .toList();
  }

  /** What maintenance can change on the app, to compare before and after. */
  Map<String, String> appState() {
    Map<String, String> state = new LinkedHashMap<>();
    for (String d : List.of("web", "worker")) {
      Deployment x = client.apps().deployments().inNamespace(ns).withName(d).get();
      state.put("Deployment/" + d, x.getSpec().getReplicas() + " " + annotations(x));
    }
    CronJob c = client.batch().v1().cronjobs().inNamespace(ns).withName("nightly-report").get();
    state.put("CronJob/nightly-report", c.getSpec().getSuspend() + " " + annotations(c));
    for (String sts : List.of(SOURCE, DESTINATION)) {
      StatefulSet s = client.apps().statefulSets().inNamespace(ns).withName(sts).get();
      state.put("StatefulSet/" + sts, s.getSpec().getReplicas() + " " + annotations(s));
    }
    Secret app = client.secrets().inNamespace(ns).withName(APP_SECRET).get();
    state.put(
        "Secret/" + APP_SECRET,
        new TreeSet<>(app.getData().keySet()) + " " + secretValue(APP_SECRET, "DATABASE_URL"));
    return state;
  }

  private static String annotations(HasMetadata h) {
    Map<String, String> a = h.getMetadata().getAnnotations();
    if (a == null) {
      return "{}";
    }
    Map<String, String> ours = new LinkedHashMap<>();
    a.forEach(
        (k, v) -> {
          if (k.startsWith("pgmigration.io/")) {
            ours.put(k, v);
          }
        });
    return ours.toString();
  }

  /** A JDBC connection to a database server's pod, with the credentials of its Secret. */
  Connection connect(String server) throws SQLException {
    URI uri = URI.create(secretValue(server, "DATABASE_URL"));
    String[] userInfo = uri.getUserInfo().split(":", 2);
    Pod pod = client.pods().inNamespace(ns).withName(server + "-0").get();
    String url =
        "jdbc:postgresql://" + pod.getStatus().getPodIP() + ":" + uri.getPort() + uri.getPath();
    return new org.postgresql.Driver().connect(url, props(userInfo[0], userInfo[1]));
  }

  private static java.util.Properties props(String user, String password) {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("connectTimeout", "10");
    return p;
  }

  /** Runs {@code sql} on {@code server} and returns the first column of every row. */
  List<String> query(String server, String sql) throws SQLException {
    try (Connection c = connect(server);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      List<String> out = new ArrayList<>();
      while (r.next()) {
        out.add(r.getString(1));
      }
      return out;
    }
  }

  void execute(String server, String sql) throws SQLException {
    try (Connection c = connect(server);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** The app's committed rows on {@code server}, as "writer n". */
  TreeSet<String> appRows(String server) throws SQLException {
    return new TreeSet<>(query(server, "SELECT writer || ' ' || n FROM app_writes"));
  }

  /** Per writer, the highest row the running app pods say in their logs they committed. */
  Map<String, Integer> committedInLogs() {
    Map<String, Integer> highest = new LinkedHashMap<>();
    for (Pod p :
        client
            .pods()
            .inNamespace(ns)
            .withLabel("app.kubernetes.io/part-of", "example-app")
            .list()
            .getItems()) {
      if (!"Running".equals(p.getStatus().getPhase())) {
        continue;
      }
      String log = client.pods().inNamespace(ns).withName(p.getMetadata().getName()).getLog();
      for (String line : log.split("\n")) {
        String[] f = line.trim().split(" ");
        if (f.length == 3 && f[0].equals("committed")) {
          highest.merge(f[1], Integer.parseInt(f[2]), Math::max);
        }
      }
    }
    return highest;
  }

  /**
   * Deletes the namespace, freeing the node for the next scenario (its volumes are recycled by the
   * next {@code make e2e}); PGMO_E2E_KEEP=1 keeps it for a look after a failure.
   */
  @Override
  public void close() {
    if (!"1".equals(System.getenv("PGMO_E2E_KEEP"))) {
      client.namespaces().withName(ns).delete();
    }
  }

  private static synchronized List<HasMetadata> render() {
    if (rendered == null) {
      try {
        String kubectl = System.getenv().getOrDefault("PGMO_KUBECTL", "kubectl");
        Process p =
            new ProcessBuilder(kubectl, "kustomize", "hack/overlays/quickstart")
                .directory(Manifests.repo().toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        byte[] yaml = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).as("kubectl kustomize hack/overlays/quickstart").isZero();
        Files.write(Path.of("target", "quickstart-rendered.yaml"), yaml);
        rendered = new ArrayList<>();
        for (String doc : new String(yaml, StandardCharsets.UTF_8).split("(?m)^---$")) {
          if (!doc.isBlank()) {
            rendered.add(
                doc.contains("kind: PostgresMigration")
                    ? Serialization.unmarshal(doc, PostgresMigration.class)
                    : new KubernetesSerialization().unmarshal(doc));
          }
        }
      } catch (Exception e) {
        throw new IllegalStateException("could not render the quickstart", e);
      }
    }
    return rendered.stream().map(Serialization::clone).toList();
  }
}
