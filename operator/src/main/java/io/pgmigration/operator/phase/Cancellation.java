package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;

/**
 * Cancellation before the migration starts: the app and the source have not been touched, so
 * nothing is undone (a Streaming migration's replication is dropped after the move, like in every
 * phase that no longer needs it).
 */
final class Cancellation {
  private Cancellation() {}

  static Step cancel(StatusDraft d) {
    d.moveTo(
        Phase.Cancelled,
        ReplicationCleanup.live(d.status())
            ? "Cancelled by spec.cancel before the migration started; the app and the source"
                + " were not touched, and the destination keeps what the replication copied."
            : "Cancelled by spec.cancel before the migration started; nothing was touched.");
    d.condition(
        Conditions.Type.READY, false, Conditions.Reason.CANCELLED, "The migration was cancelled.");
    return Step.waitForChange();
  }
}
