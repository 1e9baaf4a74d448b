package io.pgmigration.operator.phase;

import io.fabric8.kubernetes.api.model.Condition;
import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.phase.port.Notices;

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

  static void check(StatusDraft d, Notices notices) {
    if (!d.spec().cancel) {
      return;
    }
    Condition refused = d.condition(Conditions.Type.CANCEL_REFUSED);
    if (refused != null && "True".equals(refused.getStatus())) {
      return;
    }
    String message = MESSAGE + " (phase " + d.phase() + ")";
    d.condition(Conditions.Type.CANCEL_REFUSED, true, Conditions.Reason.CANCEL_REFUSED, message);
    notices.warn(d.migration(), Conditions.Reason.CANCEL_REFUSED, message);
  }
}
