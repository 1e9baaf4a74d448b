package io.pgmigration.operator.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.VerificationMode;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.secrets.PostgresUri;
import io.pgmigration.operator.testing.PostgresServer;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Verification between two real servers holding the same data, then data that differs. */
class CopyVerifierIT {
  private static final String[] SCHEMA = {
    "CREATE TABLE customers (id bigserial PRIMARY KEY, name text, attrs jsonb)",
    "CREATE TABLE \"Order Lines\" (id int, qty int)",
    "CREATE SEQUENCE invoice_seq",
    "INSERT INTO customers (name, attrs) SELECT 'c' || g, jsonb_build_object('g', g)"
        + " FROM generate_series(1, 500) g",
    "INSERT INTO \"Order Lines\" SELECT g, g % 7 FROM generate_series(1, 300) g",
    "SELECT setval('invoice_seq', 42)",
    "SELECT lo_from_bytea(0, 'x')"
  };
  private static PostgresServer source;
  private static PostgresServer destination;

  @BeforeAll
  static void start() {
    source = PostgresServer.start();
    destination = PostgresServer.start();
    source.app(SCHEMA);
    destination.app(SCHEMA);
  }

  @AfterAll
  static void stop() {
    source.close();
    destination.close();
  }

  private static PostgresMigrationStatus.Verification compare(VerificationMode mode)
      throws SQLException {
    return CopyVerifier.compare(
        PostgresUri.parse(source.uri()),
        PostgresUri.parse(destination.uri()),
        mode,
        io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership.Preserve,
        true,
        true,
        java.time.Duration.ofMinutes(5));
  }

  @Test
  void identicalDataVerifies() throws SQLException {
    PostgresMigrationStatus.Verification v = compare(VerificationMode.Checksums);
    assertThat(v.mismatches).isEmpty();
    assertThat(v.tablesCompared).isEqualTo(2);
    assertThat(v.schemaObjectsCompared).isGreaterThan(5);
    // invoice_seq and the serial column's sequence.
    assertThat(v.sequencesCompared).isEqualTo(2);
  }

  @Test
  void differencesAreNamed() throws SQLException {
    try {
      destination.app(
          "UPDATE customers SET name = 'changed' WHERE id = 7",
          "DELETE FROM \"Order Lines\" WHERE id = 1",
          "SELECT setval('invoice_seq', 41)");
      PostgresMigrationStatus.Verification counts = compare(VerificationMode.RowCounts);
      assertThat(counts.mismatches)
          .extracting(m -> m.table + ": " + m.detail)
          .containsExactly(
              "public.\"Order Lines\": rows: 300 on the source, 299 on the destination",
              "public.invoice_seq: sequence at 42 on the source, 41 on the destination");

      PostgresMigrationStatus.Verification sums = compare(VerificationMode.Checksums);
      assertThat(sums.mismatches)
          .extracting(m -> m.table + ": " + m.detail)
          .contains("public.customers: checksum of the rows differs");
    } finally {
      destination.app(
          "UPDATE customers SET name = 'c7' WHERE id = 7",
          "INSERT INTO \"Order Lines\" VALUES (1, 1)",
          "SELECT setval('invoice_seq', 42)");
    }
  }

  @Test
  void aMissingTableIsNamed() throws SQLException {
    source.app("CREATE TABLE only_here (x int)");
    try {
      assertThat(compare(VerificationMode.RowCounts).mismatches)
          .extracting(m -> m.table + ": " + m.detail)
          .containsExactly(
              "public.only_here: missing on the destination",
              "TABLE public.only_here: schema: missing on the destination");
    } finally {
      source.app("DROP TABLE only_here");
    }
  }

  @Test
  void aSchemaDifferenceIsNamed() throws SQLException {
    destination.app("CREATE INDEX customers_name ON customers (name)");
    try {
      assertThat(compare(VerificationMode.RowCounts).mismatches)
          .extracting(m -> m.table + ": " + m.detail)
          .containsExactly("INDEX public.customers_name: schema: only on the destination");
    } finally {
      destination.app("DROP INDEX customers_name");
    }
  }
}
