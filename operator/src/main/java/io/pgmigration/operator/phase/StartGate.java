package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Durations;
import io.pgmigration.operator.api.v1alpha1.OnlineVerificationStatus;
import io.pgmigration.operator.api.v1alpha1.OnlineVerificationStatus.OnlineVerificationState;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.StreamingSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a Streaming migration waits for after {@code start}, before the app is stopped: the lag
 * below {@code spec.streaming}'s limits, so the catch-up with the app down takes a fraction of a
 * second, a complete round of the verification while Ready no older than its limit and without
 * differences, and a check of the rows changed since, begun once start was asked for (so that the
 * switch-over compares only the last second's changes). Waiting touches nothing; after {@code
 * startTimeout} the migration stays Ready and says why, until {@code start} is set to false and
 * true again.
 */
final class StartGate {
  /** How often a waiting start looks again at the lag. */
  static final Duration POLL = Duration.ofSeconds(1);

  private StartGate() {}

  /** Forgets an earlier wait: {@code start} is false. */
  static void reset(PostgresMigrationStatus status) {
    if (status.replication != null) {
      status.replication.startRequestedAt = null;
      status.replication.startGaveUpAt = null;
    }
  }

  /**
   * Whether the app may be stopped now; when not, the draft says why and the returned step says
   * when to look again.
   */
  static Step waiting(StatusDraft d) {
    var r = d.status().replication;
    StreamingSpec limits = d.spec().streaming;
    if (r.startGaveUpAt != null) {
      return Step.waitForChange();
    }
    if (r.startRequestedAt == null) {
      r.startRequestedAt = d.timestamp();
    }
    List<String> lag = lag(d.status().progress, limits);
    List<String> verification = new ArrayList<>();
    String blocked = verification(d, verification);
    if (lag.isEmpty() && verification.isEmpty() && blocked == null) {
      r.startRequestedAt = null;
      return null;
    }
    List<String> why = new ArrayList<>(lag);
    if (blocked != null) {
      why.add(blocked);
    }
    why.addAll(verification);
    String reasons = String.join("; ", why);
    Duration limit = Durations.parse(limits.startTimeout);
    String reason =
        blocked != null
            ? Conditions.Reason.BLOCKED_BY_DIFFERENCES
            : lag.isEmpty()
                ? Conditions.Reason.WAITING_FOR_VERIFICATION
                : Conditions.Reason.WAITING_FOR_LAG;
    if (!d.now().isBefore(Instant.parse(r.startRequestedAt).plus(limit))) {
      r.startGaveUpAt = d.timestamp();
      String gaveUp =
          "Start waited "
              + limits.startTimeout
              + " (spec.streaming.startTimeout) and gave up: "
              + reasons
              + ". Nothing was touched; the app runs on the source. Set spec.start to false, then"
              + " true, to wait again.";
      d.message(gaveUp);
      d.condition(Conditions.Type.READY, false, Conditions.Reason.START_TIMED_OUT, gaveUp);
      return Step.waitForChange();
    }
    String message =
        (blocked != null
                ? "Start is refused for now: "
                : "Start is waiting before it stops the app: ")
            + reasons
            + ". The app keeps running; nothing was touched.";
    d.message(message);
    d.condition(Conditions.Type.READY, true, reason, message);
    return Step.after(POLL);
  }

  /** Why the lag keeps the app from being stopped; empty when it does not. */
  private static List<String> lag(PostgresMigrationStatus.Progress p, StreamingSpec limits) {
    if (p == null || p.lagBytes == null || p.lagSeconds == null) {
      return List.of("the replication's lag could not be read");
    }
    if (p.lagBytes <= limits.maxLagBytes && p.lagSeconds <= limits.maxLagSeconds) {
      return List.of();
    }
    return List.of(
        "the destination is "
            + p.lagBytes
            + " bytes ("
            + p.lagSeconds
            + " s) behind the source; the app is stopped once it is at most "
            + limits.maxLagBytes
            + " bytes and "
            + limits.maxLagSeconds
            + " s behind (spec.streaming.maxLagBytes, maxLagSeconds)");
  }

  /**
   * What the verification while Ready still lacks, into {@code waits}; returns the differences that
   * block start, in words, or null.
   */
  private static String verification(StatusDraft d, List<String> waits) {
    OnlineVerificationStatus v = d.status().onlineVerification;
    if (v != null && v.state == OnlineVerificationState.Unavailable) {
      return null;
    }
    if (v == null || v.verifiedAt == null) {
      waits.add(
          "the verification while Ready has not completed a round yet"
              + (v == null || v.chunksChecked == null
                  ? ""
                  : " (" + v.chunksChecked + " chunks checked in round " + v.round + ")"));
      return null;
    }
    if (v.differences != null && !v.differences.isEmpty()) {
      return "the verification while Ready found differences (round "
          + v.verifiedRound
          + " or a check of the rows changed since), and again on a recheck: "
          + OnlineVerifier.differences(v)
          + " (a later round without them lets start go on)";
    }
    // Only for so long: a destination that cannot apply the check (its replication stuck) must
    // not hold start, and the switch-over that follows finds what keeps it from catching up.
    String asked = d.status().replication.startRequestedAt;
    if (FollowUp.due(d, v) != null
        && (v.followTarget != null || !FollowUp.beganSinceStart(d, v))
        && d.now().isBefore(Instant.parse(asked).plus(FollowUp.EVERY))) {
      waits.add("the rows changed since the last check are being checked again");
    }
    Duration age = Duration.between(Instant.parse(v.verifiedAt), d.now());
    Duration max = OnlineVerifier.maxAge(d);
    if (age.compareTo(max) > 0) {
      waits.add(
          "the last complete verification is "
              + age.toSeconds()
              + " s old, more than spec.streaming.verificationMaxAge ("
              + d.spec().streaming.verificationMaxAge
              + "); round "
              + v.round
              + " is under way");
    }
    return null;
  }
}
