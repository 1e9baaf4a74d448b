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
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The schemas of both sides compared object by object, as the copy restores them: pg_dump's
 * schema-only output of each (with owners and grants when the copy keeps them, else {@code
 * --no-owner --no-privileges}), cut into its entries. An object missing on either side, or defined
 * differently (its owner and grants included), is a mismatch that names it.
 */
public final class SchemaComparison {
  /** How long both dumps together may take; they run while the app is in maintenance. */
  static final Duration BUDGET = Duration.ofMinutes(10);

  private SchemaComparison() {}

  /** The objects that differ, and how many objects of the source were compared. */
  public record Result(List<Mismatch> mismatches, int compared) {}

  /**
   * What the comparison leaves out of both dumps.
   *
   * @param dumpOptions pg_dump's options for it
   * @param objects the objects left out, by their name in the dump ("TRIGGER public.t name")
   */
  public record Leaving(List<String> dumpOptions, Predicate<String> objects) {
    /** Nothing: the whole schema is compared. */
    public static final Leaving NOTHING = new Leaving(List.of(), object -> false);

    /**
     * The objects of the logical replication {@code name} and of the verification while Ready
     * ({@link OnlineVerification}): its schema, and its triggers on the replicated tables. The
     * switch-over compares the schemas before it drops them, while it compares the changed rows.
     */
    public static Leaving replication(String name) {
      return new Leaving(
          List.of("--exclude-schema=" + OnlineVerification.SCHEMA),
          object -> {
            List<String> words = List.of(object.split("[ .]"));
            String last = words.get(words.size() - 1);
            return words.contains(name)
                || object.startsWith("TRIGGER ")
                    && (last.equals(OnlineVerification.CHANGE_TRIGGER)
                        || last.equals(OnlineVerification.CHANGE_TRIGGER + "_truncate"));
          });
    }
  }

  /**
   * Compares the schemas of {@code source} and {@code destination}, both dumps together within
   * {@link #BUDGET} or {@code limit}, whichever is shorter, leaving out what {@code leaving} says.
   */
  public static Result compare(
      PostgresUri source,
      PostgresUri destination,
      Ownership ownership,
      Duration limit,
      Leaving leaving)
      throws SQLException {
    Instant deadline = Instant.now().plus(limit.compareTo(BUDGET) < 0 ? limit : BUDGET);
    BothSides.Pair<Map<String, String>> objects =
        BothSides.read(
            () -> objects(source, ownership, deadline, leaving),
            () -> objects(destination, ownership, deadline, leaving));
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

  /** A comparison {@link #start}ed. */
  public record Started(CompletableFuture<Result> future) {
    /** Waits for the comparison; its SQLException comes out as such. */
    public Result result() throws SQLException {
      return BothSides.joined(future);
    }
  }

  /** {@link #compare}, started on a thread of its own. */
  public static Started start(
      PostgresUri source,
      PostgresUri destination,
      Ownership ownership,
      Duration limit,
      Leaving leaving) {
    return new Started(
        BothSides.start(() -> compare(source, destination, ownership, limit, leaving)));
  }

  /** Every object of {@code database}'s schema and its definition. */
  private static Map<String, String> objects(
      PostgresUri database, Ownership ownership, Instant deadline, Leaving leaving)
      throws SQLException {
    try {
      Map<String, String> out = new LinkedHashMap<>();
      for (SchemaDump.Entry e :
          SchemaDump.entries(
              SchemaDump.schema(database, ownership, leaving.dumpOptions(), deadline))) {
        if (!e.settings() && !leaving.objects().test(e.object())) {
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
