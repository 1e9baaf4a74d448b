package io.pgmigration.operator.reconciler;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * Reconciles {@link PostgresMigration}s: computes the next status with {@link PhaseMachine} and
 * patches it only when it changed.
 */
@ControllerConfiguration(name = "postgresmigration")
public class PostgresMigrationReconciler implements Reconciler<PostgresMigration> {
  private static final Logger LOG = Logger.getLogger(PostgresMigrationReconciler.class);
  private final Clock clock = Clock.systemUTC();

  @Override
  public UpdateControl<PostgresMigration> reconcile(
      PostgresMigration migration, Context<PostgresMigration> context) {
    String before = Json.of(migration.getStatus());
    PostgresMigrationStatus next = PhaseMachine.next(migration, clock.instant());
    migration.setStatus(next);
    if (before.equals(Json.of(next))) {
      return UpdateControl.noUpdate();
    }
    LOG.infof(
        "%s/%s phase=%s: %s",
        migration.getMetadata().getNamespace(),
        migration.getMetadata().getName(),
        next.phase,
        next.message);
    return UpdateControl.patchStatus(migration);
  }
}
