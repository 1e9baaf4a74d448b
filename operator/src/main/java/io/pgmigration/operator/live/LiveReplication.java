package io.pgmigration.operator.live;

import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.VerificationMode;
import io.pgmigration.operator.db.ChangedRows;
import io.pgmigration.operator.db.ChunkChecks;
import io.pgmigration.operator.db.ChunkResults;
import io.pgmigration.operator.db.DatabaseProbe;
import io.pgmigration.operator.db.FollowUpChecks;
import io.pgmigration.operator.db.LogicalReplication;
import io.pgmigration.operator.db.OnlineVerification;
import io.pgmigration.operator.db.SchemaComparison;
import io.pgmigration.operator.db.Sequences;
import io.pgmigration.operator.phase.port.Replication;
import io.pgmigration.operator.secrets.PostgresUri;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Logical replication between the two databases ({@link LogicalReplication}), live.
 *
 * @param statementLimit how long the switch-over's comparison of the schemas may take ({@link
 *     io.pgmigration.operator.phase.Watchdog#statement})
 */
record LiveReplication(MigrationSecrets secrets, Duration statementLimit) implements Replication {
  private static final Logger LOG = Logger.getLogger(LiveReplication.class);

  @Override
  public void startReplication(PostgresMigration m, String name) {
    PostgresUri source = secrets.source(m);
    Sql.onBoth(
        source,
        secrets.destination(m),
        "set up logical replication",
        (src, dst) -> {
          LogicalReplication.publish(src, name);
          // The destination server reaches the source by the Service name, like the operator,
          // with the URI's own TLS settings: the operator's CA file is not on that server.
          LogicalReplication.subscribe(dst, name, secrets.sourceAsWritten(m).conninfo());
          return null;
        });
  }

  @Override
  public State replication(PostgresMigration m, String name) {
    return Sql.onBoth(
        secrets.source(m),
        secrets.destination(m),
        "read the replication's state",
        (src, dst) -> {
          LogicalReplication.Subscription sub = LogicalReplication.subscription(dst, name);
          LogicalReplication.Lag lag = LogicalReplication.lag(src, name);
          return new State(
              sub.tables(),
              sub.synced(),
              sub.errors(),
              sub.running(),
              lag.bytes(),
              lag.seconds(),
              lag.retainedBytes());
        });
  }

  @Override
  public Cutover cutover(PostgresMigration m, String name) {
    return Sql.onBoth(
        secrets.source(m),
        secrets.destination(m),
        "read the source's WAL position",
        (src, dst) ->
            new Cutover(
                LogicalReplication.position(src),
                LogicalReplication.subscription(dst, name).errors()));
  }

  @Override
  public Long behind(PostgresMigration m, String name, String lsn) {
    return Sql.on(
        secrets.source(m),
        "read how far the destination has come",
        src -> LogicalReplication.behind(src, name, lsn));
  }

  @Override
  public Finish finish(PostgresMigration m, String name, ChangesSince changes) {
    PostgresUri source = secrets.source(m);
    PostgresUri destination = secrets.destination(m);
    return Sql.onBoth(
        source,
        destination,
        "complete the destination and drop the replication " + name,
        (src, dst) -> {
          long began = System.nanoTime();
          int sequences = Sequences.copy(src, dst);
          int views = LogicalReplication.refreshMaterializedViews(src, dst);
          long completed = System.nanoTime();
          // The schemas (pg_dump on each side, a process each) are compared meanwhile, leaving
          // out what is dropped below: Verifying need not dump them again.
          SchemaComparison.Started schema =
              changes == null
                  ? null
                  : SchemaComparison.start(
                      source,
                      destination,
                      m.getSpec().ownership,
                      statementLimit,
                      SchemaComparison.Leaving.replication(name));
          ChangedRows.Result compared =
              changes == null
                  ? null
                  : ChangedRows.compare(
                      src, dst, changes.covered(), changes.followed(), checksums(m));
          long comparedAt = System.nanoTime();
          SchemaComparison.Result schemaCompared = schema == null ? null : schema.result();
          long schemaAt = System.nanoTime();
          List<String> dropped = LogicalReplication.drop(dst, src, name);
          LOG.debugf(
              "switch-over: %d ms completing, %d ms comparing the changed rows, %d ms more for"
                  + " the schemas, %d ms dropping",
              (completed - began) / 1_000_000,
              (comparedAt - completed) / 1_000_000,
              (schemaAt - comparedAt) / 1_000_000,
              (System.nanoTime() - schemaAt) / 1_000_000);
          return new Finish(
              sequences + " sequence(s) set and " + views + " materialized view(s) refreshed",
              compared,
              schemaCompared,
              dropped);
        });
  }

