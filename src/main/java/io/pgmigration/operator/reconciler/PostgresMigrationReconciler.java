package io.pgmigration.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.phase.PhaseMachine;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Reconciles {@link PostgresMigration}s: computes the next status with {@link PhaseMachine},
 * patches it only when it changed, and records every phase change as an Event.
 */
@ControllerConfiguration(name = "postgresmigration")
public class PostgresMigrationReconciler implements Reconciler<PostgresMigration> {
  private static final Logger LOG = Logger.getLogger(PostgresMigrationReconciler.class);
  static final Duration ERROR_RETRY = Duration.ofSeconds(30);
  private final PhaseMachine machine = new PhaseMachine();
  private final KubernetesClient client;

  public PostgresMigrationReconciler(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public UpdateControl<PostgresMigration> reconcile(
      PostgresMigration migration, Context<PostgresMigration> context) {
    Phase before = migration.getStatus() == null ? null : migration.getStatus().phase;
    String previous = Json.of(migration.getStatus());
    PhaseMachine.Result result = machine.next(migration, new LivePhaseContext(client));
    migration.setStatus(result.status());
    Phase after = result.status().phase;
    if (after != before) {
      LOG.infof(
          "%s/%s phase=%s: %s",
          migration.getMetadata().getNamespace(),
          migration.getMetadata().getName(),
          after,
          result.status().message);
      Events.phaseChanged(client, migration, before, after, result.status().message);
    }
    UpdateControl<PostgresMigration> control =
        previous.equals(Json.of(result.status()))
            ? UpdateControl.noUpdate()
            : UpdateControl.patchStatus(migration);
    result.step().requeueAfter().ifPresent(control::rescheduleAfter);
    return control;
  }

  /**
   * An unexpected error (the API server refused a call, a permission is missing): the status says
   * so, the phase stays, and the reconcile is tried again every {@link #ERROR_RETRY} for as long as
   * the error lasts, rather than giving up after a few attempts and going quiet.
   */
  @Override
  public ErrorStatusUpdateControl<PostgresMigration> updateErrorStatus(
      PostgresMigration migration, Context<PostgresMigration> context, Exception e) {
    PostgresMigrationStatus status =
        migration.getStatus() == null ? new PostgresMigrationStatus() : migration.getStatus();
    if (status.phase == null) {
      status.phase = Phase.Pending;
    }
    status.message =
        "Could not reconcile, retrying every "
            + ERROR_RETRY.toSeconds()
            + "s: "
            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    migration.setStatus(status);
    LOG.warnf(
        "%s/%s phase=%s: %s",
        migration.getMetadata().getNamespace(),
        migration.getMetadata().getName(),
        status.phase,
        status.message);
    return ErrorStatusUpdateControl.patchStatus(migration)
        .withNoRetry()
        .rescheduleAfter(ERROR_RETRY);
  }
}
