package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.RecordedWorkload;
import io.pgmigration.operator.api.v1alpha1.SourceWrites;
import io.pgmigration.operator.api.v1alpha1.Timestamps;
import io.pgmigration.operator.db.SourceFence;
import io.pgmigration.operator.phase.port.Maintenance;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An app of two workloads, pods that may linger, and a source that can be fenced. */
final class ScriptedMaintenance implements Maintenance {
  /** Workload "Kind/name" to replicas (or 1/0 for a CronJob's suspend false/true). */
  final Map<String, Integer> replicas = new LinkedHashMap<>();

  final Map<String, Integer> recordedBeforeStop = new LinkedHashMap<>();
  List<String> podsLeft = new ArrayList<>();
  boolean fenced;
  List<String> unendedSessions = List.of();
  RuntimeException liftFailure;

  /** Rows a client wrote to the source past the fence; the counters show them. */
  long writesPastFence;

  ScriptedMaintenance() {
    replicas.put("Deployment/web", 2);
    replicas.put("CronJob/nightly-report", 1);
  }

  @Override
  public List<RecordedWorkload> recordWorkloads(PostgresMigration migration) {
    List<RecordedWorkload> out = new ArrayList<>();
    replicas.forEach(
        (key, value) -> {
          RecordedWorkload w = new RecordedWorkload();
          w.kind = key.split("/")[0];
          w.name = key.split("/")[1];
          int original = recordedBeforeStop.getOrDefault(key, value);
          if (w.kind.equals("CronJob")) {
            w.suspend = original == 0;
          } else {
            w.replicas = original;
          }
          out.add(w);
        });
    return out;
  }

  @Override
  public List<String> stopWorkloads(
      PostgresMigration migration,
      List<RecordedWorkload> stopped,
      boolean justRecorded,
      Duration wait) {
    for (RecordedWorkload w : stopped) {
      String key = w.kind + "/" + w.name;
      recordedBeforeStop.putIfAbsent(key, replicas.get(key));
      replicas.put(key, 0);
    }
    return podsLeft;
  }

  @Override
  public void restoreWorkloads(PostgresMigration migration, List<RecordedWorkload> recorded) {
    recordedBeforeStop.forEach(replicas::put);
    recordedBeforeStop.clear();
  }

  @Override
  public SourceFence.Fenced fenceSource(PostgresMigration migration, Instant now) {
    fenced = true;
    return new SourceFence.Fenced(
        unendedSessions, unendedSessions.isEmpty() ? writesAt(now) : null);
  }

  private SourceWrites writesAt(Instant now) {
    SourceWrites w = new SourceWrites();
    w.readAt = Timestamps.of(now);
    w.rowsInserted = 1000 + writesPastFence;
    w.rowsUpdated = 0L;
    w.rowsDeleted = 0L;
    w.tables = 2;
    w.tablesDigest = "tables-" + w.rowsInserted;
    w.sequencesDigest = "sequences";
    return w;
  }

  @Override
  public void liftSourceFence(PostgresMigration migration) {
    if (liftFailure != null) {
      throw liftFailure;
    }
    fenced = false;
  }
}
