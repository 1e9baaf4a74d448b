package io.pgmigration.operator.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.CheckOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Roles, RoleMembership and ClientTools checks, as pure functions of what was read. */
class RoleChecksTest {
  /** A source whose objects are owned by app and reporting, and granted to readers. */
  private static final Roles.Facts SOURCE =
      new Roles.Facts(
          Set.of("app", "reporting"),
          Set.of("readers"),
          Set.of("auditor"),
          Set.of("postgres", "app", "reporting", "readers", "auditor"),
          "app",
          false,
          false,
          Set.of("app"));

  private static Roles.Facts destination(boolean superuser, boolean createRole, String... roles) {
    Set<String> existing = Set.of(roles);
    return new Roles.Facts(
        Set.of(), Set.of(), Set.of(), existing, "migrator", superuser, createRole, Set.of("app"));
  }

  private static List<CheckResult> checks(Ownership ownership, Roles.Facts dst) {
    FactsBuilder src = new FactsBuilder("1");
    src.roles = SOURCE;
    FactsBuilder to = new FactsBuilder("2");
    to.roles = dst;
    List<CheckResult> out = new ArrayList<>();
    RoleChecks.evaluate(out, ownership, src.build(), to.build());
    return out;
  }

  private static CheckResult named(List<CheckResult> checks, String name) {
    return checks.stream().filter(c -> c.name.equals(name)).findFirst().orElseThrow();
  }

  @Test
  void preservingOwnersNamesEveryMissingRoleAndTheWaysOut() {
    List<CheckResult> checks =
        checks(Ownership.Preserve, destination(false, false, "migrator", "app"));
    CheckResult roles = named(checks, PreparationChecks.ROLES);
    assertThat(roles.blocks()).isTrue();
    assertThat(roles.message)
        .isEqualTo(
            "missing on the destination: auditor, readers, reporting (they own objects or hold"
                + " privileges in the source database)");
    assertThat(roles.hint).contains("CreateRoles").contains("DestinationUser");
    // app exists and migrator is a member of it: nothing refused there.
    assertThat(named(checks, PreparationChecks.ROLE_MEMBERSHIP).result)
        .isEqualTo(CheckOutcome.Passed);
  }

  @Test
  void anOwnerTheDestinationUserIsNoMemberOfIsRefused() {
    CheckResult membership =
        named(
            checks(
                Ownership.Preserve,
                destination(false, false, "migrator", "app", "reporting", "readers", "auditor")),
            PreparationChecks.ROLE_MEMBERSHIP);
    assertThat(membership.blocks()).isTrue();
    assertThat(membership.message)
        .isEqualTo(
            "migrator may not give objects to reporting on the destination: it is neither a"
                + " superuser nor a member of them");
    assertThat(membership.hint).startsWith("On the destination, GRANT reporting TO migrator");
    // A superuser may give objects to anyone.
    assertThat(
            named(
                    checks(
                        Ownership.Preserve,
                        destination(true, true, "app", "reporting", "readers", "auditor")),
                    PreparationChecks.ROLE_MEMBERSHIP)
                .result)
        .isEqualTo(CheckOutcome.Passed);
  }

  @Test
  void creatingRolesNeedsTheRightAndSaysWhatItWillMake() {
    CheckResult refused =
        named(
            checks(Ownership.CreateRoles, destination(false, false, "migrator", "app")),
            PreparationChecks.ROLES);
    assertThat(refused.blocks()).isTrue();
    assertThat(refused.message).contains("may not create roles on the destination");
    List<CheckResult> checks =
        checks(Ownership.CreateRoles, destination(false, true, "migrator", "app"));
    assertThat(named(checks, PreparationChecks.ROLES).message)
        .startsWith(
            "the copy will create 3 role(s) on the destination first: auditor, readers, reporting")
        .contains("app may not read their passwords on the source");
    // The roles it creates are granted to the destination's user, so it may own as them.
    assertThat(named(checks, PreparationChecks.ROLE_MEMBERSHIP).result)
        .isEqualTo(CheckOutcome.Passed);
  }

  @Test
  void givingEverythingToTheDestinationUserStillNeedsThePoliciesRoles() {
    List<CheckResult> checks =
        checks(Ownership.DestinationUser, destination(false, false, "migrator"));
    assertThat(named(checks, PreparationChecks.ROLES).message)
        .isEqualTo(
            "missing on the destination: auditor (row-level security policies of the source"
                + " apply to them)");
    assertThat(named(checks, PreparationChecks.ROLE_MEMBERSHIP).result)
        .isEqualTo(CheckOutcome.Passed);
    CheckResult said =
        named(
            checks(Ownership.DestinationUser, destination(false, false, "migrator", "auditor")),
            PreparationChecks.ROLES);
    assertThat(said.result).isEqualTo(CheckOutcome.Passed);
    assertThat(said.message)
        .isEqualTo(
            "ownership and grants are not kept (spec.ownership: DestinationUser): every object"
                + " will be owned by migrator");
  }

  @Test
  void aSourceNewerThanPgDumpIsRefusedBeforeAnythingStarts() {
    FactsBuilder newer = new FactsBuilder("1").version(170002, "17.2");
    List<CheckResult> out = new ArrayList<>();
    VersionChecks.evaluate(out, newer.build(), new FactsBuilder("2").build(), "15.14");
    CheckResult tools = named(out, PreparationChecks.CLIENT_TOOLS);
    assertThat(tools.blocks()).isTrue();
    assertThat(tools.message)
        .isEqualTo(
            "pg_dump 15.14 cannot read the source's PostgreSQL 17.2: it refuses servers of a"
                + " newer major version");
    assertThat(tools.hint).contains("PostgreSQL 17's client tools");
    assertThat(named(out, PreparationChecks.SERVER_VERSION).message)
        .contains("older than the source's 17.2");
    assertThat(ClientTools.parse("pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)"))
        .isEqualTo("15.14");
  }
}
