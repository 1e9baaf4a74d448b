package io.pgmigration.operator.e2e;

import static io.pgmigration.operator.e2e.QuickstartInstance.APP_SECRET;
import static io.pgmigration.operator.e2e.QuickstartInstance.DESTINATION;
import static io.pgmigration.operator.e2e.QuickstartInstance.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.CheckOutcome;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.Severity;
import io.pgmigration.operator.copy.CopyContract;
import io.pgmigration.operator.db.PreparationChecks;
import io.pgmigration.operator.k8s.CopyJobBuilder;
import io.pgmigration.operator.phase.ConditionWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The whole Snapshot lifecycle on the local cluster, one scenario per test, each in a fresh copy of
 * the quickstart: the operator installed from deploy/, real PostgreSQL servers, and the example app
 * writing numbered rows all along.
 */
class MigrationLifecycleE2E {
  private static final String OPERATOR_NS = LocalCluster.OPERATOR_NS;
  private static final Duration PREPARE = Duration.ofMinutes(3);
  private static final Duration RUN = Duration.ofMinutes(6);

  /** Rows of the table that makes the copy last long enough to restart the operator during it. */
  private static final int BULK_ROWS = 1_000_000;

  private static final KubernetesClient client = LocalCluster.client();

  /** Done when 1: the happy path, with the app writing before and after. */
  @Test
  void happyPathMovesEveryCommittedRowAndBringsTheAppBackOnTheDestination() throws Exception {
    try (QuickstartInstance q = QuickstartInstance.create(client, "e2e-happy", x -> {})) {
      q.applyMigration(m -> m.getSpec().start = false);
      q.awaitPhase(Phase.Ready, PREPARE);
      await().atMost(Duration.ofSeconds(60)).until(() -> q.appRows(SOURCE).size() >= 10);
      Map<String, String> before = q.appState();
      String sourceUrl = q.secretValue(APP_SECRET, "DATABASE_URL");

      // The writers' own word on what they committed, read while they still run.
      Map<String, Integer> logged = q.committedInLogs();
      assertThat(logged).isNotEmpty();
      q.patchSpec("{\"start\":true}");
      PostgresMigration done = q.awaitPhase(Phase.Completed, RUN);

      assertThat(q.phaseEvents())
          .containsSubsequence(
              "Preparing",
              "Ready",
              "MaintenanceOn",
              "Migrating",
              "Verifying",
              "Migrated",
              "Promoting",
              "Completed");
      // The source is fenced and frozen: its rows are every row the app committed before
      // maintenance, and each of them is in the destination.
      TreeSet<String> sourceRows = q.appRows(SOURCE);
      TreeSet<String> destinationRows = q.appRows(DESTINATION);
      assertThat(destinationRows).containsAll(sourceRows);
      logged.forEach(
          (writer, n) ->
              assertThat(destinationRows).as("logged by " + writer).contains(writer + " " + n));
      assertThat(q.query(SOURCE, "SHOW default_transaction_read_only")).containsExactly("on");

      Map<String, String> after = q.appState();
      for (String workload :
          List.of("Deployment/web", "Deployment/worker", "CronJob/nightly-report")) {
        assertThat(after.get(workload)).as(workload).isEqualTo(before.get(workload));
      }
      assertThat(before.get("Deployment/web")).isEqualTo("2 {}");
      assertThat(q.secretValue(APP_SECRET, "DATABASE_URL"))
          .isEqualTo(q.secretValue(DESTINATION, "DATABASE_URL"));
      assertThat(q.secretValue(APP_SECRET, "DATABASE_URL_PREVIOUS")).isEqualTo(sourceUrl);

      var status = done.getStatus();
      // The checks ran again at start; the rehearsal did not: nothing of the schema changed.
      assertThat(status.checks)
          .filteredOn(c -> c.name.equals(PreparationChecks.REHEARSAL))
          .singleElement()
          .satisfies(
              c -> assertThat(c.message).endsWith("the source's schema are unchanged since"));
      assertThat(status.progress.display).isEqualTo("100%");
      assertThat(status.verification.tablesCompared).isGreaterThanOrEqualTo(5);
      assertThat(status.verification.mismatches).isEmpty();
      assertThat(status.promotion.aliasKey).isEqualTo("DATABASE_URL_PREVIOUS");
      assertThat(status.downtime.seconds).isNotNull();
      assertThat(status.maintenance.workloads).hasSize(3);

      // Nothing secret in what the migration shows or the operator logged, over all of it.
      StringBuilder shown = new StringBuilder(Serialization.asJson(done.getStatus()));
      client.v1().events().inNamespace(q.ns).list().getItems().stream()
          .map(e -> e.getMessage())
          .forEach(shown::append);
      q.copyJobs().forEach(j -> shown.append(Serialization.asJson(j.getSpec())));
      for (Pod operator : LocalCluster.operatorPods(client)) {
        shown.append(
            client
                .pods()
                .inNamespace(OPERATOR_NS)
                .withName(operator.getMetadata().getName())
                .getLog());
      }
      assertThat(shown).contains(q.ns + "/" + QuickstartInstance.MIGRATION);
      for (String password : q.databasePasswords()) {
        assertThat(shown.toString()).as("a database password").doesNotContain(password);
      }

      // After promotion the app writes to the destination, and nothing to the source.
      int sourceCount = sourceRows.size();
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () -> {
                TreeSet<String> now = q.appRows(DESTINATION);
                now.removeAll(destinationRows);
                assertThat(now).hasSizeGreaterThanOrEqualTo(5);
              });
      assertThat(q.appRows(SOURCE)).hasSize(sourceCount);
    }
  }

  /** Done when 2: blocking checks stop the migration before anything is touched. */
  @Test
  void blockingChecksFailPreparationAndTouchNothing() throws Exception {
    try (QuickstartInstance q = QuickstartInstance.create(client, "e2e-blocked", x -> {})) {
      withoutExtensions(q, DESTINATION);
      q.execute(SOURCE, "CREATE EXTENSION pgcrypto");
      q.execute(DESTINATION, "CREATE TABLE leftover (id int)");
      Map<String, String> before = q.appState();
      TreeSet<String> sourceRows = q.appRows(SOURCE);

      // start is set from the beginning: the checks still come first.
      q.applyMigration(m -> m.getSpec().start = true);
      PostgresMigration failed = q.awaitPhase(Phase.PrepareFailed, PREPARE);

      assertThat(failed.getStatus().checks)
          .filteredOn(c -> c.result == CheckOutcome.Failed)
          .extracting(c -> c.name)
          .contains(PreparationChecks.DESTINATION_EMPTY, PreparationChecks.EXTENSIONS);
      CheckResult extensions =
          failed.getStatus().checks.stream()
              .filter(c -> c.name.equals(PreparationChecks.EXTENSIONS))
              .findFirst()
              .orElseThrow();
      assertThat(extensions.message).contains("pgcrypto");
      assertThat(failed.getStatus().message)
          .contains(PreparationChecks.DESTINATION_EMPTY)
          .contains(PreparationChecks.EXTENSIONS);

      assertThat(q.appState()).isEqualTo(before);
      assertThat(q.query(SOURCE, "SHOW default_transaction_read_only")).containsExactly("off");
      assertThat(q.appRows(SOURCE)).containsAll(sourceRows);
      assertThat(userTables(q, DESTINATION)).containsExactly("public.leftover");
      assertThat(q.copyJobs()).isEmpty();
    }
  }

  /**
   * The rehearsal: a source whose schema the destination cannot restore (a C function, on a
   * destination whose migration user, like a managed service's, is no superuser) fails Preparing
   * with a check naming the function, before anything of the app is touched, and leaves nothing on
   * the destination.
   */
  @Test
  void aSchemaTheDestinationCannotRestoreFailsTheRehearsalAndTouchesNothing() throws Exception {
    try (QuickstartInstance q = QuickstartInstance.create(client, "e2e-rehearsal", x -> {})) {
      q.execute(
          SOURCE,
          "CREATE FUNCTION public.tag_in(cstring) RETURNS text"
              + " AS '$libdir/hstore', 'hstore_in' LANGUAGE c STRICT");
      q.execute(DESTINATION, "CREATE ROLE migrator LOGIN PASSWORD 'migrator-pw'");
      q.execute(DESTINATION, "ALTER DATABASE app OWNER TO migrator");
      java.net.URI admin = java.net.URI.create(q.secretValue(DESTINATION, "DATABASE_URL"));
      String migrator =
          "postgres://migrator:migrator-pw@" + admin.getHost() + ":" + admin.getPort() + "/app";
      client
          .secrets()
          .inNamespace(q.ns)
          .withName(DESTINATION)
          .edit(
              s -> {
                s.getData()
                    .put(
                        "DATABASE_URL",
                        java.util.Base64.getEncoder()
                            .encodeToString(
                                migrator.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                return s;
              });
      Map<String, String> before = q.appState();

      // As on a managed service, where objects cannot be given to the source's superuser.
      q.applyMigration(
          m -> {
            m.getSpec().start = true;
            m.getSpec().ownership = PostgresMigrationSpec.Ownership.DestinationUser;
          });
      PostgresMigration failed = q.awaitPhase(Phase.PrepareFailed, PREPARE);

      assertThat(failed.getStatus().checks)
          .filteredOn(c -> c.result != CheckOutcome.Passed && c.severity == Severity.Blocking)
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.name).isEqualTo(PreparationChecks.REHEARSAL);
                assertThat(c.message)
                    .isEqualTo(
                        "FUNCTION public.tag_in(cstring): ERROR: permission denied for language c");
                assertThat(c.hint).isNotBlank();
              });
      assertThat(failed.getStatus().message).contains(PreparationChecks.REHEARSAL);
      assertThat(q.appState()).isEqualTo(before);
      assertThat(q.query(SOURCE, "SHOW default_transaction_read_only")).containsExactly("off");
      assertThat(userTables(q, DESTINATION)).isEmpty();
      assertThat(q.copyJobs()).isEmpty();
    }
  }

  /** Done when 3: the destination stops during the copy; everything is rolled back. */
  @Test
  void aCopyThatFailsMidWayRollsBackWithoutLosingARow() throws Exception {
    try (QuickstartInstance q = QuickstartInstance.create(client, "e2e-copy-fails", x -> {})) {
      addBulkTable(q, 300_000);
      q.applyMigration(m -> m.getSpec().start = false);
      q.awaitPhase(Phase.Ready, PREPARE);
      Map<String, String> before = q.appState();
      q.patchSpec("{\"start\":true}");

      q.awaitPhase(Phase.Migrating, RUN);
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> copyPods(q).stream().anyMatch(p -> "Running".equals(p.getStatus().getPhase())));
      TreeSet<String> frozen = q.appRows(SOURCE);
      client.apps().statefulSets().inNamespace(q.ns).withName(DESTINATION).scale(0);

      PostgresMigration failed = q.awaitPhase(Phase.Failed, RUN);
      assertThat(failed.getStatus().message)
          .contains("Rolled back")
          .contains("DATABASE_URL is unchanged");
      assertThat(ConditionWriter.find(failed.getStatus(), Conditions.Type.FAILED).getStatus())
          .isEqualTo("True");
      assertThat(failed.getStatus().maintenance.sourceFenced).isFalse();
      assertThat(q.query(SOURCE, "SHOW default_transaction_read_only")).containsExactly("off");
      assertThat(q.appState()).isEqualTo(withDestinationStopped(before));

      // The app is back on the source and writes again; no row it had committed is gone.
      client.apps().statefulSets().inNamespace(q.ns).withName(DESTINATION).scale(1);
      q.waitForApp();
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () ->
                  assertThat(q.appRows(SOURCE))
                      .containsAll(frozen)
                      .hasSizeGreaterThan(frozen.size() + 4));
    }
  }

  /**
   * Cancel is refused while Migrating, and the leading operator pod is killed mid-copy: the standby
   * replica takes over, and the migration completes with one copy Job and one alias.
   */
  @Test
  void theLeaderKilledDuringTheCopyHandsOverAndCancelIsRefused() throws Exception {
    try (QuickstartInstance q = QuickstartInstance.create(client, "e2e-restart", x -> {})) {
      addBulkTable(q, BULK_ROWS);
      q.applyMigration(m -> m.getSpec().start = false);
      q.awaitPhase(Phase.Ready, PREPARE);
      Map<String, String> before = q.appState();
      q.patchSpec("{\"start\":true}");
      q.awaitPhase(Phase.Migrating, RUN);

      q.patchSpec("{\"cancel\":true}");
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          ConditionWriter.find(
                              q.migration().getStatus(), Conditions.Type.CANCEL_REFUSED))
                      .isNotNull());
      assertThat(q.migration().getStatus().phase).isEqualTo(Phase.Migrating);

      // The leader killed mid-copy: the standby takes the Lease over and carries on.
      Pod leader = LocalCluster.leaderPod(client);
      assertThat(LocalCluster.operatorPods(client)).as("a leader and a standby").hasSize(2);
      client.pods().inNamespace(OPERATOR_NS).resource(leader).withGracePeriod(0).delete();
      long killedAt = System.nanoTime();
      // Polled from the test thread: a predicate of waitUntilCondition runs on the client's event
      // loop, where a blocking API call of its own can starve.
      Pod next =
          await()
              .atMost(Duration.ofMinutes(2))
              .ignoreExceptions()
              .until(
                  () -> LocalCluster.leaderPod(client),
                  p -> !p.getMetadata().getName().equals(leader.getMetadata().getName()));
      System.out.printf(
          "leader %s killed; %s leads %d s later%n",
          leader.getMetadata().getName(),
          next.getMetadata().getName(),
          Duration.ofNanos(System.nanoTime() - killedAt).toSeconds());

      PostgresMigration done = q.awaitPhase(Phase.Completed, RUN);
      List<Job> jobs = q.copyJobs();
      assertThat(jobs).hasSize(1);
      assertThat(jobs.get(0).getStatus().getSucceeded()).isEqualTo(1);
      assertThat(jobs.get(0).getStatus().getFailed()).isNull();
      assertThat(q.secretValue(APP_SECRET, "DATABASE_URL_PREVIOUS")).isNotNull();
      assertThat(q.secretValue(APP_SECRET, "DATABASE_URL_PREVIOUS_2")).isNull();
      assertThat(done.getStatus().verification.mismatches).isEmpty();
      long refusals =
          client.v1().events().inNamespace(q.ns).list().getItems().stream()
              .filter(e -> Conditions.Reason.CANCEL_REFUSED.equals(e.getReason()))
              .count();
      assertThat(refusals).isEqualTo(1);
      Map<String, String> after = q.appState();
      for (String workload :
          List.of("Deployment/web", "Deployment/worker", "CronJob/nightly-report")) {
        assertThat(after.get(workload)).as(workload).isEqualTo(before.get(workload));
      }
      assertThat(q.query(DESTINATION, "SELECT count(*) FROM bulk"))
          .containsExactly(Integer.toString(BULK_ROWS));
    }
  }

  /**
   * A copy pod killed in the middle of the copy is started again by its Job and resumes: the schema
   * and every table already copied are skipped, and nothing lands twice.
   */
  @Test
  void aCopyPodKilledMidCopyResumesWithoutCopyingAnythingTwice() throws Exception {
    try (QuickstartInstance q = QuickstartInstance.create(client, "e2e-copy-resumes", x -> {})) {
      addBulkTable(q, 2 * BULK_ROWS);
      q.applyMigration(m -> m.getSpec().start = false);
      q.awaitPhase(Phase.Ready, PREPARE);
      q.patchSpec("{\"start\":true}");
      q.awaitPhase(Phase.Migrating, RUN);
      // Items go largest first: the first one done is a range of the bulk table, and the copy
      // still has the rest of it, the small tables and the indexes ahead.
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .until(
              () ->
                  !q.query(
                          DESTINATION,
                          "SELECT count(*) FROM " + CopyContract.Bookkeeping.SCHEMA + ".done")
                      .equals(List.of("0")));
      for (Pod pod : copyPods(q)) {
        client.pods().inNamespace(q.ns).resource(pod).withGracePeriod(0).delete();
      }

      PostgresMigration done = q.awaitPhase(Phase.Completed, RUN);
      assertThat(done.getStatus().verification.mismatches).isEmpty();
      assertThat(q.query(DESTINATION, "SELECT count(*) FROM bulk"))
          .containsExactly(Integer.toString(2 * BULK_ROWS));
      List<Job> jobs = q.copyJobs();
      assertThat(jobs).hasSize(1);
      assertThat(jobs.get(0).getStatus().getSucceeded()).isEqualTo(1);
      String resumed =
          copyPods(q).stream()
              .filter(p -> "Succeeded".equals(p.getStatus().getPhase()))
              .map(
                  p -> client.pods().inNamespace(q.ns).withName(p.getMetadata().getName()).getLog())
              .findFirst()
              .orElseThrow();
      assertThat(resumed).contains("the schema is already restored");
      var skipped = java.util.regex.Pattern.compile("; (\\d+) already done;").matcher(resumed);
      assertThat(skipped.find()).as(resumed).isTrue();
      assertThat(Integer.parseInt(skipped.group(1))).as(resumed).isPositive();
    }
  }

  /** Done when 5: promote false waits in Migrated with the app down; promote true completes. */
  @Test
  void withoutPromoteTheMigrationWaitsInMigratedUntilPromoted() throws Exception {
    try (QuickstartInstance q = QuickstartInstance.create(client, "e2e-promote", x -> {})) {
      String sourceUrl = q.secretValue(APP_SECRET, "DATABASE_URL");
      Map<String, String> before = q.appState();
      q.applyMigration(
          m -> {
            m.getSpec().start = true;
            m.getSpec().promote = false;
          });
      q.awaitPhase(Phase.Migrated, RUN);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(q.migration().getStatus().message)
                      .contains("set spec.promote to true"));
      Map<String, String> waiting = q.appState();
      assertThat(waiting.get("Deployment/web")).startsWith("0 ");
      assertThat(waiting.get("Deployment/worker")).startsWith("0 ");
      assertThat(waiting.get("CronJob/nightly-report")).startsWith("true ");
      assertThat(q.secretValue(APP_SECRET, "DATABASE_URL")).isEqualTo(sourceUrl);
      Thread.sleep(5000);
      assertThat(q.migration().getStatus().phase).isEqualTo(Phase.Migrated);

      q.patchSpec("{\"promote\":true}");
      q.awaitPhase(Phase.Completed, RUN);
      Map<String, String> after = q.appState();
      for (String workload :
          List.of("Deployment/web", "Deployment/worker", "CronJob/nightly-report")) {
        assertThat(after.get(workload)).as(workload).isEqualTo(before.get(workload));
      }
      assertThat(q.secretValue(APP_SECRET, "DATABASE_URL"))
          .isEqualTo(q.secretValue(DESTINATION, "DATABASE_URL"));
    }
  }

  /** Done when 6 (first half): cancel while Ready ends the migration and touches nothing. */
  @Test
  void cancelWhileReadyTouchesNothing() throws Exception {
    try (QuickstartInstance q = QuickstartInstance.create(client, "e2e-cancel", x -> {})) {
      q.applyMigration(m -> m.getSpec().start = false);
      q.awaitPhase(Phase.Ready, PREPARE);
      Map<String, String> before = q.appState();
      q.patchSpec("{\"cancel\":true}");
      PostgresMigration cancelled = q.awaitPhase(Phase.Cancelled, Duration.ofSeconds(60));
      assertThat(cancelled.getStatus().message).contains("nothing was touched");
      assertThat(q.appState()).isEqualTo(before);
      assertThat(q.query(SOURCE, "SHOW default_transaction_read_only")).containsExactly("off");
      assertThat(userTables(q, DESTINATION)).isEmpty();
      assertThat(q.copyJobs()).isEmpty();
    }
  }

  /** A table large enough that the copy takes a while, so things can happen during it. */
  private static void addBulkTable(QuickstartInstance q, int rows) throws Exception {
    q.execute(
        SOURCE,
        "CREATE TABLE bulk AS SELECT g AS id, repeat(md5(g::text), 4) AS payload"
            + " FROM generate_series(1, "
            + rows
            + ") g;"
            + " ALTER TABLE bulk ADD PRIMARY KEY (id)");
  }

  /**
   * Hides every extension but plpgsql from {@code server}: its extension directory is replaced by a
   * ConfigMap holding only plpgsql's files, read from the server itself.
   */
  private static void withoutExtensions(QuickstartInstance q, String server) throws Exception {
    Pod pod = client.pods().inNamespace(q.ns).withName(server + "-0").get();
    String dir =
        q.query(server, "SELECT setting FROM pg_config WHERE name = 'SHAREDIR'").get(0)
            + "/extension";
    var data = new java.util.LinkedHashMap<String, String>();
    for (String file :
        LocalCluster.exec(client, pod, "cd " + dir + " && ls plpgsql*").trim().split("\\s+")) {
      data.put(file, LocalCluster.exec(client, pod, "cat " + dir + "/" + file));
    }
    client
        .configMaps()
        .inNamespace(q.ns)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("only-plpgsql")
                .endMetadata()
                .withData(data)
                .build())
        .create();
    client
        .apps()
        .statefulSets()
        .inNamespace(q.ns)
        .withName(server)
        .edit(
            s -> {
              var spec = s.getSpec().getTemplate().getSpec();
              spec.getVolumes()
                  .add(
                      new io.fabric8.kubernetes.api.model.VolumeBuilder()
                          .withName("only-plpgsql")
                          .withNewConfigMap()
                          .withName("only-plpgsql")
                          .endConfigMap()
                          .build());
              spec.getContainers()
                  .get(0)
                  .getVolumeMounts()
                  .add(
                      new io.fabric8.kubernetes.api.model.VolumeMountBuilder()
                          .withName("only-plpgsql")
                          .withMountPath(dir)
                          .withReadOnly(true)
                          .build());
              return s;
            });
    await()
        .atMost(Duration.ofMinutes(2))
        .ignoreExceptions()
        .until(
            () ->
                q.query(server, "SELECT count(*) FROM pg_available_extensions")
                    .equals(List.of("1")));
  }

  private static List<String> userTables(QuickstartInstance q, String server) throws Exception {
    return q.query(
        server,
        "SELECT schemaname || '.' || tablename FROM pg_tables"
            + " WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1");
  }

  private static List<Pod> copyPods(QuickstartInstance q) {
    return client
        .pods()
        .inNamespace(q.ns)
        .withLabel(CopyJobBuilder.MIGRATION_LABEL, QuickstartInstance.MIGRATION)
        .list()
        .getItems();
  }

  /** The app state as expected after the test scaled the destination to zero. */
  private static Map<String, String> withDestinationStopped(Map<String, String> state) {
    var copy = new java.util.LinkedHashMap<>(state);
    copy.put("StatefulSet/" + DESTINATION, "0 {}");
    return copy;
  }
}
