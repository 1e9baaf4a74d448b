package io.pgmigration.operator.copy;

/**
 * One unit of the copy: a whole table, or the rows of a table whose tuple ids lie on pages {@code
 * [fromPage, toPage)}; {@code toPage} is -1 for "to the end", so rows appended after planning are
 * not missed.
 */
public record WorkItem(TableInfo table, long fromPage, long toPage, long bytes) {
  public static WorkItem whole(TableInfo t) {
    return new WorkItem(t, 0, -1, t.bytes());
  }

  public boolean isWhole() {
    return fromPage == 0 && toPage == -1;
  }

  /** A stable id, recorded in the destination when the item is done. */
  public String id() {
    return table.qualified() + (isWhole() ? "" : "[" + fromPage + "," + toPage + ")");
  }

  /**
   * The source side: COPY … TO STDOUT of exactly this item's rows: a table's own rows, never its
   * inheritance children's (COPY of a table, or SELECT … FROM ONLY).
   */
  public String copyOut() {
    String format = table.binary() ? "binary" : "text";
    if (isWhole()) {
      return "COPY "
          + table.qualified()
          + table.copyColumns()
          + " TO STDOUT (FORMAT "
          + format
          + ")";
    }
    String where = "ctid >= '(" + fromPage + ",0)'::tid";
    if (toPage >= 0) {
      where += " AND ctid < '(" + toPage + ",0)'::tid";
    }
    return "COPY (SELECT "
        + table.columnList()
        + " FROM ONLY "
        + table.qualified()
        + " WHERE "
        + where
        + ") TO STDOUT (FORMAT "
        + format
        + ")";
  }

  /** The destination side: COPY … FROM STDIN into the same columns. */
  public String copyIn() {
    return "COPY "
        + table.qualified()
        + table.copyColumns()
        + " FROM STDIN (FORMAT "
        + (table.binary() ? "binary" : "text")
        + ")";
  }
}
