package io.pgmigration.operator.db;

import io.pgmigration.operator.db.OnlineVerification.TableKeys;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The follow-up checks of the verification while Ready: between two rounds of {@link ChunkChecks},
 * the rows the destination's change log holds since the last check are checked again, by their
 * keys, every few seconds, as chunks of a set of keys written under the same short lock. What the
 * switch-over still has to compare is then the rows changed in the last seconds, not since the last
 * round ({@link ChangedRows}). A check of key set K written when the change log stood at position X
 * holds for every row changed up to X: each was in K, agreed at the point of the stream where its
 * chunk was applied (after X), and any later change is logged after X.
 *
 * <p>Tables without a key, and truncations, are left to the switch-over, which compares them whole.
 */
public final class FollowUpChecks {
  /** Keys per chunk: the source's writes to the table wait while one is summarized. */
  public static final int CHUNK_KEYS = 2_000;

  private FollowUpChecks() {}

  /**
   * A follow-up's outcome.
   *
   * @param target the change-log position it covers once its chunks agree
   * @param chunks chunks written on the source (0: nothing changed since {@code from})
   * @param busy the table whose lock could not be had in time (null when none): the follow-up is to
   *     be taken again
   * @param unknown a changed table the source has no key for (null when none): the follow-up is not
   *     taken, and the switch-over compares those rows
   */
  public record Follow(long target, int chunks, String busy, String unknown) {}

  /**
   * Writes, as round {@code -step}, a chunk for each {@link #CHUNK_KEYS} keys changed on the
   * destination after change-log position {@code from}.
   */
  public static Follow follow(
      Connection source, Connection destination, long from, int step, boolean checksums)
      throws SQLException {
    long target = target(destination);
    if (target <= from) {
      return new Follow(from, 0, null, null);
    }
    List<String[]> batches = batches(destination, from, target);
    Map<String, TableKeys> keyed = new TreeMap<>();
    for (TableKeys t : OnlineVerification.tables(source)) {
      if (!t.keys().isEmpty()) {
        keyed.put(t.table(), t);
      }
    }
    for (String[] b : batches) {
      if (!keyed.containsKey(b[0])) {
        return new Follow(target, 0, null, b[0]);
      }
    }
    int chunk = 0;
    String table = null;
    for (String[] b : batches) {
      chunk = b[0].equals(table) ? chunk - 1 : -1;
      table = b[0];
      TableKeys t = keyed.get(table);
      ChunkChecks.Chunk c =
          new ChunkChecks.Chunk(table, chunk, -step, 1, t.keys(), null, null, b[1], checksums);
      if (!ChunkChecks.writeLocked(source, c)) {
        return new Follow(target, 0, table, null);
      }
    }
    return new Follow(target, batches.size(), null, null);
  }

  /**
   * The change log's last position, read once no transaction is writing to it: every change up to
   * it is then committed (or gone), and any later one is logged after it. Read without the lock, a
   * change made by hand on the destination could commit after a later position was read, and be
   * skipped. The apply worker waits for the lock a few milliseconds at most.
   */
  private static long target(Connection destination) throws SQLException {
    destination.setAutoCommit(false);
    try (Statement s = destination.createStatement()) {
      s.execute("SET LOCAL lock_timeout = '1s'");
      s.execute("LOCK TABLE " + OnlineVerification.CHANGES + " IN SHARE MODE");
      try (ResultSet r =
          s.executeQuery("SELECT coalesce(max(id), 0) FROM " + OnlineVerification.CHANGES)) {
        r.next();
        long target = r.getLong(1);
        destination.commit();
        return target;
      }
    } catch (SQLException e) {
      destination.rollback();
      throw e;
    } finally {
      destination.setAutoCommit(true);
    }
  }

  /** The keys changed in (from, to], table by table, as JSON arrays of {@link #CHUNK_KEYS}. */
  private static List<String[]> batches(Connection destination, long from, long to)
      throws SQLException {
    List<String[]> out = new ArrayList<>();
    try (PreparedStatement s =
        destination.prepareStatement(
            "SELECT tbl, jsonb_agg(to_jsonb(key))::text FROM (SELECT tbl, key,"
                + " (row_number() OVER (PARTITION BY tbl ORDER BY key) - 1) / "
                + CHUNK_KEYS
                + " AS batch FROM (SELECT DISTINCT tbl, key FROM "
                + OnlineVerification.CHANGES
                + " WHERE id > ? AND id <= ? AND key IS NOT NULL) c) b"
                + " GROUP BY tbl, batch ORDER BY tbl, batch")) {
      s.setLong(1, from);
      s.setLong(2, to);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(new String[] {r.getString(1), r.getString(2)});
        }
      }
    }
    return out;
  }
}
