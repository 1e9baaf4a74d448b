package io.pgmigration.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pgmigration.operator.cli.Databases.Database;
import io.pgmigration.operator.cli.Databases.Service;
import io.pgmigration.operator.cli.Databases.Workload;
import io.pgmigration.operator.testing.Manifests;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Discovery of databases, app Secrets and app workloads on the quickstart's own manifests. */
class DatabasesTest {
  private final List<Secret> secrets = new ArrayList<>();
  private final List<Workload> workloads = new ArrayList<>();
  private final List<Service> services = new ArrayList<>();

  DatabasesTest() throws IOException {
    for (String file : List.of("source-database.yaml", "destination-database.yaml", "app.yaml")) {
      String yaml = Files.readString(Manifests.repo().resolve("examples/quickstart/" + file));
      for (String doc : yaml.split("(?m)^---$")) {
        if (!doc.contains("kind:")) {
          continue;
        }
        HasMetadata o = new KubernetesSerialization().unmarshal(doc);
        if (o instanceof Secret s) {
          secrets.add(s);
        } else if (o instanceof io.fabric8.kubernetes.api.model.Service s) {
          services.add(new Service(s.getMetadata().getName(), s.getSpec().getSelector(), true));
        } else if (o instanceof Deployment d) {
          workloads.add(Workload.of("Deployment", d.getMetadata(), d.getSpec().getTemplate()));
        } else if (o instanceof StatefulSet d) {
          workloads.add(Workload.of("StatefulSet", d.getMetadata(), d.getSpec().getTemplate()));
        } else if (o instanceof CronJob c) {
          workloads.add(
              Workload.of(
                  "CronJob",
                  c.getMetadata(),
                  c.getSpec().getJobTemplate().getSpec().getTemplate()));
        }
      }
    }
  }

  private List<Database> discover() {
    return Databases.discover(secrets, workloads, services, "example-app");
  }

  @Test
  void theAppsDatabaseComesFirstWithItsSecretAndServer() {
    List<Database> dbs = discover();
    assertThat(dbs)
        .extracting(Database::name)
        .containsExactly("postgresql-clean-29349", "postgresql-circular-11223");
    Database source = dbs.get(0);
    assertThat(source.server()).isEqualTo("postgresql-clean-29349:5432/app");
    assertThat(source.appSecrets())
        .singleElement()
        .satisfies(
            r -> assertThat(r.name + ":" + r.key).isEqualTo("example-app-config:DATABASE_URL"));
    assertThat(source.workload().name).isEqualTo("postgresql-clean-29349");
    assertThat(source.available()).isTrue();
    assertThat(source.describe())
        .isEqualTo("postgresql-clean-29349 as DATABASE_URL of example-app-config");
    assertThat(dbs.get(1).appSecrets()).isEmpty();
    assertThat(dbs.get(1).describe()).isEqualTo("postgresql-circular-11223");
  }

  @Test
  void theAppsWorkloadsAreSelectedByTheirSharedLabelAndNoServerIs() {
    List<Database> dbs = discover();
    var config = new Configuration(dbs, workloads, Clusters.Found.NOT_INSTALLED, List.of());
    var app = dbs.get(0).appSecrets().get(0);
    assertThat(config.appWorkloads(app))
        .extracting(Workload::display)
        .containsExactly("Deployment/web", "Deployment/worker", "CronJob/nightly-report");
    assertThat(config.selector(app).getMatchLabels())
        .isEqualTo(Map.of("app.kubernetes.io/part-of", "example-app"));
  }

  @Test
  void withoutASharedAppLabelTheNamesAreListed() {
    List<Workload> unlabelled =
        workloads.stream()
            .map(
                w ->
                    new Workload(
                        w.kind(),
                        w.name(),
                        Map.of("app.kubernetes.io/name", w.name()),
                        w.podLabels(),
                        w.podSpec()))
            .toList();
    var selector =
        Databases.selectorFor(
            unlabelled.stream().filter(w -> !w.kind().equals("StatefulSet")).toList(), unlabelled);
    assertThat(selector.getMatchExpressions())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getKey()).isEqualTo("app.kubernetes.io/name");
              assertThat(e.getOperator()).isEqualTo("In");
              assertThat(Set.copyOf(e.getValues()))
                  .isEqualTo(Set.of("web", "worker", "nightly-report"));
            });
  }

  @Test
  void aServiceWithoutReadyEndpointsIsNotAvailableAndAnExternalServerIsUnknown() {
    services.replaceAll(
        s ->
            s.name().equals("postgresql-circular-11223")
                ? new Service(s.name(), s.selector(), false)
                : s);
    secrets.add(
        new io.fabric8.kubernetes.api.model.SecretBuilder()
            .withNewMetadata()
            .withName("managed-db")
            .endMetadata()
            .withStringData(Map.of("uri", "postgres://u:p@db.example.com:5432/app"))
            .build());
    List<Database> dbs = discover();
    assertThat(dbs)
        .extracting(Database::name)
        .containsExactly("postgresql-clean-29349", "managed-db", "postgresql-circular-11223");
    assertThat(dbs.get(1).available()).isNull();
    assertThat(dbs.get(1).workload()).isNull();
    assertThat(dbs.get(1).describe()).isEqualTo("managed-db (uri)");
    assertThat(dbs.get(2).available()).isFalse();
    var config = new Configuration(dbs, workloads, Clusters.Found.NOT_INSTALLED, List.of());
    assertThat(config.notADestination(dbs.get(2), dbs.get(0)))
        .isEqualTo("database isn't available");
    assertThat(config.notADestination(dbs.get(1), dbs.get(0))).isNull();
  }

  @Test
  void hostsInTheNamespacesDnsFormsNameTheSameService() {
    assertThat(Databases.shortHost("db.example-app.svc.cluster.local", "example-app"))
        .isEqualTo("db");
    assertThat(Databases.shortHost("db.example-app.svc", "example-app")).isEqualTo("db");
    assertThat(Databases.shortHost("db.example-app", "example-app")).isEqualTo("db");
    assertThat(Databases.shortHost("db.other", "example-app")).isEqualTo("db.other");
  }
}
