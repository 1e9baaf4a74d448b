package io.pgmigration.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Verification.Mismatch;
import java.util.List;

/**
 * The Streaming method's verification while Ready: rounds of chunk checks, each chunk compared at
 * the same point of the replication stream on both sides, and what the switch-over compared after
 * the last round.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OnlineVerificationStatus {
  @JsonPropertyDescription(
      "Arming (the bookkeeping is being set up), Checking (the source checks its chunks),"
          + " Comparing (waiting for the destination to apply them, or for a recheck), Verified,"
          + " Differences, or Unavailable (the switch-over then compares every table).")
  public OnlineVerificationState state;

  @JsonPropertyDescription("Why the verification while Ready is unavailable or stalled.")
  public String reason;

  @JsonPropertyDescription("The round under way, or the last one.")
  public Integer round;

  public String roundStartedAt;

  @JsonPropertyDescription("Tables of the round under way.")
  public Integer tables;

  @JsonPropertyDescription("Where the round under way stands: the table whose chunks it checks.")
  public String table;

  @JsonPropertyDescription("Where the round under way stands: the key the next chunk starts at.")
  public List<String> after;

  @JsonPropertyDescription("Where the round under way stands: the next chunk's number.")
  public Integer chunk;

  @JsonPropertyDescription("Chunks the round under way has checked on the source.")
  public Integer chunksChecked;

  @JsonPropertyDescription("Chunks rechecked in the round under way, as table#chunk.")
  public List<String> rechecked;

  @JsonPropertyDescription("When the last complete round ended (RFC 3339): its age at start.")
  public String verifiedAt;

  @JsonPropertyDescription("The last complete round: its number, tables, chunks and seconds.")
  public Integer verifiedRound;

  public Integer verifiedTables;

  public Integer verifiedChunks;

  public Long verifiedSeconds;

  @JsonPropertyDescription(
      "The position in the destination's change log that the last complete round covers: the"
          + " switch-over compares the rows changed after it.")
  public Long coveredChange;

  @JsonPropertyDescription(
      "The position in the destination's change log up to which the follow-up checks, every few"
          + " seconds between rounds, checked again the changed rows of tables with a key: the"
          + " switch-over compares those changed after it.")
  public Long followedChange;

  @JsonPropertyDescription("When the follow-up check that reached followedChange began (RFC 3339).")
  public String followedAt;

  @JsonPropertyDescription("The follow-up check under way, or the last one.")
  public Integer followStep;

  @JsonPropertyDescription(
      "The follow-up check under way: the change-log position it covers, when it began, its chunks"
          + " and those rechecked.")
  public Long followTarget;

  public String followStartedAt;

  public Integer followChunks;

  public List<String> followRechecked;

  @JsonPropertyDescription(
      "Differences the last complete round or a follow-up check found, and found again on a"
          + " recheck; they block start.")
  public List<Mismatch> differences;

  @JsonPropertyDescription("What the switch-over compared: the rows changed since the last round.")
  public Switchover switchover;

  /** What the switch-over compared. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Switchover {
    @JsonPropertyDescription("Tables with changes since the last round.")
    public Integer tables;

    @JsonPropertyDescription("Changed rows compared by their keys.")
    public Long rows;

    @JsonPropertyDescription("Tables compared whole (no key, or truncated).")
    public Integer wholeTables;

    @JsonPropertyDescription(
        "Schema objects compared meanwhile, without the replication's own; Verifying does not"
            + " compare the schemas again.")
    public Integer schemaObjects;

    @JsonPropertyDescription("The age of the last complete round when the app stopped, seconds.")
    public Long roundAgeSeconds;

    @JsonPropertyDescription(
        "The age of the last follow-up check of the changed rows when the app stopped, seconds.")
    public Long followAgeSeconds;
  }

  /** Whether a round may begin or is done. */
  public enum OnlineVerificationState {
    Arming,
    Checking,
    Comparing,
    Verified,
    Differences,
    Unavailable
  }
}
