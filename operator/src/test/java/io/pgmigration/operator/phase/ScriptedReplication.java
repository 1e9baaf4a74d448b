package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.phase.port.Replication;
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

  @Override
  public void startReplication(PostgresMigration migration, String name) {
    replicating = true;
  }

  @Override
  public State replication(PostgresMigration migration, String name) {
    return state;
  }

  @Override
  public String sourcePosition(PostgresMigration migration) {
    return sourcePosition;
  }

  @Override
  public Long behind(PostgresMigration migration, String name, String lsn) {
    return replicating ? behind : null;
  }

  @Override
  public String completeReplica(PostgresMigration migration) {
    replicasCompleted++;
    return "2 sequence(s) set and 0 materialized view(s) refreshed";
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
}
