package io.pgmigration.operator.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.VerificationMode;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.db.CopyVerifier;
import io.pgmigration.operator.db.PostgresUri;
import io.pgmigration.operator.testing.Manifests;
import io.pgmigration.operator.testing.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The copy Job's script, run here with the machine's pg_dump and pg_restore between two real
 * servers, on the quickstart's own seed data plus a large object; the verifier then finds no
 * difference. Both the streaming (parallelism 1) and the parallel directory form.
 */
class CopyScriptIT {
  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void copiesEverythingTheVerifierLooksAt(int parallelism) throws Exception {
    try (PostgresServer source = PostgresServer.start();
        PostgresServer destination = PostgresServer.start()) {
      source.app(Files.readString(Manifests.repo().resolve("examples/quickstart/seed.sql")));
      source.app("SELECT lo_from_bytea(0, 'an invoice scan')");
      // The source is fenced while it is copied: the copy must work read-only.
      source.superuser("postgres", "ALTER DATABASE app SET default_transaction_read_only = on");

      Path work = Files.createTempDirectory("pgmo-copy-");
      ProcessBuilder pb =
          new ProcessBuilder("bash", "-c", CopyJobBuilder.SCRIPT).redirectErrorStream(true);
      pb.environment().put("SOURCE_URL", source.uri());
      pb.environment().put("DESTINATION_URL", destination.uri());
      pb.environment().put("PARALLELISM", Integer.toString(parallelism));
      pb.environment().put("WORK_DIR", work.toString());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out).contains("copy finished").doesNotContain(PostgresServer.PASSWORD);

      PostgresMigrationStatus.Verification v =
          CopyVerifier.compare(
              PostgresUri.parse(source.uri()),
              PostgresUri.parse(destination.uri()),
              VerificationMode.Checksums);
      assertThat(v.mismatches).isEmpty();
      assertThat(v.tablesCompared).isEqualTo(5);
      assertThat(v.sequencesCompared).isEqualTo(5);
      // The view came along too.
      destination.app("SELECT count(*) FROM customer_order_totals");
      new ProcessBuilder("rm", "-rf", work.toString()).start().waitFor();
    }
  }
}
