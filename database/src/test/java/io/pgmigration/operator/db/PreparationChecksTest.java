package io.pgmigration.operator.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgmigration.operator.api.v1alpha1.Checks;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Method;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.CheckOutcome;
import io.pgmigration.operator.db.PreparationChecks.AppUrl;
import io.pgmigration.operator.db.PreparationChecks.Found;
import io.pgmigration.operator.db.PreparationChecks.Inputs;
import io.pgmigration.operator.secrets.PostgresUri;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PreparationChecksTest {
  private static final PostgresUri SRC = PostgresUri.parse("postgres://app:pw@source:5432/app");
  private static final PostgresUri DST =
      PostgresUri.parse("postgres://app:pw@destination:5432/app");

  private static DatabaseFacts facts(String id, List<String> tables, Map<String, String> ext) {
    FactsBuilder f = new FactsBuilder(id);
    f.userTables = tables;
    f.installedExtensions = ext;
    return f.build();
  }

  /** Inputs of a clean setup, each field changeable by a test. */
  private static final class In {
    Method method = Method.Snapshot;
    Ownership ownership = Ownership.Preserve;
    String clientTools = "15.14";
    String copyImage = "";
    List<String> allowedCopyImages = List.of("registry.example/operator:1");
    Found<PostgresUri> source = Found.of(SRC);
    Found<DatabaseFacts> sourceFacts = Found.of(facts("1", List.of(), Map.of()));
    Found<DatabaseFacts> destinationFacts = Found.of(facts("2", List.of(), Map.of()));
    Long capacity;
    List<String> missingWorkloads = List.of();
    Found<AppUrl> appUrl = Found.of(AppUrl.POINTS_TO_SOURCE);
    String ownReplication;

    In withFacts(DatabaseFacts src, DatabaseFacts dst) {
      sourceFacts = Found.of(src);
      destinationFacts = Found.of(dst);
      return this;
    }

    Inputs build() {
      return new Inputs(
          method,
          ownership,
          clientTools,
          copyImage,
          allowedCopyImages,
          "Secret s, key DATABASE_URL",
          source,
          "Secret d, key DATABASE_URL",
          Found.of(DST),
          sourceFacts,
          destinationFacts,
          capacity,
          missingWorkloads,
          "Secret app, key DATABASE_URL",
          appUrl,
          ownReplication);
    }
  }

  private static Inputs inputs(DatabaseFacts src, DatabaseFacts dst) {
    return new In().withFacts(src, dst).build();
  }

  private static CheckResult named(List<CheckResult> checks, String name) {
    return checks.stream().filter(c -> c.name.equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aCleanSetupPassesEveryCheck() {
    List<CheckResult> checks =
        PreparationChecks.evaluate(
            inputs(facts("1", List.of("public.a"), Map.of()), facts("2", List.of(), Map.of())));
    assertThat(checks)
        .allSatisfy(c -> assertThat(c.result).as(c.name).isEqualTo(CheckOutcome.Passed));
    assertThat(checks).extracting(c -> c.name).doesNotContain(PreparationChecks.WAL_LEVEL);
    assertThat(Checks.blocked(checks)).isFalse();
    assertThat(Checks.summary(checks)).isEqualTo("All " + checks.size() + " checks passed");
  }

  @Test
  void everyFailureIsReportedAtOnceWithAHint() {
    List<CheckResult> checks =
        PreparationChecks.evaluate(
            inputs(
                facts("1", List.of(), Map.of("postgis", "3.3")),
                facts("2", List.of("public.leftover"), Map.of())));
    assertThat(named(checks, PreparationChecks.DESTINATION_EMPTY).message)
        .contains("public.leftover");
    assertThat(named(checks, PreparationChecks.EXTENSIONS).message).contains("postgis");
    assertThat(checks)
        .filteredOn(c -> c.result != CheckOutcome.Passed)
        .allSatisfy(c -> assertThat(c.hint).isNotBlank());
    assertThat(Checks.summary(checks))
        .isEqualTo("Found 2 blocking issues and 0 warnings: DestinationEmpty, Extensions");
  }

  @Test
  void theSameServerUnderTwoNamesIsRefused() {
    List<CheckResult> checks =
        PreparationChecks.evaluate(
            inputs(facts("42", List.of(), Map.of()), facts("42", List.of(), Map.of())));
    assertThat(named(checks, PreparationChecks.DISTINCT_DATABASES).result)
        .isEqualTo(CheckOutcome.Failed);
  }

  @Test
  void anOlderDestinationIsRefused() {
    DatabaseFacts src = facts("1", List.of(), Map.of());
    DatabaseFacts old = new FactsBuilder("2").version(140010, "14.10").build();
    assertThat(
            named(PreparationChecks.evaluate(inputs(src, old)), PreparationChecks.SERVER_VERSION)
                .message)
        .contains("older than the source's 15.4");
  }

  @Test
  void theMigrationsOwnReplicaIsNotSomeoneElsesData() {
    DatabaseFacts src = facts("1", List.of(), Map.of());
    FactsBuilder r = new FactsBuilder("2");
    r.userTables = List.of("public.orders");
    r.canReplicate = true;
    r.canSubscribe = true;
    r.subscriptions = List.of("pgmo_1234");
    DatabaseFacts replica = r.build();
    In in = new In().withFacts(src, replica);
    in.method = Method.Streaming;
    assertThat(named(PreparationChecks.evaluate(in.build()), PreparationChecks.DESTINATION_EMPTY))
        .extracting(c -> c.result)
        .isEqualTo(CheckOutcome.Failed);
    in.ownReplication = "pgmo_1234";
    assertThat(named(PreparationChecks.evaluate(in.build()), PreparationChecks.DESTINATION_EMPTY))
        .satisfies(c -> assertThat(c.result).isEqualTo(CheckOutcome.Passed))
        .satisfies(c -> assertThat(c.message).contains("replica (subscription pgmo_1234)"));
    // Another migration's subscription is still someone else's data.
    in.ownReplication = "pgmo_9999";
    assertThat(named(PreparationChecks.evaluate(in.build()), PreparationChecks.DESTINATION_EMPTY))
        .extracting(c -> c.result)
        .isEqualTo(CheckOutcome.Failed);
  }

  @Test
  void anUnreachableServerMakesItsDependentChecksErrorsNotGuesses() {
    In in = new In();
    in.destinationFacts = Found.problem("Connection refused");
    List<CheckResult> checks = PreparationChecks.evaluate(in.build());
    assertThat(named(checks, PreparationChecks.DESTINATION_REACHABLE).message)
        .isEqualTo("cannot connect to app@destination:5432/app: Connection refused");
    assertThat(named(checks, PreparationChecks.DESTINATION_EMPTY).result)
        .isEqualTo(CheckOutcome.Error);
    assertThat(named(checks, PreparationChecks.EXTENSIONS).result).isEqualTo(CheckOutcome.Error);
  }

  @Test
  void missingSecretsAndWorkloadsAreNamed() {
    In in = new In();
    in.source = Found.problem("the Secret does not exist in namespace ns");
    in.sourceFacts = Found.problem("no usable URI");
    in.missingWorkloads = List.of("StatefulSet db");
    in.appUrl = Found.problem("the Secret has no key DATABASE_URL");
    List<CheckResult> checks = PreparationChecks.evaluate(in.build());
    assertThat(named(checks, PreparationChecks.SOURCE_SECRET).message)
        .isEqualTo("Secret s, key DATABASE_URL: the Secret does not exist in namespace ns");
    assertThat(named(checks, PreparationChecks.SOURCE_REACHABLE).result)
        .isEqualTo(CheckOutcome.Error);
    assertThat(named(checks, PreparationChecks.WORKLOADS).message)
        .isEqualTo("not found: StatefulSet db");
    assertThat(named(checks, PreparationChecks.APP_DATABASE_URL).result)
        .isEqualTo(CheckOutcome.Failed);
    assertThat(PreparationChecks.mayResolveItself(checks)).isTrue();
  }

  @Test
  void aCopyImageOffTheAllowListBlocks() {
    In in = new In();
    in.copyImage = "registry.example/anything:latest";
    CheckResult image = named(PreparationChecks.evaluate(in.build()), PreparationChecks.COPY_IMAGE);
    assertThat(image.blocks()).isTrue();
    assertThat(image.message)
        .isEqualTo(
            "spec.copy.image registry.example/anything:latest is not allowed: it would receive"
                + " both databases' URLs");
    in.copyImage = "registry.example/operator:1";
    assertThat(named(PreparationChecks.evaluate(in.build()), PreparationChecks.COPY_IMAGE).result)
        .isEqualTo(CheckOutcome.Passed);
  }

  @Test
  void maintenanceThatWouldStopADatabaseServerBlocks() {
    CheckResult scope =
        ClusterChecks.maintenanceScope(
            List.of("StatefulSet postgresql-clean-29349 serves the source (Service db)"));
    assertThat(scope.blocks()).isTrue();
    assertThat(scope.message)
        .isEqualTo(
            "maintenance would stop the database: StatefulSet postgresql-clean-29349 serves the"
                + " source (Service db)");
    assertThat(scope.hint).contains("spec.source.workload");
    assertThat(ClusterChecks.maintenanceScope(List.of()).blocks()).isFalse();
    assertThat(ClusterChecks.otherMigrations(null).result).isEqualTo(CheckOutcome.Error);
  }

  @Test
  void anAppPointingElsewhereIsAWarning() {
    In in = new In();
    in.appUrl = Found.of(AppUrl.POINTS_ELSEWHERE);
    List<CheckResult> checks = PreparationChecks.evaluate(in.build());
    assertThat(named(checks, PreparationChecks.APP_DATABASE_URL).result)
        .isEqualTo(CheckOutcome.Warning);
    assertThat(Checks.blocked(checks)).isFalse();
  }

  @Test
  void aSmallDestinationVolumeIsAWarning() {
    In in = new In();
    in.capacity = 11L << 20;
    assertThat(
            named(PreparationChecks.evaluate(in.build()), PreparationChecks.DESTINATION_CAPACITY)
                .result)
        .isEqualTo(CheckOutcome.Warning);
    in.capacity = 1L << 30;
    assertThat(
            named(PreparationChecks.evaluate(in.build()), PreparationChecks.DESTINATION_CAPACITY)
                .result)
        .isEqualTo(CheckOutcome.Passed);
  }

  @Test
  void streamingAddsItsOwnChecks() {
    In in = new In();
    in.method = Method.Streaming;
    List<CheckResult> checks = PreparationChecks.evaluate(in.build());
    assertThat(named(checks, PreparationChecks.WAL_LEVEL).message)
        .isEqualTo("wal_level is replica on the source");
    assertThat(named(checks, PreparationChecks.REPLICATION_PRIVILEGE).result)
        .isEqualTo(CheckOutcome.Failed);
    assertThat(named(checks, PreparationChecks.LARGE_OBJECTS).result)
        .isEqualTo(CheckOutcome.Passed);
    assertThat(named(checks, PreparationChecks.SUBSCRIPTION_PRIVILEGE).hint)
        .contains("pg_create_subscription");
    assertThat(PreparationChecks.mayResolveItself(checks)).isFalse();
  }

  /** Facts with other text rules. */
  private static DatabaseFacts withText(String id, DatabaseFacts.TextRules text) {
    FactsBuilder f = new FactsBuilder(id);
    f.text = text;
    return f.build();
  }

  @Test
  void aDestinationEncodingThatCannotHoldTheSourcesCharactersBlocks() {
    DatabaseFacts src = facts("1", List.of(), Map.of());
    DatabaseFacts latin1 =
        withText("2", new DatabaseFacts.TextRules("LATIN1", "C.UTF-8", "C.UTF-8"));
    CheckResult encoding = named(PreparationChecks.evaluate(inputs(src, latin1)), "Encoding");
    assertThat(encoding.blocks()).isTrue();
    assertThat(encoding.message)
        .contains("the source is encoded in UTF8, the destination in LATIN1");
    assertThat(encoding.hint).contains("ENCODING 'UTF8'");
    // Into UTF8, everything fits.
    assertThat(
            named(PreparationChecks.evaluate(inputs(withText("1", latin1.text()), src)), "Encoding")
                .blocks())
        .isFalse();
  }

  @Test
  void anotherSortOrderIsAWarning() {
    DatabaseFacts src = facts("1", List.of(), Map.of());
    DatabaseFacts german =
        withText("2", new DatabaseFacts.TextRules("UTF8", "de_DE.UTF-8", "de_DE.UTF-8"));
    CheckResult collation = named(PreparationChecks.evaluate(inputs(src, german)), "Collation");
    assertThat(collation.warns()).isTrue();
    assertThat(collation.blocks()).isFalse();
    assertThat(collation.message).contains("C.UTF-8").contains("de_DE.UTF-8");
  }
}
