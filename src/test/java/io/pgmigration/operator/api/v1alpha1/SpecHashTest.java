package io.pgmigration.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgmigration.operator.testing.Manifests;
import org.junit.jupiter.api.Test;

class SpecHashTest {
  private static PostgresMigrationSpec spec() {
    return Manifests.quickstartMigration().getSpec();
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
  void everythingElseDoes() {
    PostgresMigrationSpec s = spec();
    String before = SpecHash.of(s);
    s.app.maintenance.drainTimeout = "10m";
    assertThat(SpecHash.of(s)).isNotEqualTo(before);
  }
}
