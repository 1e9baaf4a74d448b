package io.pgmigration.operator.db;

import io.pgmigration.operator.db.OnlineVerification.TableKeys;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The rounds of the verification while Ready ({@link OnlineVerification}): the source checks its
 * tables chunk by chunk, a slice at a time, and the destination's summaries of the same chunks are
 * read back once it has applied them.
 */
public final class ChunkChecks {
  /** Rows per chunk: a few milliseconds of the source's writes wait while one is summarized. */
  public static final int CHUNK_ROWS = 10_000;

  /** How long a chunk waits for its table's lock before the slice ends, to be tried again. */
  static final String LOCK_TIMEOUT = "100ms";

  /**
   * A chunk's row is deleted and inserted again rather than updated: logical replication skips,
   * without a word, an update of a row the destination does not have (one written before the
   * subscription took in the table), while an insert always arrives.
   */
  private static final String DELETE =
      "DELETE FROM " + OnlineVerification.CHUNKS + " WHERE tbl = ? AND chunk = ?";

  private static final String INSERT =
      "WITH c (tbl, chunk, round, attempt, keys, lo, hi, keyset, checksums) AS ("
          + "SELECT ?::text, ?::int, ?::int, ?::int, ?::text[], ?::text[], ?::text[], ?::jsonb,"
          + " ?::boolean) INSERT INTO "
          + OnlineVerification.CHUNKS
          + " (tbl, chunk, round, attempt, keys, lo, hi, keyset, checksums, src_rows, src_hash,"
          + " checked_at) SELECT c.*, s.n, s.h, clock_timestamp() FROM c,"
          + " pgmo_verify.summarize(c.tbl::regclass, c.keys, c.lo, c.hi, c.keyset, c.checksums) s";

  private ChunkChecks() {}

  /**
   * Where a round stands: the next chunk to check is number {@code chunk} of {@code table}, from
   * key {@code after} on (null: from its first row); {@code table} null means the first table.
   * {@code checked} chunks of the round are written.
   */
  public record Cursor(int round, String table, List<String> after, int chunk, int checked) {
    /** The start of round {@code round}. */
    public static Cursor start(int round) {
      return new Cursor(round, null, null, 0, 0);
    }
  }

  /**
   * A slice's outcome: the cursor to go on from, whether the round's every chunk is written, and
   * the table whose lock could not be had in time (null when none).
   */
  public record Slice(Cursor next, boolean done, String busy, int tables) {}

  /**
   * Checks chunks of the source from {@code from} on for about {@code budget}: each in its own
   * transaction that locks the chunk's table in SHARE mode, so the summary it writes holds at the
   * commit.
   */
  public static Slice check(Connection source, Cursor from, boolean checksums, Duration budget)
      throws SQLException {
    List<TableKeys> tables = OnlineVerification.tables(source);
    int i = 0;
    while (from.table() != null
        && i < tables.size()
        && tables.get(i).table().compareTo(from.table()) < 0) {
      i++;
    }
    boolean resume =
        from.table() != null && i < tables.size() && tables.get(i).table().equals(from.table());
    List<String> lo = resume ? from.after() : null;
    int chunk = resume ? from.chunk() : 0;
    int checked = from.checked();
    Instant deadline = Instant.now().plus(budget);
    while (i < tables.size()) {
      TableKeys t = tables.get(i);
      if (!Instant.now().isBefore(deadline)) {
        return new Slice(
            new Cursor(from.round(), t.table(), lo, chunk, checked), false, null, tables.size());
      }
      List<String> hi = t.keys().isEmpty() ? null : nextBound(source, t, lo);
      if (!checkChunk(source, t, chunk, from.round(), lo, hi, checksums)) {
        return new Slice(
            new Cursor(from.round(), t.table(), lo, chunk, checked),
            false,
            t.table(),
            tables.size());
      }
      checked++;
      if (hi == null) {
        i++;
        lo = null;
        chunk = 0;
      } else {
        lo = hi;
        chunk++;
      }
    }
    return new Slice(new Cursor(from.round(), null, null, 0, checked), true, null, tables.size());
  }

