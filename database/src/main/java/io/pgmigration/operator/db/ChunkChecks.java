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

  private static final String UPSERT =
      "INSERT INTO "
          + OnlineVerification.CHUNKS
          + " (tbl, chunk, round, attempt, keys, lo, hi, checksums, src_rows, src_hash, checked_at)"
          + " SELECT ?, ?, ?, 1, ?, ?, ?, ?, s.n, s.h, clock_timestamp()"
          + " FROM pgmo_verify.summary(?::regclass, ?, ?, ?, ?) s"
          + " ON CONFLICT (tbl, chunk) DO UPDATE SET round = EXCLUDED.round, attempt = 1,"
          + " keys = EXCLUDED.keys, lo = EXCLUDED.lo, hi = EXCLUDED.hi,"
          + " checksums = EXCLUDED.checksums, src_rows = EXCLUDED.src_rows,"
          + " src_hash = EXCLUDED.src_hash, checked_at = EXCLUDED.checked_at";

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
    source.setAutoCommit(false);
    try (Statement s = source.createStatement();
        PreparedStatement upsert = source.prepareStatement(UPSERT)) {
      s.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
      s.execute("LOCK TABLE ONLY " + t.table() + " IN SHARE MODE");
      Array keys = source.createArrayOf("text", t.keys().toArray());
      Array from = lo == null ? null : source.createArrayOf("text", lo.toArray());
      Array to = hi == null ? null : source.createArrayOf("text", hi.toArray());
      int p = 1;
      upsert.setString(p++, t.table());
      upsert.setInt(p++, chunk);
      upsert.setInt(p++, round);
      upsert.setArray(p++, keys);
      upsert.setArray(p++, from);
      upsert.setArray(p++, to);
      upsert.setBoolean(p++, checksums);
      upsert.setString(p++, t.table());
      upsert.setArray(p++, keys);
      upsert.setArray(p++, from);
      upsert.setArray(p++, to);
      upsert.setBoolean(p, checksums);
      upsert.executeUpdate();
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
          PreparedStatement update =
              source.prepareStatement(
                  "UPDATE "
                      + OnlineVerification.CHUNKS
                      + " c SET attempt = attempt + 1, checked_at = clock_timestamp(),"
                      + " (src_rows, src_hash) = (SELECT s.n, s.h FROM pgmo_verify.summary("
                      + "c.tbl::regclass, c.keys, c.lo, c.hi, c.checksums) s)"
                      + " WHERE c.tbl = ? AND c.chunk = ?")) {
        s.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
        s.execute("LOCK TABLE ONLY " + table + " IN SHARE MODE");
        update.setString(1, table);
        update.setInt(2, Integer.parseInt(id.substring(hash + 1)));
        update.executeUpdate();
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
   * A chunk whose summaries differ on the destination.
   *
   * @param attempt how many times the source has checked it in this round
   */
  public record Difference(
      String table,
      int chunk,
      int attempt,
      List<String> lo,
      List<String> hi,
      long sourceRows,
      Long destinationRows) {
    /** "table#chunk", as {@link #recheck} takes it. */
    public String id() {
      return table + "#" + chunk;
    }

    /** What differs, in words. */
    public String detail() {
      String where =
          lo == null && hi == null
              ? ""
              : " (chunk "
                  + chunk
                  + ": keys "
                  + (lo == null ? "from the first" : "from " + lo)
                  + (hi == null ? " to the last" : " up to " + hi)
                  + ")";
      if (destinationRows == null || destinationRows < 0) {
        return "missing on the destination";
      }
      return (sourceRows != destinationRows
              ? "rows: " + sourceRows + " on the source, " + destinationRows + " on the destination"
              : "checksum of the rows differs")
          + where;
    }
  }

  /**
   * What the destination has applied of round {@code round}: how many chunks, the change-log
   * position every one of them covers (the smallest), and the chunks that differ.
   */
  public record Round(int applied, long covered, List<Difference> differences) {}

  /** The destination's view of round {@code round}. */
  public static Round results(Connection destination, int round) throws SQLException {
    int applied = 0;
    long covered = Long.MAX_VALUE;
    List<Difference> differences = new ArrayList<>();
    try (PreparedStatement s =
        destination.prepareStatement(
            "SELECT tbl, chunk, attempt, lo, hi, src_rows, dst_rows, dst_change,"
                + " src_rows IS DISTINCT FROM dst_rows OR src_hash IS DISTINCT FROM dst_hash"
                + " FROM "
                + OnlineVerification.CHUNKS
                + " WHERE round = ? ORDER BY tbl, chunk")) {
      s.setInt(1, round);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          applied++;
          covered = Math.min(covered, r.getLong(8));
          if (r.getBoolean(9)) {
            Long dst = r.getObject(7) == null ? null : r.getLong(7);
            differences.add(
                new Difference(
                    r.getString(1),
                    r.getInt(2),
                    r.getInt(3),
                    list(r.getArray(4)),
                    list(r.getArray(5)),
                    r.getLong(6),
                    dst));
          }
        }
      }
    }
    return new Round(applied, applied == 0 ? 0 : covered, differences);
  }

  /**
   * Writes (again) the source's probe row, and tells whether the destination has applied it: the
   * subscription takes in the bookkeeping table then, and a round may begin.
   */
  public static boolean armed(Connection source, Connection destination) throws SQLException {
    if (DatabaseProbe.exists(
        destination, "SELECT 1 FROM " + OnlineVerification.CHUNKS + " WHERE tbl = ?", "")) {
      return true;
    }
    try (Statement s = source.createStatement()) {
      s.execute(
          "INSERT INTO "
              + OnlineVerification.CHUNKS
              + " (tbl, chunk, round, attempt, keys, checksums) VALUES ('', 0, 0, 1, '{}', false)"
              + " ON CONFLICT (tbl, chunk) DO UPDATE SET attempt = "
              + OnlineVerification.CHUNKS
              + ".attempt + 1");
    }
    return false;
  }

  private static List<String> list(Array a) throws SQLException {
    return a == null ? null : List.of((String[]) a.getArray());
  }
}
