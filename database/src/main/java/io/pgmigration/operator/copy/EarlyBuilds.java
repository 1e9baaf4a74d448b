package io.pgmigration.operator.copy;

import io.pgmigration.operator.copy.CopyContract.Bookkeeping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The indexes and key constraints the data copy builds itself, table by table, while the other
 * tables are still copying: a table of at least {@code BUILD_MB} gets them as soon as every item of
 * it, by any worker, is done. pg_restore builds the rest afterwards. Each build is marked in the
 * bookkeeping schema with the index, so none is built twice and the post-data step leaves them out.
 */
final class EarlyBuilds {
  /** A table's work items (all workers') and the indexes to build once they are all done. */
  private record TableWork(List<String> items, List<SourceCatalog.IndexBuild> builds) {}

  private final Map<String, TableWork> work;
  private final Consumer<String> log;

  private EarlyBuilds(Map<String, TableWork> work, Consumer<String> log) {
    this.work = work;
    this.log = log;
  }

  /** What to build for the {@code tables} of at least {@code buildBytes} (-1: none). */
  static EarlyBuilds plan(
      Connection source,
      List<TableInfo> tables,
      List<WorkItem> all,
      long buildBytes,
      Consumer<String> log)
      throws SQLException {
    Map<String, TableWork> work = new HashMap<>();
    for (WorkItem item : all) {
      work.computeIfAbsent(
              item.table().qualified(), k -> new TableWork(new ArrayList<>(), List.of()))
          .items()
          .add(item.id());
    }
    if (buildBytes >= 0) {
      for (TableInfo t : tables) {
        if (t.bytes() >= buildBytes) {
          List<SourceCatalog.IndexBuild> builds = SourceCatalog.indexBuilds(source, t);
          work.computeIfPresent(t.qualified(), (k, w) -> new TableWork(w.items(), builds));
        }
      }
    }
    return new EarlyBuilds(work, log);
  }

  /** After {@code item} has committed: builds its table's indexes if it completed the table. */
  void afterItem(Connection d, WorkItem item) throws SQLException {
    TableWork w = work.get(item.table().qualified());
    if (!w.builds().isEmpty()) {
      buildIfComplete(d, item.table(), w);
    }
  }

  /** Builds the indexes of tables an earlier run finished but stopped before indexing. */
  void finishedBefore(Connection d, List<TableInfo> tables, Set<String> done) throws SQLException {
    for (TableInfo t : tables) {
      TableWork w = work.get(t.qualified());
      if (w != null && !w.builds().isEmpty() && done.containsAll(w.items())) {
        buildIfComplete(d, t, w);
      }
    }
  }

  /**
   * Builds the table's indexes once every item of it, by any worker, is done. The advisory lock and
   * the marks in the bookkeeping schema make sure only one worker builds each, once.
   */
  private void buildIfComplete(Connection d, TableInfo t, TableWork table) throws SQLException {
    exec(d, "SELECT pg_advisory_xact_lock(hashtext(" + literal(t.qualified()) + "))");
    try (PreparedStatement doneCount = d.prepareStatement(Bookkeeping.DONE_COUNT)) {
      doneCount.setArray(1, d.createArrayOf("text", table.items().toArray()));
      try (ResultSet r = doneCount.executeQuery()) {
        r.next();
        if (r.getInt(1) < table.items().size()) {
          d.commit();
          return;
        }
      }
    }
    try (PreparedStatement built = d.prepareStatement(Bookkeeping.BUILT);
        PreparedStatement mark = d.prepareStatement(Bookkeeping.MARK_BUILT)) {
      for (SourceCatalog.IndexBuild b : table.builds()) {
        built.setString(1, b.toc());
        try (ResultSet r = built.executeQuery()) {
          if (r.next()) {
            continue;
          }
        }
        exec(d, b.sql());
        mark.setString(1, b.toc());
        mark.executeUpdate();
      }
    }
    d.commit();
    log.accept("built " + table.builds().size() + " index(es) of " + t.qualified());
  }

  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
