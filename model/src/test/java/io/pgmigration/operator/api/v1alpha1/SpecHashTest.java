package io.pgmigration.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class SpecHashTest {
  /** A spec shaped like the quickstart's. */
  private static PostgresMigrationSpec spec() {
    return Serialization.unmarshal(
        String.join(
            "\n",
            "source: {connectionSecret: {name: postgresql-clean-29349, key: DATABASE_URL}}",
            "destination: {connectionSecret: {name: postgresql-circular-11223, key: DATABASE_URL}}",
            "app:",
            "  databaseUrlSecret: {name: example-app-config, key: DATABASE_URL}",
            "  maintenance:",
            "    selector: {matchLabels: {app.kubernetes.io/part-of: example-app}}",
            "    drainTimeout: 5m",
            "promote: true"),
        PostgresMigrationSpec.class);
  }

  @Test
  void gatesDoNotChangeTheHash() {
    PostgresMigrationSpec s = spec();
    String before = SpecHash.of(s);
    s.start = true;
    s.promote = !s.promote;
    s.cancel = true;
    assertThat(SpecHash.of(s)).isEqualTo(before);
  }

  @Test
  void theStartGatesLimitsDoNotChangeTheHashWhichIsTheSameAsBeforeTheyExisted() {
    PostgresMigrationSpec s = spec();
    // The hash of this spec before spec.streaming existed: an operator upgraded while migrations
    // are Ready must not prepare them again.
    assertThat(SpecHash.of(s)).isEqualTo("486c4f66b5372f22");
    s.streaming.maxLagBytes = 1;
    s.streaming.verificationMaxAge = "1h";
    assertThat(SpecHash.of(s)).isEqualTo("486c4f66b5372f22");
  }

  @Test
  void everythingElseDoes() {
    PostgresMigrationSpec s = spec();
    String before = SpecHash.of(s);
    s.app.maintenance.drainTimeout = "10m";
    assertThat(SpecHash.of(s)).isNotEqualTo(before);
  }
}
