package io.pgmigration.operator.live;

import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.RecordedWorkload;
import io.pgmigration.operator.db.SourceFence;
import io.pgmigration.operator.phase.port.Maintenance;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Maintenance on the cluster ({@link Workloads}) and on the source ({@link SourceFence}). */
record LiveMaintenance(Workloads workloads, MigrationSecrets secrets) implements Maintenance {
  @Override
  public List<RecordedWorkload> recordWorkloads(PostgresMigration m) {
    return workloads.record(m);
  }

  @Override
  public List<String> stopWorkloads(
      PostgresMigration m, List<RecordedWorkload> stopped, boolean justRecorded, Duration wait) {
    return workloads.stop(m, stopped, justRecorded, wait);
  }

  @Override
  public void restoreWorkloads(PostgresMigration m, List<RecordedWorkload> recorded) {
    workloads.restore(m, recorded);
  }

  @Override
  public SourceFence.Fenced fenceSource(PostgresMigration m, Instant now) {
    return Sql.run(
        "fence the source and count its writes",
        () -> SourceFence.fenceAndCount(secrets.source(m), now));
  }

  @Override
  public void liftSourceFence(PostgresMigration m) {
    Sql.run(
        "lift the source fence",
        () -> {
          SourceFence.lift(secrets.source(m));
          return null;
        });
  }
}
