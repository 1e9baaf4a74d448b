package io.pgmigration.operator.phase;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConditionWriterTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void keepsTransitionTimeWhileStatusIsUnchanged() {
    PostgresMigrationStatus s = new PostgresMigrationStatus();
    ConditionWriter.set(s, "Ready", false, "Waiting", "a", 1, T0);
    ConditionWriter.set(s, "Ready", false, "StillWaiting", "b", 2, T0.plusSeconds(30));
    assertThat(s.conditions).hasSize(1);
    assertThat(s.conditions.get(0).getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(s.conditions.get(0).getReason()).isEqualTo("StillWaiting");
    assertThat(s.conditions.get(0).getObservedGeneration()).isEqualTo(2);
  }

  @Test
  void movesTransitionTimeWhenStatusFlips() {
    PostgresMigrationStatus s = new PostgresMigrationStatus();
    ConditionWriter.set(s, "Ready", false, "Waiting", "a", 1, T0);
    ConditionWriter.set(s, "Ready", true, "Ready", "b", 1, T0.plusSeconds(30));
    assertThat(s.conditions.get(0).getStatus()).isEqualTo("True");
    assertThat(s.conditions.get(0).getLastTransitionTime()).isEqualTo("2026-01-01T00:00:30Z");
  }

  @Test
  void keepsOtherTypes() {
    PostgresMigrationStatus s = new PostgresMigrationStatus();
    ConditionWriter.set(s, "Prepared", true, "Passed", "a", 1, T0);
    ConditionWriter.set(s, "Ready", true, "Ready", "b", 1, T0);
    assertThat(s.conditions).extracting("type").containsExactly("Prepared", "Ready");
  }
}
