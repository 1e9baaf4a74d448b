package io.pgmigration.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * What the user declares: everything a GitOps repository can hold. The gates {@code start}, {@code
 * promote}, {@code cancel} and {@code destroySource} are the Heroku CLI's menu choices as fields.
 */
@ValidationRule(
    value =
        "!has(self.source.connectionSecret) || !has(self.destination.connectionSecret)"
            + " || !(self.source.connectionSecret.name == self.destination.connectionSecret.name"
            + " && self.source.connectionSecret.key == self.destination.connectionSecret.key)",
    fieldPath = ".destination.connectionSecret",
    reason = "FieldValueInvalid",
    message = "destination must differ from source (same Secret and key)")
@ValidationRule(
    value =
        "!has(self.destroySource) || self.destroySource.confirm == ''"
            + " || !has(self.source.connectionSecret)"
            + " || self.destroySource.confirm == self.source.connectionSecret.name",
    fieldPath = ".destroySource.confirm",
    reason = "FieldValueInvalid",
    message = "destroySource.confirm must be empty or equal to source.connectionSecret.name")
@ValidationRule(
    value =
        "!has(self.destination.cloudNativePG)"
            + " || self.destination.cloudNativePG.appRole != 'Owner'"
            + " || self.ownership == 'DestinationUser'",
    fieldPath = ".ownership",
    reason = "FieldValueInvalid",
    message =
        "destination.cloudNativePG.appRole Owner gives every object to the Cluster's owner: it"
            + " needs ownership: DestinationUser")
public class PostgresMigrationSpec {
  @Required
  @ValidationRule(value = "self == oldSelf", message = "source is immutable once set")
  @ValidationRule(
      value = "has(self.connectionSecret)",
      fieldPath = ".connectionSecret",
      reason = "FieldValueRequired",
      message = "source.connectionSecret is required")
  @JsonPropertyDescription("The database to migrate from (Heroku's classic database).")
  public DatabaseSpec source;

  @Required
  @ValidationRule(value = "self == oldSelf", message = "destination is immutable once set")
  @JsonPropertyDescription(
      "The database to migrate to. It must be empty: preparation refuses a destination that"
          + " holds user tables.")
  public DestinationSpec destination;

  @Required
  @JsonPropertyDescription("The application whose DATABASE_URL is switched to the destination.")
  public AppSpec app;

  @Default("Snapshot")
  @ValidationRule(value = "self == oldSelf", message = "method is immutable once set")
  @JsonPropertyDescription(
      "Snapshot copies while the app is in maintenance; Streaming copies with logical"
          + " replication while the app runs and stops writers only for the final catch-up.")
  public Method method = Method.Snapshot;

  @Default("false")
  @JsonPropertyDescription(
      "Start the migration once it is Ready: the app goes into maintenance and the source is"
          + " unavailable until the migration ends. It cannot be cancelled after it starts.")
  public boolean start = false;

  @Default("false")
  @JsonPropertyDescription(
      "Promote the destination to the app's DATABASE_URL after verification. When false the"
          + " migration waits in Migrated, with the app in maintenance, until this is set.")
  public boolean promote = false;

  @Default("24h")
  @Pattern(Durations.PATTERN)
  @Size(max = 32)
  @ValidationRule(
      value = "duration(self) >= duration('1m')",
      message = "readyWindow must be at least 1m: time to look at the checks and start")
  @JsonPropertyDescription("Time allowed between Ready and start; after it the migration Expires.")
  public String readyWindow = "24h";

  @Default("Checksums")
  @JsonPropertyDescription(
      "How source and destination are compared before promotion: RowCounts or Checksums. A"
          + " mismatch fails the migration.")
  public VerificationMode verification = VerificationMode.Checksums;

  @Default("Preserve")
  @JsonPropertyDescription(
      "Who owns the copied objects. Preserve (the default): every object keeps its owner and"
          + " its grants, as on the source; a role that owns an object or holds a privilege in"
          + " the source database and is missing on the destination fails preparation, and the"
          + " destination's user must be a superuser or a member of every owning role."
          + " CreateRoles: as Preserve, and the copy first creates the missing roles on the"
          + " destination with the source's attributes and memberships (with their passwords"
          + " when the source's user may read them, else without LOGIN). DestinationUser: every"
          + " object is owned by the destination's user and every grant is dropped"
          + " (pg_dump --no-owner --no-privileges).")
  public Ownership ownership = Ownership.Preserve;

  @JsonPropertyDescription("How the copy Job runs.")
  public CopySpec copy = new CopySpec();

  @JsonPropertyDescription(
      "Streaming: when start may stop the app (the lag limits) and how fresh the verification done"
          + " while Ready must be.")
  public StreamingSpec streaming = new StreamingSpec();

  @Default("false")
  @JsonPropertyDescription("Cancel the migration. Honoured only before it starts (Migrating).")
  public boolean cancel = false;

  @JsonPropertyDescription("Deletes the source workload after completion, on typed confirmation.")
  public DestroySourceSpec destroySource;

  @JsonPropertyDescription(
      "Where to send notifications: prepared, started, completed, failed, cancelled, expired and"
          + " the ready window about to end. Without it, the operator's default Secret, if one"
          + " is configured.")
  public NotificationsSpec notifications;

  /** How the data is moved. */
  public enum Method {
    Snapshot,
    Streaming
  }

  /** Who owns the copied objects. */
  public enum Ownership {
    /** Owners and grants as on the source; missing roles fail preparation. */
    Preserve,
    /** As Preserve, after creating the missing roles on the destination. */
    CreateRoles,
    /** Everything owned by the destination's user, without grants. */
    DestinationUser;

    /** Whether objects keep their owners and grants. */
    public boolean keepsOwners() {
      return this != DestinationUser;
    }
  }

  /** How the copy is verified. */
  public enum VerificationMode {
    RowCounts,
    Checksums
  }
}
