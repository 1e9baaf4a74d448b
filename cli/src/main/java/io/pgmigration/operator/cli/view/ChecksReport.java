package io.pgmigration.operator.cli.view;

import io.pgmigration.operator.api.v1alpha1.Checks;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import java.util.ArrayList;
import java.util.List;

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
    lines.add(Checks.tally(checks));
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
}
