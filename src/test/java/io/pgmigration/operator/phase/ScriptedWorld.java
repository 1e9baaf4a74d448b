package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.CheckOutcome;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.Severity;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Progress;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.RecordedWorkload;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Verification;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Verification.Mismatch;
import io.pgmigration.operator.k8s.CopyJobBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outside world of the phase machine, scripted by each test: an app of two workloads, a source
 * that can be fenced, a copy Job whose state the test sets, and a Secret. It keeps what was done to
 * it, so tests can say what happened and how often.
 */
final class ScriptedWorld implements PhaseContext {
  Instant now;
  List<CheckResult> checks =
      List.of(check("SourceReachable", Severity.Blocking, CheckOutcome.Passed));
  int checkRuns;

  /** Workload "Kind/name" to replicas (or 1/0 for a CronJob's suspend false/true). */
  final Map<String, Integer> replicas = new LinkedHashMap<>();

  final Map<String, Integer> recordedBeforeStop = new LinkedHashMap<>();
  List<String> podsLeft = new ArrayList<>();
  boolean fenced;
  List<String> unendedSessions = List.of();
  RuntimeException liftFailure;
  final Map<String, CopyJob.State> jobs = new LinkedHashMap<>();
  int jobsCreated;
  Progress progress;
  List<Mismatch> mismatches = List.of();
  RuntimeException verifyFailure;
  String databaseUrl = "source";
  int promotions;
  int destroyed;
  final List<String> warnings = new ArrayList<>();

  /** Streaming: what exists of the replication, and how it stands. */
  boolean replicating;

  int replicationDrops;
  RuntimeException dropFailure;
  ReplicationState replication = new ReplicationState(3, 3, 0, true, 120, 0);
  String sourcePosition = "0/3000148";
  Long behind = 0L;
  int replicasCompleted;

  ScriptedWorld(Instant now) {
    this.now = now;
    replicas.put("Deployment/web", 2);
    replicas.put("CronJob/nightly-report", 1);
  }

  static CheckResult check(String name, Severity severity, CheckOutcome outcome) {
    CheckResult c = new CheckResult();
    c.name = name;
    c.severity = severity;
    c.result = outcome;
    c.message = name + " " + outcome;
    return c;
  }

  @Override
  public Instant now() {
    return now;
  }

  @Override
  public List<CheckResult> runChecks(PostgresMigration migration) {
    checkRuns++;
    return new ArrayList<>(checks);
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
  public void stopWorkload(PostgresMigration migration, RecordedWorkload w) {
    String key = w.kind + "/" + w.name;
    recordedBeforeStop.putIfAbsent(key, replicas.get(key));
    replicas.put(key, 0);
  }

  @Override
  public List<String> remainingPods(PostgresMigration migration, List<RecordedWorkload> stopped) {
    return podsLeft;
  }

  @Override
  public void restoreWorkloads(PostgresMigration migration, List<RecordedWorkload> recorded) {
    recordedBeforeStop.forEach(replicas::put);
    recordedBeforeStop.clear();
  }

  @Override
  public List<String> fenceSource(PostgresMigration migration) {
    fenced = true;
    return unendedSessions;
  }

  @Override
  public void liftSourceFence(PostgresMigration migration) {
    if (liftFailure != null) {
      throw liftFailure;
    }
    fenced = false;
  }

  @Override
  public CopyJob copyJob(
      PostgresMigration migration, CopyJobBuilder.Kind kind, String name, boolean mayCreate) {
    if (!jobs.containsKey(name)) {
      if (!mayCreate) {
        return new CopyJob(CopyJob.State.Missing, null);
      }
      jobsCreated++;
      jobs.put(name, CopyJob.State.Running);
    }
    CopyJob.State state = jobs.get(name);
    return new CopyJob(state, state == CopyJob.State.Failed ? "BackoffLimitExceeded" : null);
  }

  @Override
  public Progress copyProgress(PostgresMigration migration) {
    return progress;
  }

  @Override
  public void deleteCopyJob(PostgresMigration migration, String name) {
    jobs.remove(name);
  }

  @Override
  public Verification verify(PostgresMigration migration) {
    if (verifyFailure != null) {
      throw verifyFailure;
    }
    Verification v = new Verification();
    v.tablesCompared = 5;
    v.sequencesCompared = 1;
    v.mismatches = mismatches;
    return v;
  }

  @Override
  public void startReplication(PostgresMigration migration, String name) {
    replicating = true;
  }

  @Override
  public ReplicationState replication(PostgresMigration migration, String name) {
    return replication;
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

  @Override
  public String promoteSecret(PostgresMigration migration) {
    promotions++;
    databaseUrl = "destination";
    return "DATABASE_URL_PREVIOUS";
  }

  @Override
  public List<String> restartSecretReaders(
      PostgresMigration migration, List<RecordedWorkload> stopped, String stamp) {
    return List.of();
  }

  @Override
  public String destroySource(PostgresMigration migration) {
    destroyed++;
    return "StatefulSet postgresql-clean-29349";
  }

  @Override
  public void warn(PostgresMigration migration, String reason, String message) {
    warnings.add(reason);
  }
}
