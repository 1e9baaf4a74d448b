package io.pgmigration.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** How the copy Job runs. */
public class CopySpec {
  @Default("")
  @JsonPropertyDescription(
      "Image of the copy Job; it needs pg_dump and pg_restore of the source's major version or"
          + " newer. Empty means the operator's default.")
  public String image = "";

  @Default("2")
  @Min(1)
  @Max(64)
  @JsonPropertyDescription("Parallel jobs for the copy (1..64).")
  public int parallelism = 2;

  @JsonPropertyDescription("Resources of the copy Job's container.")
  public ResourceRequirements resources;

  @Default("6h")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription(
      "How long the copy may run before it is stopped and the migration rolled back.")
  public String activeDeadline = "6h";
}
