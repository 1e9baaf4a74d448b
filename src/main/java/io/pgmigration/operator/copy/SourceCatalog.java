package io.pgmigration.operator.copy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads from the source what the data copy needs: tables with their columns, sizes and types. */
public final class SourceCatalog {
  /**
   * Tables that hold rows of their own: ordinary tables and partitions, not partitioned parents,
   * views, foreign tables, temporary tables or tables an extension owns (its script makes them).
   */
  static final String TABLES =
      """
      SELECT n.nspname, c.relname,
             pg_relation_size(c.oid) AS bytes,
             pg_relation_size(c.oid) / current_setting('block_size')::bigint AS pages,
             array(SELECT a.attname FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                     AND a.attgenerated = ''
                   ORDER BY a.attnum) AS columns,
             NOT EXISTS (
               SELECT 1 FROM pg_attribute a
               JOIN pg_type t ON t.oid = a.atttypid
               LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'
               LEFT JOIN pg_type b ON b.oid = coalesce(e.oid, t.oid)
               WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                 AND (b.oid >= 16384 OR b.typtype = 'c')
             ) AS binary
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND c.relpersistence <> 't'
        AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d
                        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                          AND d.deptype = 'e')
      ORDER BY 1, 2
      """;

  private SourceCatalog() {}

  /** The tables to copy, as {@code source} sees them in its current snapshot. */
  public static List<TableInfo> tables(Connection source) throws SQLException {
    List<TableInfo> out = new ArrayList<>();
    try (Statement s = source.createStatement();
        ResultSet r = s.executeQuery(TABLES)) {
      while (r.next()) {
        String[] columns = (String[]) r.getArray("columns").getArray();
        out.add(
            new TableInfo(
                r.getString(1),
                r.getString(2),
                List.copyOf(Arrays.asList(columns)),
                r.getLong("bytes"),
                r.getLong("pages"),
                r.getBoolean("binary")));
      }
    }
    return out;
  }

  /** Whether the server scans a ctid range without reading the whole table (PostgreSQL 14+). */
  public static boolean scansTidRanges(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT current_setting('server_version_num')::int")) {
      r.next();
      return r.getInt(1) >= 140000;
    }
  }
}
