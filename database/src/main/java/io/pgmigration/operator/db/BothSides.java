package io.pgmigration.operator.db;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The same read on the source and on the destination at once: each side reads its own server, so a
 * comparison waits for the slower one only.
 */
final class BothSides {
  /**
   * Threads for the source sides (and other reads {@link #start}ed), one per read under way: the
   * common pool has a single thread on two cores, and one migration's long read would hold up every
   * other's.
   */
  private static final ExecutorService SOURCE_SIDES =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "pgmo-source-side");
            t.setDaemon(true);
            return t;
          });

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
    CompletableFuture<T> sourceSide = start(source);
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

  /**
   * Starts {@code read} on a thread of its own; its SQLException comes out of the future as the
   * cause of a CompletionException.
   */
  static <T> CompletableFuture<T> start(Read<T> read) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return read.run();
          } catch (SQLException e) {
            throw new CompletionException(e);
          }
        },
        SOURCE_SIDES);
  }

  /** What {@code f} returned, or the SQLException or RuntimeException it threw. */
  static <T> T joined(CompletableFuture<T> f) throws SQLException {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }
}
