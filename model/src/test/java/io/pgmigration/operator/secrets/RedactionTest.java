package io.pgmigration.operator.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedactionTest {
  @Test
  void knownPasswordsAreMaskedWhereverTheyAppear() {
    assertThat(Redaction.redact("auth failed for s3cr3t-pw (s3cr3t-pw)", List.of("s3cr3t-pw")))
        .isEqualTo("auth failed for **** (****)");
  }

  @Test
  void whatLooksLikeAPasswordIsMaskedToo() {
    assertThat(
            Redaction.redact(
                "could not connect to postgres://app:hunter22@db:5432/app; also"
                    + " postgresql://u:p%40ss@h/d",
                List.of()))
        .isEqualTo(
            "could not connect to postgres://app:****@db:5432/app; also postgresql://u:****@h/d");
    assertThat(Redaction.redact("host=db user=app password='it''s' dbname=app", List.of()))
        .isEqualTo("host=db user=app password=**** dbname=app");
    assertThat(
            Redaction.redact(
                "pg_restore: error: CREATE ROLE clerk WITH LOGIN PASSWORD 'SCRAM-SHA-256$4096:abc"
                    + "$def:ghi';",
                List.of()))
        .isEqualTo("pg_restore: error: CREATE ROLE clerk WITH LOGIN PASSWORD '****';");
    assertThat(Redaction.redact("rolpassword md5" + "0123456789abcdef0123456789abcdef", List.of()))
        .isEqualTo("rolpassword ****");
  }

  @Test
  void ordinaryTextIsLeftAlone() {
    String text = "relation \"public.orders\" does not exist; password authentication failed";
    assertThat(Redaction.redact(text, List.of("ab"))).isEqualTo(text);
  }
}
