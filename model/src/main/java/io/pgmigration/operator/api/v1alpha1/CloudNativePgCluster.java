package io.pgmigration.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** The CloudNativePG Cluster a migration creates as its destination. */
public class CloudNativePgCluster {
  @Default("2")
  @Min(1)
  @Max(9)
  @JsonPropertyDescription(
      "Instances: one leader and instances - 1 followers (replicas behind the -ro Service)."
          + " Default 2.")
  public int instances = 2;

  @Size(max = 32)
  @Pattern("^[0-9]+(\\.[0-9]+)?(Mi|Gi|Ti)$")
  @JsonPropertyDescription(
      "Storage of each instance, e.g. 20Gi. Default: twice the source database's size, at least"
          + " 1Gi, rounded up to a whole Gi.")
  public String storage;

  @Size(max = 253)
  @JsonPropertyDescription(
      "StorageClass of the instances' volumes. Default: the cluster's default StorageClass.")
  public String storageClass;

  @Min(13)
  @Max(99)
  @JsonPropertyDescription(
      "PostgreSQL major version. Default: the source's. Never older than the source's: an older"
          + " one fails the migration before anything is created.")
  public Integer postgresVersion;

  @Size(max = 512)
  @JsonPropertyDescription(
      "Operand image. Default: the operator's image for the major version"
          + " (PGMO_CNPG_IMAGE, ghcr.io/cloudnative-pg/postgresql:{major}).")
  public String imageName;

  @JsonPropertyDescription("Resources of each instance's postgres container.")
  public ResourceRequirements resources;

  @Default("15m")
  @Pattern(Durations.PATTERN)
  @Size(max = 32)
  @ValidationRule(
      value = "duration(self) >= duration('1m')",
      message = "readyTimeout must be at least 1m")
  @JsonPropertyDescription(
      "How long the Cluster may take to become ready before the migration ends in"
          + " PrepareFailed, with nothing of the app touched. Default 15m.")
  public String readyTimeout = "15m";
}
