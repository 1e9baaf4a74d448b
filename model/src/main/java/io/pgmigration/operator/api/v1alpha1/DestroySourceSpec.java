package io.pgmigration.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** The typed confirmation that allows deleting the source database after completion. */
public class DestroySourceSpec {
  @Default("")
  @JsonPropertyDescription(
      "Set to the source Secret's name (spec.source.connectionSecret.name) to delete the source"
          + " workload once the migration is Completed. Anything else is refused.")
  public String confirm = "";

  @Default("false")
  @JsonPropertyDescription(
      "Also delete the source workload's PersistentVolumeClaims. The data is gone for good.")
  public boolean deletePersistentVolumeClaims = false;
}
