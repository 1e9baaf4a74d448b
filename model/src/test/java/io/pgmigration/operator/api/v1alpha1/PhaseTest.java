package io.pgmigration.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class PhaseTest {
  @Test
  void happyPathIsLegal() {
    Phase[] path = {
      Phase.Pending, Phase.Preparing, Phase.Ready, Phase.MaintenanceOn, Phase.Migrating,
      Phase.Verifying, Phase.Migrated, Phase.Promoting, Phase.Completed, Phase.SourceDestroyed
    };
    for (int i = 0; i + 1 < path.length; i++) {
      assertThat(path[i].canMoveTo(path[i + 1])).as(path[i] + " -> " + path[i + 1]).isTrue();
    }
  }

  @Test
  void onlyTheEndsAreTerminal() {
    EnumSet<Phase> terminal = EnumSet.noneOf(Phase.class);
    for (Phase p : Phase.values()) {
      if (p.isTerminal()) {
        terminal.add(p);
      }
    }
    assertThat(terminal)
        .containsExactlyInAnyOrder(
            Phase.Expired, Phase.Cancelled, Phase.Failed, Phase.SourceDestroyed);
  }

  @Test
  void cancelIsRefusedOnceTheCopyStarted() {
    // MaintenanceOn may still be cancelled: nothing is copied yet, and maintenance is undone.
    assertThat(Phase.MaintenanceOn.canMoveTo(Phase.Cancelled)).isTrue();
    for (Phase p : EnumSet.range(Phase.Migrating, Phase.SourceDestroyed)) {
      assertThat(p.canMoveTo(Phase.Cancelled)).as(p.name()).isFalse();
    }
  }

  @Test
  void everyFailureBeforePromotionRollsBack() {
    for (Phase p :
        EnumSet.of(Phase.MaintenanceOn, Phase.Migrating, Phase.Verifying, Phase.Migrated)) {
      assertThat(p.canMoveTo(Phase.Failed)).as(p.name()).isTrue();
    }
    // Promoting rolls back only while the app's Secret is untouched (the phase machine checks);
    // once DATABASE_URL is rewritten the only way is forward.
    assertThat(Phase.Promoting.successors()).containsExactly(Phase.Completed, Phase.Failed);
    assertThat(Phase.Promoting.rollsBackOnFailure()).isFalse();
  }
}