  @Override
  public List<String> dropReplication(PostgresMigration m, String name) {
    return Sql.run(
        "drop the replication " + name,
        () -> {
          Connection dst = null;
          try {
            dst = DatabaseProbe.connect(secrets.destination(m));
          } catch (SQLException | RuntimeException e) {
            // The subscription goes with the destination; the slot on the source must go anyway,
            // or it keeps WAL until the source's disk is full.
          }
          try (Connection src = DatabaseProbe.connect(secrets.source(m))) {
            return LogicalReplication.drop(dst, src, name);
          } finally {
            if (dst != null) {
              dst.close();
            }
          }
        });
  }

  @Override
  public Arming armVerification(PostgresMigration m, String name) {
    return Sql.onBoth(
        secrets.source(m),
        secrets.destination(m),
        "set up the verification while Ready",
        (src, dst) -> {
          if (!OnlineVerification.prepared(src, dst)) {
            try {
              OnlineVerification.prepareDestination(dst, OnlineVerification.tables(dst));
              OnlineVerification.prepareSource(src, name);
            } catch (SQLException e) {
              if ("42501".equals(e.getSQLState())) {
                return new Arming(
                    false,
                    "the source's login may not create schema "
                        + OnlineVerification.SCHEMA
                        + " ("
                        + e.getMessage()
                        + "); grant it CREATE on the database to verify while Ready");
              }
              throw e;
            }
          }
          if (ChunkChecks.armed(dst)) {
            return new Arming(true, null);
          }
          // Repeated until the probe arrives: a restart between the steps above must not leave
          // the subscription without the bookkeeping table, and a probe the destination's
          // apply worker skipped, before it took the table in, is written again.
          OnlineVerification.refreshSubscription(dst, name);
          ChunkChecks.probe(src);
          return new Arming(false, null);
        });
  }

  @Override
  public ChunkChecks.Slice checkChunks(
      PostgresMigration m, ChunkChecks.Cursor from, Duration budget) {
    return Sql.on(
        secrets.source(m),
        "check the source's chunks",
        src -> ChunkChecks.check(src, from, checksums(m), budget));
  }

  @Override
  public ChunkResults.Round roundResults(PostgresMigration m, int round) {
    return Sql.on(
        secrets.destination(m),
        "read the destination's chunk checks",
        dst -> ChunkResults.results(dst, round));
  }

  @Override
  public int recheck(PostgresMigration m, List<String> chunks) {
    return Sql.on(secrets.source(m), "check chunks again", src -> ChunkChecks.recheck(src, chunks));
  }

  @Override
  public FollowUpChecks.Follow followChanges(PostgresMigration m, long from, int step) {
    return Sql.onBoth(
        secrets.source(m),
        secrets.destination(m),
        "check the rows changed since the last check",
        (src, dst) -> FollowUpChecks.follow(src, dst, from, step, checksums(m)));
  }

  /** Whether the migration compares checksums, not only row counts. */
  private static boolean checksums(PostgresMigration m) {
    return m.getSpec().verification == VerificationMode.Checksums;
  }
}
