package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.OnlineVerificationStatus;
import io.pgmigration.operator.api.v1alpha1.OnlineVerificationStatus.OnlineVerificationState;
import io.pgmigration.operator.db.ChunkResults;
import io.pgmigration.operator.db.FollowUpChecks;
import io.pgmigration.operator.phase.port.Replication;
import java.time.Duration;
import java.time.Instant;

/**
 * The follow-up checks of the verification while Ready ({@code db.FollowUpChecks}): once a round is
 * complete and clean, every {@link #EVERY} the rows of keyed tables changed since the last check
 * are checked again by their keys, between the steps of the next round. The switch-over then
 * compares only the rows changed in the last seconds, whatever the time since the round. One step
 * per call: write the chunks on the source, then wait until the destination has applied them,
 * recheck those that differ once, and move {@code followedChange} on, or report what differs again.
 * Once {@code start} is asked for, one more begins at once, and the app is stopped after it ({@link
 * StartGate}).
 */
final class FollowUp {
  /** How often the changed rows are checked again. */
  static final Duration EVERY = Duration.ofSeconds(5);

  /** How often a follow-up waiting for the destination looks again. */
  static final Duration POLL = Duration.ofMillis(200);

  private FollowUp() {}

  /**
   * When the next step is due, from now: zero when it is; null when the last round's outcome allows
   * none (no clean complete round).
   */
  static Duration due(StatusDraft d, OnlineVerificationStatus v) {
    if (v.verifiedAt == null
        || v.coveredChange == null
        || v.differences != null
        || v.state == OnlineVerificationState.Unavailable) {
      return null;
    }
    if (v.followTarget != null || v.followedAt == null || !beganSinceStart(d, v)) {
      return Duration.ZERO;
    }
    Duration age = Duration.between(Instant.parse(v.followedAt), d.now());
    return age.compareTo(EVERY) >= 0 ? Duration.ZERO : EVERY.minus(age);
  }

  /**
   * Whether the last follow-up began once {@code start} was asked for (or no start waits): the
   * switch-over then compares only the rows changed in the second or so before the app stopped,
   * instead of up to {@link #EVERY} of them. Timestamps are whole seconds, so one that began in the
   * same second counts.
   */
  static boolean beganSinceStart(StatusDraft d, OnlineVerificationStatus v) {
    var r = d.status().replication;
    if (!d.spec().start || r != null && r.startGaveUpAt != null) {
      return true;
    }
    String asked = r == null || r.startRequestedAt == null ? d.timestamp() : r.startRequestedAt;
    return v.followedAt != null && !Instant.parse(v.followedAt).isBefore(Instant.parse(asked));
  }

  /** Takes the follow-up one step further; returns when to look again. */
  static Duration step(StatusDraft d, OnlineVerificationStatus v, Replication replication) {
    return v.followTarget == null ? begin(d, v, replication) : settle(d, v, replication);
  }

  /** The change-log position the next follow-up checks from. */
  static long from(OnlineVerificationStatus v) {
    return v.followedChange == null ? v.coveredChange : Math.max(v.followedChange, v.coveredChange);
  }

  private static Duration begin(
      StatusDraft d, OnlineVerificationStatus v, Replication replication) {
    v.followStep = (v.followStep == null ? 0 : v.followStep) + 1;
    String began = d.timestamp();
    FollowUpChecks.Follow f = replication.followChanges(d.migration(), from(v), v.followStep);
    if (f.unknown() != null) {
      v.reason =
          "the rows changed since the last check are not checked again while Ready: the source"
              + " has no key for table "
              + f.unknown()
              + "; the switch-over compares them";
      v.followedAt = began;
      return EVERY;
    }
    if (f.busy() != null) {
      v.reason =
          "table " + f.busy() + " was busy with the app's writes; its changed rows are tried again";
      return OnlineVerifier.WAIT;
    }
    if (f.chunks() == 0) {
      v.followedChange = f.target();
      v.followedAt = began;
      return EVERY;
    }
    v.followTarget = f.target();
    v.followStartedAt = began;
    v.followChunks = f.chunks();
    v.followRechecked = null;
    return POLL;
  }

  private static Duration settle(
      StatusDraft d, OnlineVerificationStatus v, Replication replication) {
    ChunkResults.Round round = replication.roundResults(d.migration(), -v.followStep);
    if (round.applied() < v.followChunks) {
      return POLL;
    }
    OnlineVerifier.Sorted sorted = OnlineVerifier.sort(round.differences(), v.followRechecked);
    if (sorted.awaiting()) {
      return POLL;
    }
    if (!sorted.recheck().isEmpty()) {
      v.followRechecked =
          OnlineVerifier.rechecked(
              v.followRechecked,
              sorted.recheck(),
              replication.recheck(d.migration(), sorted.recheck()));
      return POLL;
    }
    Duration next = EVERY;
    if (sorted.persistent().isEmpty()) {
      v.followedChange = v.followTarget;
      v.followedAt = v.followStartedAt;
    } else {
      v.differences = OnlineVerifier.byTable(sorted.persistent());
      if (v.state == OnlineVerificationState.Verified) {
        v.state = OnlineVerificationState.Differences;
      }
      d.condition(
          Conditions.Type.VERIFIED_WHILE_READY,
          false,
          Conditions.Reason.DIFFERENCES,
          "Differences among the rows changed while Ready, found again on a recheck: "
              + OnlineVerifier.differences(v)
              + ".");
      next = Duration.ZERO;
    }
    v.followTarget = null;
    v.followStartedAt = null;
    v.followChunks = null;
    v.followRechecked = null;
    return next;
  }
}
