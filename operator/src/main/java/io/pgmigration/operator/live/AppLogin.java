package io.pgmigration.operator.live;

import io.pgmigration.operator.api.v1alpha1.CloudNativePgDestination;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.SecretKeyRef;
import io.pgmigration.operator.db.ClusterChecks;
import io.pgmigration.operator.db.ClusterChecks.LoginProblem;
import io.pgmigration.operator.db.DatabaseProbe;
import io.pgmigration.operator.secrets.PostgresUri;
import io.pgmigration.operator.secrets.Redaction;
import java.sql.SQLException;
import java.util.List;

/**
 * The check {@code AppLogin} for a CloudNativePG destination: the operator logs in with the URL the
 * app's DATABASE_URL will get, so a role or password the Cluster lacks is found before the app goes
 * down rather than after promotion.
 */
final class AppLogin {
  private AppLogin() {}

  /** The check, or null when the destination is not a CloudNativePG Cluster. */
  static CheckResult check(MigrationSecrets secrets, PostgresMigration m) {
    if (!m.getSpec().destination.isCloudNativePg()) {
      return null;
    }
    String ns = m.getMetadata().getNamespace();
    var ref =
        new SecretKeyRef(
            m.destinationDatabase().connectionSecret.name, CloudNativePgDestination.APP_KEY);
    var found = secrets.uri(ns, ref);
    if (!found.ok()) {
      return ClusterChecks.appLogin(
          "?", MigrationSecrets.describe(ref), LoginProblem.UNREACHABLE, found.problem(), false);
    }
    PostgresUri app = found.value();
    boolean createsRoles = m.getSpec().ownership == Ownership.CreateRoles;
    try {
      DatabaseProbe.connect(app.resolvedFrom(ns)).close();
      return ClusterChecks.appLogin(app.user(), app.host(), LoginProblem.NONE, null, createsRoles);
    } catch (SQLException e) {
      String detail = Redaction.redact(String.valueOf(e.getMessage()), List.of(app.password()));
      return ClusterChecks.appLogin(app.user(), app.host(), problem(e), detail, createsRoles);
    }
  }

  /** 28000: no such role (or pg_hba refuses it); 28P01: wrong password; the rest: unreachable. */
  private static LoginProblem problem(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String message = String.valueOf(e.getMessage());
    if (state.equals("28000") && message.contains("does not exist")) {
      return LoginProblem.NO_ROLE;
    }
    return state.startsWith("28") ? LoginProblem.REFUSED : LoginProblem.UNREACHABLE;
  }
}
