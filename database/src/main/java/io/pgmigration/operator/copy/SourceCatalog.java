package io.pgmigration.operator.copy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads from the source what the data copy needs: tables with their columns, sizes and types. Every
 * table that holds rows of its own is copied, as pg_dump would: tables without columns, with
 * dropped, generated or identity columns, inheritance parents and children (each its own rows
 * only), typed tables, partitions, unlogged tables, tables with row-level security.
 */
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
                 AND (b.oid >= 16384 OR b.typtype = 'c'
                      OR b.typsend = 0 OR b.typreceive = 0)
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

  /**
   * The indexes of a table that the copy may build as soon as the table's rows are in, as pg_dump
   * would write them: an index, or the PRIMARY KEY, UNIQUE or EXCLUDE constraint an index backs.
   * Left to pg_restore: partitions and partitioned tables, indexes in a tablespace of their own,
   * and indexes whose pg_dump entry says more (CLUSTER ON, REPLICA IDENTITY, column statistics).
   */
  static final String INDEX_BUILDS =
      """
      SELECT CASE WHEN con.oid IS NOT NULL
                  THEN 'CONSTRAINT ' || n.nspname || ' ' || c.relname || ' ' || con.conname
                  ELSE 'INDEX ' || n.nspname || ' ' || ic.relname END AS toc,
             CASE WHEN con.oid IS NOT NULL
                  THEN format('ALTER TABLE ONLY %I.%I ADD CONSTRAINT %I %s',
                              n.nspname, c.relname, con.conname, pg_get_constraintdef(con.oid))
                  ELSE pg_get_indexdef(i.indexrelid) END AS sql
      FROM pg_index i
      JOIN pg_class c ON c.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_class ic ON ic.oid = i.indexrelid
      LEFT JOIN pg_constraint con
        ON con.conindid = i.indexrelid AND con.conrelid = c.oid AND con.contype IN ('p', 'u', 'x')
      WHERE n.nspname = ? AND c.relname = ?
        AND c.relkind = 'r' AND NOT c.relispartition
        AND i.indisvalid AND NOT i.indisclustered AND NOT i.indisreplident
        AND ic.reltablespace = 0
        AND NOT EXISTS (SELECT 1 FROM pg_attribute a
                        WHERE a.attrelid = i.indexrelid AND a.attstattarget >= 0)
        AND n.nspname !~ '\\s' AND c.relname !~ '\\s' AND ic.relname !~ '\\s'
        AND coalesce(con.conname, '') !~ '\\s'
      ORDER BY 1
      """;

  /** One index or constraint to build: its key in pg_restore's list, and its SQL. */
  public record IndexBuild(String toc, String sql) {}

  /** The indexes of {@code t} the copy builds itself (see {@link #INDEX_BUILDS}). */
  public static List<IndexBuild> indexBuilds(Connection source, TableInfo t) throws SQLException {
    List<IndexBuild> out = new ArrayList<>();
    try (var s = source.prepareStatement(INDEX_BUILDS)) {
      s.setString(1, t.schema());
      s.setString(2, t.name());
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.add(new IndexBuild(r.getString("toc"), r.getString("sql")));
        }
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
