package io.pgmigration.operator.copy;

import io.pgmigration.operator.copy.CopyContract.Bookkeeping;
import io.pgmigration.operator.db.DatabaseProbe;
import io.pgmigration.operator.db.Sequences;
import io.pgmigration.operator.secrets.PostgresUri;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

/**
 * Copies the rows of every table, the sequences' values and the large objects' contents from the
 * source to a destination whose schema (pre-data) is already in place, with parallel COPY streams
 * and no intermediate files. All workers read one exported snapshot of the source.
 *
 * <p>Resumable: each item's rows and its mark in the bookkeeping schema commit in one transaction
 * on the destination, so a restarted copy skips what is done and an item can never land twice.
 */
public final class DataCopy {
  /**
   * How the copy is cut and shared: {@code workers} streams in this process, items of about {@code
   * chunkBytes}, this process being worker {@code index} of {@code count}; a table of at least
   * {@code buildBytes} gets its indexes built as soon as its rows are in, while the other tables
   * are still copying (-1: none).
   */
  public record Options(int workers, long chunkBytes, int index, int count, long buildBytes) {
    public Options(int workers, long chunkBytes, int index, int count) {
      this(workers, chunkBytes, index, count, chunkBytes);
    }
  }

  /** What a run did. */
  public record Result(int items, int skipped, long bytes, int sequences, int largeObjects) {}

  private final PostgresUri source;
  private final PostgresUri destination;
  private final Consumer<String> log;

  public DataCopy(PostgresUri source, PostgresUri destination, Consumer<String> log) {
    this.source = source;
    this.destination = destination;
    this.log = log;
  }

