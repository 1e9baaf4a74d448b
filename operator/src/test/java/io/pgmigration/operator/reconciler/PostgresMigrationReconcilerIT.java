package io.pgmigration.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.CheckOutcome;
import io.pgmigration.operator.db.PreparationChecks;
import io.pgmigration.operator.testing.KubeApiServerTestResource;
import io.pgmigration.operator.testing.Manifests;
import io.pgmigration.operator.testing.PostgresServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator, started by Quarkus, preparing migrations against a real API server and real
 * PostgreSQL servers: Ready when every check passes, PrepareFailed naming every blocking problem,
 * re-prepared on a new spec, and cancelled before it starts.
 */
@QuarkusTest
@QuarkusTestResource(value = KubeApiServerTestResource.class, restrictToAnnotatedClass = true)
class PostgresMigrationReconcilerIT {
  private static PostgresServer source;
  private static PostgresServer destination;
  private static PostgresServer lacksHstore;

  @Inject KubernetesClient client;

  @BeforeAll
  static void servers() {
    source = PostgresServer.start();
    destination = PostgresServer.start();
    lacksHstore = PostgresServer.withoutExtensions("hstore");
    source.superuser("app", "CREATE EXTENSION hstore");
    source.app("CREATE TABLE customers (id bigserial PRIMARY KEY, name text)");
  }

  @AfterAll
  static void stop() {
    for (PostgresServer s : new PostgresServer[] {source, destination, lacksHstore}) {
      s.close();
    }
  }

