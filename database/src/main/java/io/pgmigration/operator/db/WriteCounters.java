package io.pgmigration.operator.db;

import io.pgmigration.operator.api.v1alpha1.SourceWrites;
import io.pgmigration.operator.api.v1alpha1.SpecHash;
import io.pgmigration.operator.api.v1alpha1.Timestamps;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/**
 * Reads {@link SourceWrites}: the write counters of every user table and of the large-object
 * tables, each table's storage file, and every sequence's value. The counters count every row a
 * transaction inserted, updated or deleted, committed or not; a TRUNCATE or a rewrite gives the
 * table a new storage file; {@code nextval} moves a sequence. Reading them changes nothing.
 *
 * <p>A session's counters reach the shared statistics at the latest when it ends, so they are
 * complete only once the fence has ended every other session ({@link SourceFence#fenceAndCount},
 * which reads them in its own session). Temporary tables are left out: whatever is written to them
 * dies with their session.
 */
public final class WriteCounters {
  private static final String TABLES =
      "SELECT s.relid::bigint, format('%I.%I', s.schemaname, s.relname), s.n_tup_ins,"
          + " s.n_tup_upd, s.n_tup_del, coalesce(pg_relation_filenode(s.relid)::bigint, 0)"
          + " FROM pg_stat_all_tables s"
          + " WHERE (s.schemaname NOT IN ('pg_catalog', 'information_schema')"
          + "   AND s.schemaname !~ '^pg_(toast|temp_)' AND s.schemaname <> '"
          + OnlineVerification.SCHEMA
          + "')"
          + " OR s.relid IN ('pg_catalog.pg_largeobject'::regclass,"
          + "   'pg_catalog.pg_largeobject_metadata'::regclass)"
          + " ORDER BY 1";

  private static final String SEQUENCES =
      "SELECT format('%I.%I', schemaname, sequencename), last_value FROM pg_sequences ORDER BY 1";

  private WriteCounters() {}

  /** The counters of the database {@code c} is connected to, as of {@code now}. */
  static SourceWrites read(Connection c, Instant now) throws SQLException {
    try (Statement s = c.createStatement()) {
      SourceWrites w = new SourceWrites();
      w.readAt = Timestamps.of(now);
      long inserted = 0;
      long updated = 0;
      long deleted = 0;
      int tables = 0;
      StringBuilder all = new StringBuilder();
      try (ResultSet r = s.executeQuery(TABLES)) {
        while (r.next()) {
          inserted += r.getLong(3);
          updated += r.getLong(4);
          deleted += r.getLong(5);
          tables++;
          for (int i = 1; i <= 6; i++) {
            all.append(r.getString(i)).append(i == 6 ? '\n' : ' ');
          }
        }
      }
      w.rowsInserted = inserted;
      w.rowsUpdated = updated;
      w.rowsDeleted = deleted;
      w.tables = tables;
      w.tablesDigest = SpecHash.sha256(all.toString());
      StringBuilder sequences = new StringBuilder();
      try (ResultSet r = s.executeQuery(SEQUENCES)) {
        while (r.next()) {
          sequences.append(r.getString(1)).append(' ').append(r.getString(2)).append('\n');
        }
      }
      w.sequencesDigest = SpecHash.sha256(sequences.toString());
      return w;
    }
  }
}
