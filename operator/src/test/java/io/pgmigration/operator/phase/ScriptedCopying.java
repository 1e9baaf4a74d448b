package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Progress;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Verification;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Verification.Mismatch;
import io.pgmigration.operator.k8s.CopyJobBuilder;
import io.pgmigration.operator.phase.port.Copying;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Copy Jobs whose state the test sets, progress it shows, and a verification it scripts. */
final class ScriptedCopying implements Copying {
  final Map<String, CopyJob.State> jobs = new LinkedHashMap<>();

  /** Jobs whose pod cannot run: since when, and why. */
  final Map<String, java.time.Instant> stuckSince = new LinkedHashMap<>();

  int jobsCreated;
  Progress progress;
  List<Mismatch> mismatches = List.of();
  RuntimeException verifyFailure;

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
    if (stuckSince.containsKey(name)) {
      return new CopyJob(
          state,
          "ImagePullBackOff: Back-off pulling image \"nowhere/copy:1\"",
          stuckSince.get(name));
    }
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

  /** Whether the last verification compared the tables. */
  Boolean tablesVerified;

  /** Whether the last verification compared the schemas. */
  Boolean schemaVerified;

  @Override
  public Verification verify(PostgresMigration migration, boolean tables, boolean schema) {
    tablesVerified = tables;
    schemaVerified = schema;
    if (verifyFailure != null) {
      throw verifyFailure;
    }
    Verification v = new Verification();
    v.tablesCompared = 5;
    v.sequencesCompared = 1;
    v.schemaObjectsCompared = schema ? 7 : null;
    v.mismatches = mismatches;
    return v;
  }
}
