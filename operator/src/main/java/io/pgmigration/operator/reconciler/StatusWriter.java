package io.pgmigration.operator.reconciler;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ResourceOperations;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;

/**
 * The one path by which a migration's status reaches the API server: after every step, on deletion
 * and on errors alike.
 */
@FunctionalInterface
interface StatusWriter {
  /**
   * Writes {@code status} as the status of {@code migration}.
   *
   * @return the migration as written, for the next step to start from
   */
  PostgresMigration write(
      Context<PostgresMigration> context,
      PostgresMigration migration,
      PostgresMigrationStatus status);

  /**
   * Server-side apply of the status subresource, owned by the operator's field manager. JOSDK
   * caches the result, so the next reconcile starts from it even before the watch delivers it.
   */
  StatusWriter APPLY =
      (context, migration, status) -> {
        PostgresMigration patch = new PostgresMigration();
        patch.getMetadata().setName(migration.getMetadata().getName());
        patch.getMetadata().setNamespace(migration.getMetadata().getNamespace());
        patch.setStatus(status);
        return new ResourceOperations<>(context).serverSideApplyPrimaryStatus(patch);
      };
}
