package io.pgmigration.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import java.util.ArrayList;
import java.util.List;

/** The application that uses the source database. */
public class AppSpec {
  @Required
  @JsonPropertyDescription(
      "The app's Secret key holding DATABASE_URL. Promotion rewrites it to the destination and"
          + " keeps the previous value under an alias key in the same Secret.")
  public SecretKeyRef databaseUrlSecret;

  @JsonPropertyDescription(
      "Other keys of the same Secret (e.g. DATABASE_FOLLOWER_URL) that are repointed to the"
          + " destination on promotion.")
  public List<String> followerUrlKeys = new ArrayList<>();

  @JsonPropertyDescription("The app's workloads that are stopped during the migration.")
  public MaintenanceSpec maintenance;
}
