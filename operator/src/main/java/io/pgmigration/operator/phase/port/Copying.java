package io.pgmigration.operator.phase.port;

import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Progress;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Verification;
import io.pgmigration.operator.k8s.CopyJobBuilder;

/** The Jobs that move the data, how far they have come, and the comparison afterwards. */
public interface Copying {
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

  /**
   * Compares every sequence and the large objects of source and destination, their schemas when
   * {@code schema}, and every table when {@code tables} (a Streaming switch-over that has compared
   * the rows changed since the verification while Ready, and the schemas meanwhile, leaves them
   * out).
   */
  Verification verify(PostgresMigration migration, boolean tables, boolean schema);

  /**
   * A copy Job's state, and a detail worth telling (why it failed, why it cannot start).
   *
   * @param stuckSince when its pod became unable to run (an image that cannot be pulled, a
   *     configuration error, no node to schedule it on, no pod created at all), else null
   */
  record CopyJob(State state, String detail, java.time.Instant stuckSince) {
    /** A Job that is not stuck. */
    public CopyJob(State state, String detail) {
      this(state, detail, null);
    }

    /** Where the Job stands. */
    public enum State {
      Running,
      Succeeded,
      Failed,
      Missing
    }
  }
}
