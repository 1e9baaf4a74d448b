package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.db.ChangedRows;
import io.pgmigration.operator.db.ChunkChecks;
import io.pgmigration.operator.db.ChunkResults;
import io.pgmigration.operator.db.FollowUpChecks;
import io.pgmigration.operator.db.SchemaComparison;
import io.pgmigration.operator.phase.port.Replication;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A replication that exists or not, in the state the test sets. */
final class ScriptedReplication implements Replication {
  /** Whether anything of the replication exists. */
  boolean replicating;

  int replicationDrops;
  RuntimeException dropFailure;
  State state = new State(3, 3, 0, true, 120, 0, 16_777_216);
  String sourcePosition = "0/3000148";
  Long behind = 0L;
  int replicasCompleted;

  /** The verification while Ready: unavailable unless a test arms it. */
  Arming arming = new Arming(false, "not scripted");

  int chunksPerRound = 4;
  int applied = Integer.MAX_VALUE;
  long covered = 42;
  List<ChunkResults.Difference> differences = new ArrayList<>();
  final List<List<String>> rechecks = new ArrayList<>();
  ChangedRows.Result changes = new ChangedRows.Result(2, 15, 1, List.of());

  /** Whether the destination applies the follow-up checks (not when its replication is stuck). */
  boolean followApplied = true;

  /** Slices of chunk checks written on the source. */
  int slices;

  /** What the switch-over's comparison of the schemas finds. */
  SchemaComparison.Result schema = new SchemaComparison.Result(List.of(), 12);

  Long comparedSince;
  Long comparedFollowed;

  /**
   * The follow-up checks: what the next one writes (null: nothing changed), and where each began.
   */
  FollowUpChecks.Follow follow;

  List<ChunkResults.Difference> followDifferences = new ArrayList<>();
  final List<Long> follows = new ArrayList<>();

  @Override
  public void startReplication(PostgresMigration migration, String name) {
    replicating = true;
  }

  @Override
  public State replication(PostgresMigration migration, String name) {
    return state;
  }

  @Override
  public Cutover cutover(PostgresMigration migration, String name) {
    return new Cutover(sourcePosition, state.errors());
  }

  @Override
  public Long behind(PostgresMigration migration, String name, String lsn) {
    return replicating ? behind : null;
  }

  @Override
  public Finish finish(PostgresMigration migration, String name, ChangesSince since) {
    replicasCompleted++;
    ChangedRows.Result compared = null;
    SchemaComparison.Result schemaCompared = null;
    if (since != null) {
      comparedSince = since.covered();
      comparedFollowed = since.followed();
      compared = changes;
      schemaCompared = schema;
    }
    return new Finish(
        "2 sequence(s) set and 0 materialized view(s) refreshed",
        compared,
        schemaCompared,
        dropReplication(migration, name));
  }

  @Override
  public List<String> dropReplication(PostgresMigration migration, String name) {
    if (dropFailure != null) {
      throw dropFailure;
    }
    List<String> dropped = replicating ? List.of("slot " + name) : List.of();
    replicating = false;
    replicationDrops++;
    return dropped;
  }

  @Override
  public Arming armVerification(PostgresMigration migration, String name) {
    return arming;
  }

  @Override
  public ChunkChecks.Slice checkChunks(
      PostgresMigration migration, ChunkChecks.Cursor from, Duration budget) {
    slices++;
    return new ChunkChecks.Slice(
        new ChunkChecks.Cursor(from.round(), null, null, 0, from.checked() + chunksPerRound),
        true,
        null,
        2);
  }

  @Override
  public ChunkResults.Round roundResults(PostgresMigration migration, int round) {
    if (round < 0) {
      return new ChunkResults.Round(
          followApplied ? follow.chunks() : 0, covered, followDifferences);
    }
    return new ChunkResults.Round(Math.min(applied, chunksPerRound), covered, differences);
  }

  @Override
  public int recheck(PostgresMigration migration, List<String> chunks) {
    rechecks.add(chunks);
    return chunks.size();
  }

  @Override
  public FollowUpChecks.Follow followChanges(PostgresMigration migration, long from, int step) {
    follows.add(from);
    return follow == null ? new FollowUpChecks.Follow(from, 0, null, null) : follow;
  }
}
