package io.pgmigration.operator.cli;

import io.pgmigration.operator.api.v1alpha1.Checks;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import java.util.Optional;

/**
 * A migration whose preparation stopped on roles the destination lacks, while owners are to be
 * kept: the user may let the copy create them, or give every object to the destination's user.
 * Pure.
 */
final class MissingRoles {
  private MissingRoles() {}

  /** The failed Roles check of {@code m} when the user can resolve it by choosing, else empty. */
  static Optional<CheckResult> of(PostgresMigration m) {
    if (m.getSpec() == null
        || m.getSpec().ownership != Ownership.Preserve
        || m.getStatus() == null
        || m.getStatus().checks == null
        || !(m.phase() == Phase.PrepareFailed || m.phase() == Phase.Preparing)) {
      return Optional.empty();
    }
    return m.getStatus().checks.stream()
        .filter(c -> Checks.ROLES.equals(c.name) && c.blocks())
        .findFirst();
  }

  /** What each choice is called in the wizard. */
  static String describe(Ownership o) {
    return switch (o) {
      case CreateRoles -> "Create them on the destination, as they are on the source";
      case DestinationUser -> "Give every object to the destination's user, and drop the grants";
      case Preserve -> "Keep owners and grants; I will create the roles myself";
    };
  }
}
