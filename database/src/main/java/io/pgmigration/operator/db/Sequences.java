package io.pgmigration.operator.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Sequence values, which neither a copy of the rows nor logical replication carries: each sequence
 * of the destination is set to the source's value.
 */
public final class Sequences {
  private Sequences() {}

  /**
   * Sets every sequence on {@code destination} that has been used on {@code source} to the source's
   * value, in one statement: a schema of many tables has as many sequences, and a round trip and a
   * commit each cost more than the setting itself. Returns how many were set.
   */
  public static int copy(Connection source, Connection destination) throws SQLException {
    List<String> names = new ArrayList<>();
    List<Long> values = new ArrayList<>();
    try (Statement st = source.createStatement();
        ResultSet r =
            st.executeQuery(
                "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename),"
                    + " last_value FROM pg_sequences"
                    + " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
                    + " AND last_value IS NOT NULL")) {
      while (r.next()) {
        names.add(r.getString(1));
        values.add(r.getLong(2));
      }
    }
    if (names.isEmpty()) {
      return 0;
    }
    try (PreparedStatement set =
        destination.prepareStatement(
            "SELECT count(setval(s::regclass, v, true))"
                + " FROM unnest(?::text[], ?::bigint[]) AS t(s, v)")) {
      set.setArray(1, destination.createArrayOf("text", names.toArray()));
      set.setArray(2, destination.createArrayOf("bigint", values.toArray()));
      try (ResultSet r = set.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }
  }
}
