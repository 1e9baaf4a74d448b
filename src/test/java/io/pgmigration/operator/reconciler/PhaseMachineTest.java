package io.pgmigration.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PhaseMachineTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static PostgresMigration migration(long generation) {
    PostgresMigration m = new PostgresMigration();
    m.getMetadata().setName("m");
    m.getMetadata().setNamespace("ns");
    m.getMetadata().setGeneration(generation);
    return m;
  }

  @Test
  void newMigrationIsAcceptedAsPendingAndSaysWhy() {
    PostgresMigrationStatus status = PhaseMachine.next(migration(1), T0);
    assertThat(status.phase).isEqualTo(Phase.Pending);
    assertThat(status.observedGeneration).isEqualTo(1);
    assertThat(status.message).contains("nothing has been touched");
    Condition prepared = ConditionWriter.find(status, Conditions.Type.PREPARED);
    assertThat(prepared.getStatus()).isEqualTo("Unknown");
    assertThat(prepared.getObservedGeneration()).isEqualTo(1);
    assertThat(prepared.getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
  }

  @Test
  void reconcilingAgainChangesNothing() {
    PostgresMigration m = migration(1);
    m.setStatus(PhaseMachine.next(m, T0));
    String first = Json.of(m.getStatus());
    PostgresMigrationStatus again = PhaseMachine.next(m, T0.plusSeconds(60));
    assertThat(Json.of(again)).isEqualTo(first);
  }

  @Test
  void newGenerationIsObserved() {
    PostgresMigration m = migration(1);
    m.setStatus(PhaseMachine.next(m, T0));
    m.getMetadata().setGeneration(2L);
    PostgresMigrationStatus status = PhaseMachine.next(m, T0.plusSeconds(5));
    assertThat(status.observedGeneration).isEqualTo(2);
    Condition prepared = ConditionWriter.find(status, Conditions.Type.PREPARED);
    assertThat(prepared.getObservedGeneration()).isEqualTo(2);
    // Same status value, so the transition time stays.
    assertThat(prepared.getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
  }
}
