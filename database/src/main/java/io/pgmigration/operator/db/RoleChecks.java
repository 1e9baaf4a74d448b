package io.pgmigration.operator.db;

import static io.pgmigration.operator.db.CheckResults.error;
import static io.pgmigration.operator.db.CheckResults.failed;
import static io.pgmigration.operator.db.CheckResults.passed;
import static io.pgmigration.operator.db.PreparationChecks.ROLES;
import static io.pgmigration.operator.db.PreparationChecks.ROLE_MEMBERSHIP;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.Severity;
import java.util.List;
import java.util.Set;

/**
 * Whether the copy can give every object the owner and the grants it has on the source: the roles
 * it names exist on the destination (or the copy will create them), and the destination's user may
 * give objects to them. With {@link Ownership#DestinationUser} only the roles that policies apply
 * to are needed.
 */
final class RoleChecks {
  private RoleChecks() {}

  static void evaluate(
      List<CheckResult> out, Ownership ownership, DatabaseFacts src, DatabaseFacts dst) {
    if (src == null || dst == null) {
      String why =
          "not run: " + (src == null ? "the source" : "the destination") + " is not reachable";
      out.add(error(ROLES, Severity.Blocking, why));
      out.add(error(ROLE_MEMBERSHIP, Severity.Blocking, why));
      return;
    }
    Roles.Facts from = src.roles();
    Roles.Facts to = dst.roles();
    out.add(
        ownership.keepsOwners()
            ? roles(ownership, from, to)
            : rolesOfPolicies(from.inPolicies(), to));
    out.add(membership(ownership, from, to));
  }

  /** Roles: every role the objects name exists on the destination, or will be created there. */
  private static CheckResult roles(Ownership ownership, Roles.Facts from, Roles.Facts to) {
    Set<String> named = from.named();
    List<String> missing = to.missing(named);
    if (missing.isEmpty()) {
      return passed(
          ROLES,
          Severity.Blocking,
          named.isEmpty()
              ? "no role owns an object of the source database or holds a privilege in it"
              : "the "
                  + named.size()
                  + " role(s) that own objects or hold privileges in the source database exist"
                  + " on the destination: "
                  + String.join(", ", named));
    }
    String list = String.join(", ", missing);
    if (ownership == Ownership.CreateRoles) {
      return to.createRole()
          ? passed(
              ROLES,
              Severity.Blocking,
              "the copy will create "
                  + missing.size()
                  + " role(s) on the destination first: "
                  + list
                  + (from.superuser()
                      ? ""
                      : "; "
                          + from.user()
                          + " may not read their passwords on the source, so any of them that"
                          + " log in there are created without LOGIN"))
          : failed(
              ROLES,
              Severity.Blocking,
              "the copy would create "
                  + list
                  + ", but "
                  + to.user()
                  + " may not create roles on the destination",
              "Give "
                  + to.user()
                  + " CREATEROLE on the destination, create the roles yourself, or set"
                  + " spec.ownership: DestinationUser.");
    }
    return failed(
        ROLES,
        Severity.Blocking,
        "missing on the destination: "
            + list
            + " (they own objects or hold privileges in the"
            + " source database)",
        "Create them on the destination (CREATE ROLE), or set spec.ownership: CreateRoles to have"
            + " the copy create them as they are on the source, or spec.ownership:"
            + " DestinationUser to give every object to "
            + to.user()
            + " and drop the grants.");
  }

  /** Roles without ownership: a policy still names its roles, whatever owns the table. */
  private static CheckResult rolesOfPolicies(Set<String> inPolicies, Roles.Facts to) {
    List<String> missing = to.missing(inPolicies);
    return missing.isEmpty()
        ? passed(
            ROLES,
            Severity.Blocking,
            "ownership and grants are not kept (spec.ownership: DestinationUser): every object"
                + " will be owned by "
                + to.user())
        : failed(
            ROLES,
            Severity.Blocking,
            "missing on the destination: "
                + String.join(", ", missing)
                + " (row-level security policies of the source apply to them)",
            "Create them on the destination (CREATE ROLE); a policy names its roles even when"
                + " ownership is not kept.");
  }

  /** RoleMembership: the destination's user may give objects to every owning role. */
  private static CheckResult membership(Ownership ownership, Roles.Facts from, Roles.Facts to) {
    if (!ownership.keepsOwners()) {
      return passed(
          ROLE_MEMBERSHIP,
          Severity.Blocking,
          "not needed: every object will be owned by " + to.user());
    }
    if (to.superuser()) {
      return passed(
          ROLE_MEMBERSHIP,
          Severity.Blocking,
          to.user() + " is a superuser on the destination: it may give objects to any role");
    }
    // A missing role is the Roles check's; one the copy creates is granted to the user.
    List<String> refused =
        from.owners().stream()
            .filter(r -> to.existing().contains(r) && !to.mayOwnAs(r))
            .sorted()
            .toList();
    if (refused.isEmpty()) {
      return passed(
          ROLE_MEMBERSHIP,
          Severity.Blocking,
          to.user() + " may give objects to every role that owns one on the source");
    }
    String list = String.join(", ", refused);
    return failed(
        ROLE_MEMBERSHIP,
        Severity.Blocking,
        to.user()
            + " may not give objects to "
            + list
            + " on the destination: it is neither a superuser nor a member of them",
        "On the destination, GRANT "
            + list
            + " TO "
            + to.user()
            + " (or connect as a superuser), or set spec.ownership: DestinationUser.");
  }
}
