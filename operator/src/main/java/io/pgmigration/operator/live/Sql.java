package io.pgmigration.operator.live;

import io.pgmigration.operator.db.DatabaseProbe;
import io.pgmigration.operator.secrets.PostgresUri;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * Database work on behalf of a port: sessions opened and closed around it, and a SQLException
 * turned into an unchecked error naming what was attempted, for the phase machine to judge.
 */
final class Sql {
  private static final Logger LOG = Logger.getLogger(Sql.class);

  /** Threads that open destination sessions, one per session being opened; idle ones end. */
  private static final ExecutorService CONNECTING =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "pgmo-connect");
            t.setDaemon(true);
            return t;
          });

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

  /**
   * {@link #run} with a session on each database, both opened at once (each login is a round trip
   * and a password hash on the server), closed afterwards.
   */
  static <T> T onBoth(PostgresUri source, PostgresUri destination, String what, OnBoth<T> call) {
    return run(
        what,
        () -> {
          CompletableFuture<Connection> opening =
              CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return DatabaseProbe.connect(destination);
                    } catch (SQLException e) {
                      throw new CompletionException(e);
                    }
                  },
                  CONNECTING);
          Connection src;
          try {
            src = DatabaseProbe.connect(source);
          } catch (SQLException | RuntimeException e) {
            // The destination's session, should it open, is closed rather than left behind.
            opening.thenAccept(Sql::closeQuietly);
            throw e;
          }
          try (src;
              Connection dst = opened(opening)) {
            return call.run(src, dst);
          }
        });
  }

  private static Connection opened(CompletableFuture<Connection> opening) throws SQLException {
    try {
      return opening.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // Only closing what was not used.
    }
  }
}
