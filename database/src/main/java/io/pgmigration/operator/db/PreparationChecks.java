package io.pgmigration.operator.db;

import static io.pgmigration.operator.db.CheckResults.bytes;
import static io.pgmigration.operator.db.CheckResults.error;
import static io.pgmigration.operator.db.CheckResults.failed;
import static io.pgmigration.operator.db.CheckResults.listed;
import static io.pgmigration.operator.db.CheckResults.passed;
import static io.pgmigration.operator.db.CheckResults.warning;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Method;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.CheckOutcome;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.Severity;
import io.pgmigration.operator.secrets.PostgresUri;
import java.util.ArrayList;
import java.util.List;

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
  public static final String REHEARSAL = "Rehearsal";
  public static final String ENCODING = "Encoding";
  public static final String COLLATION = "Collation";
  public static final String CLIENT_TOOLS = "ClientTools";
  public static final String ROLES = io.pgmigration.operator.api.v1alpha1.Checks.ROLES;
  public static final String ROLE_MEMBERSHIP = "RoleMembership";
  public static final String COPY_IMAGE = "CopyImage";
  public static final String OTHER_MIGRATIONS = "OtherMigrations";
  public static final String MAINTENANCE_SCOPE = "MaintenanceScope";
  public static final String APP_LOGIN = "AppLogin";
  public static final String FENCE = FenceChecks.FENCE;
  public static final String CONNECTIONS = ConnectionCapacity.CONNECTIONS;
  public static final String APP_SECRET_WRITABLE = "AppSecretWritable";

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
   * @param clientTools the version of the pg_dump the rehearsal, the verification and the copy run,
   *     e.g. "15.14", or null when it could not be run
   * @param copyImage the spec's copy.image; empty for the operator's own
   * @param allowedCopyImages the images copy.image may name: the operator's own and the allow-list
   */
  public record Inputs(
      Method method,
      Ownership ownership,
      String clientTools,
      String copyImage,
      List<String> allowedCopyImages,
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
    ConnectionChecks.evaluate(out, in);
    out.add(ClusterChecks.copyImage(in.copyImage(), in.allowedCopyImages()));

    DatabaseFacts src = in.sourceFacts().ok() ? in.sourceFacts().value() : null;
    DatabaseFacts dst = in.destinationFacts().ok() ? in.destinationFacts().value() : null;
    destinationEmpty(out, in, dst);
    VersionChecks.evaluate(out, src, dst, in.clientTools());
    if (src == null || dst == null) {
      String why =
          "not run: " + (src == null ? "the source" : "the destination") + " is not reachable";
      out.add(error(EXTENSIONS, Severity.Blocking, why));
    } else {
      out.add(extensions(src, dst));
    }
    TextChecks.evaluate(out, src, dst);
    RoleChecks.evaluate(out, in.ownership(), src, dst);
    out.add(FenceChecks.evaluate(src));
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
      StreamingChecks.evaluate(out, src, dst, dst != null && ownReplicaOn(in, dst));
    }
    return out;
  }

  /** DestinationEmpty: no user tables, unless they are this migration's own replica. */
  private static void destinationEmpty(List<CheckResult> out, Inputs in, DatabaseFacts dst) {
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
  }

  /** Extensions: every extension the source uses is available on the destination. */
  private static CheckResult extensions(DatabaseFacts src, DatabaseFacts dst) {
    List<String> missing =
        src.installedExtensions().keySet().stream()
            .filter(e -> !dst.availableExtensions().contains(e))
            .sorted()
            .toList();
    return missing.isEmpty()
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
                + " the extensions from the source if they are unused.");
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
}
