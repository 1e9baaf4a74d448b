package io.pgmigration.operator.db;

import io.pgmigration.operator.api.v1alpha1.SourceWrites;
import io.pgmigration.operator.secrets.PostgresUri;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Stops writes to the source while it is copied, without stopping its server: the database is made
 * read-only for every new session ({@code default_transaction_read_only}) and every other session
 * of it is ended, so no writer — selected by the maintenance selector or not — can change it.
 * Lifting the fence makes it writable again. Both are idempotent, so a restarted operator may
 * repeat them.
 *
 * <p>This is a fence against writers that do not know about the migration, not a security boundary:
 * a session may still ask for a read-write transaction explicitly.
 */
public final class SourceFence {
  private SourceFence() {}

  /**
   * What fencing found.
   *
   * @param unended the sessions that could not be ended ("user@application (pid N)"); the fence
   *     holds only when this is empty
   * @param writes the database's write counters, read in the fencing session right after every
   *     other session ended (so they are complete); null when some could not be ended
   */
  public record Fenced(List<String> unended, SourceWrites writes) {}

  /**
   * Fences the database {@code uri} names and, when every other session ended, reads its write
   * counters as of {@code now} in the same session: one connection while the app is down.
   */
  public static Fenced fenceAndCount(PostgresUri uri, Instant now) throws SQLException {
    try (Connection c = DatabaseProbe.connect(uri)) {
      List<String> unended = fence(c, uri.database());
      return new Fenced(unended, unended.isEmpty() ? WriteCounters.read(c, now) : null);
    }
  }

  /** Fences {@code database} from {@code c}; returns the sessions that could not be ended. */
  private static List<String> fence(Connection c, String database) throws SQLException {
    try (Statement s = c.createStatement()) {
      ownSessionReadWrite(s);
      s.execute(
          "ALTER DATABASE " + quoteIdent(database) + " SET default_transaction_read_only = on");
      // Existing sessions keep their writable default: end them. pg_terminate_backend with a
      // timeout waits until each is gone. Sessions of other roles need superuser or
      // pg_signal_backend; those that cannot be ended are reported, not skipped silently.
      List<String> remaining = new ArrayList<>();
      try (ResultSet r =
          s.executeQuery(
              "SELECT pid, usename, coalesce(application_name, ''),"
                  + " (usename = current_user"
                  + "  OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"
                  + "  OR pg_has_role(current_user, 'pg_signal_backend', 'MEMBER')) AS may_end"
                  + " FROM pg_stat_activity"
                  + " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                  // Other roles' backend_type reads as NULL to an ordinary user; background
                  // workers (autovacuum) have no user.
                  + " AND usename IS NOT NULL"
                  + " AND coalesce(backend_type, 'client backend') = 'client backend'")) {
        List<Integer> toEnd = new ArrayList<>();
        while (r.next()) {
          String who = r.getString(2) + "@" + r.getString(3) + " (pid " + r.getInt(1) + ")";
          if (r.getBoolean(4)) {
            toEnd.add(r.getInt(1));
          } else {
            remaining.add(who);
          }
        }
        try (PreparedStatement end = c.prepareStatement("SELECT pg_terminate_backend(?, 10000)")) {
          for (int pid : toEnd) {
            end.setInt(1, pid);
            try (ResultSet ended = end.executeQuery()) {
              ended.next();
              if (!ended.getBoolean(1) && stillThere(c, pid)) {
                remaining.add("pid " + pid);
              }
            }
          }
        }
      }
      return remaining;
    }
  }

  /** Makes the database writable again. */
  public static void lift(PostgresUri uri) throws SQLException {
    try (Connection c = DatabaseProbe.connect(uri);
        Statement s = c.createStatement()) {
      ownSessionReadWrite(s);
      s.execute(
          "ALTER DATABASE " + quoteIdent(uri.database()) + " RESET default_transaction_read_only");
    }
  }

  /** Whether the database is fenced (new sessions start read-only). */
  public static boolean isFenced(PostgresUri uri) throws SQLException {
    try (Connection c = DatabaseProbe.connect(uri);
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT coalesce(bool_or(cfg = 'default_transaction_read_only=on'), false)"
                    + " FROM pg_db_role_setting d, unnest(d.setconfig) cfg"
                    + " WHERE d.setrole = 0"
                    + " AND d.setdatabase = (SELECT oid FROM pg_database"
                    + "   WHERE datname = current_database())")) {
      r.next();
      return r.getBoolean(1);
    }
  }

  /**
   * Once fenced, the operator's own new sessions start read-only too; without this, fencing again
   * after a restart, and lifting the fence on rollback, would fail and strand the source.
   */
  private static void ownSessionReadWrite(Statement s) throws SQLException {
    s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE");
  }

  private static boolean stillThere(Connection c, int pid) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM pg_stat_activity WHERE pid = ?")) {
      p.setInt(1, pid);
      try (ResultSet r = p.executeQuery()) {
        return r.next();
      }
    }
  }

  static String quoteIdent(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
