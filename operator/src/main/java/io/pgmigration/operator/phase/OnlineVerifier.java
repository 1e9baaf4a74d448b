package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Durations;
import io.pgmigration.operator.api.v1alpha1.OnlineVerificationStatus;
import io.pgmigration.operator.api.v1alpha1.OnlineVerificationStatus.OnlineVerificationState;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Verification.Mismatch;
import io.pgmigration.operator.db.ChunkChecks;
import io.pgmigration.operator.db.ChunkResults;
import io.pgmigration.operator.phase.port.Ports;
import io.pgmigration.operator.phase.port.Replication;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Streaming method's verification while Ready ({@code db.OnlineVerification}), one step per
 * reconcile: arm the bookkeeping, check the source's chunks a slice at a time, wait until the
 * destination has applied them, check again the chunks that differ, and keep the round's outcome in
 * status; a new round begins whenever the last is older than half of {@code
 * spec.streaming.verificationMaxAge}. Between rounds, the {@link FollowUp} checks take the rows
 * changed since, every few seconds. Errors are kept in status and tried again: the gate at start
 * decides what they mean.
 */
final class OnlineVerifier {
  /** How long one slice of chunk checks may hold a reconcile. */
  static final Duration SLICE = Duration.ofSeconds(1);

  /** How often a round that waits (for the arming, the destination, a busy table) looks again. */
  static final Duration WAIT = Duration.ofSeconds(1);

  private OnlineVerifier() {}

  /** Takes the verification one step further; returns when to look again (null: never). */
  static Duration advance(StatusDraft d, Ports ports) {
    OnlineVerificationStatus v = d.status().onlineVerification;
    if (v == null) {
      v = new OnlineVerificationStatus();
      v.state = OnlineVerificationState.Arming;
      v.round = 0;
      d.status().onlineVerification = v;
    }
    Replication replication = ports.replication();
    try {
      Duration follow = FollowUp.due(d, v);
      if (follow != null && follow.isZero()) {
        follow = FollowUp.step(d, v, replication);
        if (v.followTarget != null) {
          return follow;
        }
      }
      Duration next = heldForStart(d, v) ? null : round(d, v, replication);
      return next == null || follow == null || follow.compareTo(next) >= 0 ? next : follow;
    } catch (RuntimeException e) {
      v.reason = "the last step failed and is tried again: " + e.getMessage();
      return Duration.ofSeconds(5);
    }
  }

  /** Takes the round one step further; returns when to look again (null: never). */
  private static Duration round(
      StatusDraft d, OnlineVerificationStatus v, Replication replication) {
    return switch (v.state) {
      case Unavailable -> null;
      case Arming -> arm(d, v, replication);
      case Checking -> check(d, v, replication);
      case Comparing -> compare(d, v, replication);
      case Verified, Differences -> {
        Duration age = Duration.between(Instant.parse(v.verifiedAt), d.now());
        Duration every = maxAge(d).dividedBy(2);
        if (age.compareTo(every) < 0) {
          yield every.minus(age);
        }
        begin(d, v);
        yield Duration.ZERO;
      }
    };
  }

  /**
   * Whether rounds wait while {@code start} stops the app: the last complete round is clean and
   * recent enough for the start gate, and a round's chunk checks, applied by the destination, would
   * only add to its catch-up with the app down (in one run the switch-over took 0.5 s longer). They
   * go on if start gives up or is taken back, or once that round is too old.
   */
  private static boolean heldForStart(StatusDraft d, OnlineVerificationStatus v) {
    var r = d.status().replication;
    return d.spec().start
        && (r == null || r.startGaveUpAt == null)
        && v.state != OnlineVerificationState.Arming
        && v.verifiedAt != null
        && v.differences == null
        && Duration.between(Instant.parse(v.verifiedAt), d.now()).compareTo(maxAge(d)) <= 0;
  }

  /** The limit on the last complete round's age at start. */
  static Duration maxAge(StatusDraft d) {
    return Durations.parse(d.spec().streaming.verificationMaxAge);
  }

  private static Duration arm(StatusDraft d, OnlineVerificationStatus v, Replication replication) {
    Replication.Arming arming = replication.armVerification(d.migration(), name(d));
    if (arming.unavailable() != null) {
      v.state = OnlineVerificationState.Unavailable;
      v.reason = arming.unavailable();
      d.condition(
          Conditions.Type.VERIFIED_WHILE_READY,
          false,
          Conditions.Reason.UNAVAILABLE,
          "Not verified while Ready: "
              + arming.unavailable()
              + ". The switch-over compares every table instead, with the app down.");
      return null;
    }
    if (!arming.armed()) {
      v.reason = "waiting for the destination to take in the bookkeeping table";
      return WAIT;
    }
    begin(d, v);
    return Duration.ZERO;
  }

  private static void begin(StatusDraft d, OnlineVerificationStatus v) {
    v.state = OnlineVerificationState.Checking;
    v.round = v.round + 1;
    v.roundStartedAt = d.timestamp();
    v.table = null;
    v.after = null;
    v.chunk = 0;
    v.chunksChecked = 0;
    v.rechecked = null;
    v.reason = null;
    if (v.verifiedAt == null) {
      d.condition(
          Conditions.Type.VERIFIED_WHILE_READY,
          false,
          Conditions.Reason.ROUND_UNDER_WAY,
          "The first round of the verification while Ready is under way.");
    }
  }

