package io.pgmigration.operator.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgmigration.operator.secrets.PostgresUri;
import io.pgmigration.operator.testing.PostgresServer;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The verification while Ready between two real servers, with the app writing all along: every
 * chunk compared at the same point of the replication stream agrees, a row changed by hand on the
 * destination is found and found again, the switch-over compares only what changed since the round,
 * and nothing is left on either server afterwards.
 */
class OnlineVerificationIT {
  private static final String NAME =
      LogicalReplication.name("5d0c9a43-1b7e-4f2a-8c61-0e9b7a3f2d15");

  @Test
  void agreesUnderWritesFindsAHandChangeAndLeavesNothing() throws Exception {
    try (PostgresServer source = PostgresServer.logical();
        PostgresServer destination = PostgresServer.start()) {
      LogicalReplicationIT.prepare(
          source,
          destination,
          "CREATE TABLE big (id int PRIMARY KEY, v text)",
          "INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 25000) g",
          "CREATE TABLE pairs (a int, b text, v int, PRIMARY KEY (a, b))",
          "INSERT INTO pairs SELECT g % 7, g::text, g FROM generate_series(1, 12000) g",
          "CREATE TABLE log (msg text)",
          "ALTER TABLE log REPLICA IDENTITY FULL");
      PostgresUri srcUri = PostgresUri.parse(source.uri());
      try (Connection src = DatabaseProbe.connect(srcUri);
          Connection dst = DatabaseProbe.connect(PostgresUri.parse(destination.superuserUri()))) {
        LogicalReplication.publish(src, NAME);
        LogicalReplication.subscribe(dst, NAME, LogicalReplicationIT.conninfo(source));
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  var sub = LogicalReplication.subscription(dst, NAME);
                  return sub.tables() > 0 && sub.synced() == sub.tables() && sub.running();
                });
        OnlineVerification.prepareDestination(dst, OnlineVerification.tables(dst));
        OnlineVerification.prepareSource(src, NAME);
        OnlineVerification.prepareSource(src, NAME);
        // As the operator does it: a probe written before the subscription takes the table in
        // is skipped by the destination, so it is written again until it arrives.
        ChunkChecks.probe(src);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  OnlineVerification.refreshSubscription(dst, NAME);
                  ChunkChecks.probe(src);
                  return ChunkChecks.armed(dst);
                });

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong writes = new AtomicLong();
        Thread writer = new Thread(() -> write(srcUri, writing, writes));
        writer.start();
        try {
          ChunkResults.Round first = round(src, dst, 1, true);
          assertThat(first.differences()).isEmpty();
          assertThat(writes.get()).isPositive();
          // The rows changed since the round, checked again by their keys, agree.
          FollowUpChecks.Follow follow = followUp(src, dst, first.covered(), 1);
          assertThat(follow.chunks()).isPositive();
          assertThat(follow.target()).isGreaterThan(first.covered());
          assertThat(ChunkResults.results(dst, -1).differences()).isEmpty();

          // A row changed by hand on the destination, where no write of the app goes.
          try (Statement s = dst.createStatement()) {
            s.execute("UPDATE big SET v = 'changed by hand' WHERE id = 5");
          }
          ChunkResults.Round second = round(src, dst, 2, true);
          assertThat(second.differences())
              .singleElement()
              .satisfies(
                  d -> {
                    assertThat(d.table()).isEqualTo("public.big");
                    assertThat(d.chunk()).isZero();
                    assertThat(d.detail()).startsWith("checksum of the rows differs");
                  });
          assertThat(ChunkChecks.recheck(src, java.util.List.of(second.differences().get(0).id())))
              .isEqualTo(1);
          await()
              .atMost(Duration.ofSeconds(30))
              .untilAsserted(
                  () ->
                      assertThat(ChunkResults.results(dst, 2).differences())
                          .singleElement()
                          .satisfies(d -> assertThat(d.attempt()).isEqualTo(2)));
          // The follow-up finds the hand change too, among the changed rows.
          followUp(src, dst, follow.target(), 2);
          assertThat(ChunkResults.results(dst, -2).differences())
              .singleElement()
              .satisfies(
                  d -> {
                    assertThat(d.table()).isEqualTo("public.big");
                    assertThat(d.detail()).contains("among the rows changed since the last check");
                  });

          writing.set(false);
          writer.join();
          String lsn = LogicalReplication.position(src);
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> LogicalReplication.behind(src, NAME, lsn) == 0);
          // Since the first round: the app's writes and the hand change, and nothing else.
          ChangedRows.Result changed = ChangedRows.compare(src, dst, first.covered(), 0, true);
          assertThat(changed.rows()).isPositive();
          assertThat(changed.wholeTables()).isEqualTo(1);
          assertThat(changed.mismatches())
              .singleElement()
              .satisfies(m -> assertThat(m.table).isEqualTo("public.big"));
          // After the first follow-up, fewer keyed rows are left; the hand change among them.
          ChangedRows.Result followed =
              ChangedRows.compare(src, dst, first.covered(), follow.target(), true);
          assertThat(followed.rows()).isLessThan(changed.rows());
          assertThat(followed.wholeTables()).isEqualTo(1);
          assertThat(followed.mismatches())
              .singleElement()
              .satisfies(m -> assertThat(m.table).isEqualTo("public.big"));
          try (Statement s = dst.createStatement()) {
            s.execute("UPDATE big SET v = md5('5') WHERE id = 5");
          }
          assertThat(ChangedRows.compare(src, dst, first.covered(), 0, true).mismatches())
              .isEmpty();
          assertThat(ChangedRows.compare(src, dst, first.covered(), 0, false).mismatches())
              .isEmpty();
          // The keyless table, compared whole by the cheaper hash both servers compute alike: a
          // row changed by hand keeps the count and changes the hash.
          assertThat(WholeTables.sameFastHash(src, dst)).isTrue();
          try (Statement s = dst.createStatement()) {
            s.execute("UPDATE log SET msg = 'by hand' WHERE msg = 'write 1'");
          }
          assertThat(ChangedRows.compare(src, dst, first.covered(), 0, true).mismatches())
              .singleElement()
              .satisfies(
                  m -> {
                    assertThat(m.table).isEqualTo("public.log");
                    assertThat(m.detail).startsWith("checksum of the rows differs");
                  });
          try (Statement s = dst.createStatement()) {
            s.execute("UPDATE log SET msg = 'write 1' WHERE msg = 'by hand'");
          }
          assertThat(ChangedRows.compare(src, dst, first.covered(), 0, true).mismatches())
              .isEmpty();
          // From the log's last position on, nothing changed: not even the keyless table.
          long last;
          try (Statement s = dst.createStatement();
              var r = s.executeQuery("SELECT max(id) FROM " + OnlineVerification.CHANGES)) {
            r.next();
            last = r.getLong(1);
          }
          ChangedRows.Result none = ChangedRows.compare(src, dst, last, 0, true);
          assertThat(none.tables()).isZero();
          assertThat(none.wholeTables()).isZero();
        } finally {
          writing.set(false);
          writer.join();
        }

        assertThat(LogicalReplication.drop(dst, src, NAME))
            .anyMatch(d -> d.startsWith("the verification's triggers on "))
            .contains("schema pgmo_verify on the destination", "schema pgmo_verify on the source");
        for (Connection c : java.util.List.of(src, dst)) {
          assertThat(
                  DatabaseProbe.exists(
                      c, "SELECT 1 FROM pg_namespace WHERE nspname = ?", "pgmo_verify"))
              .isFalse();
          assertThat(
                  DatabaseProbe.exists(
                      c, "SELECT 1 FROM pg_trigger WHERE tgname LIKE ?", "pgmo\\_verify%"))
              .isFalse();
        }
      }
    }
  }

  /** A whole round of checks, then its results once the destination has applied every chunk. */
  private static ChunkResults.Round round(
      Connection src, Connection dst, int round, boolean checksums) throws Exception {
    ChunkChecks.Cursor cursor = ChunkChecks.Cursor.start(round);
    ChunkChecks.Slice slice;
    do {
      slice = ChunkChecks.check(src, cursor, checksums, Duration.ofMillis(200));
      cursor = slice.next();
    } while (!slice.done());
    int checked = cursor.checked();
    // big: 25 000 rows in 3 chunks; customers, orders … one chunk each; log whole.
    assertThat(checked).isGreaterThanOrEqualTo(5);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ChunkResults.results(dst, round).applied() == checked);
    return ChunkResults.results(dst, round);
  }

  /** A follow-up check from change {@code from} on, once the destination has applied it. */
  private static FollowUpChecks.Follow followUp(Connection src, Connection dst, long from, int step)
      throws Exception {
    FollowUpChecks.Follow f;
    do {
      f = FollowUpChecks.follow(src, dst, from, step, true);
    } while (f.busy() != null);
    assertThat(f.unknown()).isNull();
    int chunks = f.chunks();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ChunkResults.results(dst, -step).applied() == chunks);
    return f;
  }

  /** The app: updates and inserts in every kind of table, away from the row changed by hand. */
  private static void write(PostgresUri uri, AtomicBoolean writing, AtomicLong writes) {
    try (Connection c = DatabaseProbe.connect(uri);
        Statement s = c.createStatement()) {
      int i = 0;
      while (writing.get()) {
        i++;
        s.execute("UPDATE big SET v = md5(random()::text) WHERE id = " + (100 + i % 20000));
        s.execute("INSERT INTO big VALUES (" + (30000 + i) + ", 'new')");
        s.execute(
            "UPDATE pairs SET v = v + 1 WHERE a = "
                + (i % 7)
                + " AND b = '"
                + (i * 7 % 12000)
                + "'");
        s.execute("INSERT INTO log VALUES ('write " + i + "')");
        writes.incrementAndGet();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
