package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.OnlineVerificationStatus;
import io.pgmigration.operator.api.v1alpha1.OnlineVerificationStatus.OnlineVerificationState;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Verification;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Verification.Mismatch;
import io.pgmigration.operator.db.ChangedRows;
import io.pgmigration.operator.db.SchemaComparison;
import io.pgmigration.operator.phase.port.Replication;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The switch-over's comparison of the tables when the verification while Ready completed a round:
 * only the rows changed on either side since that round, whatever the database's size. Kept in
 * {@code status.onlineVerification.switchover}, so a repeated step does not compare again.
 */
final class ChangesSinceRound {
  private ChangesSinceRound() {}

  /** Whether the tables were compared this way: the Verifying phase need not read them again. */
  static boolean done(OnlineVerificationStatus v) {
    return v != null && v.switchover != null;
  }

  /**
   * Where the switch-over compares the changed rows from: only when a round was completed, and
   * once.
   *
   * @return null when there is nothing to compare this way
   */
  static Replication.ChangesSince wanted(StatusDraft d) {
    OnlineVerificationStatus v = d.status().onlineVerification;
    if (v == null
        || v.coveredChange == null
        || v.state == OnlineVerificationState.Unavailable
        || v.differences != null
        || v.switchover != null) {
      return null;
    }
    return new Replication.ChangesSince(v.coveredChange, FollowUp.from(v));
  }

  /**
   * Records what the comparison asked by {@link #wanted} found, and the comparison of the schemas
   * made meanwhile.
   *
   * @param result what was compared, null when nothing was
   * @param schema the schemas compared, null when they were not
   * @return what was compared, in words ("" when there was no round, and Verifying compares every
   *     table); null when they, or the schemas, differ (in {@code status.verification})
   */
  static String record(StatusDraft d, ChangedRows.Result result, SchemaComparison.Result schema) {
    OnlineVerificationStatus v = d.status().onlineVerification;
    if (result != null) {
      List<Mismatch> mismatches = new ArrayList<>(result.mismatches());
      if (schema != null) {
        mismatches.addAll(schema.mismatches());
      }
      if (!mismatches.isEmpty()) {
        Verification failed = new Verification();
        failed.mismatches = mismatches;
        d.status().verification = failed;
        d.condition(Conditions.Type.VERIFIED, false, Conditions.Reason.MISMATCH, mismatches(d));
        return null;
      }
      OnlineVerificationStatus.Switchover s = new OnlineVerificationStatus.Switchover();
      s.tables = result.tables();
      s.rows = result.rows();
      s.wholeTables = result.wholeTables();
      s.schemaObjects = schema == null ? null : schema.compared();
      String started = d.status().startedAt != null ? d.status().startedAt : d.timestamp();
      s.roundAgeSeconds =
          Duration.between(Instant.parse(v.verifiedAt), Instant.parse(started)).toSeconds();
      if (v.followedAt != null && v.followedChange != null) {
        s.followAgeSeconds =
            Duration.between(Instant.parse(v.followedAt), Instant.parse(started)).toSeconds();
      }
      v.switchover = s;
    }
    if (v == null || v.switchover == null) {
      return "";
    }
    var s = v.switchover;
    return "Every table was verified while Ready (round "
        + v.verifiedRound
        + ", "
        + v.verifiedChunks
        + " chunks, "
        + s.roundAgeSeconds
        + " s old at start"
        + (s.followAgeSeconds == null
            ? ""
            : ", its changed rows checked again up to " + s.followAgeSeconds + " s before")
        + "); since then "
        + s.rows
        + " changed row(s) in "
        + s.tables
        + " table(s)"
        + (s.wholeTables > 0 ? ", " + s.wholeTables + " of them compared whole," : "")
        + " agree on both sides.";
  }

  /** The mismatches the comparison found, in words. */
  static String mismatches(StatusDraft d) {
    return d.status().verification.mismatches.stream()
        .map(m -> m.table + ": " + m.detail)
        .collect(Collectors.joining("; "));
  }
}
