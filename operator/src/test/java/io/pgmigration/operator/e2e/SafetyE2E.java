package io.pgmigration.operator.e2e;

import static io.pgmigration.operator.e2e.QuickstartInstance.APP_SECRET;
import static io.pgmigration.operator.e2e.QuickstartInstance.DESTINATION;
import static io.pgmigration.operator.e2e.QuickstartInstance.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.VerificationMode;
import io.pgmigration.operator.db.PreparationChecks;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Safe for every tenant and every mistake, on the local cluster. Never left down: a copy that
 * cannot start gives the app back within the watchdog's limit (one minute in the local cluster's
 * overlay, three by default), not at the copy's six-hour deadline. One migration per database: a
 * second migration of the same database is refused while the first completes. The fence is proven:
 * a write that got past it fails the migration instead of being lost at promotion.
 */
class SafetyE2E {
  /** On the allow-list of hack/overlays/local, and in no registry. */
  private static final String UNPULLABLE = "localhost/pgmo/unpullable:e2e";

  private static final KubernetesClient client = LocalCluster.client();

  @Test
  void aSecondMigrationOfTheSameSourceIsRefusedAndTheFirstCompletesThenDestroysItsSource()
      throws Exception {
    try (QuickstartInstance q = QuickstartInstance.create(client, "e2e-one-per-db", x -> {})) {
      q.applyMigration(m -> m.getSpec().start = false);
      q.awaitPhase(Phase.Ready, Duration.ofMinutes(3));

      PostgresMigration second = q.migration();
      second.getMetadata().setName("second-migration");
      second.getMetadata().setResourceVersion(null);
      second.getMetadata().setUid(null);
      second.setStatus(null);
      second.getSpec().start = true;
      client.resource(second).create();
      PostgresMigration refused =
          await()
              .atMost(Duration.ofMinutes(3))
              .until(
                  () ->
                      client
                          .resources(PostgresMigration.class)
                          .inNamespace(q.ns)
                          .withName("second-migration")
                          .get(),
                  m -> m.getStatus() != null && m.phase() == Phase.PrepareFailed);
      assertThat(refused.getStatus().checks)
          .filteredOn(c -> c.name.equals(PreparationChecks.OTHER_MIGRATIONS))
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.blocks()).isTrue();
                assertThat(c.message)
                    .contains(
                        "is the source of migration "
                            + q.ns
                            + "/"
                            + QuickstartInstance.MIGRATION
                            + " (Ready)")
                    .contains(
                        "is the destination of migration "
                            + q.ns
                            + "/"
                            + QuickstartInstance.MIGRATION);
              });

      q.patchSpec("{\"start\":true}");
      PostgresMigration done = q.awaitPhase(Phase.Completed, Duration.ofMinutes(6));
      assertThat(done.getStatus().verification.mismatches).isEmpty();
      assertThat(q.appRows(DESTINATION)).containsAll(q.appRows(SOURCE));
      // destroySource deletes the source's server: the StatefulSet behind its Service.
      q.patchSpec("{\"destroySource\":{\"confirm\":\"" + SOURCE + "\"}}");
      PostgresMigration destroyed = q.awaitPhase(Phase.SourceDestroyed, Duration.ofMinutes(2));
      assertThat(destroyed.getStatus().message).contains("StatefulSet " + SOURCE);
      assertThat(client.apps().statefulSets().inNamespace(q.ns).withName(SOURCE).get()).isNull();
      // The second never touched anything: no Job of its own.
      assertThat(q.copyJobs("second-migration")).isEmpty();
    }
  }

  @Test
  void aCopyImageThatCannotBePulledRollsBackAndGivesTheAppBack() throws Exception {
    try (QuickstartInstance q = QuickstartInstance.create(client, "e2e-watchdog", x -> {})) {
      q.applyMigration(
          m -> {
            m.getSpec().copy.image = UNPULLABLE;
            m.getSpec().start = false;
          });
      q.awaitPhase(Phase.Ready, Duration.ofMinutes(3));
      Map<String, String> before = q.appState();
      String url = q.secretValue(APP_SECRET, "DATABASE_URL");
      q.patchSpec("{\"start\":true}");

      q.awaitPhase(Phase.Migrating, Duration.ofMinutes(2));
      PostgresMigration failed = q.awaitPhase(Phase.Failed, Duration.ofMinutes(3));

      assertThat(failed.getStatus().message)
          .contains("'s pod could not run for")
          .containsPattern("ErrImagePull|ImagePullBackOff")
          .contains("the app is not kept down for it");
      assertThat(q.appState()).isEqualTo(before);
      assertThat(q.secretValue(APP_SECRET, "DATABASE_URL")).isEqualTo(url);
      assertThat(q.query(SOURCE, "SHOW default_transaction_read_only")).containsExactly("off");
      assertThat(q.copyJobs()).isEmpty();
    }
  }

  @Test
  void aWriteThatGetsPastTheFenceFailsTheMigrationInsteadOfBeingLost() throws Exception {
    try (QuickstartInstance q = QuickstartInstance.create(client, "e2e-fence-proof", x -> {})) {
      q.applyMigration(
          m -> {
            m.getSpec().start = false;
            m.getSpec().promote = false;
          });
      q.awaitPhase(Phase.Ready, Duration.ofMinutes(3));
      Map<String, String> before = q.appState();
      q.patchSpec("{\"start\":true}");
      PostgresMigration migrated = q.awaitPhase(Phase.Migrated, Duration.ofMinutes(6));
      assertThat(migrated.getStatus().maintenance.writesAtFence.tables).isPositive();

      // A client that asks for a read-write transaction: the read-only default does not stop it.
      q.execute(
          SOURCE,
          "BEGIN READ WRITE; INSERT INTO app_writes (writer, n) VALUES ('past-the-fence', 1);"
              + " COMMIT");
      q.patchSpec("{\"promote\":true}");
      PostgresMigration failed = q.awaitPhase(Phase.Failed, Duration.ofMinutes(2));

      assertThat(failed.getStatus().message)
          .contains("A write reached the source after its fence closed")
          .contains("1 row(s) inserted, 0 updated and 0 deleted")
          .contains("the app is back on the source");
      assertThat(failed.getStatus().conditions)
          .filteredOn(c -> c.getType().equals(Conditions.Type.FENCE_HELD))
          .singleElement()
          .satisfies(c -> assertThat(c.getReason()).isEqualTo(Conditions.Reason.WRITTEN));
      assertThat(q.appState()).as("the app as it was, on the source").isEqualTo(before);
      assertThat(q.query(SOURCE, "SHOW default_transaction_read_only")).containsExactly("off");
      assertThat(q.appRows(SOURCE)).contains("past-the-fence 1");
    }
  }

  @Test
  void aDestinationThatStopsAnsweringDuringVerifyingRollsBackWithinItsTimeouts() throws Exception {
    try (QuickstartInstance q =
        QuickstartInstance.create(client, "e2e-frozen-destination", x -> {})) {
      // Enough rows that comparing their checksums takes seconds: time to freeze the destination.
      q.execute(
          SOURCE,
          "CREATE TABLE ballast AS SELECT g AS id, md5(g::text) AS v"
              + " FROM generate_series(1, 3000000) g; ALTER TABLE ballast ADD PRIMARY KEY (id)");
      q.applyMigration(
          m -> {
            m.getSpec().start = false;
            m.getSpec().promote = false;
            m.getSpec().verification = VerificationMode.Checksums;
          });
      q.awaitPhase(Phase.Ready, Duration.ofMinutes(3));
      Map<String, String> before = q.appState();
      String url = q.secretValue(APP_SECRET, "DATABASE_URL");
      q.patchSpec("{\"start\":true}");

      await()
          .atMost(Duration.ofMinutes(5))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> q.migration().phase(), p -> p == Phase.Verifying || p.isTerminal());
      Pod destination = client.pods().inNamespace(q.ns).withName(DESTINATION + "-0").get();
      // Every process of the server frozen: open sessions get no answer and new ones are never
      // served, as with a server that hangs.
      LocalCluster.freeze(destination, true);
      long frozenAt = System.nanoTime();
      try {
        PostgresMigration failed = q.awaitPhase(Phase.Failed, Duration.ofMinutes(5));
        Duration took = Duration.ofNanos(System.nanoTime() - frozenAt);
        System.out.printf(
            "frozen destination: rolled back %d s after the freeze%n", took.toSeconds());
        assertThat(failed.getStatus().message)
            .contains("Unexpected error in phase Verifying, still failing after")
            .contains("could not verify the copy");
        assertThat(q.appState()).as("the app as it was, on the source").isEqualTo(before);
        assertThat(q.secretValue(APP_SECRET, "DATABASE_URL")).isEqualTo(url);
        assertThat(q.query(SOURCE, "SHOW default_transaction_read_only")).containsExactly("off");
      } finally {
        LocalCluster.freeze(destination, false);
      }
    }
  }
}
