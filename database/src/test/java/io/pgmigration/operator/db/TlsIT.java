package io.pgmigration.operator.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership;
import io.pgmigration.operator.secrets.PostgresUri;
import io.pgmigration.operator.testing.PostgresServer;
import io.pgmigration.operator.testing.TestCertificates;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * spec.*.tls on a real server with a certificate for 127.0.0.1: with the CA that signed it, the
 * JDBC driver and pg_dump (the rehearsal's and the copy's tool) connect encrypted and verified;
 * with another CA, or under a name the certificate does not hold, both refuse.
 */
class TlsIT {
  private static TestCertificates certificates;
  private static PostgresServer server;
  private static PostgresUri plain;

  @BeforeAll
  static void start() {
    certificates = TestCertificates.create();
    server = PostgresServer.withTls(certificates);
    server.app("CREATE TABLE t (n int)");
    plain = PostgresUri.parse(server.uri());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void theRightCaVerifiesTheServerAndTheSessionIsEncrypted() throws Exception {
    PostgresUri verified = plain.verifyingTlsWith(certificates.caFile().toString());
    assertThat(verified.params()).containsEntry("sslmode", "verify-full");
    try (Connection c = DatabaseProbe.connect(verified);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
      r.next();
      assertThat(r.getBoolean(1)).isTrue();
    }
    assertThat(DatabaseProbe.probe(verified).userTables()).containsExactly("public.t");
    assertThat(SchemaDump.schema(verified, Ownership.Preserve, Instant.now().plusSeconds(60)))
        .contains("CREATE TABLE public.t");
  }

  @Test
  void anotherCaIsRefusedByTheDriverAndByPgDump() {
    PostgresUri otherCa = plain.verifyingTlsWith(TestCertificates.create().caFile().toString());
    assertThatThrownBy(() -> DatabaseProbe.probe(otherCa)).isInstanceOf(SQLException.class);
    assertThatThrownBy(
            () -> SchemaDump.schema(otherCa, Ownership.Preserve, Instant.now().plusSeconds(60)))
        .hasMessageContaining("certificate verify failed");
  }

  @Test
  void aNameTheCertificateDoesNotHoldIsRefused() {
    PostgresUri byName =
        PostgresUri.parse(server.uri().replace("127.0.0.1", "localhost"))
            .verifyingTlsWith(certificates.caFile().toString());
    assertThatThrownBy(() -> DatabaseProbe.probe(byName))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("localhost");
  }
}
