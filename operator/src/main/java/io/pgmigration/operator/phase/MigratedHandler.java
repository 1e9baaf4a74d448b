package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.RollbackCause;
import io.pgmigration.operator.phase.port.Ports;

/**
 * Migrated: the data is verified and the app is still in maintenance, waiting for {@code promote}
 * (Heroku's "verify the data, then pg:promote"). Before it moves on, {@link FenceProof} shows that
 * no write reached the source since its fence closed.
 */
final class MigratedHandler implements PhaseHandler {
  @Override
  public Step handle(StatusDraft d, Ports ports) {
    CancelRefusal.check(d, ports.notices());
    if (d.spec().promote) {
      String unproven = FenceProof.check(d, ports);
      if (unproven != null) {
        return d.rollBack(Phase.Failed, RollbackCause.FenceBroken, unproven);
      }
      d.moveTo(
          Phase.Promoting,
          "Switching the app's DATABASE_URL to the destination and bringing the app back.");
      return Step.now();
    }
    d.message(
        d.condition(Conditions.Type.VERIFIED).getMessage()
            + " The app is still in maintenance: set spec.promote to true to point its"
            + " DATABASE_URL at the destination and bring it back.");
    d.condition(
        Conditions.Type.PROMOTED,
        false,
        Conditions.Reason.WAITING_FOR_PROMOTE,
        "Waiting for spec.promote.");
    return Step.waitForChange();
  }
}
