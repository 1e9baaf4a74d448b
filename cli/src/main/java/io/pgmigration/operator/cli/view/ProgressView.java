package io.pgmigration.operator.cli.view;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Progress;
import java.time.Duration;
import java.util.Locale;

/** The copy's progress bar and its estimate of the time left. */
public final class ProgressView {
  static final int BAR = 30;

  private ProgressView() {}

  /** "[██████░░░…] 42% 120 MB of 286 MB ETA 1m10s", without ETA when unknown. */
  public static String line(Progress p, Duration eta, Style style) {
    int percent = p.percent == null ? 0 : Math.max(0, Math.min(100, p.percent));
    int filled = percent * BAR / 100;
    StringBuilder s = new StringBuilder();
    s.append('[')
        .append(style.green("█".repeat(filled)))
        .append(style.dim("░".repeat(BAR - filled)))
        .append("] ")
        .append(String.format(Locale.ROOT, "%3d%%", percent));
    if (p.bytesTotal != null && p.bytesTotal > 0) {
      s.append("  ")
          .append(bytes(p.bytesDone == null ? 0 : p.bytesDone))
          .append(" of ")
          .append(bytes(p.bytesTotal));
    }
    if (p.tablesTotal != null && p.tablesTotal > 0) {
      s.append("  ")
          .append(p.tablesDone == null ? 0 : p.tablesDone)
          .append('/')
          .append(p.tablesTotal)
          .append(" tables");
    }
    if (eta != null) {
      s.append("  ETA ").append(duration(eta));
    }
    return s.toString();
  }

  /** 1.5 GB, 286 MB, 12 kB, 300 B. */
  public static String bytes(long n) {
    if (n >= 1_000_000_000L) {
      return String.format(Locale.ROOT, "%.1f GB", n / 1e9);
    }
    if (n >= 1_000_000L) {
      return String.format(Locale.ROOT, "%d MB", n / 1_000_000L);
    }
    if (n >= 1_000L) {
      return String.format(Locale.ROOT, "%d kB", n / 1_000L);
    }
    return n + " B";
  }

  /** 45s, 3m05s, 2h10m. */
  public static String duration(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
  }
}
