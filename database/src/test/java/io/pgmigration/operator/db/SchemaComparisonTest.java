package io.pgmigration.operator.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** What the switch-over's comparison of the schemas leaves out while the replication still runs. */
class SchemaComparisonTest {
  private static final Predicate<String> LEFT_OUT =
      SchemaComparison.Leaving.replication("pgmo_4f2a").objects();

  @Test
  void theReplicationsOwnObjectsAreLeftOut() {
    assertThat(
            List.of(
                "PUBLICATION pgmo_4f2a",
                "PUBLICATION TABLE public.pgmo_4f2a orders",
                "PUBLICATION TABLES IN SCHEMA public.pgmo_4f2a public",
                "SUBSCRIPTION pgmo_4f2a",
                "TRIGGER public.orders pgmo_verify_changes",
                "TRIGGER public.orders pgmo_verify_changes_truncate"))
        .allMatch(LEFT_OUT);
    assertThat(SchemaComparison.Leaving.replication("pgmo_4f2a").dumpOptions())
        .containsExactly("--exclude-schema=" + OnlineVerification.SCHEMA);
  }

  @Test
  void theAppsObjectsAreCompared() {
    assertThat(
            List.of(
                "TABLE public.orders",
                "TRIGGER public.orders audit",
                "TRIGGER public.pgmo_verify_changes audit",
                "PUBLICATION pgmo_other",
                "SUBSCRIPTION reporting",
                "INDEX public.orders_pkey"))
        .noneMatch(LEFT_OUT);
    assertThat(SchemaComparison.Leaving.NOTHING.objects().test("PUBLICATION pgmo_4f2a")).isFalse();
  }
}
