package io.pgmigration.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgmigration.operator.api.v1alpha1.Checks;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.CheckOutcome;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When the wizard offers to resolve roles missing on the destination. */
class MissingRolesTest {
  private static PostgresMigration failedOnRoles(Ownership ownership, Phase phase) {
    PostgresMigration m = new PostgresMigration();
    m.setSpec(new PostgresMigrationSpec());
    m.getSpec().ownership = ownership;
    m.setStatus(new PostgresMigrationStatus());
    m.getStatus().phase = phase;
    CheckResult roles = new CheckResult();
    roles.name = Checks.ROLES;
    roles.severity = Severity.Blocking;
    roles.result = CheckOutcome.Failed;
    roles.message = "missing on the destination: ledger";
    m.getStatus().checks = List.of(roles);
    return m;
  }

  @Test
  void offeredWhilePreparationStopsOnMissingRolesWithOwnersKept() {
    assertThat(MissingRoles.of(failedOnRoles(Ownership.Preserve, Phase.PrepareFailed)))
        .hasValueSatisfying(c -> assertThat(c.message).contains("ledger"));
    // Already chosen, or past preparation: nothing to ask.
    assertThat(MissingRoles.of(failedOnRoles(Ownership.CreateRoles, Phase.PrepareFailed)))
        .isEmpty();
    assertThat(MissingRoles.of(failedOnRoles(Ownership.Preserve, Phase.Failed))).isEmpty();
    PostgresMigration passed = failedOnRoles(Ownership.Preserve, Phase.PrepareFailed);
    passed.getStatus().checks.get(0).result = CheckOutcome.Passed;
    assertThat(MissingRoles.of(passed)).isEmpty();
  }
}
