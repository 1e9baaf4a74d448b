package io.pgmigration.operator.copy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Large objects' contents, which COPY of the tables does not carry. */
final class LargeObjects {
  private LargeObjects() {}

  /**
   * Writes the contents of every large object; pg_dump's pre-data section has already created each
   * one, with its OID, owner and grants.
   */
  static int copy(Connection s, Connection d) throws SQLException {
    int n = 0;
    final int chunk = 1 << 20;
    try (Statement st = s.createStatement();
        ResultSet r = st.executeQuery("SELECT oid FROM pg_largeobject_metadata ORDER BY oid");
        PreparedStatement read = s.prepareStatement("SELECT lo_get(?::oid, ?, ?)");
        PreparedStatement write = d.prepareStatement("SELECT lo_put(?::oid, ?, ?)")) {
      d.setAutoCommit(false);
      while (r.next()) {
        long oid = r.getLong(1);
        for (long offset = 0; ; offset += chunk) {
          read.setLong(1, oid);
          read.setLong(2, offset);
          read.setInt(3, chunk);
          byte[] data;
          try (ResultSet b = read.executeQuery()) {
            b.next();
            data = b.getBytes(1);
          }
          if (data == null || data.length == 0) {
            break;
          }
          write.setLong(1, oid);
          write.setLong(2, offset);
          write.setBytes(3, data);
          write.execute();
          if (data.length < chunk) {
            break;
          }
        }
        n++;
      }
      d.commit();
    }
    return n;
  }
}
