package io.pgmigration.operator.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.CheckOutcome;
import io.pgmigration.operator.secrets.PostgresUri;
import io.pgmigration.operator.testing.PostgresServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rehearsal between real servers: it predicts what would break the copy, every failure at once,
 * and leaves the destination as it found it.
 */
class RehearsalIT {
  private static final String SCHEMA =
      """
      CREATE TYPE mood AS ENUM ('sad', 'ok');
      CREATE TABLE customers (id serial PRIMARY KEY, name text, m mood, grants aclitem[]);
      CREATE TABLE no_columns ();
      CREATE TABLE orders (id int PRIMARY KEY, customer int REFERENCES customers (id));
      CREATE INDEX orders_customer ON orders (customer);
      CREATE VIEW named AS SELECT id, name FROM customers;
      CREATE MATERIALIZED VIEW counted AS SELECT count(*) FROM orders;
      INSERT INTO customers (name, m) VALUES ('a', 'ok');
      """;

  private static PostgresUri uri(PostgresServer s) {
    return PostgresUri.parse(s.uri());
  }

  @Test
  void aSchemaTheCopyCanRestorePassesAndLeavesNothingBehind() {
    try (PostgresServer source = PostgresServer.start();
        PostgresServer destination = PostgresServer.start()) {
      source.app(SCHEMA);
      List<CheckResult> checks =
          Rehearsal.run(uri(source), uri(destination), Ownership.Preserve, Duration.ofMinutes(2));
      assertThat(checks)
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.name).isEqualTo(PreparationChecks.REHEARSAL);
                assertThat(c.result).as(c.message).isEqualTo(CheckOutcome.Passed);
                assertThat(c.message)
                    .contains("received 3 tables' rows")
                    .contains("rolled it all back");
              });
      assertThat(
              destination.query(
                  "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"))
          .containsExactly("0");
      assertThat(destination.query("SELECT count(*) FROM pg_type WHERE typname = 'mood'"))
          .containsExactly("0");
    }
  }

  @Test
  void aFunctionWhoseLibraryTheDestinationLacksIsNamedAndNothingIsLeft() {
    try (PostgresServer source = PostgresServer.start();
        PostgresServer destination = PostgresServer.withoutExtensions("hstore")) {
      source.app(SCHEMA);
      // A C function outside any extension, as applications carry them.
      source.superuser(
          "app",
          "CREATE FUNCTION public.tag_in(cstring) RETURNS text"
              + " AS '$libdir/hstore', 'hstore_in' LANGUAGE c STRICT",
          "ALTER FUNCTION public.tag_in(cstring) OWNER TO app",
          "CREATE FUNCTION public.stamp() RETURNS trigger LANGUAGE plpgsql AS"
              + " $$ BEGIN PERFORM public.tag_in('a=>b'); RETURN NEW; END $$",
          "ALTER FUNCTION public.stamp() OWNER TO app",
          "CREATE TRIGGER stamped BEFORE INSERT ON orders FOR EACH ROW"
              + " EXECUTE FUNCTION public.stamp()");
      // As the app's user, the destination refuses the function before it looks for its library.
      assertThat(
              Rehearsal.run(
                  uri(source), uri(destination), Ownership.Preserve, Duration.ofMinutes(2)))
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.message)
                    .isEqualTo(
                        "FUNCTION public.tag_in(cstring): ERROR: permission denied for language c");
                assertThat(c.hint).contains("may not create");
              });
      // As a superuser, it looks, and the library is not there.
      PostgresUri superuser = PostgresUri.parse(destination.superuserUri());
      List<CheckResult> checks =
          Rehearsal.run(uri(source), superuser, Ownership.Preserve, Duration.ofMinutes(2));
      assertThat(checks).allSatisfy(c -> assertThat(c.result).isEqualTo(CheckOutcome.Failed));
      assertThat(checks)
          .anySatisfy(
              c -> {
                assertThat(c.message)
                    .startsWith("FUNCTION public.tag_in(cstring)")
                    .contains("could not access file \"$libdir/hstore\"");
                assertThat(c.hint).contains("shared library");
              });
      // Everything else of the schema restored: only the function failed.
      assertThat(checks).hasSize(1);
      assertThat(destination.query("SELECT count(*) FROM pg_proc WHERE proname = 'stamp'"))
          .containsExactly("0");
    }
  }

  @Test
  void itsResultIsKeyedByTheSourcesSchema() throws Exception {
    try (PostgresServer source = PostgresServer.start();
        PostgresServer destination = PostgresServer.start()) {
      source.app(SCHEMA);
      Duration budget = Duration.ofMinutes(2);
      String fingerprint =
          Rehearsal.run(uri(source), uri(destination), Ownership.Preserve, budget)
              .get(0)
              .fingerprint;
      // pg_dump's random \restrict keys do not count; rows do not count; the schema does.
      source.app("INSERT INTO customers (name) VALUES ('b')");
      assertThat(Rehearsal.schemaHash(uri(source), Ownership.Preserve, budget))
          .isEqualTo(fingerprint);
      source.app("CREATE INDEX customers_name ON customers (name)");
      assertThat(Rehearsal.schemaHash(uri(source), Ownership.Preserve, budget))
          .isNotEqualTo(fingerprint);
      CheckResult kept =
          Rehearsal.run(uri(source), uri(destination), Ownership.Preserve, budget).get(0);
      // Kept again and again, it says so once.
      assertThat(Rehearsal.unchanged(Rehearsal.unchanged(kept)).message)
          .isEqualTo(
              kept.message
                  + "; not repeated: the spec and the source's schema are unchanged since");
    }
  }

  @Test
  void aRehearsalThatOutlastsItsBudgetSaysSo() {
    try (PostgresServer source = PostgresServer.start();
        PostgresServer destination = PostgresServer.start()) {
      source.app(SCHEMA);
      List<CheckResult> checks =
          Rehearsal.run(uri(source), uri(destination), Ownership.Preserve, Duration.ZERO);
      assertThat(checks)
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.result).isEqualTo(CheckOutcome.Error);
                assertThat(c.message).startsWith("not finished within");
              });
    }
  }
}
