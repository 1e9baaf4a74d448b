package io.pgmigration.operator.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Progress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CopyProgressTest {
  private static final Map<String, Long> SOURCE =
      Map.of("public.orders", 600L, "public.customers", 400L, "public.empty", 0L);

  @Test
  void nothingCopiedYet() {
    Progress p = CopyProgress.compute(SOURCE, Map.of(), Map.of());
    assertThat(p.tablesTotal).isEqualTo(3);
    assertThat(p.tablesDone).isZero();
    assertThat(p.bytesTotal).isEqualTo(1000);
    assertThat(p.display).isEqualTo("0%");
  }

  @Test
  void doneTablesCountInFullAndARunningCopyByWhatItRead() {
    Progress p =
        CopyProgress.compute(
            SOURCE,
            Map.of("public.customers", 380L, "public.orders", 8L, "public.empty", 0L),
            Map.of("public.orders", 150L));
    assertThat(p.tablesDone).as("customers, and the empty table").isEqualTo(2);
    assertThat(p.bytesDone).isEqualTo(550);
    assertThat(p.percent).isEqualTo(55);
  }

  @Test
  void staysBelowAHundredUntilTheJobSaysItFinished() {
    Progress p =
        CopyProgress.compute(
            SOURCE,
            Map.of("public.customers", 400L, "public.orders", 700L, "public.empty", 0L),
            Map.of());
    assertThat(p.tablesDone).isEqualTo(3);
    assertThat(p.bytesDone).isEqualTo(1000);
    assertThat(p.display).isEqualTo("99%");
  }

  @Test
  void aTableCreatedButNotYetFilledIsNotDone() {
    Progress p = CopyProgress.compute(SOURCE, Map.of("public.orders", 0L), Map.of());
    assertThat(p.tablesDone).isZero();
    assertThat(p.bytesDone).isZero();
  }
}
