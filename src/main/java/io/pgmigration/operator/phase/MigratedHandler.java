package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;

/**
 * Migrated: the data is verified and the app is still in maintenance, waiting for {@code promote}
 * (Heroku's "verify the data, then pg:promote").
 */
final class MigratedHandler implements PhaseHandler {
  @Override
  public Step handle(PostgresMigration m, PostgresMigrationStatus status, PhaseContext ctx) {
    CancelRefusal.check(m, status, ctx);
    String verified = ConditionWriter.find(status, Conditions.Type.VERIFIED).getMessage();
    if (m.getSpec().promote) {
      Transitions.moveTo(
          status,
          Phase.Promoting,
          "Switching the app's DATABASE_URL to the destination and bringing the app back.");
      return Step.now();
    }
    status.message =
        verified
            + " The app is still in maintenance: set spec.promote to true to point its"
            + " DATABASE_URL at the destination and bring it back.";
    Transitions.condition(
        m,
        status,
        Conditions.Type.PROMOTED,
        false,
        Conditions.Reason.WAITING_FOR_PROMOTE,
        "Waiting for spec.promote.",
        ctx.now());
    return Step.waitForChange();
  }
}
