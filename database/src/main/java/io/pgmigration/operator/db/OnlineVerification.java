package io.pgmigration.operator.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What the Streaming method's verification while Ready puts on the two servers: the technique of
 * pt-table-checksum, carried over to logical replication.
 *
 * <ul>
 *   <li>On both sides, the schema {@value #SCHEMA} holds the bookkeeping table {@code chunks} and
 *       the function {@code summary(table, keys, lo, hi, checksums)}: the row count, and with
 *       checksums the order-independent hash {@link CopyVerifier} uses, of the rows of one table
 *       whose key lies in [lo, hi). One definition, so both sides compute exactly the same thing.
 *   <li>The source checks a chunk in one transaction that locks its table against writes for the
 *       few milliseconds it takes ({@code SHARE}, with a short lock timeout), computes its summary
 *       and writes it into {@code chunks}, which the publication carries. Nothing can change the
 *       chunk between the summary and the commit, so the summary describes the source at the
 *       commit's position in the replication stream.
 *   <li>On the destination, an {@code ENABLE ALWAYS} trigger on {@code chunks} computes the same
 *       summary when the row is applied: at the same position of the stream. A chunk whose two
 *       summaries differ differs at that point of the source's history.
 *   <li>On the destination only, every replicated table gets an {@code ENABLE ALWAYS} trigger that
 *       writes the key of each changed row into {@code changes} (a table without a key, or a {@code
 *       TRUNCATE}, as the whole table). The chunk trigger records how far {@code changes} had come,
 *       so the switch-over compares only the rows changed after the last complete round ({@link
 *       ChangedRows}), whatever the database's size. Changes made by hand on the destination are
 *       recorded too: that trigger fires for every session.
 * </ul>
 *
 * <p>{@link #drop} removes all of it; {@link LogicalReplication#drop} calls it, so it goes with the
 * replication however the migration ends.
 */
public final class OnlineVerification {
  /** The schema that holds everything the verification puts on either server. */
  public static final String SCHEMA = "pgmo_verify";

  static final String CHUNKS = SCHEMA + ".chunks";
  static final String CHANGES = SCHEMA + ".changes";

  /**
   * The change log's changes without a key, by table: the switch-over asks which tables have one
   * since the round, and a keyless table logs each of its rows.
   */
  static final String KEYLESS_INDEX = "changes_keyless";

  static final String CHANGE_TRIGGER = "pgmo_verify_changes";

  private static final String CREATE_CHUNKS =
      "CREATE TABLE IF NOT EXISTS "
          + CHUNKS
          + " (tbl text NOT NULL, chunk int NOT NULL, round int NOT NULL, attempt int NOT NULL,"
          + " keys text[] NOT NULL, lo text[], hi text[], checksums boolean NOT NULL,"
          + " src_rows bigint, src_hash text, checked_at timestamptz,"
          + " dst_rows bigint, dst_hash text, dst_change bigint, applied_at timestamptz,"
          + " keyset jsonb, PRIMARY KEY (tbl, chunk))";

  /** The key-set column, for a bookkeeping table an earlier version made without it. */
  private static final String ADD_KEYSET =
      "ALTER TABLE " + CHUNKS + " ADD COLUMN IF NOT EXISTS keyset jsonb";

  /**
   * The index whose columns identify a row of table {@code c}: its primary key, else its replica
   * identity.
   */
  private static final String KEY_INDEX =
      "(SELECT x2.indexrelid FROM pg_index x2 WHERE x2.indrelid = c.oid"
          + " AND (x2.indisprimary OR x2.indisreplident) ORDER BY x2.indisprimary DESC LIMIT 1)";

  private OnlineVerification() {}

  /**
   * Puts the bookkeeping on the source: the schema, the summary function and the table, added to
   * the publication {@code name}. Idempotent. Fails with SQLState 42501 when the source's login may
   * not create a schema in its database.
   */
  public static void prepareSource(Connection source, String name) throws SQLException {
    try (Statement s = source.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
      s.execute("REVOKE ALL ON SCHEMA " + SCHEMA + " FROM PUBLIC");
      s.execute(VerificationFunctions.DIGEST);
      s.execute(VerificationFunctions.SUMMARY);
      s.execute(VerificationFunctions.SUMMARY_KEYS);
      s.execute(CREATE_CHUNKS);
      s.execute(ADD_KEYSET);
      if (!DatabaseProbe.exists(
          source,
          "SELECT 1 FROM pg_publication_tables WHERE pubname = ? AND schemaname = '" + SCHEMA + "'",
          name)) {
        s.execute("ALTER PUBLICATION " + name + " ADD TABLE " + CHUNKS);
      }
    }
  }

  /**
   * Puts the bookkeeping on the destination, before the source's: the same schema, function and
   * table with the trigger that checks each chunk as it is applied, the change log and its trigger
   * on every table of {@code tables} (name to key columns; an empty list for a table without a
   * key). Idempotent.
   */
  public static void prepareDestination(Connection destination, List<TableKeys> tables)
      throws SQLException {
    try (Statement s = destination.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
      s.execute("REVOKE ALL ON SCHEMA " + SCHEMA + " FROM PUBLIC");
      s.execute(VerificationFunctions.DIGEST);
      s.execute(VerificationFunctions.SUMMARY);
      s.execute(VerificationFunctions.SUMMARY_KEYS);
      s.execute(CREATE_CHUNKS);
      s.execute(ADD_KEYSET);
      s.execute(
          "CREATE TABLE IF NOT EXISTS "
              + CHANGES
              + " (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, tbl text NOT NULL,"
              + " key text[])");
      s.execute(
          "CREATE INDEX IF NOT EXISTS "
              + KEYLESS_INDEX
              + " ON "
              + CHANGES
              + " (tbl, id) WHERE key IS NULL");
      s.execute(VerificationFunctions.RECORD_CHANGE);
      s.execute(VerificationFunctions.CHECK_CHUNK);
      s.execute("DROP TRIGGER IF EXISTS check_chunk ON " + CHUNKS);
      s.execute(
          "CREATE TRIGGER check_chunk BEFORE INSERT OR UPDATE ON "
              + CHUNKS
              + " FOR EACH ROW EXECUTE FUNCTION pgmo_verify.check_chunk()");
      s.execute("ALTER TABLE " + CHUNKS + " ENABLE ALWAYS TRIGGER check_chunk");
      for (TableKeys t : tables) {
        String args =
            String.join(", ", t.keys().stream().map(OnlineVerification::literal).toList());
        s.execute("DROP TRIGGER IF EXISTS " + CHANGE_TRIGGER + " ON " + t.table());
        s.execute("DROP TRIGGER IF EXISTS " + CHANGE_TRIGGER + "_truncate ON " + t.table());
        s.execute(
            "CREATE TRIGGER "
                + CHANGE_TRIGGER
                + " AFTER INSERT OR UPDATE OR DELETE ON "
                + t.table()
                + " FOR EACH ROW EXECUTE FUNCTION pgmo_verify.record_change("
                + args
                + ")");
        s.execute(
            "CREATE TRIGGER "
                + CHANGE_TRIGGER
                + "_truncate AFTER TRUNCATE ON "
                + t.table()
                + " FOR EACH STATEMENT EXECUTE FUNCTION pgmo_verify.record_change()");
        s.execute("ALTER TABLE " + t.table() + " ENABLE ALWAYS TRIGGER " + CHANGE_TRIGGER);
        s.execute(
            "ALTER TABLE " + t.table() + " ENABLE ALWAYS TRIGGER " + CHANGE_TRIGGER + "_truncate");
      }
    }
  }

  /** Whether both servers hold the bookkeeping table already ({@link #prepareSource} ran). */
  public static boolean prepared(Connection source, Connection destination) throws SQLException {
    String sql = "SELECT 1 WHERE to_regclass(?) IS NOT NULL";
    return DatabaseProbe.exists(destination, sql, CHUNKS)
        && DatabaseProbe.exists(source, sql, CHUNKS);
  }

  /**
   * Makes the subscription {@code name} take in the bookkeeping table the source just published,
   * without copying it (it starts empty on both sides).
   */
  public static void refreshSubscription(Connection destination, String name) throws SQLException {
    try (Statement s = destination.createStatement()) {
      s.execute("ALTER SUBSCRIPTION " + name + " REFRESH PUBLICATION WITH (copy_data = false)");
    }
  }

  /**
   * Removes everything the verification put on one server: the change triggers (on the
   * destination), then the schema with its tables and functions. Idempotent; returns what was
   * dropped, e.g. "schema pgmo_verify".
   */
  public static List<String> drop(Connection c) throws SQLException {
    List<String> dropped = new ArrayList<>();
    List<String> triggers = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT format('%I ON %s', t.tgname, t.tgrelid::regclass) FROM pg_trigger t"
                    + " WHERE t.tgname IN ('"
                    + CHANGE_TRIGGER
                    + "', '"
                    + CHANGE_TRIGGER
                    + "_truncate') ORDER BY 1")) {
      while (r.next()) {
        triggers.add(r.getString(1));
      }
    }
    boolean schema =
        DatabaseProbe.exists(c, "SELECT 1 FROM pg_namespace WHERE nspname = ?", SCHEMA);
    if (triggers.isEmpty() && !schema) {
      return dropped;
    }
    // One transaction: one commit to wait for rather than one per trigger, while the app is down.
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      for (String trigger : triggers) {
        s.execute("DROP TRIGGER IF EXISTS " + trigger);
      }
      if (schema) {
        s.execute("DROP SCHEMA " + SCHEMA + " CASCADE");
      }
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
    if (!triggers.isEmpty()) {
      dropped.add("the verification's triggers on " + triggers.size() / 2 + " table(s)");
    }
    if (schema) {
      dropped.add("schema " + SCHEMA);
    }
    return dropped;
  }

  /**
   * A table and the columns that identify its rows: its primary key, else its replica identity
   * index; empty when it has neither (it is then compared whole).
   */
  public record TableKeys(String table, List<String> keys, List<String> types) {
    /** {@code (t."k1", t."k2")}: the key as a row of table alias {@code t}. */
    String keyRow() {
      return "(" + String.join(", ", columns()) + ")";
    }

    /** {@code t."k1"}, {@code t."k2"}: the key's columns of table alias {@code t}. */
    List<String> columns() {
      return keys.stream().map(k -> "t.\"" + k.replace("\"", "\"\"") + "\"").toList();
    }

    /** {@code (?::int, ?::text)}: a key given as text parameters, typed as the key's columns. */
    String parameters() {
      return "(" + String.join(", ", types.stream().map(type -> "?::" + type).toList()) + ")";
    }
  }

  /** Every user table that holds rows of its own, with its key columns, in name order. */
  public static List<TableKeys> tables(Connection c) throws SQLException {
    List<TableKeys> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT format('%I.%I', n.nspname, c.relname),"
                    + " coalesce((SELECT array_agg(a.attname::text ORDER BY k.i)"
                    + "   FROM pg_index x CROSS JOIN unnest(x.indkey) WITH ORDINALITY AS k(att, i)"
                    + "   JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.att"
                    + "   WHERE x.indexrelid = "
                    + KEY_INDEX
                    + "), '{}'),"
                    + " coalesce((SELECT array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY k.i)"
                    + "   FROM pg_index x CROSS JOIN unnest(x.indkey) WITH ORDINALITY AS k(att, i)"
                    + "   JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.att"
                    + "   WHERE x.indexrelid = "
                    + KEY_INDEX
                    + "), '{}')"
                    + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE c.relkind = 'r' AND c.relpersistence = 'p' AND "
                    + DatabaseProbe.USER_SCHEMAS
                    + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid ="
                    + " 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')"
                    + " ORDER BY 1")) {
      while (r.next()) {
        out.add(
            new TableKeys(
                r.getString(1),
                List.of((String[]) r.getArray(2).getArray()),
                List.of((String[]) r.getArray(3).getArray())));
      }
    }
    return out;
  }

  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
