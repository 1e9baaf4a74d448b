package io.pgmigration.operator.phase.port;

import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.RecordedWorkload;
import java.util.List;

/** The switch to the destination, through the app's Secret, and the source's end. */
public interface Promotion {
  /**
   * Points the app's URL key (and follower keys) at the destination, keeping the previous value
   * under an alias key of the same Secret.
   *
   * @return the alias key
   */
  String promoteSecret(PostgresMigration migration);

  /** Whether the app's Secret was already rewritten by this migration's {@link #promoteSecret}. */
  boolean secretPromoted(PostgresMigration migration);

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

  /**
   * Why {@code spec.source.workload} may not be deleted: it does not serve the source (its pods are
   * not behind the Service the source's host names); null when it does, or is gone already.
   */
  String destroyRefusal(PostgresMigration migration);
}
