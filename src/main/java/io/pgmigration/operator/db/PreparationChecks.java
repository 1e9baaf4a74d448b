package io.pgmigration.operator.db;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Method;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.CheckOutcome;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The preparation checks, as a pure function of what was found: every check is listed, each with
 * its severity, result, message and a hint, and all failures are reported at once. A check whose
 * inputs could not be read reports {@code Error} ("not run") instead of guessing.
 */
public final class PreparationChecks {
  /** Check names, as they appear in {@code status.checks}. */
  public static final String SOURCE_SECRET = "SourceSecret";

  public static final String DESTINATION_SECRET = "DestinationSecret";
  public static final String SOURCE_REACHABLE = "SourceReachable";
  public static final String DESTINATION_REACHABLE = "DestinationReachable";
  public static final String DISTINCT_DATABASES = "DistinctDatabases";
  public static final String SERVER_VERSION = "ServerVersion";
  public static final String DESTINATION_EMPTY = "DestinationEmpty";
  public static final String EXTENSIONS = "Extensions";
  public static final String DESTINATION_CAPACITY = "DestinationCapacity";
  public static final String WORKLOADS = "Workloads";
  public static final String APP_DATABASE_URL = "AppDatabaseUrl";
  public static final String WAL_LEVEL = "WalLevel";
  public static final String REPLICATION_SLOTS = "ReplicationSlots";
  public static final String WAL_SENDERS = "WalSenders";
  public static final String REPLICATION_PRIVILEGE = "ReplicationPrivilege";
  public static final String SUBSCRIPTION_PRIVILEGE = "SubscriptionPrivilege";
  public static final String REPLICA_IDENTITY = "ReplicaIdentity";
  public static final String LARGE_OBJECTS = "LargeObjects";
  public static final String UNLOGGED_TABLES = "UnloggedTables";

  private static final int LISTED = 5;

  private PreparationChecks() {}

  /**
   * Something looked up for the checks: a value, or why it could not be had.
   *
   * @param <T> what was looked up
   */
  public record Found<T>(T value, String problem) {
    /** A value that was found. */
    public static <T> Found<T> of(T value) {
      return new Found<>(value, null);
    }

    /** Why the value could not be had, in a sentence for the user. */
    public static <T> Found<T> problem(String problem) {
      return new Found<>(null, problem);
    }

    /** Whether the value was found. */
    public boolean ok() {
      return problem == null;
    }
  }

  /** What the app's DATABASE_URL Secret currently holds, relative to the source. */
  public enum AppUrl {
    POINTS_TO_SOURCE,
    POINTS_ELSEWHERE
  }

  /**
   * Everything the checks look at.
   *
   * @param sourceSecretRef e.g. "Secret postgresql-clean-29349, key DATABASE_URL"
   * @param destinationSecretRef likewise
   * @param destinationCapacityBytes the destination's volume size when it can be known, else null
   * @param missingWorkloads "StatefulSet foo" for every referenced or selected workload not found
   * @param ownReplication the name of this migration's own Streaming replication when it has set
   *     one up, else null: what it copied into the destination is not someone else's data
   */
  public record Inputs(
      Method method,
      String sourceSecretRef,
      Found<PostgresUri> source,
      String destinationSecretRef,
      Found<PostgresUri> destination,
      Found<DatabaseFacts> sourceFacts,
      Found<DatabaseFacts> destinationFacts,
      Long destinationCapacityBytes,
      List<String> missingWorkloads,
      String appSecretRef,
      Found<AppUrl> appUrl,
      String ownReplication) {}

