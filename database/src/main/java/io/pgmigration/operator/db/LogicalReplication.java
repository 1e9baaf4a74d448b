package io.pgmigration.operator.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The Streaming method's PostgreSQL side: a publication of the user's tables on the source, a
 * subscription (and with it a replication slot) on the destination, their initial sync and lag, and
 * cleanup that leaves no slot behind to fill the source's disk. Every statement is idempotent, so a
 * restarted operator can repeat any step.
 *
 * <p>The publication, subscription and slot all carry the same name, {@link #name}.
 */
public final class LogicalReplication {
  private LogicalReplication() {}

  /** The replication lag: WAL the destination has not confirmed, and for how long. */
  /**
   * A slot's lag: WAL not confirmed by the destination, the replay lag in seconds, and the WAL the
   * source keeps for the slot (from its restart position).
   */
  public record Lag(long bytes, long seconds, long retainedBytes) {}

  /**
   * The subscription as the destination sees it.
   *
   * @param tables tables subscribed
   * @param synced tables whose initial copy is done and which now stream
   * @param errors errors reported applying changes or copying tables (PostgreSQL 15+; else 0)
   * @param running whether the subscription's apply worker runs
   */
  public record Subscription(int tables, int synced, long errors, boolean running) {}

  /** A lowercase name for the publication, subscription and slot of migration {@code uid}. */
  public static String name(String uid) {
    String id = uid.toLowerCase().replaceAll("[^a-z0-9]", "");
    return "pgmo_" + id.substring(0, Math.min(40, id.length()));
  }

  /**
   * Publishes every user table on the source. {@code FOR ALL TABLES} needs a superuser; listing the
   * tables needs only their owner.
   */
  public static void publish(Connection source, String name) throws SQLException {
    if (exists(source, "SELECT 1 FROM pg_publication WHERE pubname = ?", name)) {
      return;
    }
    List<String> tables = new ArrayList<>();
    try (Statement s = source.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE c.relkind IN ('r', 'p') AND c.relpersistence = 'p'"
                    + " AND NOT c.relispartition AND "
                    + DatabaseProbe.USER_SCHEMAS
                    + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid ="
                    + " 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')"
                    + " ORDER BY 1")) {
      while (r.next()) {
        tables.add(r.getString(1));
      }
    }
    try (Statement s = source.createStatement()) {
      s.execute(
          "CREATE PUBLICATION "
              + name
              + (tables.isEmpty() ? "" : " FOR TABLE " + String.join(", ", tables))
              + " WITH (publish_via_partition_root = true)");
    }
  }

  /**
   * Subscribes the destination to the source's publication: creates the slot on the source and
   * starts the initial copy of every table. {@code sourceConninfo} is how the destination server
   * reaches the source; it is stored in the destination's catalog, as logical replication needs.
   */
  public static void subscribe(Connection destination, String name, String sourceConninfo)
      throws SQLException {
    if (exists(destination, "SELECT 1 FROM pg_subscription WHERE subname = ?", name)) {
      return;
    }
    try (Statement s = destination.createStatement()) {
      s.execute(
          "CREATE SUBSCRIPTION "
              + name
              + " CONNECTION "
              + literal(sourceConninfo)
              + " PUBLICATION "
              + name
              + " WITH (copy_data = true, create_slot = true, slot_name = '"
              + name
              + "')");
    }
  }

  /** How far the subscription {@code name} on the destination has come. */
  public static Subscription subscription(Connection destination, String name) throws SQLException {
    int tables;
    int synced;
    try (PreparedStatement s =
        destination.prepareStatement(
            "SELECT count(*), count(*) FILTER (WHERE r.srsubstate = 'r')"
                + " FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid"
                + " WHERE s.subname = ?")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        tables = r.getInt(1);
        synced = r.getInt(2);
      }
    }
    long errors = 0;
    if (destination.getMetaData().getDatabaseMajorVersion() >= 15) {
      try (PreparedStatement s =
          destination.prepareStatement(
              "SELECT apply_error_count + sync_error_count FROM pg_stat_subscription_stats"
                  + " WHERE subname = ?")) {
        s.setString(1, name);
        try (ResultSet r = s.executeQuery()) {
          errors = r.next() ? r.getLong(1) : 0;
        }
      }
    }
    boolean running =
        exists(
            destination,
            "SELECT 1 FROM pg_stat_subscription WHERE subname = ? AND relid IS NULL"
                + " AND pid IS NOT NULL",
            name);
    return new Subscription(tables, synced, errors, running);
  }

  /** The source's current WAL position, e.g. {@code 0/3000148}. */
  public static String position(Connection source) throws SQLException {
    try (Statement s = source.createStatement();
        ResultSet r = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
      r.next();
      return r.getString(1);
    }
  }

  /**
   * How many bytes of WAL before {@code lsn} the destination has not confirmed through the slot
   * {@code name} yet: 0 once it has everything up to there, null when the slot does not exist.
   */
  public static Long behind(Connection source, String name, String lsn) throws SQLException {
    try (PreparedStatement s =
        source.prepareStatement(
            "SELECT greatest(0, pg_wal_lsn_diff(?::pg_lsn, coalesce(confirmed_flush_lsn, '0/0')))"
                + " FROM pg_replication_slots WHERE slot_name = ?")) {
      s.setString(1, lsn);
      s.setString(2, name);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getLong(1) : null;
      }
    }
  }

  /**
   * Refreshes on the destination the materialized views that hold data on the source: logical
   * replication carries tables only. Returns how many.
   */
  public static int refreshMaterializedViews(Connection source, Connection destination)
      throws SQLException {
    List<String> views = new ArrayList<>();
    try (Statement s = source.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT format('%I.%I', schemaname, matviewname) FROM pg_matviews"
                    + " WHERE ispopulated ORDER BY 1")) {
      while (r.next()) {
        views.add(r.getString(1));
      }
    }
    try (Statement s = destination.createStatement()) {
      for (String view : views) {
        s.execute("REFRESH MATERIALIZED VIEW " + view);
      }
    }
    return views.size();
  }

  /**
   * The lag of the slot {@code name} on the source: bytes of WAL written but not yet confirmed by
   * the destination, and the replay lag its WAL sender last measured, in seconds.
   */
  public static Lag lag(Connection source, String name) throws SQLException {
    try (PreparedStatement s =
        source.prepareStatement(
            "SELECT greatest(0, pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn)),"
                + " coalesce(extract(epoch FROM r.replay_lag), 0),"
                + " greatest(0, pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn))"
                + " FROM pg_replication_slots s"
                + " LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid"
                + " WHERE s.slot_name = ?")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          throw new SQLException("replication slot " + name + " does not exist on the source");
        }
        return new Lag(r.getLong(1), Math.round(r.getDouble(2)), r.getLong(3));
      }
    }
  }

  /**
   * Drops the subscription on the destination (without reaching for the source's slot, which may be
   * unreachable), then the slot and the publication on the source, and on both what the
   * verification while Ready put there ({@link OnlineVerification#drop}). Either connection may be
   * null when that server cannot be reached; call again when it can. Returns what was dropped.
   */
  public static List<String> drop(Connection destination, Connection source, String name)
      throws SQLException {
    List<String> dropped = new ArrayList<>();
    if (destination != null
        && exists(destination, "SELECT 1 FROM pg_subscription WHERE subname = ?", name)) {
      try (Statement s = destination.createStatement()) {
        s.execute("ALTER SUBSCRIPTION " + name + " DISABLE");
        s.execute("ALTER SUBSCRIPTION " + name + " SET (slot_name = NONE)");
        s.execute("DROP SUBSCRIPTION " + name);
      }
      dropped.add("subscription " + name);
    }
    if (destination != null) {
      for (String d : OnlineVerification.drop(destination)) {
        dropped.add(d + " on the destination");
      }
    }
    if (source != null) {
      // A fenced source starts every session read-only; DROP PUBLICATION needs a writable one.
      try (Statement s = source.createStatement()) {
        s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE");
      }
      if (exists(source, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", name)) {
        try (PreparedStatement s =
            source.prepareStatement(
                "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
                    + " WHERE slot_name = ? AND active_pid IS NOT NULL")) {
          s.setString(1, name);
          s.execute();
        }
        try (PreparedStatement s =
            source.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name = ? AND NOT active")) {
          s.setString(1, name);
          s.execute();
        }
        if (exists(source, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", name)) {
          throw new SQLException("replication slot " + name + " is still in use on the source");
        }
        dropped.add("slot " + name);
      }
      if (exists(source, "SELECT 1 FROM pg_publication WHERE pubname = ?", name)) {
        try (Statement s = source.createStatement()) {
          s.execute("DROP PUBLICATION " + name);
        }
        dropped.add("publication " + name);
      }
      for (String d : OnlineVerification.drop(source)) {
        dropped.add(d + " on the source");
      }
    }
    return dropped;
  }

  /** Slots on the source made by the operator ({@code pgmo_…}): none should outlive a migration. */
  public static List<String> slots(Connection source) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = source.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE 'pgmo\\_%'")) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  private static boolean exists(Connection c, String sql, String name) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
    }
  }

  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
