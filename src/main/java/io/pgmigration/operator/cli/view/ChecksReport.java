package io.pgmigration.operator.cli.view;

import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The preparation report of one migration: "Found 2 blocking issues and 1 warning", then each of
 * them with its message and hint, then the checks that passed.
 */
public final class ChecksReport {
  private ChecksReport() {}

  /** The report's lines. */
  public static List<String> render(PostgresMigration m, Style style) {
    List<String> lines = new ArrayList<>();
    lines.add(
        style.bold("=== Preparation checks of " + m.getMetadata().getName())
            + " ("
            + StatusWords.styled(m, style)
            + ")");
    lines.add("");
    List<CheckResult> checks = m.getStatus() == null ? null : m.getStatus().checks;
    if (checks == null || checks.isEmpty()) {
      lines.add(
          "The checks have not run yet; the operator runs them while the migration prepares.");
      return lines;
    }
    lines.add(summary(checks));
    for (CheckResult c : checks) {
      if (c.blocks() || c.warns()) {
        lines.add("");
        String mark = c.blocks() ? style.red("✖ blocking") : style.yellow("! warning ");
        lines.add(mark + "  " + style.bold(c.name) + ": " + c.message);
        if (c.hint != null && !c.hint.isBlank()) {
          lines.add("            Hint: " + c.hint);
        }
      }
    }
    List<String> passed =
        checks.stream().filter(c -> !c.blocks() && !c.warns()).map(c -> c.name).toList();
    if (!passed.isEmpty()) {
      lines.add("");
      lines.add(style.green("✔ passed") + "    " + String.join(", ", passed));
    }
    return lines;
  }

  /** "Found 2 blocking issues and 1 warning", or "All 9 checks passed". */
  public static String summary(List<CheckResult> checks) {
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

  /** Whether a blocking check did not pass. */
  public static boolean blocked(PostgresMigration m) {
    return m.getStatus() != null
        && m.getStatus().checks != null
        && m.getStatus().checks.stream().anyMatch(CheckResult::blocks);
  }
}
