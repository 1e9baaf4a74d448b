package io.pgmigration.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** How the copy Job runs. */
public class CopySpec {
  @Default("")
  @JsonPropertyDescription(
      "Image of the copy Job. Empty means the operator's own image, which holds the copy engine"
          + " and PostgreSQL's client tools; another image must be built from it, with a"
          + " pg_dump of the source's major version or newer.")
  public String image = "";

  @Default("2")
  @Min(1)
  @Max(64)
  @JsonPropertyDescription(
      "COPY streams per copy pod, and parallel index builds after the data (1..64).")
  public int parallelism = 2;

  @Default("1")
  @Min(1)
  @Max(32)
  @JsonPropertyDescription(
      "Pods of the copy Job (1..32). With more than one, tables and ranges of large tables are"
          + " dealt to the pods by size, so several nodes copy at once; each pod runs"
          + " `parallelism` streams.")
  public int workers = 1;

  @JsonPropertyDescription("Resources of the copy Job's container.")
  public ResourceRequirements resources;

  @Default("6h")
  @Pattern(Durations.PATTERN)
  @Size(max = 32)
  @ValidationRule(
      value = "duration(self) >= duration('1m')",
      message = "activeDeadline must be at least 1m: a shorter copy deadline fails every copy")
  @JsonPropertyDescription(
      "How long the copy may run before it is stopped and the migration rolled back.")
  public String activeDeadline = "6h";
}
