package io.pgmigration.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.testing.KubeApiServerTestResource;
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
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator against a real API server and real PostgreSQL servers, with every polling interval
 * an hour: whatever moves a migration here within seconds reached the reconciler through a watch.
 * The API server runs no Job controller, so this test plays it and writes the copy Job's status.
 * The deletion of a migration in flight is tested with the operator's default intervals, in
 * PostgresMigrationReconcilerIT.
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
          "pgmo.poll.catch-up", "1h");
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

  @Test
  void aFinishedCopyJobMovesTheMigrationOnThroughTheWatch() {
    PostgresMigration m = StartedMigrations.startedIn(client, "watched", source, destination);
    Job job = StartedMigrations.awaitCopyJob(client, m);
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
