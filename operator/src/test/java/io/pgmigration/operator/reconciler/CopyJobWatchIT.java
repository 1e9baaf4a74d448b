package io.pgmigration.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.testing.KubeApiServerTestResource;
import io.pgmigration.operator.testing.Manifests;
import io.pgmigration.operator.testing.PostgresServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator against a real API server and real PostgreSQL servers, with every polling interval
 * an hour: whatever moves a migration here within seconds reached the reconciler through a watch.
 * The API server runs no Job controller, so this test plays it and writes the copy Job's status.
 */
@QuarkusTest
@TestProfile(CopyJobWatchIT.PollHourly.class)
@QuarkusTestResource(value = KubeApiServerTestResource.class, restrictToAnnotatedClass = true)
class CopyJobWatchIT {
  private static final Logger LOG = Logger.getLogger(CopyJobWatchIT.class);
  private static PostgresServer source;
  private static PostgresServer destination;

  @Inject KubernetesClient client;

  /** Every polling interval far longer than the test. */
  public static class PollHourly implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "pgmo.poll.drain-first", "1h",
          "pgmo.poll.drain", "1h",
          "pgmo.poll.copy-progress", "1h",
          "pgmo.poll.replication-setup", "1h",
          "pgmo.poll.lag", "1h",
          "pgmo.poll.catch-up", "1h",
          "pgmo.copy.image", "localhost/pgmo/operator:dev");
    }
  }

  @BeforeAll
  static void servers() {
    source = PostgresServer.start();
    destination = PostgresServer.start();
  }

  @AfterAll
  static void stop() {
    source.close();
    destination.close();
  }

  /** A started migration of the quickstart's shape in {@code ns}, between the two servers. */
  private PostgresMigration startedIn(String ns) {
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .serverSideApply();
    client.resource(Manifests.urlSecret(ns, "postgresql-clean-29349", source.uri())).create();
    client
        .resource(Manifests.urlSecret(ns, "postgresql-circular-11223", destination.uri()))
        .create();
    client.resource(Manifests.urlSecret(ns, "example-app-config", source.uri())).create();
    client.resource(Manifests.appDeployment(ns, "web")).create();
    PostgresMigration m = Manifests.quickstartMigration();
    m.getMetadata().setNamespace(ns);
    m.getSpec().source.workload = null;
    m.getSpec().destination.workload = null;
    m.getSpec().start = true;
    return client.resource(m).create();
  }

  /** The copy Job, once the migration has created it and is waiting for it. */
  private Job awaitCopyJob(PostgresMigration m) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              PostgresMigrationStatus s = client.resource(m).get().getStatus();
              assertThat(s).isNotNull();
              assertThat(s.phase).as(s.message).isEqualTo(Phase.Migrating);
              assertThat(s.progress).isNotNull();
              assertThat(s.progress.jobName).isNotNull();
            });
    String name = client.resource(m).get().getStatus().progress.jobName;
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(m.getMetadata().getNamespace())
        .withName(name)
        .get();
  }

  @Test
  void aFinishedCopyJobMovesTheMigrationOnThroughTheWatch() {
    PostgresMigration m = startedIn("watched");
    Job job = awaitCopyJob(m);
    assertThat(job).as("the copy Job exists").isNotNull();
    // Past the first reconcile that created it: from here on only an event can move it on.
    await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
    assertThat(client.resource(m).get().getStatus().phase).isEqualTo(Phase.Migrating);

    Instant finished = Instant.now();
    String now = finished.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    job.getStatus().setStartTime(now);
    job.getStatus().setCompletionTime(now);
    job.getStatus().setSucceeded(1);
    job.getStatus().setCompletedIndexes("0");
    job.getStatus()
        .setConditions(
            List.of(
                new JobConditionBuilder()
                    .withType("SuccessCriteriaMet")
                    .withStatus("True")
                    .withLastTransitionTime(now)
                    .build(),
                new JobConditionBuilder()
                    .withType("Complete")
                    .withStatus("True")
                    .withLastTransitionTime(now)
                    .build()));
    client.batch().v1().jobs().resource(job).updateStatus();

    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(
            () ->
                assertThat(client.resource(m).get().getStatus().phase)
                    .isIn(Phase.Verifying, Phase.Migrated, Phase.Promoting, Phase.Completed));
    LOG.infof(
        "the copy Job's end reached the migration's status %d ms after it was written",
        Duration.between(finished, Instant.now()).toMillis());
    // The quickstart promotes on its own once verified.
    PostgresMigration after = awaitPhase(m, Phase.Completed);
    assertThat(
            after.getStatus().conditions.stream()
                .filter(c -> c.getType().equals(Conditions.Type.VERIFIED))
                .findFirst()
                .orElseThrow()
                .getMessage())
        .contains("no differences");
  }

  @Test
  void deletingAMigrationInFlightWritesEachStepOfItsRollback() throws Exception {
    PostgresMigration m = startedIn("deleted");
    awaitCopyJob(m);
    List<PostgresMigrationStatus> seen = new CopyOnWriteArrayList<>();
    Watch watch =
        client
            .resources(PostgresMigration.class)
            .inNamespace("deleted")
            .withName(m.getMetadata().getName())
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, PostgresMigration resource) {
                    seen.add(resource.getStatus());
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    try {
      client.resource(m).delete();
      await().atMost(Duration.ofSeconds(60)).until(() -> client.resource(m).get() == null);
    } finally {
      watch.close();
    }
    assertThat(seen)
        .as("the rollback is written before it runs")
        .anySatisfy(
            s -> {
              assertThat(s.phase).isEqualTo(Phase.Migrating);
              assertThat(s.rollback).isNotNull();
              assertThat(s.rollback.reason)
                  .isEqualTo("The PostgresMigration was deleted in phase Migrating");
            });
    assertThat(seen)
        .as("and its end is written before the finalizer goes")
        .anySatisfy(
            s -> {
              assertThat(s.phase).isEqualTo(Phase.Failed);
              assertThat(s.rollback).isNull();
              assertThat(s.message).contains("Rolled back: the source is writable");
            });
    assertThat(client.apps().deployments().inNamespace("deleted").withName("web").get())
        .extracting(d -> d.getSpec().getReplicas())
        .as("the app is given back")
        .isEqualTo(1);
    // The fence is lifted: a read-only source refuses every CREATE, even of a temporary table.
    source.app("CREATE TEMPORARY TABLE written_after_rollback (id int)");
  }

  private PostgresMigration awaitPhase(PostgresMigration m, Phase phase) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              PostgresMigrationStatus s = client.resource(m).get().getStatus();
              assertThat(s.phase).as(s.message).isEqualTo(phase);
            });
    return client.resource(m).get();
  }
}
