package io.pgmigration.operator.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Method;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.CheckOutcome;
import io.pgmigration.operator.db.PreparationChecks.AppUrl;
import io.pgmigration.operator.db.PreparationChecks.Found;
import io.pgmigration.operator.secrets.PostgresUri;
import io.pgmigration.operator.testing.PostgresServer;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every database check against real PostgreSQL servers: a source with data, an extension and the
 * objects logical replication cannot carry, and destinations that are empty, not empty, missing the
 * extension, unreachable, or the source itself under another name.
 */
class PreparationChecksIT {
  private static PostgresServer source;
  private static PostgresServer destination;
  private static PostgresServer lacksHstore;

  @BeforeAll
  static void servers() {
    source = PostgresServer.start();
    destination = PostgresServer.start();
    lacksHstore = PostgresServer.withoutExtensions("hstore");
    source.superuser("app", "CREATE EXTENSION hstore");
    source.app(
        "CREATE TABLE customers (id bigserial PRIMARY KEY, attrs hstore)",
        "INSERT INTO customers (attrs) SELECT 'a=>1' FROM generate_series(1, 1000)",
        "CREATE TABLE audit_log (at timestamptz, line text)",
        "CREATE UNLOGGED TABLE cache (k text PRIMARY KEY, v text)",
        "SELECT lo_from_bytea(0, 'a large object')");
  }

  @AfterAll
  static void stop() {
    for (PostgresServer s : new PostgresServer[] {source, destination, lacksHstore}) {
      s.close();
    }
  }

  private static List<CheckResult> checks(Method method, String src, String dst) {
    Found<PostgresUri> s = Found.of(PostgresUri.parse(src));
    Found<PostgresUri> d = Found.of(PostgresUri.parse(dst));
    return PreparationChecks.evaluate(
        new PreparationChecks.Inputs(
            method,
            io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership.Preserve,
            ClientTools.version(),
            "",
            List.of(),
            "source Secret",
            s,
            "destination Secret",
            d,
            probe(s),
            probe(d),
            null,
            List.of(),
            "app Secret",
            Found.of(AppUrl.POINTS_TO_SOURCE),
            null));
  }

  private static Found<DatabaseFacts> probe(Found<PostgresUri> uri) {
    try {
      return Found.of(DatabaseProbe.probe(uri.value()));
    } catch (SQLException e) {
      return Found.problem(e.getMessage());
    }
  }

  private static CheckResult named(List<CheckResult> checks, String name) {
    return checks.stream().filter(c -> c.name.equals(name)).findFirst().orElseThrow();
  }

  @Test
  void probeReadsTheFactsAsAnOrdinaryUser() throws SQLException {
    DatabaseFacts facts = DatabaseProbe.probe(PostgresUri.parse(source.uri()));
    assertThat(facts.majorVersion()).isEqualTo(15);
    assertThat(facts.userTables())
        .containsExactly("public.audit_log", "public.cache", "public.customers");
    assertThat(facts.installedExtensions()).containsOnlyKeys("hstore");
    assertThat(facts.availableExtensions()).contains("hstore", "pg_trgm");
    assertThat(facts.databaseBytes()).isPositive();
    assertThat(facts.canReplicate()).isFalse();
    // The test servers run with max_connections = 50; this session is the app's only one.
    assertThat(facts.connections().maxConnections()).isEqualTo(50);
    assertThat(facts.connections().here()).isEqualTo(1);
    assertThat(facts.connections().roleSessions()).isEqualTo(1);
    assertThat(facts.connections().roleLimit()).isEqualTo(-1);
    assertThat(facts.canSubscribe()).isFalse();
    assertThat(DatabaseProbe.probe(PostgresUri.parse(source.superuserUri())).canSubscribe())
        .isTrue();
    assertThat(facts.tablesWithoutReplicaIdentity()).containsExactly("public.audit_log");
    assertThat(facts.largeObjects()).isEqualTo(1);
    assertThat(facts.unloggedTables()).containsExactly("public.cache");
  }

