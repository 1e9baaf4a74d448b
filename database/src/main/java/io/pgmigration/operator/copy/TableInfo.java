package io.pgmigration.operator.copy;

import java.util.List;

/**
 * A table whose rows are copied: its qualified name, the columns that hold data (generated columns
 * left out), its size, and whether its rows can travel in COPY's binary format.
 *
 * @param binary false when a column's type is not built in: binary COPY carries type OIDs inside
 *     arrays and composites, and those differ between servers
 */
public record TableInfo(
    String schema, String name, List<String> columns, long bytes, long pages, boolean binary) {

  /** {@code "schema"."name"}, quoted. */
  public String qualified() {
    return quote(schema) + "." + quote(name);
  }

  /** The column list, quoted, for COPY and SELECT. */
  public String columnList() {
    return String.join(", ", columns.stream().map(TableInfo::quote).toList());
  }

  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}
