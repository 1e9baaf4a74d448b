package io.pgmigration.operator.phase.port;

import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.db.ChangedRows;
import io.pgmigration.operator.db.ChunkChecks;
import io.pgmigration.operator.db.ChunkResults;
import io.pgmigration.operator.db.FollowUpChecks;
import io.pgmigration.operator.db.SchemaComparison;
import java.time.Duration;
import java.util.List;

/** The Streaming method's logical replication between the source and the destination. */
public interface Replication {
  /**
   * Publishes the source's tables and subscribes the destination to them, under {@code name}: the
   * replication slot is made on the source and the initial copy starts.
   */
  void startReplication(PostgresMigration migration, String name);

  /** How far the replication {@code name} has come, and how far behind the source it is. */
  State replication(PostgresMigration migration, String name);

  /**
   * The switch-over's start, with the app stopped and the source fenced: the source's WAL position,
   * which every write of the app precedes, and the errors the destination has reported applying
   * changes of the replication {@code name} so far.
   */
  Cutover cutover(PostgresMigration migration, String name);

  /**
   * Bytes of the source's WAL before {@code lsn} that the destination has not confirmed through the
   * slot {@code name}: 0 once it has all of it; null when the slot does not exist.
   */
  Long behind(PostgresMigration migration, String name, String lsn);

  /**
   * The switch-over's end, once the destination has every change up to the fenced position, on one
   * session per server since the app is down all the while: gives the destination what logical
   * replication does not carry (the sequences' values, the materialized views' contents); when
   * {@code changes} is not null, compares the rows changed on the destination after its change-log
   * position {@code covered} (of a keyed table, after {@code followed}); then drops the replication
   * {@code name} as {@link #dropReplication} does.
   */
  Finish finish(PostgresMigration migration, String name, ChangesSince changes);

  /**
   * Drops the subscription {@code name} on the destination (when it can be reached), then its slot
   * and the publication on the source; fails when the source cannot be reached.
   *
   * @return what was dropped, e.g. "slot pgmo_…"
   */
  List<String> dropReplication(PostgresMigration migration, String name);

  /**
   * Sets up the verification while Ready on both servers for the replication {@code name}, once,
   * and tells whether the destination applies the bookkeeping table yet.
   */
  Arming armVerification(PostgresMigration migration, String name);

  /** Checks the source's chunks from {@code from} on, for about {@code budget}. */
  ChunkChecks.Slice checkChunks(
      PostgresMigration migration, ChunkChecks.Cursor from, Duration budget);

  /** What the destination has applied of round {@code round}, and where it differs. */
  ChunkResults.Round roundResults(PostgresMigration migration, int round);

  /** Checks the chunks {@code chunks} ("table#chunk") again; returns how many were. */
  int recheck(PostgresMigration migration, List<String> chunks);

  /**
   * Checks again, as round {@code -step}, the rows of keyed tables changed on the destination after
   * change-log position {@code from} ({@link FollowUpChecks}).
   */
  FollowUpChecks.Follow followChanges(PostgresMigration migration, long from, int step);

  /**
   * Where the switch-over starts.
   *
   * @param position the source's WAL position when it was fenced
   * @param applyErrors errors the destination had reported applying changes until then
   */
  record Cutover(String position, long applyErrors) {}

  /** Change-log positions after which {@link #finish} compares the changed rows. */
  record ChangesSince(long covered, long followed) {}

  /**
   * What {@link #finish} did.
   *
   * @param completed the sequences set and materialized views refreshed, in words
   * @param changes the changed rows compared; null when none were asked for
   * @param schema the schemas compared, without the replication's own objects, meanwhile; null when
   *     the changed rows were not asked for
   * @param dropped what was dropped, e.g. "slot pgmo_…"
   */
  record Finish(
      String completed,
      ChangedRows.Result changes,
      SchemaComparison.Result schema,
      List<String> dropped) {}

  /**
   * Whether the verification while Ready can begin.
   *
   * @param armed the destination applies the bookkeeping table: a round may begin
   * @param unavailable why it cannot be set up at all (null when it can)
   */
  record Arming(boolean armed, String unavailable) {}

  /**
   * The replication as the destination and source see it.
   *
   * @param tables tables subscribed
   * @param synced tables whose initial copy is done and which stream
   * @param errors errors the destination reported applying changes or copying tables
   * @param running whether the destination's apply worker runs
   * @param lagBytes WAL the destination has not confirmed
   * @param lagSeconds the replay lag the source last measured
   * @param retainedBytes WAL the source keeps for the replication slot
   */
  record State(
      int tables,
      int synced,
      long errors,
      boolean running,
      long lagBytes,
      long lagSeconds,
      long retainedBytes) {}
}
