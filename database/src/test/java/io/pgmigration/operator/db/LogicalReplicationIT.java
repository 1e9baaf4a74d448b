package io.pgmigration.operator.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgmigration.operator.secrets.PostgresUri;
import io.pgmigration.operator.testing.Manifests;
import io.pgmigration.operator.testing.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Streaming method's replication between two real servers: the initial sync while the app keeps
 * writing, the lag reaching zero, and cleanup that leaves no slot on the source, also when the
 * destination is gone.
 */
class LogicalReplicationIT {
  private static final String NAME =
      LogicalReplication.name("0b6e2c1a-7d3f-4c55-9a51-9f3e2b8d7c10");

  @Test
  void streamsWhileTheAppWritesThenCleansUpEverything() throws Exception {
    try (PostgresServer source = PostgresServer.logical();
        PostgresServer destination = PostgresServer.start()) {
      prepare(source, destination);
      try (Connection src = DatabaseProbe.connect(PostgresUri.parse(source.uri()));
          Connection dst = DatabaseProbe.connect(PostgresUri.parse(destination.superuserUri()))) {
        LogicalReplication.publish(src, NAME);
        LogicalReplication.publish(src, NAME);
        LogicalReplication.subscribe(dst, NAME, conninfo(source));
        LogicalReplication.subscribe(dst, NAME, conninfo(source));
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  var sub = LogicalReplication.subscription(dst, NAME);
                  return sub.tables() > 0 && sub.synced() == sub.tables();
                });
        assertThat(count(dst, "customers")).isEqualTo(count(src, "customers"));

        // The app keeps writing; the rows arrive without another copy.
        source.app(
            "INSERT INTO customers (name, email)"
                + " SELECT 'late ' || g, 'late' || g || '@example.com' FROM generate_series(1, 500) g");
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  assertThat(LogicalReplication.lag(src, NAME).bytes()).isZero();
                  assertThat(count(dst, "customers")).isEqualTo(count(src, "customers"));
                });
        assertThat(LogicalReplication.slots(src)).containsExactly(NAME);

        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () ->
                    assertThat(LogicalReplication.drop(dst, src, NAME))
                        .isNotNull()
                        .satisfies(x -> assertThat(LogicalReplication.slots(src)).isEmpty()));
        assertThat(LogicalReplication.slots(src)).isEmpty();
        assertThat(exists(src, "SELECT 1 FROM pg_publication")).isFalse();
        assertThat(exists(dst, "SELECT 1 FROM pg_subscription")).isFalse();
        // Dropping again finds nothing and says so.
        assertThat(LogicalReplication.drop(dst, src, NAME)).isEmpty();
      }
    }
  }

  /**
   * The switch-over, as the operator runs it: the source fenced, its WAL position taken, the
   * destination confirms everything up to it, sequences and materialized views are brought over,
   * and the replication is dropped from the still-fenced source.
   */
  @Test
  void theSwitchOverOnAFencedSourceLosesNothingAndLeavesNothing() throws Exception {
    try (PostgresServer source = PostgresServer.logical();
        PostgresServer destination = PostgresServer.start()) {
      prepare(
          source,
          destination,
          "CREATE MATERIALIZED VIEW customer_count AS SELECT count(*) FROM customers");
      PostgresUri srcUri = PostgresUri.parse(source.uri());
      try (Connection src = DatabaseProbe.connect(srcUri);
          Connection dst = DatabaseProbe.connect(PostgresUri.parse(destination.superuserUri()))) {
        LogicalReplication.publish(src, NAME);
        LogicalReplication.subscribe(dst, NAME, srcUri.conninfo());
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  var sub = LogicalReplication.subscription(dst, NAME);
                  return sub.tables() > 0 && sub.synced() == sub.tables() && sub.running();
                });
        source.app(
            "INSERT INTO customers (name, email)"
                + " SELECT 'last ' || g, 'last' || g || '@example.com' FROM generate_series(1, 300) g");
      }
      // The fence ends every other session of the source, the walsender aside.
      assertThat(SourceFence.fenceAndCount(srcUri, java.time.Instant.EPOCH).unended()).isEmpty();
      try (Connection src = DatabaseProbe.connect(srcUri);
          Connection dst = DatabaseProbe.connect(PostgresUri.parse(destination.superuserUri()))) {
        String lsn = LogicalReplication.position(src);
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> LogicalReplication.behind(src, NAME, lsn) == 0);
        assertThat(count(dst, "customers")).isEqualTo(count(src, "customers"));
        assertThat(LogicalReplication.subscription(dst, NAME).errors()).isZero();

        assertThat(Sequences.copy(src, dst)).isGreaterThanOrEqualTo(1);
        assertThat(LogicalReplication.refreshMaterializedViews(src, dst)).isEqualTo(1);
        assertThat(LogicalReplication.drop(dst, src, NAME))
            .containsExactly("subscription " + NAME, "slot " + NAME, "publication " + NAME);
        assertThat(LogicalReplication.behind(src, NAME, lsn)).isNull();
        assertThat(SourceFence.isFenced(srcUri)).isTrue();
      }
      var verification =
          CopyVerifier.compare(
              srcUri,
              PostgresUri.parse(destination.uri()),
              io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.VerificationMode.Checksums,
              io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership.Preserve,
              true,
              true,
              java.time.Duration.ofMinutes(5));
      assertThat(verification.mismatches).isEmpty();
      assertThat(destination.query("SELECT count FROM customer_count"))
          .isEqualTo(source.query("SELECT count(*) FROM customers"));
    }
  }

  @Test
  void aDestinationThatIsGoneStillLeavesNoSlotOnTheSource() throws Exception {
    try (PostgresServer source = PostgresServer.logical();
        PostgresServer destination = PostgresServer.start()) {
      prepare(source, destination);
      try (Connection src = DatabaseProbe.connect(PostgresUri.parse(source.uri()))) {
        LogicalReplication.publish(src, NAME);
        try (Connection dst =
            DatabaseProbe.connect(PostgresUri.parse(destination.superuserUri()))) {
          LogicalReplication.subscribe(dst, NAME, conninfo(source));
        }
        assertThat(LogicalReplication.slots(src)).containsExactly(NAME);
        destination.stop();
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  LogicalReplication.drop(null, src, NAME);
                  assertThat(LogicalReplication.slots(src)).isEmpty();
                });
        assertThat(exists(src, "SELECT 1 FROM pg_publication")).isFalse();
      }
    }
  }

  /** The quickstart's data on the source, its schema on the destination, replication allowed. */
  static void prepare(PostgresServer source, PostgresServer destination, String... extra)
      throws Exception {
    source.app(Files.readString(Manifests.repo().resolve("examples/quickstart/seed.sql")));
    source.app(extra);
    source.superuser("app", "ALTER ROLE app REPLICATION");
    ProcessBuilder pb =
        new ProcessBuilder(
            "bash",
            "-o",
            "pipefail",
            "-c",
            "pg_dump --schema-only --no-owner --dbname=\"$SOURCE_URL\""
                + " | psql -qX -v ON_ERROR_STOP=1 --dbname=\"$DESTINATION_URL\"");
    pb.environment().put("SOURCE_URL", source.uri());
    pb.environment().put("DESTINATION_URL", destination.uri());
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  static String conninfo(PostgresServer source) {
    PostgresUri u = PostgresUri.parse(source.uri());
    return "host="
        + u.host()
        + " port="
        + u.port()
        + " dbname="
        + u.database()
        + " user="
        + u.user()
        + " password="
        + u.password();
  }

  private static long count(Connection c, String table) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
      r.next();
      return r.getLong(1);
    }
  }

  private static boolean exists(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      return r.next();
    }
  }
}
