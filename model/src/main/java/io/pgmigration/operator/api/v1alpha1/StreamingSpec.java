package io.pgmigration.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * How a Streaming migration switches over: when {@code start} may stop the app, and how fresh the
 * verification done while Ready must be. Ignored by the Snapshot method.
 */
public class StreamingSpec {
  @Default("1048576")
  @Min(0)
  @JsonPropertyDescription(
      "After start, the app is stopped only once the destination is at most this many bytes of"
          + " the source's WAL behind (default 1 MiB: a few tenths of a second of catch-up).")
  public long maxLagBytes = 1_048_576;

  @Default("1")
  @Min(0)
  @JsonPropertyDescription(
      "After start, the app is stopped only once the destination's replay lag is at most this"
          + " many seconds (default 1).")
  public int maxLagSeconds = 1;

  @Default("30m")
  @Pattern(Durations.PATTERN)
  @Size(max = 32)
  @ValidationRule(
      value = "duration(self) >= duration('10s')",
      message = "startTimeout must be at least 10s")
  @JsonPropertyDescription(
      "How long start may wait for the lag to fall below the limits and for a fresh verification"
          + " without differences; then the migration stays Ready, nothing touched, and says"
          + " why (set start to false, then true, to wait again).")
  public String startTimeout = "30m";

  @Default("15m")
  @Pattern(Durations.PATTERN)
  @Size(max = 32)
  @ValidationRule(
      value = "duration(self) >= duration('10s')",
      message = "verificationMaxAge must be at least 10s")
  @JsonPropertyDescription(
      "How old the last complete verification done while Ready may be when start stops the app;"
          + " while Ready a new round begins whenever the last one is older than half of this.")
  public String verificationMaxAge = "15m";
}
