package io.pgmigration.operator.db;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The destination's side of a round of {@link ChunkChecks}: each chunk's summaries, the source's as
 * replicated and the destination's as its trigger computed them at the same point of the stream,
 * read back and compared.
 */
public final class ChunkResults {
  private ChunkResults() {}

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
    /** "table#chunk", as {@link ChunkChecks#recheck} takes it. */
    public String id() {
      return table + "#" + chunk;
    }

    /** What differs, in words. */
    public String detail() {
      String where =
          chunk < 0
              ? " (among the rows changed since the last check)"
              : lo == null && hi == null
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

  private static List<String> list(Array a) throws SQLException {
    return a == null ? null : List.of((String[]) a.getArray());
  }
}
