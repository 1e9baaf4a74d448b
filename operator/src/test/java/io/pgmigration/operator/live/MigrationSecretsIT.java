package io.pgmigration.operator.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.api.v1alpha1.DatabaseSpec;
import io.pgmigration.operator.api.v1alpha1.SecretKeyRef;
import io.pgmigration.operator.api.v1alpha1.TlsSpec;
import io.pgmigration.operator.db.DatabaseProbe;
import io.pgmigration.operator.db.PreparationChecks.Found;
import io.pgmigration.operator.secrets.PostgresUri;
import io.pgmigration.operator.testing.KubeApiServers;
import io.pgmigration.operator.testing.Manifests;
import io.pgmigration.operator.testing.PostgresServer;
import io.pgmigration.operator.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A database whose certificate is verified, against a real API server and a real TLS server: the
 * operator reads the CA from the Secret spec.*.tls.caSecret names, keeps it in a file only it may
 * read, and connects with verify-full; a missing CA is named, not skipped.
 */
class MigrationSecretsIT {
  private static final String NS = "migration-secrets";
  private static KubernetesClient client;
  private static PostgresServer server;
  private static TestCertificates certificates;
  private static MigrationSecrets secrets;

  @BeforeAll
  static void install() {
    client = KubeApiServers.client();
    certificates = TestCertificates.create();
    server = PostgresServer.withTls(certificates);
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .serverSideApply();
    client.resource(Manifests.urlSecret(NS, "orders-db", server.uri())).serverSideApply();
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("orders-ca")
                .withNamespace(NS)
                .endMetadata()
                .withStringData(Map.of("ca.crt", certificates.caPem()))
                .build())
        .serverSideApply();
    secrets = new MigrationSecrets(client);
  }

  @AfterAll
  static void close() {
    server.close();
  }

  private static DatabaseSpec database(String caSecret) {
    DatabaseSpec d = new DatabaseSpec();
    d.connectionSecret = new SecretKeyRef("orders-db", "DATABASE_URL");
    d.tls = new TlsSpec();
    d.tls.caSecret = new SecretKeyRef(caSecret, "ca.crt");
    return d;
  }

  @Test
  void aCaFromASecretVerifiesTheServer() throws Exception {
    Found<PostgresUri> uri = secrets.database(NS, database("orders-ca"));
    assertThat(uri.ok()).as(uri.problem()).isTrue();
    assertThat(uri.value().params()).containsEntry("sslmode", "verify-full");
    Path ca = Path.of(uri.value().params().get("sslrootcert"));
    assertThat(Files.readString(ca)).isEqualTo(certificates.caPem());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ca)))
        .isEqualTo("rw-------");
    assertThat(DatabaseProbe.probe(uri.value()).database()).isEqualTo("app");
  }

  @Test
  void aMissingCaIsNamed() {
    Found<PostgresUri> uri = secrets.database(NS, database("no-such-ca"));
    assertThat(uri.ok()).isFalse();
    assertThat(uri.problem())
        .isEqualTo(
            "its CA certificate (Secret no-such-ca, key ca.crt): the Secret does not exist in"
                + " namespace "
                + NS);
  }
}
