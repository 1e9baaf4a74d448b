package io.pgmigration.operator.api.v1alpha1;

import java.time.Duration;
import java.util.regex.Matcher;

/**
 * Durations as Kubernetes users write them (Go's {@code time.ParseDuration}: 90s, 5m, 1h30m).
 * Admission enforces {@link #PATTERN}; {@link #parse} reads what admission let through.
 */
public final class Durations {
  /** One or more number-and-unit pairs; units h, m, s, ms. */
  public static final String PATTERN = "^([0-9]+(\\.[0-9]+)?(h|m|s|ms))+$";

  private static final java.util.regex.Pattern PART =
      java.util.regex.Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(h|ms|m|s)");

  private Durations() {}

  /**
   * Parses a duration such as {@code 1h30m}.
   *
   * @throws IllegalArgumentException naming the text when it is not a duration
   */
  public static Duration parse(String text) {
    if (text == null || !text.matches(PATTERN)) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration; write it like 90s, 5m or 1h30m");
    }
    Matcher m = PART.matcher(text);
    double millis = 0;
    while (m.find()) {
      double value = Double.parseDouble(m.group(1));
      millis +=
          switch (m.group(2)) {
            case "h" -> value * 3_600_000;
            case "m" -> value * 60_000;
            case "s" -> value * 1_000;
            default -> value;
          };
    }
    return Duration.ofMillis(Math.round(millis));
  }
}
