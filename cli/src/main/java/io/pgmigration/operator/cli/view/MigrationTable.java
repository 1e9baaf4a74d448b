package io.pgmigration.operator.cli.view;

import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import java.util.ArrayList;
import java.util.List;

/** The "=== Configured Migrations" table of Heroku's {@code data:pg:migrate}, plus a Name. */
public final class MigrationTable {
  private static final String[] HEADER = {
    "Name", "Source Database", "Destination Database", "Status"
  };

  private MigrationTable() {}

  /** The table's lines for {@code migrations} of {@code namespace}, heading included. */
  public static List<String> render(
      List<PostgresMigration> migrations, String namespace, Style style) {
    List<String> lines = new ArrayList<>();
    lines.add(style.bold("=== Configured Migrations"));
    lines.add("");
    if (migrations.isEmpty()) {
      lines.add("You haven't configured any migrations in namespace " + namespace + " yet.");
      return lines;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (PostgresMigration m : migrations) {
      rows.add(
          new String[] {
            m.getMetadata().getName(),
            style.database(m.getSpec().source.connectionSecret.name),
            style.database(m.destinationName()),
            status(m, style)
          });
    }
    int[] widths = new int[HEADER.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], Style.width(row[i]));
      }
    }
    int total = (widths.length - 1) * 2;
    for (int w : widths) {
      total += w;
    }
    for (int r = 0; r < rows.size(); r++) {
      StringBuilder line = new StringBuilder();
      String[] row = rows.get(r);
      for (int i = 0; i < row.length; i++) {
        String cell = r == 0 ? style.bold(row[i]) : row[i];
        line.append(cell);
        if (i < row.length - 1) {
          line.append(" ".repeat(widths[i] - Style.width(row[i]) + 2));
        }
      }
      lines.add(line.toString());
      if (r == 0) {
        lines.add("─".repeat(total));
      }
    }
    return lines;
  }

  /** The status word, with the copy's percentage while it runs. */
  static String status(PostgresMigration m, Style style) {
    String word = StatusWords.styled(m, style);
    var progress = m.getStatus() == null ? null : m.getStatus().progress;
    if (m.phase() == Phase.Migrating && progress != null && progress.percent != null) {
      return word + " " + progress.percent + "%";
    }
    return word;
  }
}
