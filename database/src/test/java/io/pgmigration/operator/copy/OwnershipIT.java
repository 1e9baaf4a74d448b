package io.pgmigration.operator.copy;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.VerificationMode;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.CheckOutcome;
import io.pgmigration.operator.db.CopyVerifier;
import io.pgmigration.operator.db.DatabaseProbe;
import io.pgmigration.operator.db.PreparationChecks;
import io.pgmigration.operator.db.Rehearsal;
import io.pgmigration.operator.secrets.PostgresUri;
import io.pgmigration.operator.testing.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Owners and grants between real servers: preparation names every role the destination lacks, and a
 * copy that creates them gives every object the owner and the grants it has on the source.
 */
class OwnershipIT {
  /** Two owning roles, one of them a login, a grantee, a membership and a default privilege. */
  private static final String[] ROLES = {
    "CREATE ROLE ledger NOLOGIN",
    "CREATE ROLE clerk LOGIN PASSWORD '" + PostgresServer.PASSWORD + "'",
    "CREATE ROLE auditor NOLOGIN",
    "GRANT ledger TO clerk",
    "GRANT ledger, clerk TO app",
    "GRANT CREATE ON SCHEMA public TO ledger, clerk"
  };

  private static final String[] OBJECTS = {
    "CREATE TABLE accounts (id int PRIMARY KEY, balance numeric)",
    "ALTER TABLE accounts OWNER TO ledger",
    "CREATE TABLE entries (id serial PRIMARY KEY, account int REFERENCES accounts, amount numeric)",
    "ALTER TABLE entries OWNER TO clerk",
    "CREATE VIEW balances AS SELECT account, sum(amount) FROM entries GROUP BY account",
    "ALTER VIEW balances OWNER TO clerk",
    "GRANT SELECT ON accounts, entries, balances TO auditor",
    "GRANT INSERT (account, amount) ON entries TO auditor",
    "ALTER DEFAULT PRIVILEGES FOR ROLE clerk GRANT SELECT ON TABLES TO auditor",
    "INSERT INTO accounts SELECT g, g * 10 FROM generate_series(1, 50) g",
    "INSERT INTO entries (account, amount) SELECT 1 + g % 50, g FROM generate_series(1, 500) g"
  };

  private static PostgresUri uri(String uri) {
    return PostgresUri.parse(uri);
  }

  private static PostgresServer source() {
    PostgresServer source = PostgresServer.start();
    source.superuser("app", ROLES);
    source.superuser("app", OBJECTS);
    return source;
  }

  @Test
  void rolesMissingOnTheDestinationAreNamedBeforeAnythingStarts() throws Exception {
    try (PostgresServer source = source();
        PostgresServer destination = PostgresServer.start()) {
      // pg_shdepend does not record the bootstrap superuser: its objects are found all the same.
      source.superuser(
          "app",
          "CREATE TABLE kept_by_postgres (k text)",
          "GRANT SELECT ON kept_by_postgres TO app");
      var src = DatabaseProbe.probe(uri(source.uri()));
      assertThat(src.roles().owners()).containsExactly("clerk", "ledger", "postgres");
      assertThat(src.roles().privileged()).contains("auditor");
      assertThat(DatabaseProbe.probe(uri(destination.uri())).roles().missing(src.roles().named()))
          .containsExactly("auditor", "clerk", "ledger");

      List<CheckResult> rehearsal =
          Rehearsal.run(
              uri(source.uri()), uri(destination.uri()), Ownership.Preserve, Duration.ofMinutes(2));
      assertThat(rehearsal).allSatisfy(c -> assertThat(c.result).isEqualTo(CheckOutcome.Failed));
      assertThat(rehearsal)
          .extracting(c -> c.message)
          .anySatisfy(m -> assertThat(m).contains("role \"ledger\" does not exist"))
          .anySatisfy(m -> assertThat(m).contains("role \"clerk\" does not exist"))
          .anySatisfy(m -> assertThat(m).contains("role \"auditor\" does not exist"));
      assertThat(rehearsal)
          .allSatisfy(c -> assertThat(c.name).isEqualTo(PreparationChecks.REHEARSAL));
    }
  }

  @Test
  void aCopyThatCreatesTheRolesKeepsEveryOwnerAndGrant() throws Exception {
    try (PostgresServer source = source();
        PostgresServer destination = PostgresServer.start()) {
      // No superuser on the destination: a user that may create roles, as managed services have.
      destination.superuser("postgres", "ALTER ROLE app CREATEROLE");
      // The source's superuser may read password verifiers, so clerk keeps its login.
      String from = source.superuserUri();
      assertThat(
              Rehearsal.run(
                  uri(from), uri(destination.uri()), Ownership.CreateRoles, Duration.ofMinutes(2)))
          .singleElement()
          .satisfies(c -> assertThat(c.result).as(c.message).isEqualTo(CheckOutcome.Passed));
      assertThat(destination.query("SELECT count(*) FROM pg_roles WHERE rolname = 'ledger'"))
          .as("the rehearsal leaves no role behind")
          .containsExactly("0");

      List<String> log = new CopyOnWriteArrayList<>();
      Path work = Files.createTempDirectory("pgmo-copy-");
      new CopyPod(
              uri(from),
              uri(destination.uri()),
              Ownership.CreateRoles,
              Map.of(
                  CopyContract.Env.SOURCE_URL,
                  from,
                  CopyContract.Env.DESTINATION_URL,
                  destination.uri(),
                  CopyContract.Env.WORK_DIR,
                  work.toString(),
                  CopyContract.Env.JOBS,
                  "2"),
              log::add)
          .run(new DataCopy.Options(2, 64 << 10, 0, 1, -1));
      assertThat(log).anySatisfy(l -> assertThat(l).startsWith("creating 3 role(s)"));
      assertThat(Files.list(work)).noneMatch(f -> f.getFileName().toString().equals("schema.sql"));

      assertThat(
              CopyVerifier.compare(
                      uri(from),
                      uri(destination.superuserUri()),
                      VerificationMode.Checksums,
                      Ownership.Preserve,
                      true,
                      true,
                      java.time.Duration.ofMinutes(5))
                  .mismatches)
          .isEmpty();
      String owners =
          "SELECT string_agg(c.relname || '=' || pg_get_userbyid(c.relowner) || ' '"
              + " || coalesce(c.relacl::text, ''), ', ' ORDER BY c.relname) FROM pg_class c"
              + " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v')";
      assertThat(destination.query(owners)).isEqualTo(source.query(owners));
      assertThat(destination.query(owners).get(0))
          .contains("accounts=ledger")
          .contains("auditor=r/");
      assertThat(
              destination.query(
                  "SELECT pg_has_role('clerk', 'ledger', 'MEMBER') AND (SELECT rolcanlogin FROM"
                      + " pg_roles WHERE rolname = 'clerk')"))
          .containsExactly("t");
      destination.execute("clerk", "app", "SELECT 1");
    }
  }
}
