package io.pgmigration.operator.live;

import io.pgmigration.operator.db.DatabaseProbe;
import io.pgmigration.operator.secrets.PostgresUri;
import java.sql.Connection;
import java.sql.SQLException;
import org.jboss.logging.Logger;

/**
 * Database work on behalf of a port: sessions opened and closed around it, and a SQLException
 * turned into an unchecked error naming what was attempted, for the phase machine to judge.
 */
final class Sql {
  private static final Logger LOG = Logger.getLogger(Sql.class);

  private Sql() {}

  /** Work that may throw SQLException. */
  @FunctionalInterface
  interface Call<T> {
    T run() throws SQLException;
  }

  /** Work on one session. */
  @FunctionalInterface
  interface OnOne<T> {
    T run(Connection session) throws SQLException;
  }

  /** Work on a source and a destination session. */
  @FunctionalInterface
  interface OnBoth<T> {
    T run(Connection source, Connection destination) throws SQLException;
  }

  /** Runs {@code call}; its SQLException becomes "could not {@code what}: …". */
  static <T> T run(String what, Call<T> call) {
    long began = System.nanoTime();
    try {
      return call.run();
    } catch (SQLException e) {
      throw new IllegalStateException("could not " + what + ": " + e.getMessage(), e);
    } finally {
      LOG.debugf("%s: %d ms", what, (System.nanoTime() - began) / 1_000_000);
    }
  }

  /** {@link #run} with a session on {@code database}, closed afterwards. */
  static <T> T on(PostgresUri database, String what, OnOne<T> call) {
    return run(
        what,
        () -> {
          try (Connection c = DatabaseProbe.connect(database)) {
            return call.run(c);
          }
        });
  }

  /** {@link #run} with a session on each database, closed afterwards. */
  static <T> T onBoth(PostgresUri source, PostgresUri destination, String what, OnBoth<T> call) {
    return run(
        what,
        () -> {
          try (Connection src = DatabaseProbe.connect(source);
              Connection dst = DatabaseProbe.connect(destination)) {
            return call.run(src, dst);
          }
        });
  }
}
