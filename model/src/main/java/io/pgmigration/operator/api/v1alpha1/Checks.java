package io.pgmigration.operator.api.v1alpha1;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.CheckOutcome;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a list of preparation checks adds up to, in the words the operator and the CLI share. */
public final class Checks {
  /**
   * The check that names the roles the source's objects need and the destination lacks; the kubectl
   * plugin offers {@code spec.ownership}'s choices when it fails.
   */
  public static final String ROLES = "Roles";

  private Checks() {}

  /** Whether any blocking check did not pass. */
  public static boolean blocked(List<CheckResult> checks) {
    return checks != null && checks.stream().anyMatch(CheckResult::blocks);
  }

  /** "Found 2 blocking issues and 1 warning", or "All 9 checks passed", as Heroku's CLI says. */
  public static String tally(List<CheckResult> checks) {
    long blocking = checks.stream().filter(CheckResult::blocks).count();
    long warnings = checks.stream().filter(CheckResult::warns).count();
    if (blocking == 0 && warnings == 0) {
      return "All " + checks.size() + " checks passed";
    }
    return String.format(
        Locale.ROOT,
        "Found %d blocking issue%s and %d warning%s",
        blocking,
        blocking == 1 ? "" : "s",
        warnings,
        warnings == 1 ? "" : "s");
  }

  /** {@link #tally}, followed by the names of the checks that did not pass. */
  public static String summary(List<CheckResult> checks) {
    String failed =
        checks.stream()
            .filter(c -> c.result != CheckOutcome.Passed)
            .map(c -> c.name)
            .collect(Collectors.joining(", "));
    return failed.isEmpty() ? tally(checks) : tally(checks) + ": " + failed;
  }
}
