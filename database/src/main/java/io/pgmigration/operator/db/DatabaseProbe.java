package io.pgmigration.operator.db;

import io.pgmigration.operator.secrets.PostgresUri;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Reads {@link DatabaseFacts} over JDBC in a read-only transaction. Changes nothing. */
public final class DatabaseProbe {
  /** SQL condition on pg_namespace {@code n}: schemas that hold user objects. */
  static final String USER_SCHEMAS =
      "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'"
          + " AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname <> '"
          + OnlineVerification.SCHEMA
          + "'";

  private static final Driver DRIVER = new org.postgresql.Driver();

  private DatabaseProbe() {}

  /** Opens a connection with short timeouts, so an unreachable server fails fast. */
  /** Whether {@code sql}, given {@code value} as its one parameter, returns a row. */
  static boolean exists(Connection c, String sql, String value) throws SQLException {
    try (java.sql.PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, value);
      try (java.sql.ResultSet r = s.executeQuery()) {
        return r.next();
      }
    }
  }

  public static Connection connect(PostgresUri uri) throws SQLException {
    return connect(uri, new Properties());
  }

  /** Opens a connection with {@code settings} (driver properties) over the short defaults. */
  public static Connection connect(PostgresUri uri, Properties settings) throws SQLException {
    Properties p = uri.jdbcProperties();
    p.putAll(settings);
    p.putIfAbsent("connectTimeout", "10");
    p.putIfAbsent("socketTimeout", "60");
    // A peer that vanished (a node lost, a partition) is noticed by the kernel, not waited on.
    p.putIfAbsent("tcpKeepAlive", "true");
    p.putIfAbsent("ApplicationName", "pg-migration-operator");
    // The driver itself, not DriverManager: DriverManager only offers drivers registered by the
    // caller's class loader, which fails under Quarkus' and the tests' class loaders alike.
    Connection c = DRIVER.connect(uri.jdbcUrl(), p);
    if (c == null) {
      throw new SQLException("the PostgreSQL driver does not accept " + uri.jdbcUrl());
    }
    return c;
  }

  /** User tables, as schema.table. */
  private static final String USER_TABLES =
      "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c"
          + " JOIN pg_namespace n ON n.oid = c.relnamespace"
          + " WHERE c.relkind IN ('r', 'p') AND "
          + USER_SCHEMAS
          + " ORDER BY 1";

  private static final String MAY_REPLICATE =
      "SELECT (rolsuper OR rolreplication)::text FROM pg_roles WHERE rolname = current_user";

  /** CREATE SUBSCRIPTION: a superuser, or from PostgreSQL 16 pg_create_subscription. */
  private static final String MAY_SUBSCRIBE =
      "SELECT (CASE WHEN rolsuper THEN true"
          + " WHEN current_setting('server_version_num')::int >= 160000"
          + " THEN pg_has_role(current_user, 'pg_create_subscription', 'MEMBER')"
          + " ELSE false END)::text FROM pg_roles WHERE rolname = current_user";

  /** Tables whose updates and deletes logical replication could not apply. */
  private static final String WITHOUT_REPLICA_IDENTITY =
      "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c"
          + " JOIN pg_namespace n ON n.oid = c.relnamespace"
          + " WHERE c.relkind = 'r' AND "
          + USER_SCHEMAS
          + " AND c.relreplident <> 'f'"
          + " AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid"
          + "   AND (i.indisprimary OR (c.relreplident = 'i' AND i.indisreplident)))"
          + " ORDER BY 1";

  private static final String UNLOGGED_TABLES =
      "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c"
          + " JOIN pg_namespace n ON n.oid = c.relnamespace"
          + " WHERE c.relkind = 'r' AND c.relpersistence = 'u' AND "
          + USER_SCHEMAS
          + " ORDER BY 1";

  private static final String THIS_DATABASE = " WHERE datname = current_database()";

  private static final String SUBSCRIPTIONS =
      "SELECT subname FROM pg_subscription WHERE subdbid ="
          + " (SELECT oid FROM pg_database WHERE datname = current_database())"
          + " ORDER BY 1";

  /** Reads the facts of the database {@code uri} names. */
  public static DatabaseFacts probe(PostgresUri uri) throws SQLException {
    try (Connection c = connect(uri)) {
      // Autocommit, so a query the user may not run (pg_control_system) does not abort the rest.
      c.setReadOnly(true);
      try (Statement s = c.createStatement()) {
        DatabaseFacts facts =
            new DatabaseFacts(
                Integer.parseInt(one(s, "SHOW server_version_num")),
                one(s, "SHOW server_version"),
                optional(s, "SELECT system_identifier::text FROM pg_control_system()"),
                one(s, "SELECT current_database()"),
                list(s, USER_TABLES),
                map(
                    s,
                    "SELECT extname, extversion FROM pg_extension WHERE extname <> 'plpgsql'"
                        + " ORDER BY 1"),
                list(s, "SELECT name FROM pg_available_extensions ORDER BY 1"),
                Long.parseLong(one(s, "SELECT pg_database_size(current_database())")),
                one(s, "SHOW wal_level"),
                Integer.parseInt(one(s, "SHOW max_replication_slots")),
                Integer.parseInt(one(s, "SELECT count(*) FROM pg_replication_slots")),
                Integer.parseInt(one(s, "SHOW max_wal_senders")),
                Integer.parseInt(one(s, "SELECT count(*) FROM pg_stat_replication")),
                Boolean.parseBoolean(one(s, MAY_REPLICATE)),
                Boolean.parseBoolean(one(s, MAY_SUBSCRIBE)),
                list(s, WITHOUT_REPLICA_IDENTITY),
                Long.parseLong(one(s, "SELECT count(*) FROM pg_largeobject_metadata")),
                list(s, UNLOGGED_TABLES),
                list(s, SUBSCRIPTIONS),
                new DatabaseFacts.TextRules(
                    one(s, "SELECT pg_encoding_to_char(encoding) FROM pg_database" + THIS_DATABASE),
                    one(s, "SELECT datcollate FROM pg_database" + THIS_DATABASE),
                    one(s, "SELECT datctype FROM pg_database" + THIS_DATABASE)),
                Roles.read(s),
                FenceChecks.read(s),
                ConnectionCapacity.read(s));
        return facts;
      }
    }
  }

  /** The first column of the first row. */
  static String one(Statement s, String sql) throws SQLException {
    try (ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }

  /** One value, or null when the user may not run the query. */
  private static String optional(Statement s, String sql) {
    try {
      return one(s, sql);
    } catch (SQLException e) {
      return null;
    }
  }

  /** The first column of every row. */
  static List<String> list(Statement s, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  private static Map<String, String> map(Statement s, String sql) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        out.put(r.getString(1), r.getString(2));
      }
    }
    return out;
  }
}
