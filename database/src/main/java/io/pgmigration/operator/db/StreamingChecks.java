package io.pgmigration.operator.db;

import static io.pgmigration.operator.db.CheckResults.error;
import static io.pgmigration.operator.db.CheckResults.failed;
import static io.pgmigration.operator.db.CheckResults.listed;
import static io.pgmigration.operator.db.CheckResults.passed;
import static io.pgmigration.operator.db.CheckResults.warning;
import static io.pgmigration.operator.db.PreparationChecks.LARGE_OBJECTS;
import static io.pgmigration.operator.db.PreparationChecks.REPLICATION_PRIVILEGE;
import static io.pgmigration.operator.db.PreparationChecks.REPLICATION_SLOTS;
import static io.pgmigration.operator.db.PreparationChecks.REPLICA_IDENTITY;
import static io.pgmigration.operator.db.PreparationChecks.SUBSCRIPTION_PRIVILEGE;
import static io.pgmigration.operator.db.PreparationChecks.UNLOGGED_TABLES;
import static io.pgmigration.operator.db.PreparationChecks.WAL_LEVEL;
import static io.pgmigration.operator.db.PreparationChecks.WAL_SENDERS;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.Severity;
import java.util.List;

/** The checks only the Streaming method needs: what logical replication asks of both servers. */
final class StreamingChecks {
  private StreamingChecks() {}

  /**
   * @param own the migration's own replication exists: its slot and WAL sender count as free
   */
  static void evaluate(List<CheckResult> out, DatabaseFacts src, DatabaseFacts dst, boolean own) {
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
    server(out, src, own);
    tables(out, src);
  }

  /** What the source server must allow: logical WAL, a free slot and a free WAL sender. */
  private static void server(List<CheckResult> out, DatabaseFacts src, boolean own) {
    out.add(
        "logical".equals(src.walLevel())
            ? passed(WAL_LEVEL, Severity.Blocking, "wal_level is logical")
            : failed(
                WAL_LEVEL,
                Severity.Blocking,
                "wal_level is " + src.walLevel() + " on the source",
                "Set wal_level = logical on the source and restart it, or use method Snapshot."));
    int mine = own ? 1 : 0;
    out.add(
        free(
            REPLICATION_SLOTS,
            "replication slot",
            src.maxReplicationSlots(),
            src.usedReplicationSlots() - mine,
            "Raise max_replication_slots on the source (restart needed) or drop an unused slot."));
    out.add(
        free(
            WAL_SENDERS,
            "WAL sender",
            src.maxWalSenders(),
            src.usedWalSenders() - mine,
            "Raise max_wal_senders on the source (restart needed)."));
  }

  /** Whether one of the source's {@code max} {@code what}s is free for the replication. */
  private static CheckResult free(String check, String what, int max, int used, String hint) {
    int free = max - used;
    return free >= 1
        ? passed(check, Severity.Blocking, free + " free " + what + "(s)")
        : failed(check, Severity.Blocking, "all " + max + " " + what + "s are in use", hint);
  }

  /** What the source's user and tables must allow to be replicated. */
  private static void tables(List<CheckResult> out, DatabaseFacts src) {
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
}
