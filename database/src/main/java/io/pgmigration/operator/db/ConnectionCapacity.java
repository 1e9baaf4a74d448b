package io.pgmigration.operator.db;

import static io.pgmigration.operator.db.CheckResults.error;
import static io.pgmigration.operator.db.CheckResults.failed;
import static io.pgmigration.operator.db.CheckResults.passed;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.Severity;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The Connections check: the Snapshot copy opens {@code copy.workers × (copy.parallelism + 2)}
 * sessions on each server at its peak (the COPY streams or pg_restore's jobs, the snapshot or the
 * bookkeeping session, pg_dump), and a server that refuses one fails the copy after the app went
 * down. What counts as free: the server's max_connections less its reserved slots and the sessions
 * that stay during the copy (on the source, those of its other databases: the fence ends this
 * one's; on the destination, all of them), and the user's and the database's connection limits.
 */
public final class ConnectionCapacity {
  static final String CONNECTIONS = "Connections";

  /**
   * Every fact of {@link Facts} in one pass over pg_stat_activity's client sessions;
   * reserved_connections exists from PostgreSQL 16 on.
   */
  private static final String SLOTS =
      "SELECT current_setting('max_connections')::int,"
          + " current_setting('superuser_reserved_connections')::int"
          + "   + coalesce(current_setting('reserved_connections', true)::int, 0),"
          + " count(*) FILTER (WHERE datname <> current_database()),"
          + " count(*) FILTER (WHERE datname = current_database()),"
          + " (SELECT rolconnlimit FROM pg_roles WHERE rolname = current_user),"
          + " count(*) FILTER (WHERE usename = current_user),"
          + " (SELECT datconnlimit FROM pg_database WHERE datname = current_database())"
          + " FROM pg_stat_activity WHERE usename IS NOT NULL"
          + " AND coalesce(backend_type, 'client backend') = 'client backend'";

  private ConnectionCapacity() {}

  /**
   * A server's connection slots, as one user of one database sees them.
   *
   * @param maxConnections max_connections
   * @param reserved superuser_reserved_connections (and reserved_connections from PostgreSQL 16)
   * @param elsewhere client sessions of the server's other databases
   * @param here client sessions of this database
   * @param roleLimit the user's CONNECTION LIMIT, -1 for none
   * @param roleSessions the user's sessions
   * @param databaseLimit the database's CONNECTION LIMIT, -1 for none
   */
  public record Facts(
      int maxConnections,
      int reserved,
      int elsewhere,
      int here,
      int roleLimit,
      int roleSessions,
      int databaseLimit) {
    /** A server with room for anything the tests ask. */
    static final Facts ROOMY = new Facts(100, 3, 0, 1, -1, 1, -1);

    /** Sessions the copy may open; {@code fenced}: this database's other sessions will be gone. */
    int free(boolean fenced) {
      int used = elsewhere + (fenced ? 0 : here);
      int free = maxConnections - reserved - used;
      if (roleLimit >= 0) {
        free = Math.min(free, roleLimit - (fenced ? 0 : roleSessions));
      }
      if (databaseLimit >= 0) {
        free = Math.min(free, databaseLimit - (fenced ? 0 : here));
      }
      return Math.max(free, 0);
    }

    String describe(boolean fenced) {
      return free(fenced)
          + " free (max_connections "
          + maxConnections
          + ", "
          + reserved
          + " reserved, "
          + (elsewhere + (fenced ? 0 : here))
          + " in use"
          + (fenced ? " by other databases" : "")
          + (roleLimit >= 0 ? ", the user's limit " + roleLimit : "")
          + (databaseLimit >= 0 ? ", the database's limit " + databaseLimit : "")
          + ")";
    }
  }

  static Facts read(Statement s) throws SQLException {
    try (ResultSet r = s.executeQuery(SLOTS)) {
      r.next();
      return new Facts(
          r.getInt(1),
          r.getInt(2),
          r.getInt(3),
          r.getInt(4),
          r.getInt(5),
          r.getInt(6),
          r.getInt(7));
    }
  }

  /** Sessions a Snapshot copy opens on each server at its peak. */
  public static int needed(int workers, int parallelism) {
    return workers * (parallelism + 2);
  }

  /** Connections: blocking; {@code needed} sessions on each side, from {@link #needed}. */
  public static CheckResult evaluate(DatabaseFacts src, DatabaseFacts dst, int needed) {
    if (src == null || dst == null) {
      return error(
          CONNECTIONS,
          Severity.Blocking,
          "not run: the " + (src == null ? "source" : "destination") + " is not reachable");
    }
    List<String> lacking = new ArrayList<>();
    if (src.connections().free(true) < needed) {
      lacking.add("the source has " + src.connections().describe(true));
    }
    if (dst.connections().free(false) < needed) {
      lacking.add("the destination has " + dst.connections().describe(false));
    }
    String copy = "the copy opens up to " + needed + " sessions on each server";
    return lacking.isEmpty()
        ? passed(
            CONNECTIONS,
            Severity.Blocking,
            copy
                + "; the source has "
                + src.connections().free(true)
                + " free once fenced, the destination "
                + dst.connections().free(false))
        : failed(
            CONNECTIONS,
            Severity.Blocking,
            copy + ", but " + String.join(", and ", lacking),
            "Lower spec.copy.parallelism or spec.copy.workers (each pod opens parallelism + 2),"
                + " or raise max_connections or the user's or database's CONNECTION LIMIT.");
  }
}
