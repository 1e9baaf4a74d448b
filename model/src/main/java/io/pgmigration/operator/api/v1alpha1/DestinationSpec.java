package io.pgmigration.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * The destination: a database given by its connection Secret, like the source, or a CloudNativePG
 * Cluster, existing or created by the migration.
 */
@ValidationRule(
    value = "has(self.connectionSecret) != has(self.cloudNativePG)",
    reason = "FieldValueInvalid",
    message = "destination needs exactly one of connectionSecret and cloudNativePG")
@ValidationRule(
    value = "!has(self.cloudNativePG) || !has(self.workload)",
    fieldPath = ".workload",
    reason = "FieldValueInvalid",
    message = "a cloudNativePG destination has no workload: CloudNativePG runs its instances")
public class DestinationSpec extends DatabaseSpec {
  @JsonPropertyDescription(
      "A CloudNativePG Cluster as the destination (instead of connectionSecret): an existing"
          + " one, or one the migration creates. After promotion the app connects to its -rw"
          + " Service (as its appRole says), and followerUrlKeys to its -ro Service, or to -rw"
          + " when it has no replicas.")
  public CloudNativePgDestination cloudNativePG;

  /** Whether this destination is a CloudNativePG Cluster. */
  @JsonIgnore
  public boolean isCloudNativePg() {
    return cloudNativePG != null;
  }
}
