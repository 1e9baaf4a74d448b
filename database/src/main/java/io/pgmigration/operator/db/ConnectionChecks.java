package io.pgmigration.operator.db;

import static io.pgmigration.operator.db.CheckResults.bytes;
import static io.pgmigration.operator.db.CheckResults.error;
import static io.pgmigration.operator.db.CheckResults.failed;
import static io.pgmigration.operator.db.CheckResults.passed;
import static io.pgmigration.operator.db.PreparationChecks.DESTINATION_REACHABLE;
import static io.pgmigration.operator.db.PreparationChecks.DESTINATION_SECRET;
import static io.pgmigration.operator.db.PreparationChecks.DISTINCT_DATABASES;
import static io.pgmigration.operator.db.PreparationChecks.SOURCE_REACHABLE;
import static io.pgmigration.operator.db.PreparationChecks.SOURCE_SECRET;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.Severity;
import io.pgmigration.operator.db.PreparationChecks.Found;
import io.pgmigration.operator.db.PreparationChecks.Inputs;
import io.pgmigration.operator.secrets.PostgresUri;
import java.util.List;

/** The checks every other one needs: usable Secrets, servers that answer, and two databases. */
final class ConnectionChecks {
  private ConnectionChecks() {}

  static void evaluate(List<CheckResult> out, Inputs in) {
    secret(out, SOURCE_SECRET, in.sourceSecretRef(), in.source(), "spec.source.connectionSecret");
    secret(
        out,
        DESTINATION_SECRET,
        in.destinationSecretRef(),
        in.destination(),
        "spec.destination.connectionSecret");
    reachable(out, SOURCE_REACHABLE, "source", in.source(), in.sourceFacts());
    reachable(out, DESTINATION_REACHABLE, "destination", in.destination(), in.destinationFacts());
    distinct(out, in);
  }

  private static void secret(
      List<CheckResult> out, String name, String ref, Found<PostgresUri> uri, String field) {
    out.add(
        uri.ok()
            ? passed(name, Severity.Blocking, ref + " holds a URI for " + uri.value())
            : failed(
                name,
                Severity.Blocking,
                ref + ": " + uri.problem(),
                "Set "
                    + field
                    + " to a Secret of this namespace whose key holds"
                    + " postgres://<user>:<password>@<host>:5432/<dbname>."));
  }

  private static void reachable(
      List<CheckResult> out,
      String name,
      String side,
      Found<PostgresUri> uri,
      Found<DatabaseFacts> facts) {
    if (!uri.ok()) {
      out.add(error(name, Severity.Blocking, "not run: the " + side + " Secret is not usable"));
    } else if (facts.ok()) {
      out.add(
          passed(
              name,
              Severity.Blocking,
              "connected to "
                  + uri.value()
                  + " (PostgreSQL "
                  + facts.value().serverVersion()
                  + ", "
                  + bytes(facts.value().databaseBytes())
                  + ")"));
    } else {
      out.add(
          failed(
              name,
              Severity.Blocking,
              "cannot connect to " + uri.value() + ": " + facts.problem(),
              "Check that the "
                  + side
                  + " server is running and that its Service, port, database, user and password"
                  + " in the Secret are right; the operator connects from its own pod."));
    }
  }

  private static void distinct(List<CheckResult> out, Inputs in) {
    if (!in.source().ok() || !in.destination().ok()) {
      out.add(error(DISTINCT_DATABASES, Severity.Blocking, "not run: a Secret is not usable"));
      return;
    }
    boolean sameAddress = in.source().value().sameDatabaseAs(in.destination().value());
    boolean sameServer = false;
    if (in.sourceFacts().ok() && in.destinationFacts().ok()) {
      DatabaseFacts s = in.sourceFacts().value();
      DatabaseFacts d = in.destinationFacts().value();
      sameServer =
          s.systemIdentifier() != null
              && s.systemIdentifier().equals(d.systemIdentifier())
              && s.database().equals(d.database());
    }
    out.add(
        sameAddress || sameServer
            ? failed(
                DISTINCT_DATABASES,
                Severity.Blocking,
                "source and destination are the same database"
                    + (sameAddress ? "" : " (same server identifier, under two host names)"),
                "Point spec.destination.connectionSecret at the new, empty database.")
            : passed(
                DISTINCT_DATABASES,
                Severity.Blocking,
                "source and destination are different databases"));
  }
}