  @Test
  void anEmptyDestinationPassesEveryCheck() {
    List<CheckResult> checks = checks(Method.Snapshot, source.uri(), destination.uri());
    assertThat(checks)
        .allSatisfy(
            c -> assertThat(c.result).as(c.name + ": " + c.message).isEqualTo(CheckOutcome.Passed));
  }

  @Test
  void aDestinationWithTablesIsRefusedAndTheTablesAreNamed() {
    destination.superuser("postgres", "CREATE DATABASE used OWNER app");
    destination.execute("app", "used", "CREATE TABLE leftover (id int)");
    CheckResult c =
        named(
            checks(Method.Snapshot, source.uri(), destination.uri("used")),
            PreparationChecks.DESTINATION_EMPTY);
    assertThat(c.result).isEqualTo(CheckOutcome.Failed);
    assertThat(c.message).contains("public.leftover");
  }

  @Test
  void anExtensionMissingOnTheDestinationIsNamed() {
    CheckResult c =
        named(
            checks(Method.Snapshot, source.uri(), lacksHstore.uri()), PreparationChecks.EXTENSIONS);
    assertThat(c.result).isEqualTo(CheckOutcome.Failed);
    assertThat(c.message).isEqualTo("not available on the destination: hstore");
    assertThat(c.hint).contains("hstore");
  }

  @Test
  void theSourceUnderAnotherHostNameIsRefused() {
    String sameServer = source.uri().replace("127.0.0.1", "localhost");
    CheckResult c =
        named(
            checks(Method.Snapshot, source.uri(), sameServer),
            PreparationChecks.DISTINCT_DATABASES);
    assertThat(c.result).as(c.message).isEqualTo(CheckOutcome.Failed);
  }

  @Test
  void wrongCredentialsAndDeadServersAreReportedNotThrown() {
    String wrongPassword = destination.uri().replace(PostgresServer.PASSWORD, "wrong");
    CheckResult auth =
        named(
            checks(Method.Snapshot, source.uri(), wrongPassword),
            PreparationChecks.DESTINATION_REACHABLE);
    assertThat(auth.result).isEqualTo(CheckOutcome.Failed);
    assertThat(auth.message).contains("password authentication failed").doesNotContain("wrong");

    String nobody = "postgres://app:pw@127.0.0.1:1/app";
    List<CheckResult> checks = checks(Method.Snapshot, source.uri(), nobody);
    assertThat(named(checks, PreparationChecks.DESTINATION_REACHABLE).message)
        .contains("Connection to 127.0.0.1:1 refused");
    assertThat(named(checks, PreparationChecks.DESTINATION_EMPTY).result)
        .isEqualTo(CheckOutcome.Error);
  }

  @Test
  void streamingChecksFindWhatLogicalReplicationCannotCarry() {
    List<CheckResult> checks = checks(Method.Streaming, source.uri(), destination.uri());
    assertThat(named(checks, PreparationChecks.WAL_LEVEL).message)
        .isEqualTo("wal_level is replica on the source");
    assertThat(named(checks, PreparationChecks.REPLICATION_PRIVILEGE).result)
        .isEqualTo(CheckOutcome.Failed);
    assertThat(named(checks, PreparationChecks.REPLICA_IDENTITY).message)
        .contains("public.audit_log");
    assertThat(named(checks, PreparationChecks.LARGE_OBJECTS).message).contains("1 large object");
    assertThat(named(checks, PreparationChecks.UNLOGGED_TABLES).result)
        .isEqualTo(CheckOutcome.Warning);
    assertThat(named(checks, PreparationChecks.REPLICATION_SLOTS).result)
        .isEqualTo(CheckOutcome.Passed);
    assertThat(named(checks, PreparationChecks.WAL_SENDERS).result).isEqualTo(CheckOutcome.Passed);
    assertThat(named(checks, PreparationChecks.SUBSCRIPTION_PRIVILEGE).message)
        .isEqualTo("the destination user may not create subscriptions");
  }
}