  /** Runs every check on {@code in}. */
  public static List<CheckResult> evaluate(Inputs in) {
    List<CheckResult> out = new ArrayList<>();
    secret(out, SOURCE_SECRET, in.sourceSecretRef(), in.source(), "spec.source.connectionSecret");
    secret(
        out,
        DESTINATION_SECRET,
        in.destinationSecretRef(),
        in.destination(),
        "spec.destination.connectionSecret");
    reachable(out, SOURCE_REACHABLE, "source", in.source(), in.sourceFacts());
    reachable(out, DESTINATION_REACHABLE, "destination", in.destination(), in.destinationFacts());
    distinct(out, in);

    DatabaseFacts src = in.sourceFacts().ok() ? in.sourceFacts().value() : null;
    DatabaseFacts dst = in.destinationFacts().ok() ? in.destinationFacts().value() : null;
    boolean both = src != null && dst != null;
    if (dst == null) {
      out.add(
          error(DESTINATION_EMPTY, Severity.Blocking, "not run: the destination is not reachable"));
    } else if (dst.userTables().isEmpty()) {
      out.add(passed(DESTINATION_EMPTY, Severity.Blocking, "the destination has no user tables"));
    } else if (ownReplicaOn(in, dst)) {
      out.add(
          passed(
              DESTINATION_EMPTY,
              Severity.Blocking,
              "the destination's "
                  + dst.userTables().size()
                  + " table(s) are this migration's replica (subscription "
                  + in.ownReplication()
                  + ")"));
    } else {
      out.add(
          failed(
              DESTINATION_EMPTY,
              Severity.Blocking,
              "the destination holds "
                  + dst.userTables().size()
                  + " user table(s): "
                  + listed(dst.userTables()),
              "Migrate into an empty database: create a new one, or drop these tables yourself"
                  + " after making sure nothing in them is needed. The operator never deletes"
                  + " data on the destination."));
    }
    if (!both) {
      String why =
          "not run: " + (src == null ? "the source" : "the destination") + " is not reachable";
      for (String name : List.of(SERVER_VERSION, EXTENSIONS)) {
        out.add(error(name, Severity.Blocking, why));
      }
    } else {
      out.add(
          dst.majorVersion() >= src.majorVersion()
              ? passed(
                  SERVER_VERSION,
                  Severity.Blocking,
                  "destination runs PostgreSQL "
                      + dst.serverVersion()
                      + ", source "
                      + src.serverVersion())
              : failed(
                  SERVER_VERSION,
                  Severity.Blocking,
                  "destination runs PostgreSQL "
                      + dst.serverVersion()
                      + ", older than the source's "
                      + src.serverVersion(),
                  "Use a destination server of major version "
                      + src.majorVersion()
                      + " or newer; PostgreSQL cannot restore into an older major version."));
      List<String> missing =
          src.installedExtensions().keySet().stream()
              .filter(e -> !dst.availableExtensions().contains(e))
              .sorted()
              .toList();
      out.add(
          missing.isEmpty()
              ? passed(
                  EXTENSIONS,
                  Severity.Blocking,
                  src.installedExtensions().isEmpty()
                      ? "the source uses no extensions"
                      : "all "
                          + src.installedExtensions().size()
                          + " extensions of the source are available on the destination")
              : failed(
                  EXTENSIONS,
                  Severity.Blocking,
                  "not available on the destination: " + String.join(", ", missing),
                  "Install the packages that provide "
                      + String.join(", ", missing)
                      + " on the destination server (or use an image that has them), or drop"
                      + " the extensions from the source if they are unused."));
    }
    capacity(out, src, in.destinationCapacityBytes());
    out.add(
        in.missingWorkloads().isEmpty()
            ? passed(WORKLOADS, Severity.Blocking, "every referenced workload exists")
            : failed(
                WORKLOADS,
                Severity.Blocking,
                "not found: " + listed(in.missingWorkloads()),
                "Fix spec.source.workload, spec.destination.workload or"
                    + " spec.app.maintenance.selector so they name workloads of this namespace."));
    appUrl(out, in);
    if (in.method() == Method.Streaming) {
      streaming(out, src, dst, dst != null && ownReplicaOn(in, dst));
    }
    return out;
  }

  /** Whether {@code dst} holds this migration's own subscription. */
  private static boolean ownReplicaOn(Inputs in, DatabaseFacts dst) {
    return in.ownReplication() != null && dst.subscriptions().contains(in.ownReplication());
  }