  /** Copies this worker's share of the rows; with {@code index} 0 also sequences and LOs. */
  public Result run(Options options) throws Exception {
    try (Connection snapshotHolder = connect(source)) {
      snapshotHolder.setAutoCommit(false);
      exec(snapshotHolder, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      String snapshot = one(snapshotHolder, "SELECT pg_export_snapshot()");
      List<TableInfo> tables = SourceCatalog.tables(snapshotHolder);
      boolean split = SourceCatalog.scansTidRanges(snapshotHolder);
      Set<String> done = prepareState();
      List<WorkItem> all = CopyPlan.items(tables, options.chunkBytes(), split);
      List<WorkItem> todo = new ArrayList<>();
      for (WorkItem item : all) {
        if (!done.contains(item.id())) {
          todo.add(item);
        }
      }
      // Dealt from every item, done or not: each worker sees the marks at its own moment, and
      // only the whole list is the same for all of them. A run with another worker count (one
      // pod finishing what several started) is dealt afresh.
      List<WorkItem> mine = new ArrayList<>();
      for (WorkItem item : CopyPlan.share(all, options.index(), options.count())) {
        if (!done.contains(item.id())) {
          mine.add(item);
        }
      }
      EarlyBuilds builds = EarlyBuilds.plan(snapshotHolder, tables, all, options.buildBytes(), log);
      log.accept(
          String.format(
              "%d tables in %d items; %d already done; this worker copies %d with %d streams",
              tables.size(), all.size(), all.size() - todo.size(), mine.size(), options.workers()));
      try (Connection d = connect(destination)) {
        bulkLoad(d);
        builds.finishedBefore(d, tables, done);
      }
      // Worker 0 also copies the sequences and large objects, in their place in size order (the
      // large objects' table's size), by whichever stream comes to them first.
      Streams streams =
          new Streams(
              new ConcurrentLinkedQueue<>(mine),
              snapshot,
              builds,
              Long.parseLong(one(snapshotHolder, "SELECT pg_relation_size('pg_largeobject')")),
              options.index() == 0);
      runStreams(streams, Math.max(1, Math.min(options.workers(), mine.size())));
      snapshotHolder.commit();
      return new Result(
          mine.size(),
          all.size() - todo.size(),
          streams.bytes.get(),
          streams.sequences.get(),
          streams.largeObjects.get());
    }
  }

  /** Runs {@code n} streams until every item is copied; the first failure fails the run. */
  private void runStreams(Streams streams, int n) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        futures.add(pool.submit(() -> stream(streams)));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private Set<String> prepareState() throws SQLException {
    try (Connection d = connect(destination)) {
      // Workers start together, and CREATE … IF NOT EXISTS is not safe against a concurrent one.
      d.setAutoCommit(false);
      exec(d, "SELECT pg_advisory_xact_lock(hashtext('" + Bookkeeping.LOCK_MARKS + "'))");
      exec(d, Bookkeeping.CREATE_MARKS);
      d.commit();
      Set<String> done = new HashSet<>();
      try (Statement s = d.createStatement();
          ResultSet r = s.executeQuery(Bookkeeping.DONE_ITEMS)) {
        while (r.next()) {
          done.add(r.getString(1));
        }
      }
      return done;
    }
  }

  /** What the streams of one run share: the items left, and what they have done. */
  private static final class Streams {
    final Queue<WorkItem> queue;
    final String snapshot;
    final EarlyBuilds builds;
    final long tailBytes;
    final AtomicBoolean tailTaken;
    final AtomicLong bytes = new AtomicLong();
    final AtomicInteger sequences = new AtomicInteger();
    final AtomicInteger largeObjects = new AtomicInteger();

    Streams(
        Queue<WorkItem> queue,
        String snapshot,
        EarlyBuilds builds,
        long tailBytes,
        boolean withTail) {
      this.queue = queue;
      this.snapshot = snapshot;
      this.builds = builds;
      this.tailBytes = tailBytes;
      this.tailTaken = new AtomicBoolean(!withTail);
    }

    /**
     * Whether the caller copies the sequences and large objects now: they are this worker's, no
     * stream has taken them, and they are at least as large as the next item (largest first).
     */
    boolean tailNow() {
      WorkItem next = queue.peek();
      return !tailTaken.get()
          && (next == null || next.bytes() <= tailBytes)
          && tailTaken.compareAndSet(false, true);
    }
  }

  /**
   * One stream: a source connection in the shared snapshot and a destination connection, kept for
   * every item it takes from the queue (a connection costs an authentication handshake, and a
   * schema of many small tables would pay it per table). Of worker 0's streams, the first to come
   * to them in size order copies the sequences and large objects, while the others go on copying.
   */
  private Void stream(Streams streams) throws SQLException {
    try (Connection s = connect(source);
        Connection d = connect(destination)) {
      s.setAutoCommit(false);
      exec(s, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      exec(s, "SET TRANSACTION SNAPSHOT '" + streams.snapshot + "'");
      // A table's row-level security must not hide rows from the copy, nor refuse the rows it
      // writes, silently: with it off, a policy that would apply fails the copy instead.
      exec(s, "SET row_security = off");
      bulkLoad(d);
      try (PreparedStatement mark = d.prepareStatement(Bookkeeping.MARK_DONE)) {
        while (true) {
          if (streams.tailNow()) {
            streams.sequences.set(Sequences.copy(s, d));
            d.commit();
            streams.largeObjects.set(LargeObjects.copy(s, d));
            continue;
          }
          WorkItem item = streams.queue.poll();
          if (item == null) {
            break;
          }
          copyItem(item, s, d, mark, streams);
        }
      }
      s.commit();
    }
    return null;
  }

  /**
   * Copies one item in one transaction on the destination, its rows and its mark; then builds its
   * table's indexes if it completed the table.
   */
  private void copyItem(
      WorkItem item, Connection s, Connection d, PreparedStatement mark, Streams streams)
      throws SQLException {
    long moved;
    try {
      moved = copy(item, s, d);
    } catch (SQLException e) {
      throw CopyFailure.on("copying " + item.id(), e);
    }
    mark.setString(1, item.id());
    mark.executeUpdate();
    d.commit();
    streams.bytes.addAndGet(moved);
    log.accept("copied " + item.id() + " (" + moved + " bytes)");
    streams.builds.afterItem(d, item);
  }

  /** Streams one item's rows from {@code s} to {@code d}; returns the bytes moved. */
  private static long copy(WorkItem item, Connection s, Connection d) throws SQLException {
    long moved = 0;
    CopyOut out = s.unwrap(PGConnection.class).getCopyAPI().copyOut(item.copyOut());
    CopyIn in = d.unwrap(PGConnection.class).getCopyAPI().copyIn(item.copyIn());
    try {
      byte[] buf;
      while ((buf = out.readFromCopy()) != null) {
        in.writeToCopy(buf, 0, buf.length);
        moved += buf.length;
      }
      in.endCopy();
    } finally {
      if (in.isActive()) {
        in.cancelCopy();
      }
      if (out.isActive()) {
        out.cancelCopy();
      }
    }
    return moved;
  }

  /**
   * The early index builds' maintenance_work_mem, in kB: a large table's index sorts in memory,
   * with no temporary files (pgcopydb sets the same). A server's higher setting is kept.
   */
  static final long BUILD_MEMORY_KB = 1 << 20;

  /**
   * A destination session of the copy: row-level security off (see {@link #stream}); commits that
   * do not wait for the WAL to reach the disk, since a crash loses an item's rows and its mark
   * together and a restarted copy copies it again; memory for the index builds; no autocommit.
   */
  private static void bulkLoad(Connection d) throws SQLException {
    exec(d, "SET row_security = off");
    exec(d, "SET synchronous_commit = off");
    exec(
        d,
        "SELECT set_config('maintenance_work_mem', '"
            + BUILD_MEMORY_KB
            + "kB', false) FROM pg_settings"
            + " WHERE name = 'maintenance_work_mem' AND setting::bigint < "
            + BUILD_MEMORY_KB);
    d.setAutoCommit(false);
  }

  private static Connection connect(PostgresUri uri) throws SQLException {
    Properties p = new Properties();
    // A large table streams for a long time: no socket timeout, and a name in pg_stat_activity.
    p.setProperty("socketTimeout", "0");
    p.setProperty("ApplicationName", "pg-migration-operator copy");
    return DatabaseProbe.connect(uri, p);
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String one(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }
}
