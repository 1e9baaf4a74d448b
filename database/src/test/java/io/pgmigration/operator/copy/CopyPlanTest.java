package io.pgmigration.operator.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CopyPlanTest {
  private static final long MB = 1 << 20;

  private static TableInfo table(String name, long bytes) {
    return new TableInfo("public", name, List.of("id", "body"), bytes, bytes / 8192, true);
  }

  @Test
  void aLargeTableIsSplitIntoPageRangesThatCoverItAndTheLastIsOpenEnded() {
    List<WorkItem> items =
        CopyPlan.items(List.of(table("accounts", 1000 * MB), table("small", MB)), 256 * MB, true);
    List<WorkItem> ranges =
        items.stream().filter(i -> i.table().name().equals("accounts")).toList();
    assertThat(ranges).hasSize(4);
    long pages = 1000 * MB / 8192;
    List<WorkItem> byStart = new ArrayList<>(ranges);
    byStart.sort((a, b) -> Long.compare(a.fromPage(), b.fromPage()));
    assertThat(byStart.get(0).fromPage()).isZero();
    for (int i = 1; i < byStart.size(); i++) {
      assertThat(byStart.get(i).fromPage()).isEqualTo(byStart.get(i - 1).toPage());
    }
    assertThat(byStart.get(3).toPage()).isEqualTo(-1);
    assertThat(byStart.get(3).fromPage()).isLessThan(pages);
    assertThat(byStart.get(3).copyOut())
        .contains("FROM ONLY \"public\".\"accounts\" WHERE ctid >= '(")
        .doesNotContain("ctid <");
    assertThat(byStart.get(0).copyOut()).contains("ctid >= '(0,0)'::tid AND ctid < '(");
    assertThat(items.get(items.size() - 1).table().name()).isEqualTo("small");
    assertThat(items.get(items.size() - 1).isWhole()).isTrue();
  }

  @Test
  void olderServersCopyWholeTables() {
    assertThat(CopyPlan.items(List.of(table("accounts", 1000 * MB)), 256 * MB, false))
        .singleElement()
        .satisfies(i -> assertThat(i.isWhole()).isTrue());
  }

  @Test
  void sharesAreDisjointCompleteAndBalancedBySize() {
    List<TableInfo> tables = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      tables.add(table("t" + i, (i + 1) * 10 * MB));
    }
    tables.add(table("big", 2000 * MB));
    List<WorkItem> items = CopyPlan.items(tables, 256 * MB, true);
    Set<String> seen = new HashSet<>();
    long[] bytes = new long[3];
    for (int w = 0; w < 3; w++) {
      for (WorkItem item : CopyPlan.share(items, w, 3)) {
        assertThat(seen.add(item.id())).as(item.id()).isTrue();
        bytes[w] += item.bytes();
      }
    }
    assertThat(seen).hasSize(items.size());
    long max = Math.max(bytes[0], Math.max(bytes[1], bytes[2]));
    long min = Math.min(bytes[0], Math.min(bytes[1], bytes[2]));
    assertThat(max - min).isLessThanOrEqualTo(256 * MB);
  }

  @Test
  void tablesWithTypesOfTheirOwnTravelAsText() {
    TableInfo typed = new TableInfo("public", "typed", List.of("m"), 10, 1, false);
    assertThat(WorkItem.whole(typed).copyOut()).endsWith("(FORMAT text)");
    assertThat(WorkItem.whole(typed).copyIn())
        .isEqualTo("COPY \"public\".\"typed\" (\"m\") FROM STDIN (FORMAT text)");
    assertThat(WorkItem.whole(table("plain", 10)).copyIn()).endsWith("(FORMAT binary)");
  }
}
