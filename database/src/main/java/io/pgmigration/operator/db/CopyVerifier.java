package io.pgmigration.operator.db;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.VerificationMode;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Verification.Mismatch;
import io.pgmigration.operator.secrets.PostgresUri;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

/**
 * Compares source and destination after the copy: every user table by row count and, with {@link
 * VerificationMode#Checksums}, by a checksum of its rows; every sequence by its value; the number
 * of large objects; and every object of the schema ({@link SchemaComparison}). Read-only on both
 * sides. Any mismatch is named, so a migration that fails here says which table differs and how.
 */
public final class CopyVerifier {
  private CopyVerifier() {}

  /**
   * Compares the two databases; their schemas with owners and grants when the copy keeps them.
   *
   * @param compareTables whether to compare every table's rows (a Streaming switch-over that
   *     compared the rows changed since its verification while Ready does not)
   * @param compareSchema whether to compare the schemas (that switch-over compared them too)
   * @param statementLimit how long one statement (a whole table read at once) may run on either
   *     side, and how long either server may take to answer: a server that stops answering fails
   *     the verification instead of keeping the app down
   */
  public static PostgresMigrationStatus.Verification compare(
      PostgresUri source,
      PostgresUri destination,
      VerificationMode mode,
      Ownership ownership,
      boolean compareTables,
      boolean compareSchema,
      Duration statementLimit)
      throws SQLException {
    // The server ends a statement at the limit; the socket gives up a little later, for a server
    // that does not answer at all.
    Properties limited = new Properties();
    limited.setProperty("socketTimeout", String.valueOf(statementLimit.toSeconds() + 15));
    // The schema's comparison (pg_dump on each side) meanwhile, on a thread of its own.
    CompletableFuture<SchemaComparison.Result> schemaCompared =
        compareSchema
            ? BothSides.start(
                () ->
                    SchemaComparison.compare(
                        source,
                        destination,
                        ownership,
                        statementLimit,
                        SchemaComparison.Leaving.NOTHING))
            : CompletableFuture.completedFuture(null);
    try (Connection src = DatabaseProbe.connect(source, limited);
        Connection dst = DatabaseProbe.connect(destination, limited)) {
      src.setReadOnly(true);
      dst.setReadOnly(true);
      for (Connection c : List.of(src, dst)) {
        try (Statement s = c.createStatement()) {
          // Each table's own rows, all of them: row-level security must not hide any.
          s.execute("SET row_security = off");
          s.execute("SET statement_timeout = " + statementLimit.toMillis());
        }
      }
      List<Mismatch> mismatches = new ArrayList<>();
      List<String> tables = compareTables ? tables(src) : List.of();
      if (compareTables) {
        compareTables(src, dst, tables, mode, mismatches);
      }
      Map<String, String> sequences = sequences(src);
      compareSequences(sequences, sequences(dst), mismatches);
      String objects = largeObjects(src);
      String destinationObjects = largeObjects(dst);
      if (!objects.equals(destinationObjects)) {
        mismatches.add(
            mismatch(
                "large objects",
                objects + " on the source, " + destinationObjects + " on the destination"));
      }
      SchemaComparison.Result schema = BothSides.joined(schemaCompared);
      PostgresMigrationStatus.Verification result = new PostgresMigrationStatus.Verification();
      if (schema != null) {
        mismatches.addAll(schema.mismatches());
        result.schemaObjectsCompared = schema.compared();
      }
      result.tablesCompared = compareTables ? tables.size() : null;
      result.sequencesCompared = sequences.size();
      result.mismatches = mismatches;
      return result;
    }
  }