  private static Duration check(
      StatusDraft d, OnlineVerificationStatus v, Replication replication) {
    ChunkChecks.Cursor from =
        new ChunkChecks.Cursor(v.round, v.table, v.after, v.chunk, v.chunksChecked);
    ChunkChecks.Slice slice = replication.checkChunks(d.migration(), from, SLICE);
    ChunkChecks.Cursor next = slice.next();
    v.table = next.table();
    v.after = next.after();
    v.chunk = next.chunk();
    v.chunksChecked = next.checked();
    v.tables = slice.tables();
    v.reason =
        slice.busy() == null
            ? null
            : "table " + slice.busy() + " was busy with the app's writes; its chunk is tried again";
    if (slice.done()) {
      v.state = OnlineVerificationState.Comparing;
      v.table = null;
      v.after = null;
      v.chunk = null;
      return Duration.ZERO;
    }
    return slice.busy() == null ? Duration.ofMillis(50) : WAIT;
  }

  private static Duration compare(
      StatusDraft d, OnlineVerificationStatus v, Replication replication) {
    ChunkResults.Round round = replication.roundResults(d.migration(), v.round);
    if (round.applied() < v.chunksChecked) {
      v.reason =
          "the destination has applied "
              + round.applied()
              + " of "
              + v.chunksChecked
              + " chunks of this round";
      return WAIT;
    }
    Sorted sorted = sort(round.differences(), v.rechecked);
    if (sorted.awaiting()) {
      v.reason = "waiting for the destination to apply the recheck of the chunks that differ";
      return WAIT;
    }
    if (!sorted.recheck().isEmpty()) {
      int done = replication.recheck(d.migration(), sorted.recheck());
      v.rechecked = rechecked(v.rechecked, sorted.recheck(), done);
      v.reason = sorted.recheck().size() + " chunk(s) differ; checking them again";
      return WAIT;
    }
    complete(d, v, round, sorted.persistent());
    return maxAge(d).dividedBy(2);
  }

  /**
   * The chunks that differ, sorted out: those to check again, those found again on their recheck,
   * and whether a recheck is still to be applied by the destination.
   */
  record Sorted(List<String> recheck, List<ChunkResults.Difference> persistent, boolean awaiting) {}

  static Sorted sort(List<ChunkResults.Difference> differences, List<String> rechecked) {
    List<String> recheck = new ArrayList<>();
    List<ChunkResults.Difference> persistent = new ArrayList<>();
    for (ChunkResults.Difference diff : differences) {
      if (diff.attempt() > 1) {
        persistent.add(diff);
      } else if (rechecked == null || !rechecked.contains(diff.id())) {
        recheck.add(diff.id());
      } else {
        return new Sorted(List.of(), List.of(), true);
      }
    }
    return new Sorted(recheck, persistent, false);
  }

  /** The chunks rechecked so far, with the first {@code done} of {@code recheck}. */
  static List<String> rechecked(List<String> before, List<String> recheck, int done) {
    List<String> out = new ArrayList<>(before == null ? List.of() : before);
    out.addAll(recheck.subList(0, done));
    return out;
  }

  /** The differences found again, one per table, as status shows them. */
  static List<Mismatch> byTable(List<ChunkResults.Difference> persistent) {
    Map<String, Mismatch> byTable = new LinkedHashMap<>();
    for (ChunkResults.Difference diff : persistent) {
      byTable.computeIfAbsent(
          diff.table(),
          t -> {
            Mismatch m = new Mismatch();
            m.table = t;
            m.detail = diff.detail();
            return m;
          });
    }
    return byTable.isEmpty() ? null : new ArrayList<>(byTable.values());
  }

  private static void complete(
      StatusDraft d,
      OnlineVerificationStatus v,
      ChunkResults.Round round,
      List<ChunkResults.Difference> persistent) {
    v.verifiedAt = d.timestamp();
    v.verifiedRound = v.round;
    v.verifiedChunks = v.chunksChecked;
    v.verifiedTables = v.tables;
    v.verifiedSeconds =
        Duration.between(Instant.parse(v.roundStartedAt), Instant.parse(v.verifiedAt)).toSeconds();
    v.coveredChange = round.covered();
    v.reason = null;
    v.rechecked = null;
    v.differences = byTable(persistent);
    String what =
        "round "
            + v.round
            + ": "
            + v.verifiedTables
            + " tables in "
            + v.verifiedChunks
            + " chunks ("
            + d.spec().verification
            + ") in "
            + v.verifiedSeconds
            + " s, each chunk at the same point of the replication stream on both sides";
    if (v.differences == null) {
      v.state = OnlineVerificationState.Verified;
      d.condition(
          Conditions.Type.VERIFIED_WHILE_READY,
          true,
          Conditions.Reason.NO_DIFFERENCES,
          "No differences in " + what + ".");
    } else {
      v.state = OnlineVerificationState.Differences;
      d.condition(
          Conditions.Type.VERIFIED_WHILE_READY,
          false,
          Conditions.Reason.DIFFERENCES,
          "Differences in " + what + ", found again on a recheck: " + differences(v) + ".");
    }
  }

  /** The differences, table by table, in words. */
  static String differences(OnlineVerificationStatus v) {
    List<String> out = new ArrayList<>();
    for (Mismatch m : v.differences) {
      out.add(m.table + ": " + m.detail);
    }
    return String.join("; ", out);
  }

  private static String name(StatusDraft d) {
    return d.status().replication.name;
  }
}
