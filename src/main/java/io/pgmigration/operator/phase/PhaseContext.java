package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Progress;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.RecordedWorkload;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Verification;
import io.pgmigration.operator.k8s.CopyJobBuilder;
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
   * The state of the {@code kind} Job {@code name}, creating it first when it does not exist and
   * {@code mayCreate}.
   */
  CopyJob copyJob(
      PostgresMigration migration, CopyJobBuilder.Kind kind, String name, boolean mayCreate);

  /** How far the copy into the destination has come, or null when it cannot be read now. */
  Progress copyProgress(PostgresMigration migration);

  /** Deletes the Job {@code name} and its pods, if they exist. */
  void deleteCopyJob(PostgresMigration migration, String name);

  /** Compares every table and sequence of source and destination. */
  Verification verify(PostgresMigration migration);

  // Streaming

  /**
   * Publishes the source's tables and subscribes the destination to them, under {@code name}: the
   * replication slot is made on the source and the initial copy starts.
   */
  void startReplication(PostgresMigration migration, String name);

  /** How far the replication {@code name} has come, and how far behind the source it is. */
  ReplicationState replication(PostgresMigration migration, String name);

  /** The source's current WAL position. */
  String sourcePosition(PostgresMigration migration);

  /**
   * Bytes of the source's WAL before {@code lsn} that the destination has not confirmed through the
   * slot {@code name}: 0 once it has all of it; null when the slot does not exist.
   */
  Long behind(PostgresMigration migration, String name, String lsn);

  /**
   * Gives the destination what logical replication does not carry: the sequences' values and the
   * materialized views' contents.
   *
   * @return what was done, in words
   */
  String completeReplica(PostgresMigration migration);

  /**
   * Drops the subscription {@code name} on the destination (when it can be reached), then its slot
   * and the publication on the source; fails when the source cannot be reached.
   *
   * @return what was dropped, e.g. "slot pgmo_…"
   */
  List<String> dropReplication(PostgresMigration migration, String name);

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

  /**
   * The replication as the destination and source see it.
   *
   * @param tables tables subscribed
   * @param synced tables whose initial copy is done and which stream
   * @param errors errors the destination reported applying changes or copying tables
   * @param running whether the destination's apply worker runs
   * @param lagBytes WAL the destination has not confirmed
   * @param lagSeconds the replay lag the source last measured
   */
  record ReplicationState(
      int tables, int synced, long errors, boolean running, long lagBytes, long lagSeconds) {}

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
