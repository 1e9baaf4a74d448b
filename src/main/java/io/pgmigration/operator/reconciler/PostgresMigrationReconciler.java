package io.pgmigration.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.ResourceOperations;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.phase.PhaseMachine;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Reconciles {@link PostgresMigration}s: computes the next status with {@link PhaseMachine},
 * patches it only when it changed, and records every phase change as an Event. Its finalizer holds
 * the deletion of a migration in flight until the app is given back ({@link #cleanup}).
 */
@ControllerConfiguration(name = "postgresmigration")
public class PostgresMigrationReconciler
    implements Reconciler<PostgresMigration>, Cleaner<PostgresMigration> {
  private static final Logger LOG = Logger.getLogger(PostgresMigrationReconciler.class);
  static final Duration ERROR_RETRY = Duration.ofSeconds(30);

  /**
   * Steps run back to back in one reconcile before it yields to other migrations for {@link
   * #CONTINUE_AFTER}; no phase takes nearly this many steps without waiting for something.
   */
  static final int MAX_STEPS_PER_RECONCILE = 20;

  static final Duration CONTINUE_AFTER = Duration.ofMillis(200);

  /** How long a deleted migration's rollback is retried before its finalizer is let go. */
  static final Duration CLEANUP_GIVE_UP = Duration.ofMinutes(3);

  private final PhaseMachine machine = new PhaseMachine();
  private final KubernetesClient client;
  private final CopyImage copyImage;

  public PostgresMigrationReconciler(
      KubernetesClient client,
      @ConfigProperty(name = "pgmo.copy.image") Optional<String> copyImage) {
    this.client = client;
    this.copyImage = CopyImage.fromEnvironment(client, copyImage);
  }

  @Override
  public UpdateControl<PostgresMigration> reconcile(
      PostgresMigration migration, Context<PostgresMigration> context) {
    LivePhaseContext world = new LivePhaseContext(client, copyImage);
    ResourceOperations<PostgresMigration> operations = new ResourceOperations<>(context);
    PostgresMigration current = migration;
    PhaseMachine.Result result;
    int steps = 0;
    do {
      Phase before = current.getStatus() == null ? null : current.getStatus().phase;
      String previous = Json.of(current.getStatus());
      result = machine.next(current, world);
      if (!previous.equals(Json.of(result.status()))) {
        // Written before the next step begins, and cached, so the next reconcile sees it too.
        current = operations.serverSideApplyPrimaryStatus(statusOnly(current, result.status()));
        // Should a later step throw, updateErrorStatus writes this status, not the one before.
        migration.setStatus(result.status());
      }
      Phase after = result.status().phase;
      if (after != before) {
        LOG.infof(
            "%s/%s phase=%s: %s",
            migration.getMetadata().getNamespace(),
            migration.getMetadata().getName(),
            after,
            result.status().message);
        Events.phaseChanged(client, current, before, after, result.status().message);
      }
    } while (result.step().immediate() && ++steps < MAX_STEPS_PER_RECONCILE);
    UpdateControl<PostgresMigration> control = UpdateControl.noUpdate();
    result
        .step()
        .requeueAfter()
        .ifPresent(d -> control.rescheduleAfter(d.isZero() ? CONTINUE_AFTER : d));
    return control;
  }

  /** The migration's identity and {@code status}: what a status apply sends. */
  private static PostgresMigration statusOnly(
      PostgresMigration migration, PostgresMigrationStatus status) {
    PostgresMigration patch = new PostgresMigration();
    patch.getMetadata().setName(migration.getMetadata().getName());
    patch.getMetadata().setNamespace(migration.getMetadata().getNamespace());
    patch.setStatus(status);
    return patch;
  }

  /**
   * A migration deleted while the app is in maintenance is rolled back first (or, once promoting,
   * promoted to the end), so deleting it never leaves the app scaled to zero or the source fenced.
   */
  @Override
  public DeleteControl cleanup(PostgresMigration migration, Context<PostgresMigration> context) {
    PostgresMigrationStatus before = migration.getStatus();
    if (before == null || PhaseMachine.safeToDelete(before)) {
      return DeleteControl.defaultDelete();
    }
    PhaseMachine.Result result =
        machine.cleanup(migration, new LivePhaseContext(client, copyImage));
    migration.setStatus(result.status());
    LOG.infof(
        "%s/%s deleted in phase %s: %s",
        migration.getMetadata().getNamespace(),
        migration.getMetadata().getName(),
        before.phase,
        result.status().message);
    if (PhaseMachine.safeToDelete(result.status())) {
      Events.phaseChanged(
          client, migration, before.phase, result.status().phase, result.status().message);
      return DeleteControl.defaultDelete();
    }
    String deleted = migration.getMetadata().getDeletionTimestamp();
    if (deleted != null && Instant.parse(deleted).plus(CLEANUP_GIVE_UP).isBefore(Instant.now())) {
      // Typically the whole namespace is being deleted and the source with it: holding the
      // finalizer longer would only keep the namespace from going away.
      String left =
          "Deleted before the rollback could finish, and it still could not after "
              + CLEANUP_GIVE_UP.toMinutes()
              + " minutes; giving up. What is left: "
              + result.status().message;
      LOG.warnf(
          "%s/%s: %s",
          migration.getMetadata().getNamespace(), migration.getMetadata().getName(), left);
      Events.record(client, migration, "Warning", "RollbackAbandoned", left);
      return DeleteControl.defaultDelete();
    }
    return DeleteControl.noFinalizerRemoval()
        .rescheduleAfter(result.step().requeueAfter().orElse(ERROR_RETRY).toMillis());
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