  /**
   * Checks whose failure may only mean "not there yet": a Secret, workload or server that a GitOps
   * sync is still creating.
   */
  private static final java.util.Set<String> MAYBE_NOT_YET =
      java.util.Set.of(
          SOURCE_SECRET,
          DESTINATION_SECRET,
          SOURCE_REACHABLE,
          DESTINATION_REACHABLE,
          WORKLOADS,
          APP_DATABASE_URL);

  /**
   * Whether every blocking problem may resolve itself: each failed check is of the "not there yet"
   * kind, or could not run because of one.
   */
  public static boolean mayResolveItself(List<CheckResult> checks) {
    return checks.stream()
        .filter(CheckResult::blocks)
        .allMatch(c -> c.result == CheckOutcome.Error || MAYBE_NOT_YET.contains(c.name));
  }

  /** Whether any blocking check did not pass. */
  public static boolean blocked(List<CheckResult> checks) {
    return checks.stream().anyMatch(CheckResult::blocks);
  }

  /** "Found 2 blocking issues and 1 warning", as Heroku's CLI says it. */
  public static String summary(List<CheckResult> checks) {
    long blocking = checks.stream().filter(CheckResult::blocks).count();
    long warnings = checks.stream().filter(CheckResult::warns).count();
    if (blocking == 0 && warnings == 0) {
      return "All " + checks.size() + " checks passed";
    }
    String failedNames =
        checks.stream()
            .filter(c -> c.result != CheckOutcome.Passed)
            .map(c -> c.name)
            .collect(Collectors.joining(", "));
    return String.format(
        Locale.ROOT,
        "Found %d blocking issue%s and %d warning%s: %s",
        blocking,
        blocking == 1 ? "" : "s",
        warnings,
        warnings == 1 ? "" : "s",
        failedNames);
  }

  private static void secret(
      List<CheckResult> out, String name, String ref, Found<PostgresUri> uri, String field) {
    out.add(
        uri.ok()
            ? passed(name, Severity.Blocking, ref + " holds a URI for " + uri.value())
            : failed(
                name,
                Severity.Blocking,
                ref + ": " + uri.problem(),
                "Set "
                    + field
                    + " to a Secret of this namespace whose key holds"
                    + " postgres://<user>:<password>@<host>:5432/<dbname>."));
  }

  private static void reachable(
      List<CheckResult> out,
      String name,
      String side,
      Found<PostgresUri> uri,
      Found<DatabaseFacts> facts) {
    if (!uri.ok()) {
      out.add(error(name, Severity.Blocking, "not run: the " + side + " Secret is not usable"));
    } else if (facts.ok()) {
      out.add(
          passed(
              name,
              Severity.Blocking,
              "connected to "
                  + uri.value()
                  + " (PostgreSQL "
                  + facts.value().serverVersion()
                  + ", "
                  + bytes(facts.value().databaseBytes())
                  + ")"));
    } else {
      out.add(
          failed(
              name,
              Severity.Blocking,
              "cannot connect to " + uri.value() + ": " + facts.problem(),
              "Check that the "
                  + side
                  + " server is running and that its Service, port, database, user and password"
                  + " in the Secret are right; the operator connects from its own pod."));
    }
  }

  private static void distinct(List<CheckResult> out, Inputs in) {
    if (!in.source().ok() || !in.destination().ok()) {
      out.add(error(DISTINCT_DATABASES, Severity.Blocking, "not run: a Secret is not usable"));
      return;
    }
    boolean sameAddress = in.source().value().sameDatabaseAs(in.destination().value());
    boolean sameServer = false;
    if (in.sourceFacts().ok() && in.destinationFacts().ok()) {
      DatabaseFacts s = in.sourceFacts().value();
      DatabaseFacts d = in.destinationFacts().value();
      sameServer =
          s.systemIdentifier() != null
              && s.systemIdentifier().equals(d.systemIdentifier())
              && s.database().equals(d.database());
    }
    out.add(
        sameAddress || sameServer
            ? failed(
                DISTINCT_DATABASES,
                Severity.Blocking,
                "source and destination are the same database"
                    + (sameAddress ? "" : " (same server identifier, under two host names)"),
                "Point spec.destination.connectionSecret at the new, empty database.")
            : passed(
                DISTINCT_DATABASES,
                Severity.Blocking,
                "source and destination are different databases"));
  }

