package io.pgmigration.operator.copy;

import java.util.List;

/**
 * A table whose rows are copied: its qualified name, the columns that hold data (generated and
 * dropped columns left out; possibly none), its size, and whether its rows can travel in COPY's
 * binary format.
 *
 * @param binary false when a column's type is not built in (binary COPY carries type OIDs inside
 *     arrays and composites, and those differ between servers), when a column's type has no binary
 *     send or receive function ({@code aclitem}), and when there is no column at all
 */
public record TableInfo(
    String schema, String name, List<String> columns, long bytes, long pages, boolean binary) {

  public TableInfo {
    columns = List.copyOf(columns);
    binary = binary && !columns.isEmpty();
  }

  /** {@code "schema"."name"}, quoted. */
  public String qualified() {
    return quote(schema) + "." + quote(name);
  }

  /** The column list, quoted, for SELECT: empty for a table without columns. */
  public String columnList() {
    return String.join(", ", columns.stream().map(TableInfo::quote).toList());
  }

  /**
   * The column list as COPY takes it after the table's name: {@code " (a, b)"}, or nothing for a
   * table without columns ({@code COPY t ()} is a syntax error; {@code COPY t} moves its empty
   * rows).
   */
  public String copyColumns() {
    return columns.isEmpty() ? "" : " (" + columnList() + ")";
  }

  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}
