package io.pgmigration.operator.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretPromotionTest {
  private static final String OLD = "postgres://app:a@old:5432/app";
  private static final String NEW = "postgres://app:b@new:5432/app";
  private static final String UID = "uid-1";

  private static SecretPromotion.Result promote(Map<String, String> data, String marker) {
    return SecretPromotion.promote(
        data, "DATABASE_URL", NEW, NEW, List.of("DATABASE_FOLLOWER_URL"), marker, UID);
  }

  @Test
  void promotesAndKeepsThePreviousValueUnderAnAlias() {
    SecretPromotion.Result r = promote(Map.of("DATABASE_URL", OLD, "OTHER", "x"), null);
    assertThat(r.aliasKey()).isEqualTo("DATABASE_URL_PREVIOUS");
    assertThat(r.data())
        .containsEntry("DATABASE_URL", NEW)
        .containsEntry("DATABASE_URL_PREVIOUS", OLD)
        .containsEntry("DATABASE_FOLLOWER_URL", NEW)
        .containsEntry("OTHER", "x");
  }

  @Test
  void followerKeysGetTheReadReplicasWhenTheDestinationHasThem() {
    String ro = "postgres://app:b@db-ro:5432/app";
    SecretPromotion.Result r =
        SecretPromotion.promote(
            Map.of("DATABASE_URL", OLD, "DATABASE_FOLLOWER_URL", OLD),
            "DATABASE_URL",
            NEW,
            ro,
            List.of("DATABASE_FOLLOWER_URL"),
            null,
            UID);
    assertThat(r.data())
        .containsEntry("DATABASE_URL", NEW)
        .containsEntry("DATABASE_FOLLOWER_URL", ro)
        .containsEntry("DATABASE_URL_PREVIOUS", OLD);
  }

  @Test
  void promotingAgainWithTheMarkerChangesNothing() {
    SecretPromotion.Result first = promote(Map.of("DATABASE_URL", OLD), null);
    SecretPromotion.Result again = promote(first.data(), SecretPromotion.marker(UID, first));
    assertThat(again.data()).isEqualTo(first.data());
    assertThat(again.aliasKey()).isEqualTo("DATABASE_URL_PREVIOUS");
  }

  @Test
  void anotherMigrationsMarkerIsNotTakenForThisOne() {
    SecretPromotion.Result earlier = promote(Map.of("DATABASE_URL", OLD), null);
    SecretPromotion.Result r =
        SecretPromotion.promote(
            earlier.data(),
            "DATABASE_URL",
            "postgres://app:c@newer:5432/app",
            "postgres://app:c@newer:5432/app",
            List.of(),
            SecretPromotion.marker("uid-0", earlier),
            UID);
    assertThat(r.aliasKey()).isEqualTo("DATABASE_URL_PREVIOUS_2");
    assertThat(r.data())
        .containsEntry("DATABASE_URL_PREVIOUS", OLD)
        .containsEntry("DATABASE_URL_PREVIOUS_2", NEW);
  }

  @Test
  void anEarlierMigrationsAliasIsNeverOverwritten() {
    SecretPromotion.Result r =
        promote(
            Map.of("DATABASE_URL", OLD, "DATABASE_URL_PREVIOUS", "postgres://c@older/app"), null);
    assertThat(r.aliasKey()).isEqualTo("DATABASE_URL_PREVIOUS_2");
    assertThat(r.data()).containsEntry("DATABASE_URL_PREVIOUS", "postgres://c@older/app");
  }

  @Test
  void whateverTheKeyHeldIsKeptEvenIfItWasChangedByHand() {
    SecretPromotion.Result r = promote(Map.of("DATABASE_URL", "postgres://z@elsewhere/app"), null);
    assertThat(r.data()).containsEntry("DATABASE_URL_PREVIOUS", "postgres://z@elsewhere/app");
  }

  @Test
  void aMissingKeyIsWrittenWithoutAnAlias() {
    SecretPromotion.Result r = promote(Map.of("OTHER", "x"), null);
    assertThat(r.aliasKey()).isNull();
    assertThat(r.data()).containsEntry("DATABASE_URL", NEW).hasSize(3);
  }
}
