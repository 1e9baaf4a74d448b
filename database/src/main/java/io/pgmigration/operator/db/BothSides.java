package io.pgmigration.operator.db;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The same read on the source and on the destination at once: each side reads its own server, so a
 * comparison waits for the slower one only.
 */
final class BothSides {
  private BothSides() {}

  /** A read of one side. */
  @FunctionalInterface
  interface Read<T> {
    T run() throws SQLException;
  }

  /** What each side read. */
  record Pair<T>(T source, T destination) {}

  /** Runs {@code source} on another thread and {@code destination} on this one. */
  static <T> Pair<T> read(Read<T> source, Read<T> destination) throws SQLException {
    CompletableFuture<T> sourceSide =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return source.run();
              } catch (SQLException e) {
                throw new CompletionException(e);
              }
            });
    T destinationSide = destination.run();
    try {
      return new Pair<>(sourceSide.join(), destinationSide);
    } catch (CompletionException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw e;
    }
  }
}
