package io.pgmigration.operator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A certificate authority and a server certificate it signed, made with the openssl command line
 * for the tests' TLS servers: the certificate names the IP address 127.0.0.1 only, so a client that
 * reaches the server as "localhost" must refuse it under verify-full.
 *
 * @param dir where the files are: ca.crt, server.crt, server.key
 */
public record TestCertificates(Path dir) {
  /** A new CA, and a certificate for 127.0.0.1 signed by it. */
  public static TestCertificates create() {
    try {
      Path dir = Files.createTempDirectory("pgmo-tls-");
      Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1\n");
      openssl(
          dir,
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-keyout",
          "ca.key",
          "-out",
          "ca.crt",
          "-days",
          "2",
          "-subj",
          "/CN=pg-migration-operator test CA");
      openssl(
          dir,
          "req",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-keyout",
          "server.key",
          "-out",
          "server.csr",
          "-subj",
          "/CN=127.0.0.1");
      openssl(
          dir,
          "x509",
          "-req",
          "-in",
          "server.csr",
          "-CA",
          "ca.crt",
          "-CAkey",
          "ca.key",
          "-CAcreateserial",
          "-out",
          "server.crt",
          "-days",
          "2",
          "-extfile",
          "san.ext");
      return new TestCertificates(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The CA's certificate, PEM. */
  public String caPem() {
    try {
      return Files.readString(dir.resolve("ca.crt"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The CA's certificate file. */
  public Path caFile() {
    return dir.resolve("ca.crt");
  }

  private static void openssl(Path dir, String... args) {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    PostgresServer.run(command, dir);
  }
}
