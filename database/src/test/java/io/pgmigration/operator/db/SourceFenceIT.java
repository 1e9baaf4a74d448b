package io.pgmigration.operator.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

      assertThat(SourceFence.fence(uri)).isEmpty();
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
    assertThat(SourceFence.fence(uri)).isEmpty();

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
      assertThat(SourceFence.fence(uri)).singleElement().asString().startsWith("postgres@");
    } finally {
      SourceFence.lift(uri);
    }
  }
}
