package io.pgmigration.operator.db;

import static io.pgmigration.operator.db.CheckResults.error;
import static io.pgmigration.operator.db.CheckResults.failed;
import static io.pgmigration.operator.db.CheckResults.passed;
import static io.pgmigration.operator.db.CheckResults.warning;
import static io.pgmigration.operator.db.PreparationChecks.COLLATION;
import static io.pgmigration.operator.db.PreparationChecks.ENCODING;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.Severity;
import io.pgmigration.operator.db.DatabaseFacts.TextRules;
import java.util.List;

/**
 * What a rehearsal with zero rows cannot see: whether every character of the source fits the
 * destination's encoding, and whether both sort text alike.
 */
final class TextChecks {
  private TextChecks() {}

  static void evaluate(List<CheckResult> out, DatabaseFacts src, DatabaseFacts dst) {
    if (src == null || dst == null) {
      String why =
          "not run: " + (src == null ? "the source" : "the destination") + " is not reachable";
      out.add(error(ENCODING, Severity.Blocking, why));
      out.add(error(COLLATION, Severity.Warning, why));
      return;
    }
    out.add(encoding(src.text(), dst.text()));
    out.add(collation(src.text(), dst.text()));
  }

  /** Every character of the source fits: the same encoding, or UTF8, which holds them all. */
  private static CheckResult encoding(TextRules src, TextRules dst) {
    if (src.encoding().equals(dst.encoding()) || "UTF8".equals(dst.encoding())) {
      return passed(
          ENCODING,
          Severity.Blocking,
          "the destination's encoding "
              + dst.encoding()
              + " holds every character of the source's "
              + src.encoding());
    }
    return failed(
        ENCODING,
        Severity.Blocking,
        "the source is encoded in "
            + src.encoding()
            + ", the destination in "
            + dst.encoding()
            + ": characters of the source may not fit, and the copy would fail on the first one",
        "Create the destination database with ENCODING '"
            + src.encoding()
            + "' (or UTF8), e.g. CREATE DATABASE … TEMPLATE template0 ENCODING '"
            + src.encoding()
            + "'.");
  }

  /** Both sort and classify text alike. */
  private static CheckResult collation(TextRules src, TextRules dst) {
    if (src.collate().equals(dst.collate()) && src.ctype().equals(dst.ctype())) {
      return passed(COLLATION, Severity.Warning, "both sort text by " + src.collate());
    }
    return warning(
        COLLATION,
        "the source sorts text by "
            + src.collate()
            + " (ctype "
            + src.ctype()
            + "), the destination by "
            + dst.collate()
            + " (ctype "
            + dst.ctype()
            + "): indexes on text are rebuilt by the destination's rules, and ORDER BY on text,"
            + " LIKE on case and range conditions may give the app other results",
        "Create the destination database with the source's LC_COLLATE and LC_CTYPE, unless the"
            + " app is known not to depend on them.");
  }
}
