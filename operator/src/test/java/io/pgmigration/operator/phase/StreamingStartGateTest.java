package io.pgmigration.operator.phase;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.OnlineVerificationStatus.OnlineVerificationState;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Method;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Verification.Mismatch;
import io.pgmigration.operator.db.ChangedRows;
import io.pgmigration.operator.db.ChunkResults;
import io.pgmigration.operator.db.FollowUpChecks;
import io.pgmigration.operator.db.SchemaComparison;
import io.pgmigration.operator.phase.port.Copying.CopyJob;
import io.pgmigration.operator.phase.port.Replication;
import io.pgmigration.operator.testing.Manifests;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Streaming migration's verification while Ready and the gate at start, with the servers
 * scripted: rounds kept in status, differences rechecked then blocking start by table, the lag
 * holding back the stop of the app until it falls or the wait gives up, and a switch-over that
 * compares only the rows changed since the round.
 */
class StreamingStartGateTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final PhaseMachine machine = new PhaseMachine();
  private final ScriptedWorld ctx = new ScriptedWorld(T0);

  private PhaseMachine.Result step(PostgresMigration m) {
    PhaseMachine.Result r = machine.next(m, ctx.ports());
    m.setStatus(r.status());
    return r;
  }

  private void stepUntil(PostgresMigration m, Phase phase, int max) {
    for (int i = 0; i < max && (m.getStatus() == null || m.getStatus().phase != phase); i++) {
      step(m);
    }
    assertThat(m.getStatus().phase).isEqualTo(phase);
  }

  /** A Streaming migration whose replication streams, Ready, its verification armed. */
  private PostgresMigration ready() {
    ctx.replication.arming = new Replication.Arming(true, null);
    PostgresMigration m = Manifests.quickstartMigration();
    m.getMetadata().setNamespace("ns");
    m.getMetadata().setUid("0b6e2c1a-7d3f-4c55-9a51-9f3e2b8d7c10");
    m.getMetadata().setGeneration(1L);
    m.getSpec().method = Method.Streaming;
    step(m); // Preparing
    step(m); // checks pass: the setup begins
    step(m); // the schema Job is created
    ctx.copying.jobs.put(m.getStatus().replication.schemaJob, CopyJob.State.Succeeded);
    step(m); // Subscribing
    step(m); // Syncing: every table streams
    step(m); // the vacuum Job is created
    ctx.copying.jobs.put(vacuum(m), CopyJob.State.Succeeded);
    stepUntil(m, Phase.Ready, 2);
    step(m); // armed: round 1 begins
    step(m); // its chunks are checked
    step(m); // and compared
    assertThat(m.getStatus().phase).isEqualTo(Phase.Ready);
    return m;
  }

  /** Sets start; the app keeps running, and the message names the table that differs. */
  private void assertStartRefusedFor(PostgresMigration m, String table) {
    m.getSpec().start = true;
    step(m);
    assertThat(m.getStatus().phase).isEqualTo(Phase.Ready);
    assertThat(ctx.maintenance.fenced).isFalse();
    assertThat(m.getStatus().message)
        .startsWith("Start is refused for now: the verification while Ready found differences")
        .contains(table + ": checksum of the rows differs");
  }

  private static String vacuum(PostgresMigration m) {
    return m.getStatus().replication.vacuumJob;
  }

  @Test
  void aRoundIsKeptInStatusAndRepeatedOnceHalfItsMaximumAgeHasPassed() {
    PostgresMigration m = ready();
    var v = m.getStatus().onlineVerification;
    assertThat(v.state).isEqualTo(OnlineVerificationState.Verified);
    assertThat(v.verifiedRound).isEqualTo(1);
    assertThat(v.verifiedChunks).isEqualTo(4);
    assertThat(v.verifiedTables).isEqualTo(2);
    assertThat(v.coveredChange).isEqualTo(42);
    assertThat(ConditionWriter.find(m.getStatus(), Conditions.Type.VERIFIED_WHILE_READY))
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getMessage())
                  .contains("No differences in round 1: 2 tables in 4 chunks");
            });

    ctx.now = ctx.now.plus(Duration.ofMinutes(7));
    step(m);
    assertThat(m.getStatus().onlineVerification.round).as("not yet").isEqualTo(1);
    ctx.now = ctx.now.plus(Duration.ofSeconds(31));
    step(m);
    assertThat(m.getStatus().onlineVerification.round).isEqualTo(2);
    assertThat(m.getStatus().onlineVerification.state).isEqualTo(OnlineVerificationState.Checking);
    step(m);
    step(m);
    assertThat(m.getStatus().onlineVerification.verifiedRound).isEqualTo(2);
  }

  @Test
  void aDifferenceIsCheckedAgainThenBlocksStartByTableUntilARoundIsClean() {
    PostgresMigration m = ready();
    ctx.now = ctx.now.plus(Duration.ofMinutes(8));
    ChunkResults.Difference once =
        new ChunkResults.Difference("public.customers", 0, 1, null, List.of("10001"), 5, 5L);
    ctx.replication.differences = List.of(once);
    step(m); // round 2 begins
    step(m); // its chunks are checked
    step(m); // one differs: checked again
    assertThat(ctx.replication.rechecks).containsExactly(List.of("public.customers#0"));
    assertThat(m.getStatus().onlineVerification.state).isEqualTo(OnlineVerificationState.Comparing);
    step(m);
    assertThat(ctx.replication.rechecks).as("the recheck is not applied yet").hasSize(1);
    ctx.replication.differences =
        List.of(
            new ChunkResults.Difference("public.customers", 0, 2, null, List.of("10001"), 5, 5L));
    step(m);
    var v = m.getStatus().onlineVerification;
    assertThat(v.state).isEqualTo(OnlineVerificationState.Differences);
    assertThat(v.differences)
        .extracting(x -> x.table + ": " + x.detail)
        .containsExactly(
            "public.customers: checksum of the rows differs (chunk 0: keys from the first up to"
                + " [10001])");

    assertStartRefusedFor(m, "public.customers");
    assertThat(ConditionWriter.find(m.getStatus(), Conditions.Type.READY).getReason())
        .isEqualTo(Conditions.Reason.BLOCKED_BY_DIFFERENCES);

    // The row is put right by hand; the next round finds nothing and start goes on.
    ctx.replication.differences = List.of();
    ctx.now = ctx.now.plus(Duration.ofMinutes(8));
    stepUntil(m, Phase.MaintenanceOn, 4);
  }

  @Test
  void aLagAboveTheLimitsHoldsTheAppUpUntilItFallsAndTheWaitGivesUpAfterItsTimeout() {
    PostgresMigration m = ready();
    ctx.replication.state = new Replication.State(3, 3, 0, true, 50_000_000, 12, 60_000_000);
    m.getSpec().start = true;
    PhaseMachine.Result r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.Ready);
    assertThat(ctx.maintenance.recordedBeforeStop).isEmpty();
    assertThat(r.status().message)
        .startsWith(
            "Start is waiting before it stops the app: the destination is 50000000 bytes (12 s) behind")
        .contains("at most 1048576 bytes and 1 s behind");
    assertThat(ConditionWriter.find(r.status(), Conditions.Type.READY).getReason())
        .isEqualTo(Conditions.Reason.WAITING_FOR_LAG);
    assertThat(r.step().requeueAfter()).contains(StartGate.POLL);

    ctx.now = ctx.now.plus(Duration.ofMinutes(30));
    r = step(m);
    assertThat(r.status().phase).isEqualTo(Phase.Ready);
    assertThat(r.status().replication.startGaveUpAt).isNotNull();
    assertThat(r.status().message)
        .startsWith("Start waited 30m (spec.streaming.startTimeout) and gave up")
        .contains("Nothing was touched");
    assertThat(ConditionWriter.find(r.status(), Conditions.Type.READY).getReason())
        .isEqualTo(Conditions.Reason.START_TIMED_OUT);

    ctx.replication.state = new Replication.State(3, 3, 0, true, 120, 0, 16_777_216);
    step(m);
    assertThat(m.getStatus().phase)
        .as("stays given up until start is set again")
        .isEqualTo(Phase.Ready);
    m.getSpec().start = false;
    step(m);
    assertThat(m.getStatus().replication.startRequestedAt).isNull();
    m.getSpec().start = true;
    stepUntil(m, Phase.MaintenanceOn, 2);
  }

  @Test
  void theSwitchOverComparesOnlyTheRowsChangedSinceTheRound() {
    PostgresMigration m = ready();
    m.getSpec().start = true;
    stepUntil(m, Phase.Verifying, 10);
    assertThat(ctx.replication.comparedSince).isEqualTo(42);
    var s = m.getStatus().onlineVerification.switchover;
    assertThat(s.rows).isEqualTo(15);
    assertThat(s.tables).isEqualTo(2);
    assertThat(m.getStatus().message).contains("since then 15 changed row(s) in 2 table(s)");
    stepUntil(m, Phase.Migrated, 2);
    assertThat(ctx.copying.tablesVerified).as("Verifying reads no table whole").isFalse();
    assertThat(ctx.copying.schemaVerified)
        .as("nor dumps the schemas, compared at the switch-over")
        .isFalse();
    assertThat(m.getStatus().verification.tablesCompared).isEqualTo(2);
    assertThat(m.getStatus().verification.schemaObjectsCompared).isEqualTo(12);
    assertThat(m.getStatus().message).contains("and 12 schema objects");
  }

  @Test
  void aSchemaDifferenceAtTheSwitchOverRollsBack() {
    PostgresMigration m = ready();
    Mismatch mismatch = new Mismatch();
    mismatch.table = "INDEX public.orders_placed";
    mismatch.detail = "schema: missing on the destination";
    ctx.replication.schema = new SchemaComparison.Result(List.of(mismatch), 12);
    m.getSpec().start = true;
    stepUntil(m, Phase.Failed, 20);
    assertThat(m.getStatus().message)
        .contains("or the schemas, differ")
        .contains("INDEX public.orders_placed: schema: missing on the destination");
    assertThat(ctx.maintenance.fenced).isFalse();
  }

  @Test
  void followUpChecksMoveWhereTheSwitchOverComparesKeyedRowsFrom() {
    PostgresMigration m = ready();
    ctx.replication.follow = new FollowUpChecks.Follow(57, 3, null, null);
    step(m); // the rows changed since the round are written as 3 chunks on the source
    var v = m.getStatus().onlineVerification;
    assertThat(ctx.replication.follows).containsExactly(42L);
    assertThat(v.followTarget).isEqualTo(57);
    assertThat(v.followChunks).isEqualTo(3);
    ctx.now = ctx.now.plus(Duration.ofSeconds(2));
    step(m); // the destination has applied them, and they agree
    v = m.getStatus().onlineVerification;
    assertThat(v.followedChange).isEqualTo(57);
    assertThat(v.followedAt).isEqualTo(T0.toString());
    assertThat(v.followTarget).isNull();

    ctx.replication.follow = null;
    ctx.now = ctx.now.plus(Duration.ofSeconds(2));
    m.getSpec().start = true;
    stepUntil(m, Phase.Verifying, 10);
    assertThat(ctx.replication.comparedSince).isEqualTo(42);
    assertThat(ctx.replication.follows).as("one more check, at start").endsWith(42L, 57L);
    assertThat(ctx.replication.comparedFollowed).isEqualTo(57);
    assertThat(m.getStatus().onlineVerification.switchover.followAgeSeconds).isZero();
    assertThat(m.getStatus().message).contains("its changed rows checked again up to 0 s before");

    // Nothing written since: the next follow-up begins where the last one ended.
    PostgresMigration next = ready();
    ctx.replication.follow = new FollowUpChecks.Follow(57, 0, null, null);
    step(next);
    ctx.now = ctx.now.plus(Duration.ofSeconds(5));
    step(next);
    assertThat(ctx.replication.follows).endsWith(42L, 57L);
  }

  @Test
  void startStopsTheAppOnceTheRowsChangedSinceTheLastCheckAreCheckedAgain() {
    PostgresMigration m = ready();
    step(m); // a follow-up check: nothing changed
    ctx.now = ctx.now.plus(Duration.ofSeconds(3));
    ctx.replication.follow = new FollowUpChecks.Follow(63, 2, null, null);
    m.getSpec().start = true;
    step(m);
    assertThat(m.getStatus().phase).as("the app still runs").isEqualTo(Phase.Ready);
    assertThat(m.getStatus().onlineVerification.followTarget).isEqualTo(63);
    assertThat(m.getStatus().message)
        .contains("the rows changed since the last check are being checked again");
    assertThat(ctx.maintenance.fenced).isFalse();
    ctx.now = ctx.now.plus(Duration.ofMillis(300));
    stepUntil(m, Phase.MaintenanceOn, 2); // the destination applied them, and they agree
    stepUntil(m, Phase.Verifying, 10);
    assertThat(ctx.replication.comparedFollowed)
        .as("the switch-over compares only what changed after that check")
        .isEqualTo(63);
  }

  @Test
  void aCheckAtStartThatTheDestinationCannotApplyHoldsStartOnlyForAWhile() {
    PostgresMigration m = ready();
    step(m); // a follow-up check: nothing changed
    ctx.now = ctx.now.plus(Duration.ofSeconds(3));
    ctx.replication.follow = new FollowUpChecks.Follow(63, 2, null, null);
    ctx.replication.followApplied = false;
    m.getSpec().start = true;
    step(m);
    ctx.now = ctx.now.plus(Duration.ofSeconds(2));
    step(m);
    assertThat(m.getStatus().phase).isEqualTo(Phase.Ready);
    assertThat(m.getStatus().message)
        .contains("the rows changed since the last check are being checked again");
    ctx.now = ctx.now.plus(FollowUp.EVERY);
    stepUntil(m, Phase.MaintenanceOn, 2);
    stepUntil(m, Phase.Verifying, 10);
    assertThat(ctx.replication.comparedFollowed)
        .as("the switch-over compares from the last check that settled")
        .isNotEqualTo(63);
  }

  @Test
  void aRoundUnderWayWaitsWhileStartStopsTheApp() {
    PostgresMigration m = ready();
    ctx.now = ctx.now.plus(Duration.ofMinutes(8)); // past half of verificationMaxAge (15m)
    step(m); // round 2 begins
    assertThat(m.getStatus().onlineVerification.round).isEqualTo(2);
    int slices = ctx.replication.slices;
    m.getSpec().start = true;
    stepUntil(m, Phase.MaintenanceOn, 3);
    assertThat(ctx.replication.slices)
        .as("round 1 is recent enough: no chunk of round 2 is written as the app stops")
        .isEqualTo(slices);
  }

  @Test
  void aDifferenceAmongTheChangedRowsIsCheckedAgainThenBlocksStartByTable() {
    PostgresMigration m = ready();
    ctx.replication.follow = new FollowUpChecks.Follow(57, 1, null, null);
    ctx.replication.followDifferences =
        List.of(new ChunkResults.Difference("public.orders", -1, 1, null, null, 3, 3L));
    step(m); // written
    step(m); // it differs: checked again
    assertThat(ctx.replication.rechecks).containsExactly(List.of("public.orders#-1"));
    ctx.replication.followDifferences =
        List.of(new ChunkResults.Difference("public.orders", -1, 2, null, null, 3, 3L));
    step(m); // and differs again
    var v = m.getStatus().onlineVerification;
    assertThat(v.state).isEqualTo(OnlineVerificationState.Differences);
    assertThat(v.followedChange).as("not moved past a difference").isNull();
    assertThat(ConditionWriter.find(m.getStatus(), Conditions.Type.VERIFIED_WHILE_READY))
        .satisfies(
            c ->
                assertThat(c.getMessage())
                    .startsWith("Differences among the rows changed while Ready")
                    .contains("public.orders: checksum of the rows differs (among the rows"));
    assertStartRefusedFor(m, "public.orders");
  }

  @Test
  void aChangedRowThatDiffersAtTheSwitchOverRollsBack() {
    PostgresMigration m = ready();
    Mismatch mismatch = new Mismatch();
    mismatch.table = "public.orders";
    mismatch.detail = "checksum of the rows differs, among 3 changed row(s)";
    ctx.replication.changes = new ChangedRows.Result(1, 3, 0, List.of(mismatch));
    m.getSpec().start = true;
    stepUntil(m, Phase.Failed, 20);
    assertThat(m.getStatus().message).contains("public.orders: checksum of the rows differs");
    assertThat(ctx.maintenance.fenced).isFalse();
  }

  @Test
  void withoutTheRightToCreateItsSchemaTheSwitchOverComparesEveryTable() {
    PostgresMigration m = ready();
    ctx.replication.arming = new Replication.Arming(false, "no CREATE");
    m.getStatus().onlineVerification = null;
    step(m);
    assertThat(m.getStatus().onlineVerification.state)
        .isEqualTo(OnlineVerificationState.Unavailable);
    m.getSpec().start = true;
    stepUntil(m, Phase.Migrated, 12);
    assertThat(ctx.replication.comparedSince).isNull();
    assertThat(ctx.copying.tablesVerified).isTrue();
    assertThat(ctx.copying.schemaVerified).isTrue();
  }
}
