package io.pgmigration.operator.copy;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.VerificationMode;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.db.CopyVerifier;
import io.pgmigration.operator.secrets.PostgresUri;
import io.pgmigration.operator.testing.Manifests;
import io.pgmigration.operator.testing.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The copy Job's pods as they run in the cluster, here with the machine's pg_dump and psql between
 * two real servers, on the quickstart's seed data plus a large object: one pod, or two at once that
 * must agree on who restores the schema and who builds the indexes. The verifier then finds no
 * difference, and the copy's bookkeeping is gone.
 */
class CopyPodIT {
  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void podsOfTheCopyJobCopyEverythingTheVerifierLooksAt(int pods) throws Exception {
    try (PostgresServer source = PostgresServer.start();
        PostgresServer destination = PostgresServer.start()) {
      source.app(Files.readString(Manifests.repo().resolve("examples/quickstart/seed.sql")));
      source.app("SELECT lo_from_bytea(0, 'an invoice scan')");
      // The source is fenced while it is copied: the copy must work read-only.
      source.superuser("postgres", "ALTER DATABASE app SET default_transaction_read_only = on");

      List<String> log = new CopyOnWriteArrayList<>();
      // Every command line on this machine while the copy runs, as ps in the copy pod shows them.
      CommandLines commandLines = CommandLines.watch();
      List<CompletableFuture<DataCopy.Result>> running = new ArrayList<>();
      for (int i = 0; i < pods; i++) {
        int index = i;
        Path work = Files.createTempDirectory("pgmo-copy-");
        CopyPod pod =
            new CopyPod(
                PostgresUri.parse(source.uri()),
                PostgresUri.parse(destination.uri()),
                io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership.Preserve,
                Map.of(
                    "SOURCE_URL", source.uri(),
                    "DESTINATION_URL", destination.uri(),
                    "WORK_DIR", work.toString(),
                    "JOBS", "2"),
                line -> log.add(index + ": " + line));
        running.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    // Tiny chunks, so the pods have several items each to share.
                    return pod.run(new DataCopy.Options(2, 8 << 10, index, pods, -1));
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }));
      }
      int items = 0;
      for (var pod : running) {
        items += pod.get(120, TimeUnit.SECONDS).items();
      }
      assertThat(items).as(String.join("\n", log)).isGreaterThanOrEqualTo(5);

      PostgresMigrationStatus.Verification v =
          CopyVerifier.compare(
              PostgresUri.parse(source.uri()),
              PostgresUri.parse(destination.uri()),
              VerificationMode.Checksums,
              io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership.Preserve,
              true,
              true,
              java.time.Duration.ofMinutes(5));
      assertThat(v.mismatches).isEmpty();
      assertThat(v.tablesCompared).isEqualTo(5);
      assertThat(v.sequencesCompared).isEqualTo(5);
      // The view, the indexes and the large object came along too; the bookkeeping did not.
      destination.app("SELECT count(*) FROM customer_order_totals");
      assertThat(
              destination.query(
                  "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'"
                      + " UNION ALL SELECT count(*) FROM pg_largeobject_metadata"
                      + " UNION ALL SELECT count(*) FROM pg_namespace WHERE nspname = '"
                      + CopyContract.Bookkeeping.SCHEMA
                      + "'"))
          .isEqualTo(
              source.query(
                  "SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'"
                      + " UNION ALL SELECT count(*) FROM pg_largeobject_metadata"
                      + " UNION ALL SELECT 0"));
      if (pods == 2) {
        assertThat(log).anyMatch(l -> l.contains("the schema is already restored"));
      }
      assertThat(String.join("\n", log)).doesNotContain(PostgresServer.PASSWORD);
      List<String> seen = commandLines.stop();
      assertThat(seen)
          .as("the copy's own tools were seen")
          .anyMatch(l -> l.startsWith("psql ") || l.contains("/psql "))
          .anyMatch(l -> l.contains("pg_restore "));
      assertThat(seen).noneMatch(l -> l.contains(PostgresServer.PASSWORD));
    }
  }

  /** Samples {@code ps -eo args} every few milliseconds until stopped. */
  private static final class CommandLines {
    private final java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;
    private final Thread thread = new Thread(this::sample, "ps-sampler");

    static CommandLines watch() {
      CommandLines c = new CommandLines();
      c.thread.setDaemon(true);
      c.thread.start();
      return c;
    }

    private void sample() {
      while (running) {
        try {
          Process p = new ProcessBuilder("ps", "-eo", "args").start();
          for (String line :
              new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                  .split("\n")) {
            seen.add(line.strip());
          }
          p.waitFor();
        } catch (java.io.IOException e) {
          return;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    List<String> stop() throws InterruptedException {
      running = false;
      thread.join();
      return new ArrayList<>(seen);
    }
  }
}
