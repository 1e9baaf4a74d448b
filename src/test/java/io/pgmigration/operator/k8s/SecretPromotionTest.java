package io.pgmigration.operator.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretPromotionTest {
  private static final String OLD = "postgres://app:a@old:5432/app";
  private static final String NEW = "postgres://app:b@new:5432/app";

  @Test
  void promotesAndKeepsThePreviousValueUnderAnAlias() {
    SecretPromotion.Result r =
        SecretPromotion.promote(
            Map.of("DATABASE_URL", OLD, "OTHER", "x"),
            "DATABASE_URL",
            OLD,
            NEW,
            List.of("DATABASE_FOLLOWER_URL"));
    assertThat(r.aliasKey()).isEqualTo("DATABASE_URL_PREVIOUS");
    assertThat(r.data())
        .containsEntry("DATABASE_URL", NEW)
        .containsEntry("DATABASE_URL_PREVIOUS", OLD)
        .containsEntry("DATABASE_FOLLOWER_URL", NEW)
        .containsEntry("OTHER", "x");
  }

  @Test
  void promotingAgainChangesNothing() {
    SecretPromotion.Result first =
        SecretPromotion.promote(Map.of("DATABASE_URL", OLD), "DATABASE_URL", OLD, NEW, List.of());
    SecretPromotion.Result again =
        SecretPromotion.promote(first.data(), "DATABASE_URL", OLD, NEW, List.of());
    assertThat(again.data()).isEqualTo(first.data());
    assertThat(again.aliasKey()).isEqualTo(first.aliasKey());
  }

  @Test
  void anEarlierMigrationsAliasIsNeverOverwritten() {
    SecretPromotion.Result r =
        SecretPromotion.promote(
            Map.of("DATABASE_URL", OLD, "DATABASE_URL_PREVIOUS", "postgres://app:c@older/app"),
            "DATABASE_URL",
            OLD,
            NEW,
            List.of());
    assertThat(r.aliasKey()).isEqualTo("DATABASE_URL_PREVIOUS_2");
    assertThat(r.data()).containsEntry("DATABASE_URL_PREVIOUS", "postgres://app:c@older/app");
  }

  @Test
  void aUrlChangedByHandDuringTheMigrationIsNotGuessedAt() {
    assertThatThrownBy(
            () ->
                SecretPromotion.promote(
                    Map.of("DATABASE_URL", "postgres://app:z@elsewhere/app"),
                    "DATABASE_URL",
                    OLD,
                    NEW,
                    List.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("changed during the migration");
  }
}
