package io.pgmigration.operator.db;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Progress;
import io.pgmigration.operator.secrets.PostgresUri;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How far a copy has come, read from the two databases: the source's user tables and their sizes
 * (it is fenced, so they stand still) against the destination's tables, and the COPY the
 * destination is running now ({@code pg_stat_progress_copy}).
 *
 * <p>A table counts as done once it exists on the destination with data, or the source table is
 * empty, and no COPY into it is running. Bytes are the source's table sizes: a done table counts in
 * full, a table being copied counts with the bytes its COPY has read so far (capped at its size).
 * The percentage stops at 99 until the Job has finished, since indexes and constraints are built
 * after the data.
 */
public final class CopyProgress {
  private CopyProgress() {}

  /** Reads the progress of the copy from {@code source} into {@code destination}. */
  public static Progress read(PostgresUri source, PostgresUri destination) throws SQLException {
    try (Connection src = DatabaseProbe.connect(source);
        Connection dst = DatabaseProbe.connect(destination)) {
      Progress p = compute(sizes(src), sizes(dst), copying(dst));
      p.rowsDone = rows(dst);
      return p;
    }
  }

  /**
   * Rows written into the destination so far: the inserts its statistics count in the user tables
   * (the destination was empty, and a COPY counts there once its transaction ends), plus the rows
   * of each COPY still running.
   */
  private static long rows(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT (SELECT coalesce(sum(n_tup_ins), 0) FROM pg_stat_user_tables)"
                    + " + (SELECT coalesce(sum(tuples_processed), 0) FROM pg_stat_progress_copy"
                    + " WHERE datname = current_database() AND command = 'COPY FROM')")) {
      r.next();
      return r.getLong(1);
    }
  }

  /**
   * The progress, from table name to size on each side, and table name to bytes read by a running
   * COPY.
   */
  public static Progress compute(
      Map<String, Long> source, Map<String, Long> destination, Map<String, Long> copying) {
    long bytesTotal = 0;
    long bytesDone = 0;
    int tablesDone = 0;
    for (Map.Entry<String, Long> table : source.entrySet()) {
      long size = table.getValue();
      bytesTotal += size;
      Long there = destination.get(table.getKey());
      Long running = copying.get(table.getKey());
      if (running != null) {
        bytesDone += Math.min(running, size);
      } else if (there != null && (there > 0 || size == 0)) {
        tablesDone++;
        bytesDone += size;
      }
    }
    Progress p = new Progress();
    p.tablesTotal = source.size();
    p.tablesDone = tablesDone;
    p.bytesTotal = bytesTotal;
    p.bytesDone = bytesDone;
    p.percent =
        bytesTotal == 0
            ? (source.isEmpty() ? 0 : (int) Math.min(99, 100L * tablesDone / source.size()))
            : (int) Math.min(99, 100 * bytesDone / bytesTotal);
    p.display = p.percent + "%";
    return p;
  }

  private static Map<String, Long> sizes(Connection c) throws SQLException {
    return map(
        c,
        "SELECT format('%I.%I', n.nspname, c.relname), pg_table_size(c.oid) FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind = 'r' AND "
            + DatabaseProbe.USER_SCHEMAS);
  }

  private static Map<String, Long> copying(Connection c) throws SQLException {
    return map(
        c,
        "SELECT format('%I.%I', n.nspname, c.relname), p.bytes_processed"
            + " FROM pg_stat_progress_copy p JOIN pg_class c ON c.oid = p.relid"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE p.datname = current_database() AND p.command = 'COPY FROM'");
  }

  private static Map<String, Long> map(Connection c, String sql) throws SQLException {
    Map<String, Long> out = new LinkedHashMap<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        out.put(r.getString(1), r.getLong(2));
      }
    }
    return out;
  }
}
