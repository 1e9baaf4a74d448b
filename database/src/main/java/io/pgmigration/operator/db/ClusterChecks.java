package io.pgmigration.operator.db;

import static io.pgmigration.operator.db.CheckResults.error;
import static io.pgmigration.operator.db.CheckResults.failed;
import static io.pgmigration.operator.db.CheckResults.passed;
import static io.pgmigration.operator.db.CheckResults.warning;
import static io.pgmigration.operator.db.PreparationChecks.APP_LOGIN;
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

  /** Why the app's future login to a CloudNativePG destination failed, if it did. */
  public enum LoginProblem {
    NONE,
    /** The role does not exist there (yet). */
    NO_ROLE,
    /** The role exists; the password or pg_hba refuses it. */
    REFUSED,
    /** The server could not be asked. */
    UNREACHABLE
  }

  /**
   * AppLogin: after promotion the app can log in to its CloudNativePG destination with the URL it
   * will get, before anything of it is stopped.
   *
   * @param user the role the app will connect as
   * @param service the Service it will connect to
   * @param problem what happened when the operator tried that login
   * @param detail the server's words, without the password
   * @param createsRoles whether the copy creates missing roles first (ownership CreateRoles)
   */
  public static CheckResult appLogin(
      String user, String service, LoginProblem problem, String detail, boolean createsRoles) {
    String who = "the app's role " + user + " on " + service;
    return switch (problem) {
      case NONE ->
          passed(APP_LOGIN, Severity.Blocking, who + " logs in with the URL promotion gives it");
      case NO_ROLE ->
          createsRoles
              ? warning(
                  APP_LOGIN,
                  who
                      + " does not exist yet: the copy creates it, with the source's password only"
                      + " when the source's user may read pg_authid (a superuser)",
                  "Check the Roles check's message; without the password the app could not log"
                      + " in after promotion.")
              : failed(
                  APP_LOGIN,
                  Severity.Blocking,
                  who + " does not exist: after promotion the app could not log in",
                  "Create the role there with the source's password, set spec.ownership:"
                      + " CreateRoles, or set destination.cloudNativePG.appRole: Owner.");
      case REFUSED ->
          failed(
              APP_LOGIN,
              Severity.Blocking,
              who + " is refused with the source's password: " + detail,
              "Give the role the source's password on the Cluster (ALTER ROLE … PASSWORD), or set"
                  + " destination.cloudNativePG.appRole: Owner.");
      case UNREACHABLE ->
          error(APP_LOGIN, Severity.Blocking, "not run: " + service + " did not answer: " + detail);
    };
  }
}
