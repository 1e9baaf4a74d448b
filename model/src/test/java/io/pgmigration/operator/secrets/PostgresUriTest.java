package io.pgmigration.operator.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresUriTest {
  @Test
  void parsesHerokuStyleUris() {
    PostgresUri u =
        PostgresUri.parse("postgres://app:s3cr%40t@db.example:6543/shop?sslmode=require");
    assertThat(u.host()).isEqualTo("db.example");
    assertThat(u.port()).isEqualTo(6543);
    assertThat(u.database()).isEqualTo("shop");
    assertThat(u.user()).isEqualTo("app");
    assertThat(u.password()).isEqualTo("s3cr@t");
    assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/shop");
    assertThat(u.jdbcProperties()).containsEntry("sslmode", "require").containsEntry("user", "app");
  }

  @Test
  void defaultsThePort() {
    assertThat(PostgresUri.parse("postgresql://app:pw@db/app").port()).isEqualTo(5432);
  }

  @Test
  void neverShowsThePassword() {
    PostgresUri u = PostgresUri.parse("postgres://app:hunter2@db:5432/app");
    assertThat(u.toString()).isEqualTo("app@db:5432/app").doesNotContain("hunter2");
  }

  @Test
  void errorsSayWhatIsWrongWithoutRepeatingTheUri() {
    assertThatThrownBy(() -> PostgresUri.parse("mysql://app:hunter2@db/app"))
        .hasMessageContaining("must start with postgres://")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> PostgresUri.parse("postgres://app:hunter2@db:5432/"))
        .hasMessageContaining("names no database")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> PostgresUri.parse("postgres://db:5432/app"))
        .hasMessageContaining("names no user");
    assertThatThrownBy(() -> PostgresUri.parse("")).hasMessage("is empty");
    assertThatThrownBy(() -> PostgresUri.parse("postgres://app:hun ter2@db/app"))
        .hasMessageContaining("is not a URI")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void formatsBackToAUri() {
    String text = "postgres://app:s%40cret@db:5432/app";
    assertThat(PostgresUri.parse(text).format()).isEqualTo(text);
  }

  @Test
  void shortServiceNamesAreResolvedFromTheAppsNamespace() {
    assertThat(PostgresUri.parse("postgres://a:x@db:5432/app").resolvedFrom("shop").host())
        .isEqualTo("db.shop.svc");
    for (String host : new String[] {"db.other.svc", "10.0.0.7", "localhost", "[::1]"}) {
      PostgresUri u = PostgresUri.parse("postgres://a:x@" + host + ":5432/app");
      assertThat(u.resolvedFrom("shop")).isEqualTo(u);
    }
  }

  @Test
  void comparesByServerAddressAndDatabase() {
    PostgresUri a = PostgresUri.parse("postgres://a:x@DB:5432/app");
    assertThat(a.sameDatabaseAs(PostgresUri.parse("postgres://b:y@db/app"))).isTrue();
    assertThat(a.sameDatabaseAs(PostgresUri.parse("postgres://a:x@db/other"))).isFalse();
    assertThat(a.sameDatabaseAs(PostgresUri.parse("postgres://a:x@db:5433/app"))).isFalse();
  }

  @Test
  void becomesALibpqConnectionStringWithEveryValueQuoted() {
    PostgresUri u =
        PostgresUri.parse("postgres://app:it%27s%5Cx@db.shop.svc:5433/app?sslmode=require");
    assertThat(u.conninfo())
        .isEqualTo(
            "host='db.shop.svc' port=5433 dbname='app' user='app' password='it\\'s\\\\x'"
                + " sslmode='require'");
  }

  @Test
  void aPasswordFileLineEscapesColonsAndBackslashesAndTheCommandLineHasNoPassword() {
    PostgresUri u = PostgresUri.parse("postgres://app:p%3Aw%5Cd@db.example:5433/app");
    assertThat(u.pgpassLine()).isEqualTo("db.example:5433:app:app:p\\:w\\\\d");
    assertThat(u.withoutPassword().conninfo()).doesNotContain("password").contains("user='app'");
    assertThat(u.withoutPassword().pgpassLine()).isNull();
  }
}