  private static void capacity(List<CheckResult> out, DatabaseFacts src, Long capacity) {
    if (src == null) {
      out.add(
          error(DESTINATION_CAPACITY, Severity.Warning, "not run: the source is not reachable"));
    } else if (capacity == null) {
      out.add(
          passed(
              DESTINATION_CAPACITY,
              Severity.Warning,
              "the source holds "
                  + bytes(src.databaseBytes())
                  + "; the destination's free space cannot be known from here"));
    } else if (src.databaseBytes() * 5 / 4 > capacity) {
      out.add(
          warning(
              DESTINATION_CAPACITY,
              "the source holds "
                  + bytes(src.databaseBytes())
                  + " and the destination's volume is "
                  + bytes(capacity),
              "Give the destination a volume at least 25% larger than the source database; "
                  + "indexes are rebuilt there and need room while they are built."));
    } else {
      out.add(
          passed(
              DESTINATION_CAPACITY,
              Severity.Warning,
              "the source holds "
                  + bytes(src.databaseBytes())
                  + ", the destination's volume is "
                  + bytes(capacity)));
    }
  }

  private static void appUrl(List<CheckResult> out, Inputs in) {
    Found<AppUrl> app = in.appUrl();
    if (!app.ok()) {
      out.add(
          failed(
              APP_DATABASE_URL,
              Severity.Blocking,
              in.appSecretRef() + ": " + app.problem(),
              "Set spec.app.databaseUrlSecret to the Secret and key the app reads DATABASE_URL"
                  + " from; promotion rewrites it."));
    } else if (app.value() == AppUrl.POINTS_TO_SOURCE) {
      out.add(
          passed(APP_DATABASE_URL, Severity.Warning, in.appSecretRef() + " points to the source"));
    } else {
      out.add(
          warning(
              APP_DATABASE_URL,
              in.appSecretRef() + " does not point to the source database",
              "Promotion will rewrite it to the destination anyway; check that this is the app"
                  + " that uses the source."));
    }
  }

