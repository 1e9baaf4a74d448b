package io.pgmigration.operator.db;

import static io.pgmigration.operator.db.CheckResults.error;
import static io.pgmigration.operator.db.CheckResults.failed;
import static io.pgmigration.operator.db.CheckResults.passed;
import static io.pgmigration.operator.db.PreparationChecks.CLIENT_TOOLS;
import static io.pgmigration.operator.db.PreparationChecks.SERVER_VERSION;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.Severity;
import java.util.List;

/**
 * Versions that must fit before anything starts: the destination server is not older than the
 * source, and the pg_dump that reads the source is not older than it either (pg_dump refuses a
 * server newer than itself, and the copy Job would find out only once the app is down).
 */
final class VersionChecks {
  private VersionChecks() {}

  static void evaluate(
      List<CheckResult> out, DatabaseFacts src, DatabaseFacts dst, String clientTools) {
    if (src == null || dst == null) {
      String why =
          "not run: " + (src == null ? "the source" : "the destination") + " is not reachable";
      out.add(error(SERVER_VERSION, Severity.Blocking, why));
    } else {
      out.add(serverVersion(src, dst));
    }
    out.add(clientTools(src, clientTools));
  }

  /** ServerVersion: the destination is of the source's major version or newer. */
  private static CheckResult serverVersion(DatabaseFacts src, DatabaseFacts dst) {
    return dst.majorVersion() >= src.majorVersion()
        ? passed(
            SERVER_VERSION,
            Severity.Blocking,
            "destination runs PostgreSQL "
                + dst.serverVersion()
                + ", source "
                + src.serverVersion())
        : failed(
            SERVER_VERSION,
            Severity.Blocking,
            "destination runs PostgreSQL "
                + dst.serverVersion()
                + ", older than the source's "
                + src.serverVersion(),
            "Use a destination server of major version "
                + src.majorVersion()
                + " or newer; PostgreSQL cannot restore into an older major version.");
  }

  /** ClientTools: the pg_dump that reads the source is of its major version or newer. */
  private static CheckResult clientTools(DatabaseFacts src, String clientTools) {
    if (clientTools == null) {
      return error(CLIENT_TOOLS, Severity.Blocking, "could not run pg_dump --version");
    }
    if (src == null) {
      return error(CLIENT_TOOLS, Severity.Blocking, "not run: the source is not reachable");
    }
    int major = ClientTools.major(clientTools);
    return major >= src.majorVersion()
        ? passed(
            CLIENT_TOOLS,
            Severity.Blocking,
            "pg_dump " + clientTools + " can read the source's PostgreSQL " + src.serverVersion())
        : failed(
            CLIENT_TOOLS,
            Severity.Blocking,
            "pg_dump "
                + clientTools
                + " cannot read the source's PostgreSQL "
                + src.serverVersion()
                + ": it refuses servers of a newer major version",
            "Run the operator, and any spec.copy.image, from an image with PostgreSQL "
                + src.majorVersion()
                + "'s client tools or newer; the rehearsal, the copy and the verification all"
                + " run pg_dump.");
  }
}