  /** The key {@link #CHUNK_ROWS} rows after {@code lo}: the end of the chunk; null at the end. */
  private static List<String> nextBound(Connection source, TableKeys t, List<String> lo)
      throws SQLException {
    String sql =
        "SELECT "
            + String.join(", ", t.columns().stream().map(c -> c + "::text").toList())
            + " FROM ONLY "
            + t.table()
            + " t"
            + (lo == null ? "" : " WHERE " + t.keyRow() + " >= " + t.parameters())
            + " ORDER BY "
            + String.join(", ", t.columns())
            + " OFFSET "
            + CHUNK_ROWS
            + " LIMIT 1";
    try (PreparedStatement s = source.prepareStatement(sql)) {
      if (lo != null) {
        for (int k = 0; k < lo.size(); k++) {
          s.setString(k + 1, lo.get(k));
        }
      }
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return null;
        }
        List<String> out = new ArrayList<>();
        for (int k = 1; k <= t.keys().size(); k++) {
          out.add(r.getString(k));
        }
        return out;
      }
    }
  }

  /** One chunk, summarized and written under its table's lock; false when the lock was busy. */
  private static boolean checkChunk(
      Connection source,
      TableKeys t,
      int chunk,
      int round,
      List<String> lo,
      List<String> hi,
      boolean checksums)
      throws SQLException {
    return writeLocked(
        source, new Chunk(t.table(), chunk, round, 1, t.keys(), lo, hi, null, checksums));
  }

  /**
   * Writes a chunk's row in its own transaction that locks the chunk's table in SHARE mode, so the
   * summary holds at the commit; false when the lock was busy.
   */
  static boolean writeLocked(Connection source, Chunk c) throws SQLException {
    source.setAutoCommit(false);
    try (Statement s = source.createStatement()) {
      s.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
      s.execute("LOCK TABLE ONLY " + c.table() + " IN SHARE MODE");
      write(source, c);
      source.commit();
      return true;
    } catch (SQLException e) {
      source.rollback();
      if ("55P03".equals(e.getSQLState())) {
        return false;
      }
      throw e;
    } finally {
      source.setAutoCommit(true);
    }
  }

  /**
   * A chunk's bounds, as its row in the bookkeeping table holds them: a key range, or a set of keys
   * ({@code keyset}, a JSON array of keys, for {@link FollowUpChecks}).
   */
  record Chunk(
      String table,
      int chunk,
      int round,
      int attempt,
      List<String> keys,
      List<String> lo,
      List<String> hi,
      String keyset,
      boolean checksums) {}

  /** Writes the chunk's row, with the source's summary of it, in the caller's transaction. */
  static void write(Connection source, Chunk c) throws SQLException {
    try (PreparedStatement delete = source.prepareStatement(DELETE);
        PreparedStatement insert = source.prepareStatement(INSERT)) {
      delete.setString(1, c.table());
      delete.setInt(2, c.chunk());
      delete.executeUpdate();
      int p = 1;
      insert.setString(p++, c.table());
      insert.setInt(p++, c.chunk());
      insert.setInt(p++, c.round());
      insert.setInt(p++, c.attempt());
      insert.setArray(p++, source.createArrayOf("text", c.keys().toArray()));
      insert.setArray(p++, c.lo() == null ? null : source.createArrayOf("text", c.lo().toArray()));
      insert.setArray(p++, c.hi() == null ? null : source.createArrayOf("text", c.hi().toArray()));
      insert.setString(p++, c.keyset());
      insert.setBoolean(p, c.checksums());
      insert.executeUpdate();
    }
  }

  /**
   * Checks again, on the source, the chunks {@code chunks} ("table#chunk") of the round: each gets
   * its next attempt. Returns how many were rechecked; a busy lock leaves the rest for later.
   */
  public static int recheck(Connection source, List<String> chunks) throws SQLException {
    int done = 0;
    for (String id : chunks) {
      int hash = id.lastIndexOf('#');
      String table = id.substring(0, hash);
      source.setAutoCommit(false);
      try (Statement s = source.createStatement();
          PreparedStatement read =
              source.prepareStatement(
                  "SELECT round, attempt, keys, lo, hi, keyset::text, checksums FROM "
                      + OnlineVerification.CHUNKS
                      + " WHERE tbl = ? AND chunk = ?")) {
        s.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
        s.execute("LOCK TABLE ONLY " + table + " IN SHARE MODE");
        int chunk = Integer.parseInt(id.substring(hash + 1));
        read.setString(1, table);
        read.setInt(2, chunk);
        try (ResultSet r = read.executeQuery()) {
          if (r.next()) {
            write(
                source,
                new Chunk(
                    table,
                    chunk,
                    r.getInt(1),
                    r.getInt(2) + 1,
                    list(r.getArray(3)),
                    list(r.getArray(4)),
                    list(r.getArray(5)),
                    r.getString(6),
                    r.getBoolean(7)));
          }
        }
        source.commit();
        done++;
      } catch (SQLException e) {
        source.rollback();
        if ("55P03".equals(e.getSQLState())) {
          return done;
        }
        throw e;
      } finally {
        source.setAutoCommit(true);
      }
    }
    return done;
  }

  /**
   * Whether the destination has applied the source's probe row: the subscription has taken in the
   * bookkeeping table, and a round may begin.
   */
  public static boolean armed(Connection destination) throws SQLException {
    return DatabaseProbe.exists(
        destination, "SELECT 1 FROM " + OnlineVerification.CHUNKS + " WHERE tbl = ?", "");
  }

  /**
   * Writes the probe row (again) on the source, once the subscription has been told to take in the
   * bookkeeping table; {@link #armed} sees it when it arrives.
   */
  public static void probe(Connection source) throws SQLException {
    try (Statement s = source.createStatement()) {
      s.execute("DELETE FROM " + OnlineVerification.CHUNKS + " WHERE tbl = ''");
      s.execute(
          "INSERT INTO "
              + OnlineVerification.CHUNKS
              + " (tbl, chunk, round, attempt, keys, checksums) VALUES ('', 0, 0, 1, '{}', false)");
    }
  }

  private static List<String> list(Array a) throws SQLException {
    return a == null ? null : List.of((String[]) a.getArray());
  }
}
