package io.pgmigration.operator.live;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Calls to the API server for several workloads at once, while the app is down: one after the
 * other, each would add its round trip to the downtime.
 */
final class AtOnce {
  /** Up to four threads; idle ones end after a minute. */
  private static final ExecutorService THREADS = threads();

  private AtOnce() {}

  /** Runs every one of {@code each}; their results in order. The first failure is thrown. */
  static <T> List<T> all(List<Supplier<List<T>>> each) {
    List<CompletableFuture<List<T>>> running = new ArrayList<>();
    for (Supplier<List<T>> one : each) {
      running.add(CompletableFuture.supplyAsync(one, THREADS));
    }
    List<T> out = new ArrayList<>();
    for (CompletableFuture<List<T>> f : running) {
      try {
        out.addAll(f.join());
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    return out;
  }

  private static ExecutorService threads() {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            4,
            4,
            1,
            TimeUnit.MINUTES,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "pgmo-workloads");
              t.setDaemon(true);
              return t;
            });
    // Four at once: with no core threads, a pool on an unbounded queue runs one at a time.
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