  /** Every table of the source: there on the destination, with the same rows. */
  private static void compareTables(
      Connection src,
      Connection dst,
      List<String> tables,
      VerificationMode mode,
      List<Mismatch> mismatches)
      throws SQLException {
    List<String> destinationTables = tables(dst);
    List<String> both = tables.stream().filter(destinationTables::contains).toList();
    BothSides.Pair<Map<String, String[]>> summaries =
        BothSides.read(() -> summarizeAll(src, both, mode), () -> summarizeAll(dst, both, mode));
    Map<String, String[]> sourceSummaries = summaries.source();
    Map<String, String[]> destinationSide = summaries.destination();
    for (String table : tables) {
      if (!destinationTables.contains(table)) {
        mismatches.add(mismatch(table, "missing on the destination"));
        continue;
      }
      String[] s = sourceSummaries.get(table);
      String[] d = destinationSide.get(table);
      if (!s[0].equals(d[0])) {
        mismatches.add(
            mismatch(table, "rows: " + s[0] + " on the source, " + d[0] + " on the destination"));
      } else if (!Objects.equals(s[1], d[1])) {
        mismatches.add(mismatch(table, "checksum of the rows differs"));
      }
    }
  }

  /** Every sequence of the source: there on the destination, at the same value. */
  private static void compareSequences(
      Map<String, String> sequences,
      Map<String, String> destinationSequences,
      List<Mismatch> mismatches) {
    sequences.forEach(
        (sequence, value) -> {
          String other = destinationSequences.get(sequence);
          if (other == null) {
            mismatches.add(mismatch(sequence, "sequence missing on the destination"));
          } else if (!other.equals(value)) {
            mismatches.add(
                mismatch(
                    sequence,
                    "sequence at " + value + " on the source, " + other + " on the destination"));
          }
        });
  }

  /** {@link #summarize} of every table in {@code tables}, in one session. */
  private static Map<String, String[]> summarizeAll(
      Connection c, List<String> tables, VerificationMode mode) throws SQLException {
    Map<String, String[]> out = new LinkedHashMap<>();
    for (String table : tables) {
      out.put(table, summarize(c, table, mode));
    }
    return out;
  }

  /**
   * Row count and, for checksums, an order-independent hash of the rows' text: the sums of the two
   * 64-bit halves of each row's md5. A sum needs no sort and constant memory, and PostgreSQL can
   * compute it with parallel workers, so a table of any size is read once at the speed of a scan.
   */
  private static String[] summarize(Connection c, String table, VerificationMode mode)
      throws SQLException {
    String sql =
        mode == VerificationMode.Checksums
            ? "SELECT count(*), coalesce(sum(('x' || left(h, 16))::bit(64)::bigint), 0) || ':'"
                + " || coalesce(sum(('x' || right(h, 16))::bit(64)::bigint), 0)"
                + " FROM (SELECT md5(t::text) AS h FROM ONLY "
                + table
                + " t) rows"
            : "SELECT count(*), NULL FROM ONLY " + table;
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return new String[] {r.getString(1), r.getString(2)};
    }
  }

  /** Schema-qualified, quoted names of the user tables that hold rows (partitions, not parents). */
  private static List<String> tables(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      return DatabaseProbe.list(
          s,
          "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c"
              + " JOIN pg_namespace n ON n.oid = c.relnamespace"
              + " WHERE c.relkind = 'r' AND "
              + DatabaseProbe.USER_SCHEMAS
              + " ORDER BY 1");
    }
  }

  /** Sequence name to "last_value (is_called)", from the sequences themselves. */
  private static Map<String, String> sequences(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      Map<String, String> out = new LinkedHashMap<>();
      for (String name :
          DatabaseProbe.list(
              s, "SELECT format('%I.%I', schemaname, sequencename) FROM pg_sequences ORDER BY 1")) {
        out.put(
            name,
            DatabaseProbe.one(
                s,
                "SELECT last_value || CASE WHEN is_called THEN '' ELSE ' (unused)' END FROM "
                    + name));
      }
      return out;
    }
  }

  private static String largeObjects(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      return DatabaseProbe.one(s, "SELECT count(*) FROM pg_largeobject_metadata");
    }
  }

  static Mismatch mismatch(String table, String detail) {
    Mismatch m = new Mismatch();
    m.table = table;
    m.detail = detail;
    return m;
  }
}
