package io.pgmigration.operator.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.CheckOutcome;
import org.junit.jupiter.api.Test;

/** Connections and AppSecretWritable: what would fail the copy or the promotion, found early. */
class ClusterAndCapacityChecksTest {
  @Test
  void theAppsFutureLoginIsTriedBeforeTheAppGoesDown() {
    CheckResult ok =
        ClusterChecks.appLogin("shop", "db-rw", ClusterChecks.LoginProblem.NONE, null, false);
    assertThat(ok.blocks()).isFalse();
    CheckResult refused =
        ClusterChecks.appLogin(
            "shop", "db-rw", ClusterChecks.LoginProblem.REFUSED, "password failed", false);
    assertThat(refused.blocks()).isTrue();
    assertThat(refused.message)
        .isEqualTo(
            "the app's role shop on db-rw is refused with the source's password: password failed");
    assertThat(refused.hint).contains("appRole: Owner");
    assertThat(
            ClusterChecks.appLogin("shop", "db-rw", ClusterChecks.LoginProblem.NO_ROLE, "x", false)
                .blocks())
        .isTrue();
    CheckResult created =
        ClusterChecks.appLogin("shop", "db-rw", ClusterChecks.LoginProblem.NO_ROLE, "x", true);
    assertThat(created.blocks()).as("CreateRoles makes it first").isFalse();
    assertThat(created.warns()).isTrue();
  }

  @Test
  void aCopyThatWouldRunOutOfConnectionsIsRefusedBeforeTheAppGoesDown() {
    FactsBuilder source = new FactsBuilder("1");
    // 30 sessions of the app end with the fence; 5 of another database stay.
    source.connections = new ConnectionCapacity.Facts(20, 3, 5, 30, -1, 30, -1);
    FactsBuilder destination = new FactsBuilder("2");
    // The destination's user may open 8 sessions and has 2 open.
    destination.connections = new ConnectionCapacity.Facts(100, 3, 0, 2, 8, 2, -1);

    CheckResult r =
        ConnectionCapacity.evaluate(
            source.build(), destination.build(), ConnectionCapacity.needed(2, 4));
    assertThat(r.blocks()).isTrue();
    assertThat(r.message)
        .isEqualTo(
            "the copy opens up to 12 sessions on each server, but the destination has 6 free"
                + " (max_connections 100, 3 reserved, 2 in use, the user's limit 8)");
    assertThat(r.hint).contains("spec.copy.parallelism");

    CheckResult fits =
        ConnectionCapacity.evaluate(
            source.build(), destination.build(), ConnectionCapacity.needed(1, 3));
    assertThat(fits.result).as(fits.message).isEqualTo(CheckOutcome.Passed);
    assertThat(fits.message).contains("the source has 12 free once fenced");
  }

  @Test
  void anImmutableAppSecretIsRefusedAndAWritableOnePasses() {
    String ref = "Secret example-app-config, key DATABASE_URL";
    CheckResult immutable = ClusterChecks.appSecretWritable(ref, true);
    assertThat(immutable.blocks()).isTrue();
    assertThat(immutable.message)
        .isEqualTo(ref + " is immutable: promotion could not point it at the destination");
    assertThat(ClusterChecks.appSecretWritable(ref, false).result).isEqualTo(CheckOutcome.Passed);
    assertThat(ClusterChecks.appSecretWritable(ref, null).result).isEqualTo(CheckOutcome.Error);
  }
}
