package io.pgmigration.operator.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The switch-over's count and hash of every row of a table it cannot compare by key (a table
 * without one, a truncated one): the only part of the switch-over whose cost follows a table's
 * size. With checksums, each row is hashed by PostgreSQL's 64-bit {@code hashtextextended} of its
 * text form, about three times cheaper than the MD5 the rounds use (118 against 370 ms for 80 000
 * pgbench_history rows), provided both servers hash alike: that hash depends on the server's byte
 * order, so a probe is hashed on both sides first, and MD5 ({@code pgmo_verify.summary}) is used
 * when they differ or a server lacks the function.
 */
final class WholeTables {
  private static final String PROBE =
      "SELECT hashtextextended('pg-migration-operator: the same hash on both sides?', 0)::text";

  private WholeTables() {}

  /** Whether both servers compute {@code hashtextextended} alike. */
  static boolean sameFastHash(Connection source, Connection destination) throws SQLException {
    BothSides.Pair<String> probed = BothSides.read(() -> probe(source), () -> probe(destination));
    return probed.source() != null && probed.source().equals(probed.destination());
  }

  /**
   * Count and hash of every row of {@code table} on {@code c}; "0 (the table is missing)" when it
   * is not there.
   */
  static String[] summary(Connection c, String table, boolean checksums, boolean fastHash)
      throws SQLException {
    String name = quoted(c, table);
    if (name == null) {
      return new String[] {"0 (the table is missing)", null};
    }
    if (!checksums || !fastHash) {
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT n::text, h FROM pgmo_verify.summary(?::regclass, '{}', NULL, NULL, ?)")) {
        s.setString(1, table);
        s.setBoolean(2, checksums);
        return row(s.executeQuery());
      }
    }
    try (Statement s = c.createStatement()) {
      // Every row, as the summary function reads them: row-level security must not hide any
      // (a policy the login is subject to makes the query fail instead).
      s.execute("SET row_security = off");
      return row(
          s.executeQuery(
              "SELECT count(*)::text, coalesce(sum((r.h >> 33)::int), 0) || ':'"
                  + " || coalesce(sum((r.h & 2147483647)::int), 0)"
                  + " FROM (SELECT hashtextextended(t::text, 0) AS h FROM ONLY "
                  + name
                  + " t) r"));
    }
  }

  /** {@code table} as the server quotes it, or null when there is no such table. */
  private static String quoted(Connection c, String table) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT to_regclass(?)::text")) {
      s.setString(1, table);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getString(1);
      }
    }
  }

  private static String probe(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(PROBE)) {
      r.next();
      return r.getString(1);
    } catch (SQLException e) {
      if ("42883".equals(e.getSQLState())) {
        return null;
      }
      throw e;
    }
  }

  private static String[] row(ResultSet r) throws SQLException {
    try (r) {
      r.next();
      return new String[] {r.getString(1), r.getString(2)};
    }
  }
}