  /**
   * @param own the migration's own replication exists: its slot and WAL sender count as free
   */
  private static void streaming(
      List<CheckResult> out, DatabaseFacts src, DatabaseFacts dst, boolean own) {
    out.add(
        dst == null
            ? error(
                SUBSCRIPTION_PRIVILEGE,
                Severity.Blocking,
                "not run: the destination is not reachable")
            : dst.canSubscribe()
                ? passed(
                    SUBSCRIPTION_PRIVILEGE,
                    Severity.Blocking,
                    "the destination user may create subscriptions")
                : failed(
                    SUBSCRIPTION_PRIVILEGE,
                    Severity.Blocking,
                    "the destination user may not create subscriptions",
                    "Put a superuser in the destination's Secret for the migration, GRANT"
                        + " pg_create_subscription to the user (PostgreSQL 16+), or use method"
                        + " Snapshot."));
    if (src == null) {
      for (String name :
          List.of(
              WAL_LEVEL,
              REPLICATION_SLOTS,
              WAL_SENDERS,
              REPLICATION_PRIVILEGE,
              REPLICA_IDENTITY,
              LARGE_OBJECTS)) {
        out.add(error(name, Severity.Blocking, "not run: the source is not reachable"));
      }
      out.add(error(UNLOGGED_TABLES, Severity.Warning, "not run: the source is not reachable"));
      return;
    }
    out.add(
        "logical".equals(src.walLevel())
            ? passed(WAL_LEVEL, Severity.Blocking, "wal_level is logical")
            : failed(
                WAL_LEVEL,
                Severity.Blocking,
                "wal_level is " + src.walLevel() + " on the source",
                "Set wal_level = logical on the source and restart it, or use method Snapshot."));
    int freeSlots = src.maxReplicationSlots() - src.usedReplicationSlots() + (own ? 1 : 0);
    out.add(
        freeSlots >= 1
            ? passed(REPLICATION_SLOTS, Severity.Blocking, freeSlots + " free replication slot(s)")
            : failed(
                REPLICATION_SLOTS,
                Severity.Blocking,
                "all " + src.maxReplicationSlots() + " replication slots are in use",
                "Raise max_replication_slots on the source (restart needed) or drop an unused"
                    + " slot."));
    int freeSenders = src.maxWalSenders() - src.usedWalSenders() + (own ? 1 : 0);
    out.add(
        freeSenders >= 1
            ? passed(WAL_SENDERS, Severity.Blocking, freeSenders + " free WAL sender(s)")
            : failed(
                WAL_SENDERS,
                Severity.Blocking,
                "all " + src.maxWalSenders() + " WAL senders are in use",
                "Raise max_wal_senders on the source (restart needed)."));
    out.add(
        src.canReplicate()
            ? passed(REPLICATION_PRIVILEGE, Severity.Blocking, "the source user may replicate")
            : failed(
                REPLICATION_PRIVILEGE,
                Severity.Blocking,
                "the source user has neither REPLICATION nor SUPERUSER",
                "ALTER ROLE <user> REPLICATION on the source, or use method Snapshot."));
    out.add(
        src.tablesWithoutReplicaIdentity().isEmpty()
            ? passed(
                REPLICA_IDENTITY,
                Severity.Blocking,
                "every table has a primary key or a replica identity")
            : failed(
                REPLICA_IDENTITY,
                Severity.Blocking,
                "without a primary key or replica identity: "
                    + listed(src.tablesWithoutReplicaIdentity()),
                "Add a primary key, or ALTER TABLE … REPLICA IDENTITY FULL, so updates and"
                    + " deletes can be replicated."));
    out.add(
        src.largeObjects() == 0
            ? passed(LARGE_OBJECTS, Severity.Blocking, "the source has no large objects")
            : failed(
                LARGE_OBJECTS,
                Severity.Blocking,
                "the source has " + src.largeObjects() + " large object(s)",
                "Logical replication does not carry large objects; use method Snapshot."));
    out.add(
        src.unloggedTables().isEmpty()
            ? passed(UNLOGGED_TABLES, Severity.Warning, "no unlogged tables")
            : warning(
                UNLOGGED_TABLES,
                "unlogged tables are not replicated: " + listed(src.unloggedTables()),
                "ALTER TABLE … SET LOGGED before the migration if their data must move."));
  }

  private static String listed(List<String> items) {
    String shown = String.join(", ", items.subList(0, Math.min(LISTED, items.size())));
    return items.size() > LISTED ? shown + " and " + (items.size() - LISTED) + " more" : shown;
  }

  static String bytes(long n) {
    if (n < 1024 * 1024) {
      return (n / 1024) + " kB";
    }
    if (n < 1024L * 1024 * 1024) {
      return (n / (1024 * 1024)) + " MB";
    }
    return String.format(Locale.ROOT, "%.1f GB", n / (1024.0 * 1024 * 1024));
  }

  private static CheckResult passed(String name, Severity severity, String message) {
    return result(name, severity, CheckOutcome.Passed, message, null);
  }

  private static CheckResult failed(String name, Severity severity, String message, String hint) {
    return result(name, severity, CheckOutcome.Failed, message, hint);
  }

  private static CheckResult warning(String name, String message, String hint) {
    return result(name, Severity.Warning, CheckOutcome.Warning, message, hint);
  }

  private static CheckResult error(String name, Severity severity, String message) {
    return result(
        name, severity, CheckOutcome.Error, message, "Fix the checks this one depends on first.");
  }

  private static CheckResult result(
      String name, Severity severity, CheckOutcome outcome, String message, String hint) {
    CheckResult r = new CheckResult();
    r.name = name;
    r.severity = severity;
    r.result = outcome;
    r.message = message;
    r.hint = hint;
    return r;
  }
}
