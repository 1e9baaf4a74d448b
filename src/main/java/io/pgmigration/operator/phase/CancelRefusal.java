package io.pgmigration.operator.phase;

import io.fabric8.kubernetes.api.model.Condition;
import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;

/**
 * spec.cancel after the copy started is refused, as Heroku refuses it: a half-copied destination is
 * no state to stop in, and the migration either completes or fails and rolls back by itself. The
 * refusal is said once, in a condition and a Warning event.
 */
final class CancelRefusal {
  static final String MESSAGE =
      "spec.cancel is refused: the copy has started, and a migration cannot be cancelled from"
          + " then on. It runs to the end, or fails and rolls back by itself.";

  private CancelRefusal() {}

  static void check(PostgresMigration m, PostgresMigrationStatus status, PhaseContext ctx) {
    if (!m.getSpec().cancel) {
      return;
    }
    Condition refused = ConditionWriter.find(status, Conditions.Type.CANCEL_REFUSED);
    if (refused != null && "True".equals(refused.getStatus())) {
      return;
    }
    Transitions.condition(
        m,
        status,
        Conditions.Type.CANCEL_REFUSED,
        true,
        Conditions.Reason.CANCEL_REFUSED,
        MESSAGE + " (phase " + status.phase + ")",
        ctx.now());
    ctx.warn(m, Conditions.Reason.CANCEL_REFUSED, MESSAGE + " (phase " + status.phase + ")");
  }
}
