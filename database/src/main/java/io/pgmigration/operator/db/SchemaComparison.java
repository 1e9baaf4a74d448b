package io.pgmigration.operator.db;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Verification.Mismatch;
import io.pgmigration.operator.secrets.PostgresUri;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The schemas of both sides compared object by object, as the copy restores them: pg_dump's
 * schema-only output of each (with owners and grants when the copy keeps them, else {@code
 * --no-owner --no-privileges}), cut into its entries. An object missing on either side, or defined
 * differently (its owner and grants included), is a mismatch that names it.
 */
final class SchemaComparison {
  /** How long both dumps together may take; they run while the app is in maintenance. */
  static final Duration BUDGET = Duration.ofMinutes(10);

  private SchemaComparison() {}

  /** The objects that differ, and how many objects of the source were compared. */
  record Result(List<Mismatch> mismatches, int compared) {}

  /**
   * Compares the schemas of {@code source} and {@code destination}, both dumps together within
   * {@link #BUDGET} or {@code limit}, whichever is shorter.
   */
  static Result compare(
      PostgresUri source, PostgresUri destination, Ownership ownership, Duration limit)
      throws SQLException {
    Instant deadline = Instant.now().plus(limit.compareTo(BUDGET) < 0 ? limit : BUDGET);
    BothSides.Pair<Map<String, String>> objects =
        BothSides.read(
            () -> objects(source, ownership, deadline),
            () -> objects(destination, ownership, deadline));
    Map<String, String> theirs = objects.source();
    Map<String, String> mine = objects.destination();
    List<Mismatch> out = new ArrayList<>();
    theirs.forEach(
        (object, sql) -> {
          String other = mine.get(object);
          if (other == null) {
            out.add(CopyVerifier.mismatch(object, "schema: missing on the destination"));
          } else if (!other.equals(sql)) {
            out.add(
                CopyVerifier.mismatch(object, "schema: defined differently on the destination"));
          }
        });
    mine.keySet().stream()
        .filter(object -> !theirs.containsKey(object))
        .forEach(
            object -> out.add(CopyVerifier.mismatch(object, "schema: only on the destination")));
    return new Result(out, theirs.size());
  }

  /** Every object of {@code database}'s schema and its definition. */
  private static Map<String, String> objects(
      PostgresUri database, Ownership ownership, Instant deadline) throws SQLException {
    try {
      Map<String, String> out = new LinkedHashMap<>();
      for (SchemaDump.Entry e :
          SchemaDump.entries(SchemaDump.schema(database, ownership, deadline))) {
        if (!e.settings()) {
          // The same object may have several entries (a comment, say): keep them apart.
          String key = e.object();
          for (int n = 2; out.containsKey(key); n++) {
            key = e.object() + " #" + n;
          }
          out.put(key, e.sql());
        }
      }
      return out;
    } catch (SchemaDump.TimedOut e) {
      throw new SQLException(e.getMessage(), "57014", e);
    }
  }
}
