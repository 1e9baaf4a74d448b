package io.pgmigration.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** The application that uses the source database. */
@ValidationRule(
    value =
        "!has(self.followerUrlKeys) || !self.followerUrlKeys.exists(k, k == self.databaseUrlSecret.key)",
    fieldPath = ".followerUrlKeys",
    reason = "FieldValueInvalid",
    message =
        "followerUrlKeys must not include databaseUrlSecret.key, which promotion rewrites anyway")
@ValidationRule(
    value =
        "!has(self.followerUrlKeys) || !self.followerUrlKeys.exists(k,"
            + " k.startsWith(self.databaseUrlSecret.key + '_PREVIOUS'))",
    fieldPath = ".followerUrlKeys",
    reason = "FieldValueInvalid",
    message =
        "followerUrlKeys must not include the alias key (databaseUrlSecret.key + _PREVIOUS…),"
            + " where promotion keeps the previous URL")
@ValidationRule(
    value =
        "!has(self.followerUrlKeys) || self.followerUrlKeys.all(k,"
            + " self.followerUrlKeys.exists_one(j, j == k))",
    fieldPath = ".followerUrlKeys",
    reason = "FieldValueInvalid",
    message = "followerUrlKeys must be distinct")
public class AppSpec {
  @Required
  @JsonPropertyDescription(
      "The app's Secret key holding DATABASE_URL. Promotion rewrites it to the destination and"
          + " keeps the previous value under an alias key in the same Secret.")
  public SecretKeyRef databaseUrlSecret;

  @JsonPropertyDescription(
      "Other keys of the same Secret (e.g. DATABASE_FOLLOWER_URL) that are repointed to the"
          + " destination on promotion.")
  @Size(max = 16)
  public List<@Size(min = 1, max = 253) @Pattern(Names.SECRET_KEY) String> followerUrlKeys =
      new ArrayList<>();

  @JsonPropertyDescription("The app's workloads that are stopped during the migration.")
  public MaintenanceSpec maintenance;
}
