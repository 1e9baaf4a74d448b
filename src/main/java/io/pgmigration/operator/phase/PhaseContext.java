package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Progress;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.RecordedWorkload;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Verification;
import java.time.Instant;
import java.util.List;

/**
 * What phase handlers may use besides the migration itself: the clock and the outside world. Every
 * operation that changes something is idempotent, so a handler interrupted by an operator restart
 * may simply run again.
 */
public interface PhaseContext {
  /** The current time. */
  Instant now();

  /** Runs every preparation check of {@code migration}, read-only. */
  List<CheckResult> runChecks(PostgresMigration migration);

  // Maintenance

  /**
   * The workloads the maintenance selector picks, as they were before maintenance (from their
   * annotation when this migration already stopped them). The source and destination workloads are
   * never among them.
   */
  List<RecordedWorkload> recordWorkloads(PostgresMigration migration);

  /** Scales {@code workload} to zero or suspends it, annotating it with its record. */
  void stopWorkload(PostgresMigration migration, RecordedWorkload workload);

  /** Pods of the stopped workloads, and of their CronJobs' Jobs, that have not ended yet. */
  List<String> remainingPods(PostgresMigration migration, List<RecordedWorkload> workloads);

  /**
   * Gives every workload in {@code recorded}, and every selected workload still carrying this
   * operator's maintenance annotation, back exactly what was recorded. Workloads deleted meanwhile
   * are skipped.
   */
  void restoreWorkloads(PostgresMigration migration, List<RecordedWorkload> recorded);

  /**
   * Makes the source read-only and ends its sessions.
   *
   * @return sessions that could not be ended; the fence holds only when this is empty
   */
  List<String> fenceSource(PostgresMigration migration);

  /** Makes the source writable again. */
  void liftSourceFence(PostgresMigration migration);

  // Copy

  /**
   * The state of the copy Job {@code name}, creating it first when it does not exist and {@code
   * mayCreate}.
   */
  CopyJob copyJob(PostgresMigration migration, String name, boolean mayCreate);

  /** How far the copy into the destination has come, or null when it cannot be read now. */
  Progress copyProgress(PostgresMigration migration);

  /** Deletes the copy Job {@code name} and its pod, if they exist. */
  void deleteCopyJob(PostgresMigration migration, String name);

  /** Compares every table and sequence of source and destination. */
  Verification verify(PostgresMigration migration);

  // Promotion and after

  /**
   * Points the app's URL key (and follower keys) at the destination, keeping the previous value
   * under an alias key of the same Secret.
   *
   * @return the alias key
   */
  String promoteSecret(PostgresMigration migration);

  /**
   * Restarts the Deployments and StatefulSets that read the app's Secret and were not stopped for
   * maintenance (those start with the new value anyway).
   *
   * @param stamp a value that identifies this restart, so repeating it changes nothing
   * @return the restarted workloads, as "Kind name"
   */
  List<String> restartSecretReaders(
      PostgresMigration migration, List<RecordedWorkload> stopped, String stamp);

  /**
   * Deletes the source workload, and its PersistentVolumeClaims when asked.
   *
   * @return what was deleted, in words
   */
  String destroySource(PostgresMigration migration);

  /** Records a Warning event on the migration (best effort). */
  void warn(PostgresMigration migration, String reason, String message);

  /** The copy Job's state. */
  record CopyJob(State state, String detail) {
    /** Where the Job stands. */
    public enum State {
      Running,
      Succeeded,
      Failed,
      Missing
    }
  }
}
