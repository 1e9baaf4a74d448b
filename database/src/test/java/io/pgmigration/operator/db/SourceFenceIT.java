package io.pgmigration.operator.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgmigration.operator.api.v1alpha1.SourceWrites;
import io.pgmigration.operator.secrets.PostgresUri;
import io.pgmigration.operator.testing.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fence on a real server: writers are stopped and ended, and lifting it undoes it. */
class SourceFenceIT {
  private static PostgresServer server;
  private static PostgresUri uri;

  @BeforeAll
  static void start() {
    server = PostgresServer.start();
    server.app("CREATE TABLE t (n int)");
    uri = PostgresUri.parse(server.uri());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void fenceEndsWritersAndRefusesNewWritesUntilLifted() throws SQLException {
    try (Connection writer = DatabaseProbe.connect(uri);
        Statement w = writer.createStatement()) {
      w.execute("INSERT INTO t VALUES (1)");

      assertThat(SourceFence.fenceAndCount(uri, java.time.Instant.EPOCH).unended()).isEmpty();
      assertThat(SourceFence.isFenced(uri)).isTrue();
      // The old session was ended...
      assertThatThrownBy(() -> w.execute("INSERT INTO t VALUES (2)"))
          .isInstanceOf(SQLException.class);
    }
    // ...and a new one cannot write.
    try (Connection c = DatabaseProbe.connect(uri);
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.execute("INSERT INTO t VALUES (3)"))
          .hasMessageContaining("read-only transaction");
    }
    // Fencing again (a restarted operator) changes nothing.
    assertThat(SourceFence.fenceAndCount(uri, java.time.Instant.EPOCH).unended()).isEmpty();

    SourceFence.lift(uri);
    assertThat(SourceFence.isFenced(uri)).isFalse();
    try (Connection c = DatabaseProbe.connect(uri);
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO t VALUES (4)");
    }
    SourceFence.lift(uri);
  }

  @Test
  void sessionsTheUserMayNotEndAreReported() throws SQLException {
    PostgresUri superuser = PostgresUri.parse(server.uri().replace("app:", "postgres:"));
    // A superuser's session, which the app's user may not end, held open during the fence.
    try (Connection admin = DatabaseProbe.connect(superuser)) {
      assertThat(admin.isValid(5)).isTrue();
      assertThat(SourceFence.fenceAndCount(uri, java.time.Instant.EPOCH).unended())
          .singleElement()
          .asString()
          .startsWith("postgres@");
    } finally {
      SourceFence.lift(uri);
    }
  }

  @Test
  void theWriteCountersShowEveryWriteThatGetsPastTheFenceAndNothingElse() throws Exception {
    server.app("CREATE TABLE IF NOT EXISTS counted (id serial PRIMARY KEY, v text)");
    server.app("INSERT INTO counted (v) SELECT 'x' FROM generate_series(1, 100)");
    try {
      SourceFence.Fenced closed = SourceFence.fenceAndCount(uri, java.time.Instant.EPOCH);
      assertThat(closed.unended()).isEmpty();
      var atFence = closed.writes();
      // What the copy and the verification do, and what autovacuum does: not writes.
      try (Connection c = DatabaseProbe.connect(uri);
          Statement s = c.createStatement()) {
        s.execute("SELECT count(*) FROM counted");
        new org.postgresql.copy.CopyManager(c.unwrap(org.postgresql.core.BaseConnection.class))
            .copyOut("COPY counted TO STDOUT", java.io.OutputStream.nullOutputStream());
        s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE");
        s.execute("VACUUM ANALYZE counted");
      }
      SourceFence.Fenced again = SourceFence.fenceAndCount(uri, java.time.Instant.EPOCH);
      assertThat(again.unended()).isEmpty();
      assertThat(again.writes().differenceFrom(atFence)).isNull();

      // A writer that asks for a read-write transaction, still connected when the proof runs.
      SourceWrites afterInsert;
      try (Connection writer = DatabaseProbe.connect(uri);
          Statement w = writer.createStatement()) {
        w.execute("BEGIN READ WRITE");
        w.execute("INSERT INTO counted (v) VALUES ('past the fence')");
        w.execute("COMMIT");
        // Ended by the fence, whose session then counts what it wrote: as the proof does it.
        SourceFence.Fenced fenced = SourceFence.fenceAndCount(uri, java.time.Instant.EPOCH);
        assertThat(fenced.unended()).isEmpty();
        assertThat(fenced.writes().differenceFrom(atFence))
            .startsWith("its statistics count 1 row(s) inserted, 0 updated and 0 deleted")
            .contains("a sequence moved");
        afterInsert = fenced.writes();
      }

      server.execute(
          "postgres", "app", "SET default_transaction_read_only = off", "TRUNCATE counted");
      SourceFence.Fenced truncated = SourceFence.fenceAndCount(uri, java.time.Instant.EPOCH);
      assertThat(truncated.unended()).isEmpty();
      assertThat(truncated.writes().differenceFrom(afterInsert))
          .isEqualTo("a table was truncated or rewritten, or its counters were reset");
    } finally {
      SourceFence.lift(uri);
    }
  }

  @Test
  void aLoginRoleThatTurnsTheReadOnlyDefaultOffFailsTheFenceCheck() throws SQLException {
    server.superuser(
        "app", "ALTER ROLE app IN DATABASE app SET default_transaction_read_only = off");
    try {
      DatabaseFacts facts = DatabaseProbe.probe(uri);
      assertThat(facts.fence().readWriteRoles()).containsExactly("app");
      var check = FenceChecks.evaluate(facts);
      assertThat(check.blocks()).isTrue();
      assertThat(check.message).contains("role(s) app turn default_transaction_read_only off");
    } finally {
      server.superuser("app", "ALTER ROLE app IN DATABASE app RESET default_transaction_read_only");
    }
    assertThat(FenceChecks.evaluate(DatabaseProbe.probe(uri)).blocks()).isFalse();
  }
}
