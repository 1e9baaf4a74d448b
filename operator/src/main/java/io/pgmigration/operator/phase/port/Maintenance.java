package io.pgmigration.operator.phase.port;

import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.RecordedWorkload;
import io.pgmigration.operator.db.SourceFence;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Maintenance mode: the app's workloads stopped and given back, and the source fenced. Every call
 * that changes something is idempotent, so a handler interrupted by a restart may run it again.
 */
public interface Maintenance {
  /**
   * The workloads the maintenance selector picks, as they were before maintenance (from their
   * annotation when this migration already stopped them). The source and destination workloads are
   * never among them.
   */
  List<RecordedWorkload> recordWorkloads(PostgresMigration migration);

  /**
   * Scales each of {@code workloads} to zero or suspends it, annotating it with its record, unless
   * it already is; then tells which of their pods, and of their CronJobs' Jobs, have not ended yet,
   * once they all have or {@code wait} is over, whichever comes first.
   *
   * @param justRecorded the workloads were recorded running a moment ago: they are stopped without
   *     being read first
   * @param wait how long to wait for the pods to end, watching them; zero only looks
   * @return the pods not ended yet, by name
   */
  List<String> stopWorkloads(
      PostgresMigration migration,
      List<RecordedWorkload> workloads,
      boolean justRecorded,
      Duration wait);

  /**
   * Gives every workload in {@code recorded}, and every selected workload still carrying this
   * operator's maintenance annotation, back exactly what was recorded. Workloads deleted meanwhile
   * are skipped.
   */
  void restoreWorkloads(PostgresMigration migration, List<RecordedWorkload> recorded);

  /**
   * Makes the source read-only and ends its sessions; once every other session has ended, reads
   * what the source's statistics count as written to it, as of {@code now} (complete only then), in
   * the same session.
   *
   * @return the sessions that could not be ended (the fence holds only when there is none), or the
   *     write counters
   */
  SourceFence.Fenced fenceSource(PostgresMigration migration, Instant now);

  /** Makes the source writable again. */
  void liftSourceFence(PostgresMigration migration);
}
