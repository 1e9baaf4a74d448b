package io.pgmigration.operator.phase.port;

import io.pgmigration.operator.api.v1alpha1.PostgresMigration;

/** What a migration tells its users besides its status: Kubernetes Events. */
@FunctionalInterface
public interface Notices {
  /** Records a Warning event on the migration; best effort, it never fails the migration. */
  void warn(PostgresMigration migration, String reason, String message);
}
