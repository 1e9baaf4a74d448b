package io.pgmigration.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Outcome of promotion. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Promotion {
  @JsonPropertyDescription("The key of the app's Secret that now holds the previous URL.")
  public String aliasKey;

  public String promotedAt;
}
