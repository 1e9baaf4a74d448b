package io.pgmigration.operator.e2e;

import static io.pgmigration.operator.e2e.QuickstartInstance.DESTINATION;
import static io.pgmigration.operator.e2e.QuickstartInstance.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.db.PreparationChecks;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What preparation must know before the app goes down, on the local cluster: who owns what, and
 * whether the copy's tools can read the source at all.
 */
class PredictTheCopyE2E {
  private static final Duration PREPARE = Duration.ofMinutes(3);
  private static final Duration RUN = Duration.ofMinutes(6);

  /** Every table and view of the app's schema: its owner and its grants. */
  private static final String OWNERS =
      "SELECT string_agg(c.relname || '=' || pg_get_userbyid(c.relowner) || ' '"
          + " || coalesce(c.relacl::text, '-'), ', ' ORDER BY c.relname) FROM pg_class c"
          + " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'v')";

  private static final KubernetesClient client = LocalCluster.client();

  @Test
  void objectsOfTwoOwningRolesArriveWithTheirOwnersAndGrants() throws Exception {
    try (QuickstartInstance q = QuickstartInstance.create(client, "e2e-owners", x -> {})) {
      q.execute(
          SOURCE,
          "CREATE ROLE ledger NOLOGIN; CREATE ROLE clerk NOLOGIN; CREATE ROLE auditor NOLOGIN;"
              + " GRANT ledger TO clerk;"
              + " CREATE TABLE accounts (id int PRIMARY KEY, balance numeric);"
              + " ALTER TABLE accounts OWNER TO ledger;"
              + " CREATE TABLE entries (id serial PRIMARY KEY, account int REFERENCES accounts,"
              + "   amount numeric);"
              + " ALTER TABLE entries OWNER TO clerk;"
              + " CREATE VIEW balances AS SELECT account, sum(amount) FROM entries GROUP BY 1;"
              + " ALTER VIEW balances OWNER TO clerk;"
              + " GRANT SELECT ON accounts, entries, balances TO auditor;"
              + " GRANT INSERT (account, amount) ON entries TO auditor;"
              + " INSERT INTO accounts SELECT g, g FROM generate_series(1, 20) g;"
              + " INSERT INTO entries (account, amount) SELECT 1 + g % 20, g"
              + "   FROM generate_series(1, 200) g");
      String owners = q.query(SOURCE, OWNERS).get(0);
      assertThat(owners).contains("accounts=ledger").contains("entries=clerk");

      q.applyMigration(
          m -> {
            m.getSpec().ownership = Ownership.CreateRoles;
            m.getSpec().start = true;
          });
      PostgresMigration done = q.awaitPhase(Phase.Completed, RUN);

      assertThat(check(done, PreparationChecks.ROLES).message)
          .startsWith(
              "the copy will create 3 role(s) on the destination first: auditor, clerk,"
                  + " ledger");
      assertThat(q.query(DESTINATION, OWNERS)).containsExactly(owners);
      assertThat(q.query(DESTINATION, "SELECT pg_has_role('clerk', 'ledger', 'MEMBER')::text"))
          .containsExactly("true");
      assertThat(done.getStatus().verification.mismatches).isEmpty();
      assertThat(done.getStatus().verification.schemaObjectsCompared).isPositive();
    }
  }

  @Test
  void aSourceNewerThanTheCopysToolsIsRefusedBeforeAnythingIsTouched() throws Exception {
    try (QuickstartInstance q =
        QuickstartInstance.create(client, "e2e-skew", PredictTheCopyE2E::sourceOnPostgres17)) {
      assertThat(q.query(SOURCE, "SHOW server_version_num").get(0)).startsWith("17");
      // ClientTools fails for good, so preparation does not wait for a server that is not there
      // yet: wait until the destination answers through its Service, as the operator reaches it.
      LocalCluster.exec(
          client,
          client.pods().inNamespace(q.ns).withName(SOURCE + "-0").get(),
          "for i in $(seq 60); do pg_isready -q -h "
              + DESTINATION
              + " && exit 0; sleep 1; done;"
              + " exit 1");
      Map<String, String> before = q.appState();

      q.applyMigration(m -> m.getSpec().start = true);
      PostgresMigration failed = q.awaitPhase(Phase.PrepareFailed, PREPARE);

      assertThat(check(failed, PreparationChecks.CLIENT_TOOLS))
          .satisfies(
              c -> {
                assertThat(c.blocks()).isTrue();
                assertThat(c.message)
                    .startsWith("pg_dump 15.")
                    .contains("cannot read the source's PostgreSQL 17.");
                assertThat(c.hint).contains("PostgreSQL 17's client tools");
              });
      assertThat(check(failed, PreparationChecks.SERVER_VERSION))
          .satisfies(
              c -> {
                assertThat(c.blocks()).isTrue();
                assertThat(c.message).contains("older than the source's 17.");
              });
      assertThat(q.appState()).isEqualTo(before);
      assertThat(q.query(SOURCE, "SHOW default_transaction_read_only")).containsExactly("off");
      assertThat(q.copyJobs()).isEmpty();
    }
  }

  @Test
  void aFunctionWhoseLibraryOnlyTheSourceHasFailsPreparationAndTouchesNothing() throws Exception {
    try (QuickstartInstance q = QuickstartInstance.create(client, "e2e-library", x -> {})) {
      // A shared library of the source's own, outside $libdir, as hand-built extensions are.
      Pod pod = client.pods().inNamespace(q.ns).withName(SOURCE + "-0").get();
      String libdir =
          q.query(SOURCE, "SELECT setting FROM pg_config WHERE name = 'PKGLIBDIR'").get(0);
      LocalCluster.exec(
          client, pod, "mkdir -p /tmp/lib && cp " + libdir + "/hstore.so /tmp/lib/ledger.so");
      q.execute(
          SOURCE,
          "SET dynamic_library_path = '$libdir:/tmp/lib';"
              + " CREATE FUNCTION public.tag_in(cstring) RETURNS text"
              + " AS 'ledger', 'hstore_in' LANGUAGE c STRICT");
      Map<String, String> before = q.appState();

      q.applyMigration(m -> m.getSpec().start = true);
      PostgresMigration failed = q.awaitPhase(Phase.PrepareFailed, PREPARE);

      assertThat(failed.getStatus().checks)
          .filteredOn(CheckResult::blocks)
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.name).isEqualTo(PreparationChecks.REHEARSAL);
                assertThat(c.message)
                    .startsWith(
                        "FUNCTION public.tag_in(cstring): ERROR: could not access file"
                            + " \"ledger\"");
                assertThat(c.hint).contains("shared library");
              });
      assertThat(q.appState()).isEqualTo(before);
      assertThat(q.query(SOURCE, "SHOW default_transaction_read_only")).containsExactly("off");
      assertThat(
              q.query(
                  DESTINATION,
                  "SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace"))
          .containsExactly("0");
      assertThat(q.copyJobs()).isEmpty();
    }
  }

  /** The source's server from the PostgreSQL 17 image, built like the 15 one. */
  private static void sourceOnPostgres17(HasMetadata item) {
    if (item instanceof StatefulSet s && SOURCE.equals(s.getMetadata().getName())) {
      s.getSpec()
          .getTemplate()
          .getSpec()
          .getContainers()
          .forEach(c -> c.setImage(c.getImage().replaceFirst(":15$", ":17")));
    }
  }

  private static CheckResult check(PostgresMigration m, String name) {
    return m.getStatus().checks.stream()
        .filter(c -> c.name.equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no check " + name));
  }
}
