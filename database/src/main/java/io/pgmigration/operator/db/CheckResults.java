package io.pgmigration.operator.db;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.CheckOutcome;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.Severity;
import java.util.List;
import java.util.Locale;

/** How the checks write their results: outcomes with a message and a hint, lists and sizes. */
final class CheckResults {
  private static final int LISTED = 5;

  private CheckResults() {}

  static String listed(List<String> items) {
    String shown = String.join(", ", items.subList(0, Math.min(LISTED, items.size())));
    return items.size() > LISTED ? shown + " and " + (items.size() - LISTED) + " more" : shown;
  }

  static String bytes(long n) {
    if (n < 1024 * 1024) {
      return (n / 1024) + " kB";
    }
    if (n < 1024L * 1024 * 1024) {
      return (n / (1024 * 1024)) + " MB";
    }
    return String.format(Locale.ROOT, "%.1f GB", n / (1024.0 * 1024 * 1024));
  }

  static CheckResult passed(String name, Severity severity, String message) {
    return result(name, severity, CheckOutcome.Passed, message, null);
  }

  static CheckResult failed(String name, Severity severity, String message, String hint) {
    return result(name, severity, CheckOutcome.Failed, message, hint);
  }

  static CheckResult warning(String name, String message, String hint) {
    return result(name, Severity.Warning, CheckOutcome.Warning, message, hint);
  }

  static CheckResult error(String name, Severity severity, String message) {
    return result(
        name, severity, CheckOutcome.Error, message, "Fix the checks this one depends on first.");
  }

  static CheckResult result(
      String name, Severity severity, CheckOutcome outcome, String message, String hint) {
    CheckResult r = new CheckResult();
    r.name = name;
    r.severity = severity;
    r.result = outcome;
    r.message = message;
    r.hint = hint;
    return r;
  }
}