  /**
   * Every test's migrations go when it ends: they use the same two servers, and one migration per
   * database holds across namespaces.
   */
  @AfterEach
  void deleteMigrations() {
    client.resources(PostgresMigration.class).inAnyNamespace().delete();
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> client.resources(PostgresMigration.class).inAnyNamespace().list().getItems(),
            List::isEmpty);
  }

  /** A namespace like the quickstart's, its Secrets pointing at the given servers. */
  private PostgresMigration quickstartIn(String ns, String destinationUri) {
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .serverSideApply();
    secret(ns, "postgresql-clean-29349", source.uri());
    secret(ns, "postgresql-circular-11223", destinationUri);
    secret(ns, "example-app-config", source.uri());
    for (String name : List.of("web", "worker")) {
      client.resource(Manifests.appDeployment(ns, name)).serverSideApply();
    }
    PostgresMigration m = Manifests.quickstartMigration();
    m.getMetadata().setNamespace(ns);
    // The databases here are not workloads of the cluster.
    m.getSpec().source.workload = null;
    m.getSpec().destination.workload = null;
    return client.resource(m).create();
  }

  private void secret(String ns, String name, String uri) {
    client.resource(Manifests.urlSecret(ns, name, uri)).serverSideApply();
  }

  private PostgresMigration awaitPhase(PostgresMigration m, Phase phase) {
    PostgresMigration[] current = new PostgresMigration[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              current[0] = client.resource(m).get();
              assertThat(current[0].getStatus()).isNotNull();
              assertThat(current[0].getStatus().phase)
                  .as(
                      "%s %s",
                      current[0].getStatus().message,
                      current[0].getStatus().checks == null
                          ? ""
                          : current[0].getStatus().checks.stream()
                              .filter(c -> c.result != CheckOutcome.Passed)
                              .map(c -> c.name + ": " + c.message)
                              .toList())
                  .isEqualTo(phase);
            });
    return current[0];
  }

  private PostgresMigration edit(PostgresMigration m, UnaryOperator<PostgresMigration> change) {
    return client.resource(m).edit(change);
  }

  private static CheckResult named(PostgresMigration m, String name) {
    return m.getStatus().checks.stream().filter(c -> c.name.equals(name)).findFirst().orElseThrow();
  }

  private List<String> eventReasons(PostgresMigration m) {
    return client
        .v1()
        .events()
        .inNamespace(m.getMetadata().getNamespace())
        .list()
        .getItems()
        .stream()
        .filter(e -> m.getMetadata().getName().equals(e.getInvolvedObject().getName()))
        .map(Event::getReason)
        .toList();
  }

  @Test
  void everyCheckPassesAndTheMigrationIsReady() {
    PostgresMigration m = awaitPhase(quickstartIn("ready", destination.uri()), Phase.Ready);
    assertThat(m.getStatus().checks)
        .allSatisfy(
            c -> assertThat(c.result).as(c.name + ": " + c.message).isEqualTo(CheckOutcome.Passed));
    assertThat(m.getStatus().readyDeadline).isNotNull();
    assertThat(m.getStatus().message).contains("Set spec.start to true before");
    assertThat(m.getStatus().observedGeneration).isEqualTo(m.getMetadata().getGeneration());
    // Nothing in status may carry a credential.
    assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(m.getStatus()))
        .doesNotContain(PostgresServer.PASSWORD);
    await().untilAsserted(() -> assertThat(eventReasons(m)).contains("Preparing", "Ready"));
  }

  @Test
  void blockingProblemsAreAllNamedAndNothingIsTouched() {
    destination.superuser("postgres", "CREATE DATABASE taken OWNER app");
    destination.execute(
        "app", "taken", "CREATE TABLE leftover (id int)", "INSERT INTO leftover VALUES (1)");
    String takenAndLacking = lacksHstore.uri();
    lacksHstore.app("CREATE TABLE leftover (id int)", "INSERT INTO leftover VALUES (7)");

    PostgresMigration m = awaitPhase(quickstartIn("blocked", takenAndLacking), Phase.PrepareFailed);
    assertThat(m.getStatus().message)
        .startsWith(
            "Found 3 blocking issues and 0 warnings: DestinationEmpty, Extensions, Rehearsal");
    assertThat(named(m, PreparationChecks.DESTINATION_EMPTY).message).contains("public.leftover");
    assertThat(named(m, PreparationChecks.EXTENSIONS).message)
        .isEqualTo("not available on the destination: hstore");
    assertThat(named(m, PreparationChecks.EXTENSIONS).hint).isNotBlank();
    await().untilAsserted(() -> assertThat(eventReasons(m)).contains("PrepareFailed"));
    // The operator only looked: the destination's row is still there, the source unchanged.
    lacksHstore.app(
        "DO $$ BEGIN IF (SELECT count(*) FROM leftover) <> 1 THEN RAISE 'touched'; END IF; END $$");
    source.app(
        "DO $$ BEGIN IF (SELECT count(*) FROM customers) <> 0 THEN RAISE 'touched'; END IF; END $$");
  }

  @Test
  void aFixedSpecIsPreparedAgain() {
    lacksHstore.superuser("postgres", "CREATE DATABASE spare OWNER app");
    PostgresMigration m =
        awaitPhase(quickstartIn("refix", lacksHstore.uri("spare")), Phase.PrepareFailed);
    assertThat(named(m, PreparationChecks.EXTENSIONS).result).isEqualTo(CheckOutcome.Failed);
    // The user points the destination Secret at a server that has the extension and bumps the
    // spec.
    secret("refix", "postgresql-circular-11223", destination.uri());
    edit(
        m,
        x -> {
          x.getSpec().readyWindow = "12h";
          return x;
        });
    awaitPhase(m, Phase.Ready);
  }

  @Test
  void aDatabaseSecretThatAppearsLaterIsWaitedFor() {
    PostgresMigration m = quickstartIn("late", destination.uri());
    client.secrets().inNamespace("late").withName("postgresql-circular-11223").delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              PostgresMigration current = client.resource(m).get();
              // Not written yet on the first look: an assertion, so that it is looked at again.
              assertThat(current.getStatus()).isNotNull();
              assertThat(current.getStatus().checks).isNotNull();
              assertThat(current.getStatus().phase).isEqualTo(Phase.Preparing);
              assertThat(current.getStatus().message).startsWith("Waiting for the databases");
            });
    secret("late", "postgresql-circular-11223", destination.uri());
    awaitPhase(m, Phase.Ready);
  }

  @Test
  void cancelBeforeStartEndsTheMigration() {
    PostgresMigration m = awaitPhase(quickstartIn("cancel", destination.uri()), Phase.Ready);
    edit(
        m,
        x -> {
          x.getSpec().cancel = true;
          return x;
        });
    PostgresMigration cancelled = awaitPhase(m, Phase.Cancelled);
    assertThat(cancelled.getStatus().message).contains("nothing was touched");
  }

  @Test
  void deletingAMigrationInFlightWritesEachStepOfItsRollback() throws Exception {
    PostgresMigration m = StartedMigrations.startedIn(client, "deleted", source, destination);
    StartedMigrations.awaitCopyJob(client, m);
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
}
