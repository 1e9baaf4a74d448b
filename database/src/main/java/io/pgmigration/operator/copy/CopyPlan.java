package io.pgmigration.operator.copy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Cuts the tables into work items and deals them out. Pure. A table larger than {@code chunkBytes}
 * is split into page ranges of about that size, so one large table keeps every worker busy; items
 * are ordered largest first, which keeps the last worker from finishing long after the others.
 */
public final class CopyPlan {
  private CopyPlan() {}

  /**
   * The work items for {@code tables}. {@code splitTables} is false on servers older than
   * PostgreSQL 14, which scan a ctid range by reading the whole table.
   */
  public static List<WorkItem> items(List<TableInfo> tables, long chunkBytes, boolean splitTables) {
    List<WorkItem> out = new ArrayList<>();
    for (TableInfo t : tables) {
      if (!splitTables || t.bytes() <= chunkBytes || t.pages() < 2) {
        out.add(WorkItem.whole(t));
        continue;
      }
      int parts = (int) Math.min(t.pages(), (t.bytes() + chunkBytes - 1) / chunkBytes);
      long pagesPer = (t.pages() + parts - 1) / parts;
      for (long from = 0; from < t.pages(); from += pagesPer) {
        long to = from + pagesPer >= t.pages() ? -1 : from + pagesPer;
        long pages = (to < 0 ? t.pages() : to) - from;
        out.add(new WorkItem(t, from, to, t.bytes() * pages / t.pages()));
      }
    }
    out.sort(Comparator.comparingLong(WorkItem::bytes).reversed().thenComparing(WorkItem::id));
    return out;
  }

  /**
   * The items worker {@code index} of {@code count} takes: each item goes, largest first, to the
   * worker with the fewest bytes so far (ties to the lowest index). Every worker computes the same
   * deal from the same items, so no coordination is needed.
   */
  public static List<WorkItem> share(List<WorkItem> items, int index, int count) {
    if (count < 1 || index < 0 || index >= count) {
      throw new IllegalArgumentException("worker " + index + " of " + count);
    }
    long[] load = new long[count];
    List<WorkItem> mine = new ArrayList<>();
    for (WorkItem item : items) {
      int least = 0;
      for (int w = 1; w < count; w++) {
        if (load[w] < load[least]) {
          least = w;
        }
      }
      load[least] += Math.max(1, item.bytes());
      if (least == index) {
        mine.add(item);
      }
    }
    return mine;
  }
}
