package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;

/**
 * Cancellation before the migration starts: the app and the source have not been touched, so
 * nothing is undone (a Streaming migration's replication is dropped after the move, like in every
 * phase that no longer needs it).
 */
final class Cancellation {
  private Cancellation() {}

  static Step cancel(PostgresMigration m, PostgresMigrationStatus status, PhaseContext ctx) {
    Transitions.moveTo(
        status,
        Phase.Cancelled,
        ReplicationCleanup.live(status)
            ? "Cancelled by spec.cancel before the migration started; the app and the source"
                + " were not touched, and the destination keeps what the replication copied."
            : "Cancelled by spec.cancel before the migration started; nothing was touched.");
    Transitions.condition(
        m,
        status,
        Conditions.Type.READY,
        false,
        Conditions.Reason.CANCELLED,
        "The migration was cancelled.",
        ctx.now());
    return Step.waitForChange();
  }
}
