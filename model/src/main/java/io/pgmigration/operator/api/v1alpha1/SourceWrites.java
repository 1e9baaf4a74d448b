package io.pgmigration.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the source's statistics count as written to it, read once the fence has ended every other
 * session (a session flushes its counters when it ends): the evidence that the fence held. Read
 * when the fence closes and again before the URL swap; any difference means a write reached the
 * source after the snapshot that was copied and verified.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SourceWrites {
  @JsonPropertyDescription("When the counters were read (RFC 3339).")
  public String readAt;

  @JsonPropertyDescription("Rows inserted into the source's tables, as its statistics count them.")
  public Long rowsInserted;

  @JsonPropertyDescription("Rows updated, likewise.")
  public Long rowsUpdated;

  @JsonPropertyDescription("Rows deleted, likewise.")
  public Long rowsDeleted;

  @JsonPropertyDescription("User tables (and the large-object tables) counted.")
  public Integer tables;

  @JsonPropertyDescription(
      "SHA-256 of every table's counters and storage file (a TRUNCATE or a rewrite changes it).")
  public String tablesDigest;

  @JsonPropertyDescription("SHA-256 of every sequence's value.")
  public String sequencesDigest;

  /**
   * What changed since {@code before}, as evidence for the user, or null when nothing did.
   *
   * @param before the counters read when the fence closed
   */
  public String differenceFrom(SourceWrites before) {
    if (Objects.equals(tablesDigest, before.tablesDigest)
        && Objects.equals(sequencesDigest, before.sequencesDigest)) {
      return null;
    }
    List<String> evidence = new ArrayList<>();
    long inserted = delta(rowsInserted, before.rowsInserted);
    long updated = delta(rowsUpdated, before.rowsUpdated);
    long deleted = delta(rowsDeleted, before.rowsDeleted);
    if (inserted != 0 || updated != 0 || deleted != 0) {
      evidence.add(
          "its statistics count "
              + inserted
              + " row(s) inserted, "
              + updated
              + " updated and "
              + deleted
              + " deleted since "
              + before.readAt);
    }
    if (!Objects.equals(tables, before.tables)) {
      evidence.add(before.tables + " table(s) then, " + tables + " now");
    } else if (evidence.isEmpty() && !Objects.equals(tablesDigest, before.tablesDigest)) {
      evidence.add("a table was truncated or rewritten, or its counters were reset");
    }
    if (!Objects.equals(sequencesDigest, before.sequencesDigest)) {
      evidence.add("a sequence moved");
    }
    return String.join("; ", evidence);
  }

  private static long delta(Long now, Long then) {
    return (now == null ? 0 : now) - (then == null ? 0 : then);
  }
}
