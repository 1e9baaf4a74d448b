package io.pgmigration.operator.db;

import static io.pgmigration.operator.db.CheckResults.error;
import static io.pgmigration.operator.db.CheckResults.failed;
import static io.pgmigration.operator.db.CheckResults.passed;
import static io.pgmigration.operator.db.PreparationChecks.APP_SECRET_WRITABLE;
import static io.pgmigration.operator.db.PreparationChecks.COPY_IMAGE;
import static io.pgmigration.operator.db.PreparationChecks.MAINTENANCE_SCOPE;
import static io.pgmigration.operator.db.PreparationChecks.OTHER_MIGRATIONS;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.Severity;
import java.util.List;

/**
 * The checks that look at the cluster rather than the databases: the image the copy runs, the
 * workloads maintenance would stop, and the other migrations. Pure: the operator finds the facts.
 */
public final class ClusterChecks {
  private ClusterChecks() {}

  /**
   * CopyImage: the copy Job runs the operator's own image or one from the allow-list, as the
   * admission policy requires too: the image receives both databases' URLs.
   */
  static CheckResult copyImage(String image, List<String> allowed) {
    if (image == null || image.isBlank()) {
      return passed(COPY_IMAGE, Severity.Blocking, "the copy runs the operator's own image");
    }
    return allowed.contains(image)
        ? passed(COPY_IMAGE, Severity.Blocking, "spec.copy.image " + image + " is allowed")
        : failed(
            COPY_IMAGE,
            Severity.Blocking,
            "spec.copy.image " + image + " is not allowed: it would receive both databases' URLs",
            "Leave spec.copy.image empty for the operator's own image, or ask an administrator to"
                + " add it to copyImages in ConfigMap"
                + " pgmigration-system/pg-migration-operator-admission.");
  }

  /**
   * MaintenanceScope: maintenance stops none of the database servers.
   *
   * @param servers each selected workload that serves the source or the destination, described
   */
  public static CheckResult maintenanceScope(List<String> servers) {
    return servers.isEmpty()
        ? passed(
            MAINTENANCE_SCOPE,
            Severity.Blocking,
            "maintenance stops none of the workloads that serve the source or the destination")
        : failed(
            MAINTENANCE_SCOPE,
            Severity.Blocking,
            "maintenance would stop the database: " + String.join("; ", servers),
            "Narrow spec.app.maintenance.selector, or name the server in spec.source.workload or"
                + " spec.destination.workload: those are never stopped.");
  }

  /**
   * OtherMigrations: no other active migration uses either database, as its source or its
   * destination, in any namespace.
   *
   * @param conflicts one sentence per database another migration holds; null when the databases
   *     could not be identified
   */
  public static CheckResult otherMigrations(List<String> conflicts) {
    if (conflicts == null) {
      return error(
          OTHER_MIGRATIONS, Severity.Blocking, "not run: the databases are not both reachable");
    }
    return conflicts.isEmpty()
        ? passed(
            OTHER_MIGRATIONS,
            Severity.Blocking,
            "no other active migration uses the source or the destination; this one holds them")
        : failed(
            OTHER_MIGRATIONS,
            Severity.Blocking,
            String.join("; ", conflicts),
            "One migration per database: wait until that migration ends (or cancel or delete"
                + " it), then change this one's spec to prepare again.");
  }

  /**
   * AppSecretWritable: promotion rewrites the app's Secret, which an immutable Secret refuses;
   * found after the app went down, that would leave the migration unable to finish.
   *
   * @param secretRef e.g. "Secret example-app-config, key DATABASE_URL"
   * @param immutable whether the Secret is immutable; null when it could not be read (the
   *     AppDatabaseUrl check says why)
   */
  public static CheckResult appSecretWritable(String secretRef, Boolean immutable) {
    if (immutable == null) {
      return error(
          APP_SECRET_WRITABLE, Severity.Blocking, "not run: " + secretRef + " is not read");
    }
    return immutable
        ? failed(
            APP_SECRET_WRITABLE,
            Severity.Blocking,
            secretRef + " is immutable: promotion could not point it at the destination",
            "Recreate the Secret without immutable: true (an immutable Secret can only be"
                + " replaced), or name another one in spec.app.databaseUrlSecret.")
        : passed(APP_SECRET_WRITABLE, Severity.Blocking, secretRef + " can be rewritten");
  }
}
