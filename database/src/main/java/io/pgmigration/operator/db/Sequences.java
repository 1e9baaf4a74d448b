package io.pgmigration.operator.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Sequence values, which neither a copy of the rows nor logical replication carries: each sequence
 * of the destination is set to the source's value.
 */
public final class Sequences {
  private Sequences() {}

  /**
   * Sets every sequence on {@code destination} that has been used on {@code source} to the source's
   * value. Returns how many were set.
   */
  public static int copy(Connection source, Connection destination) throws SQLException {
    int n = 0;
    try (Statement st = source.createStatement();
        ResultSet r =
            st.executeQuery(
                "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename),"
                    + " last_value FROM pg_sequences"
                    + " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
                    + " AND last_value IS NOT NULL");
        PreparedStatement set =
            destination.prepareStatement("SELECT setval(?::regclass, ?, true)")) {
      while (r.next()) {
        set.setString(1, r.getString(1));
        set.setLong(2, r.getLong(2));
        set.execute();
        n++;
      }
    }
    return n;
  }
}
