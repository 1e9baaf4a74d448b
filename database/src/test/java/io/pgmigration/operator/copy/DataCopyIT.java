package io.pgmigration.operator.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.VerificationMode;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.db.CopyVerifier;
import io.pgmigration.operator.secrets.PostgresUri;
import io.pgmigration.operator.testing.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The data copy between two real servers on the PostgreSQL objects that usually break copies. The
 * schema travels as the copy Job moves it (pg_dump's pre-data before, post-data after); afterwards
 * a schema-only dump of both sides is the same and every table's checksum matches.
 */
class DataCopyIT {
  /**
   * Every object kind that trips copies up, with rows in each table: one of every kind of table
   * PostgreSQL can create (without columns, with a type that has no binary I/O, with a dropped
   * column, inheritance, typed, partitioned, generated and identity columns, row-level security,
   * unusual and 63-byte identifiers, unlogged, rows of megabytes). Grow it with every kind found to
   * break a copy.
   */
  private static final String TRICKY =
      """
      CREATE EXTENSION citext;
      CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
      CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
      CREATE TYPE pair AS (a integer, b text);
      CREATE COLLATION german (provider = icu, locale = 'de-DE');
      CREATE TABLE serial_owned (id serial PRIMARY KEY, note text);
      CREATE TABLE identity_always (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v int);
      CREATE TABLE generated (a int, b int, total int GENERATED ALWAYS AS (a + b) STORED);
      CREATE TABLE measurements (at date NOT NULL, reading positive) PARTITION BY RANGE (at);
      CREATE TABLE measurements_2025 PARTITION OF measurements
        FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
      CREATE TABLE measurements_2026 PARTITION OF measurements
        FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
      CREATE TABLE typed (
        id int PRIMARY KEY, m mood, moods mood[], p pair, email citext,
        name text COLLATE german, tags text[], doc jsonb);
      CREATE TABLE audit (id serial PRIMARY KEY, what text);
      CREATE FUNCTION audit_typed() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN INSERT INTO audit (what) VALUES ('typed ' || NEW.id); RETURN NEW; END $$;
      CREATE TRIGGER typed_audit AFTER INSERT ON typed FOR EACH ROW EXECUTE FUNCTION audit_typed();
      CREATE TABLE parent_child_fk (id int PRIMARY KEY, typed_id int REFERENCES typed (id));
      CREATE TABLE wide (id int PRIMARY KEY, body text);
      CREATE TABLE documents (id int PRIMARY KEY, scan oid);
      INSERT INTO serial_owned (note) SELECT 'n' || g FROM generate_series(1, 500) g;
      INSERT INTO identity_always (v) SELECT g FROM generate_series(1, 300) g;
      INSERT INTO generated (a, b) SELECT g, g * 2 FROM generate_series(1, 200) g;
      INSERT INTO measurements SELECT date '2025-06-01' + g, g FROM generate_series(1, 400) g;
      INSERT INTO typed SELECT g, (ARRAY['sad','ok','happy'])[1 + g % 3]::mood,
        ARRAY['ok','happy']::mood[], ROW(g, 'p' || g)::pair, 'User' || g || '@Example.com',
        'Ärger ' || g, ARRAY['a', 'b' || g], jsonb_build_object('g', g)
        FROM generate_series(1, 250) g;
      INSERT INTO parent_child_fk SELECT g, g FROM generate_series(1, 100) g;
      INSERT INTO wide SELECT g, repeat(md5(g::text), 200) FROM generate_series(1, 3000) g;
      INSERT INTO documents VALUES (1, lo_from_bytea(0, 'an invoice scan')),
        (2, lo_from_bytea(0, convert_to(repeat('x', 3000000), 'UTF8')));
      CREATE TABLE no_columns ();
      INSERT INTO no_columns SELECT FROM generate_series(1, 7);
      CREATE TABLE privileges (id int, grants aclitem[], one aclitem);
      INSERT INTO privileges VALUES (1, '{app=r/app}', 'app=arw/app'), (2, NULL, NULL);
      CREATE TABLE dropped (a int, gone text, c int);
      INSERT INTO dropped SELECT g, 'x', g FROM generate_series(1, 50) g;
      ALTER TABLE dropped DROP COLUMN gone;
      CREATE TABLE inh_parent (id int, v text);
      CREATE TABLE inh_child (extra int) INHERITS (inh_parent);
      INSERT INTO inh_parent SELECT g, 'parent' FROM generate_series(1, 3000) g;
      INSERT INTO inh_child SELECT g, 'child', g FROM generate_series(1, 2000) g;
      CREATE TYPE point3 AS (x float8, y float8, z float8);
      CREATE TABLE typed_of OF point3;
      INSERT INTO typed_of VALUES (1, 2, 3), (4, 5, 6);
      CREATE TABLE secured (id int, owner_name text);
      ALTER TABLE secured ENABLE ROW LEVEL SECURITY;
      CREATE POLICY mine ON secured USING (owner_name = current_user);
      INSERT INTO secured SELECT g, 'someone else' FROM generate_series(1, 40) g;
      CREATE TABLE "we""ird name" ("select" int, "ünïcödé ☃" text,
        "a_name_of_exactly_sixty_three_bytes_aaaaaaaaaaaaaaaaaaaaaaaaaaa" int);
      INSERT INTO "we""ird name" VALUES (1, 'snow', 63);
      CREATE UNLOGGED TABLE scratch (id int, note text);
      INSERT INTO scratch SELECT g, 'unlogged' FROM generate_series(1, 100) g;
      CREATE TABLE huge_rows (id int, body text);
      INSERT INTO huge_rows SELECT g, repeat(md5(g::text), 60000) FROM generate_series(1, 4) g;
      CREATE VIEW happy_typed AS SELECT id, email FROM typed WHERE m = 'happy';
      CREATE MATERIALIZED VIEW mood_counts AS SELECT m, count(*) FROM typed GROUP BY m;
      CREATE INDEX typed_email ON typed (email);
      SELECT setval('serial_owned_id_seq', 900);
      ANALYZE;
      """;

  @Test
  void copiesTheObjectsThatUsuallyBreakCopiesExactly() throws Exception {
    try (PostgresServer source = PostgresServer.start();
        PostgresServer destination = PostgresServer.start()) {
      prepare(source, destination);
      DataCopy copy = new DataCopy(uri(source), uri(destination), line -> {});
      // Small chunks, so the larger tables are split into page ranges, and every table's indexes
      // built by the copy itself rather than pg_restore.
      DataCopy.Result result = copy.run(new DataCopy.Options(2, 64 << 10, 0, 1, 0));
      assertThat(result.items()).isGreaterThan(12);
      assertThat(result.sequences()).isGreaterThanOrEqualTo(3);
      assertThat(result.largeObjects()).isEqualTo(2);
      // Every primary key and plain index of an ordinary table: 7 keys and typed_email.
      assertThat(postData(source, destination)).isEqualTo(8);
      assertSameDatabase(source, destination);
    }
  }

  @Test
  void workersShareTheItemsAndARestartSkipsWhatIsDone() throws Exception {
    try (PostgresServer source = PostgresServer.start();
        PostgresServer destination = PostgresServer.start()) {
      prepare(source, destination);
      DataCopy copy = new DataCopy(uri(source), uri(destination), line -> {});
      // Worker 0 of 2 finishes its share, then "dies"; a rerun as one worker does only the rest.
      DataCopy.Result first = copy.run(new DataCopy.Options(1, 64 << 10, 0, 2));
      DataCopy.Result rerun = copy.run(new DataCopy.Options(2, 64 << 10, 0, 1));
      assertThat(rerun.skipped()).isEqualTo(first.items());
      assertThat(first.items() + rerun.items()).isEqualTo(rerun.skipped() + rerun.items());
      // A second rerun finds everything done and copies nothing twice.
      assertThat(copy.run(new DataCopy.Options(2, 64 << 10, 0, 1)).items()).isZero();
      postData(source, destination);
      assertSameDatabase(source, destination);
    }
  }

  @Test
  void twoWorkersAtOnceCopyEveryRowOnce() throws Exception {
    try (PostgresServer source = PostgresServer.start();
        PostgresServer destination = PostgresServer.start()) {
      prepare(source, destination);
      DataCopy copy = new DataCopy(uri(source), uri(destination), line -> {});
      List<CompletableFuture<DataCopy.Result>> pods = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        int index = i;
        pods.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return copy.run(new DataCopy.Options(1, 64 << 10, index, 2));
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }));
      }
      int items = 0;
      for (var pod : pods) {
        items += pod.get(120, TimeUnit.SECONDS).items();
      }
      assertThat(pods.get(0).get().items()).isPositive();
      assertThat(pods.get(1).get().items()).isPositive();
      postData(source, destination);
      assertSameDatabase(source, destination);
      assertThat(items).isGreaterThan(12);
    }
  }

  @Test
  void rowsThatRowLevelSecurityWouldHideFailTheCopyInsteadOfGoingMissing() throws Exception {
    try (PostgresServer source = PostgresServer.start();
        PostgresServer destination = PostgresServer.start()) {
      // Owned by another role, whose policy shows the copy's user none of the rows.
      source.superuser(
          "app",
          "CREATE TABLE hidden (id int, owner_name text)",
          "ALTER TABLE hidden ENABLE ROW LEVEL SECURITY",
          "CREATE POLICY theirs ON hidden USING (owner_name = current_user)",
          "GRANT SELECT ON hidden TO app",
          "INSERT INTO hidden SELECT g, 'postgres' FROM generate_series(1, 10) g");
      // Given to the copy's user, so the schema restores and the rows are what is tested.
      restoreSchema(source, destination, Ownership.DestinationUser);
      DataCopy copy = new DataCopy(uri(source), uri(destination), line -> {});
      assertThatThrownBy(() -> copy.run(new DataCopy.Options(1, 64 << 10, 0, 1, -1)))
          .hasStackTraceContaining("row-level security");
    }
  }

  private static void prepare(PostgresServer source, PostgresServer destination) throws Exception {
    // Two more roles, on both servers: one owns objects, one holds grants and a policy.
    for (PostgresServer server : List.of(source, destination)) {
      server.superuser(
          "postgres",
          "CREATE ROLE ledger NOLOGIN",
          "CREATE ROLE auditor NOLOGIN",
          "GRANT ledger TO app");
    }
    // The new owner needs CREATE on the schema: the destination's user is no superuser, and the
    // schema's grants come after its objects in pg_dump's order.
    for (PostgresServer server : List.of(source, destination)) {
      server.superuser("app", "GRANT CREATE ON SCHEMA public TO ledger");
    }
    source.superuser("app", "CREATE EXTENSION citext");
    source.app(TRICKY.replace("CREATE EXTENSION citext;", ""));
    source.app(
        "ALTER TABLE wide OWNER TO ledger",
        "ALTER FUNCTION audit_typed() OWNER TO ledger",
        "GRANT SELECT ON typed TO auditor",
        "GRANT UPDATE (note) ON serial_owned TO auditor",
        "CREATE POLICY audited ON secured FOR SELECT TO auditor USING (true)",
        "ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO auditor");
    // The source is fenced while it is copied: everything must work read-only.
    source.superuser("postgres", "ALTER DATABASE app SET default_transaction_read_only = on");
    restoreSchema(source, destination, Ownership.Preserve);
  }

  /** The copy's schema step, as a copy pod runs it. */
  private static void restoreSchema(
      PostgresServer source, PostgresServer destination, Ownership ownership) throws Exception {
    java.nio.file.Path work = java.nio.file.Files.createTempDirectory("pgmo-copy-");
    new CopyPod(
            uri(source),
            uri(destination),
            ownership,
            java.util.Map.of(
                CopyContract.Env.SOURCE_URL, source.uri(),
                CopyContract.Env.DESTINATION_URL, destination.uri(),
                CopyContract.Env.WORK_DIR, work.toString()),
            line -> {})
        .schema();
  }

  /** A step of the copy Job, as its container runs it. */
  private static String step(String name) throws Exception {
    try (var in = DataCopy.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Runs the post-data step; returns how many indexes the copy had built before it. */
  private static int postData(PostgresServer source, PostgresServer destination) throws Exception {
    String out = shell(step("post-data.sh"), source, destination);
    assertThat(out).contains("post-data) restored");
    assertThat(
            shell(
                    "psql -qtAX --dbname=\"$DESTINATION_URL\" -c \"SELECT count(*) FROM pg_namespace"
                        + " WHERE nspname = '"
                        + CopyContract.Bookkeeping.SCHEMA
                        + "'\"",
                    source,
                    destination)
                .trim())
        .isEqualTo("0");
    var built = java.util.regex.Pattern.compile("; (\\d+) built during the copy").matcher(out);
    assertThat(built.find()).as(out).isTrue();
    return Integer.parseInt(built.group(1));
  }

  private static void assertSameDatabase(PostgresServer source, PostgresServer destination)
      throws Exception {
    // Owners and grants included: the copy keeps them.
    String schemaSource =
        shell("pg_dump --schema-only --dbname=\"$SOURCE_URL\"", source, destination);
    String schemaDestination =
        shell("pg_dump --schema-only --dbname=\"$DESTINATION_URL\"", source, destination);
    // pg_dump fences its output with \restrict and a random key per dump; the rest must match.
    assertThat(withoutRestrictKeys(schemaDestination)).isEqualTo(withoutRestrictKeys(schemaSource));
    PostgresMigrationStatus.Verification v =
        CopyVerifier.compare(
            uri(source),
            uri(destination),
            VerificationMode.Checksums,
            Ownership.Preserve,
            true,
            true,
            java.time.Duration.ofMinutes(5));
    assertThat(v.mismatches).isEmpty();
    assertThat(v.tablesCompared).isGreaterThanOrEqualTo(20);
    String los =
        "SELECT string_agg(oid || ':' || md5(lo_get(oid)), ',' ORDER BY oid) FROM pg_largeobject_metadata";
    assertThat(
            shell(
                "psql -qtAX --dbname=\"$DESTINATION_URL\" -c \"" + los + "\"", source, destination))
        .isEqualTo(
            shell("psql -qtAX --dbname=\"$SOURCE_URL\" -c \"" + los + "\"", source, destination));
    String seq = "SELECT last_value FROM serial_owned_id_seq";
    assertThat(
            shell(
                    "psql -qtAX --dbname=\"$DESTINATION_URL\" -c \"" + seq + "\"",
                    source,
                    destination)
                .trim())
        .isEqualTo("900");
    String refreshed = "SELECT sum(count) FROM mood_counts";
    assertThat(
            shell(
                    "psql -qtAX --dbname=\"$DESTINATION_URL\" -c \"" + refreshed + "\"",
                    source,
                    destination)
                .trim())
        .isEqualTo("250");
  }

  private static String withoutRestrictKeys(String dump) {
    return dump.replaceAll("(?m)^\\\\(un)?restrict .*$", "");
  }

  private static PostgresUri uri(PostgresServer server) {
    return PostgresUri.parse(server.uri());
  }

  private static String shell(String script, PostgresServer source, PostgresServer destination)
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "-o", "pipefail", "-c", script);
    java.nio.file.Path work = java.nio.file.Files.createTempDirectory("pgmo-copy-");
    // The environment CopyPod gives its steps.
    pb.environment().putAll(CopyContract.Bookkeeping.scriptEnvironment());
    pb.environment().put(CopyContract.Env.WORK_DIR, work.toString());
    pb.environment()
        .put("PGMO_DUMP_OPTIONS", String.join(" ", CopyContract.dumpOptions(Ownership.Preserve)));
    pb.environment().put(CopyContract.Env.SOURCE_URL, source.uri());
    pb.environment().put(CopyContract.Env.DESTINATION_URL, destination.uri());
    // CopyPod gives the steps these without passwords, and a password file; a URI does too.
    pb.environment().put("PGMO_SOURCE", source.uri());
    pb.environment().put("PGMO_DESTINATION", destination.uri());
    pb.environment()
        .put(
            "DESTINATION_SU_URL",
            destination.uri().replace("postgres://app:", "postgres://postgres:"));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(script + "\n" + err).isZero();
    return out;
  }
}
