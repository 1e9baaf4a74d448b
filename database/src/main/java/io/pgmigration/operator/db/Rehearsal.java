package io.pgmigration.operator.db;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.Severity;
import io.pgmigration.operator.api.v1alpha1.SpecHash;
import io.pgmigration.operator.copy.CopyFailure;
import io.pgmigration.operator.copy.SourceCatalog;
import io.pgmigration.operator.copy.TableInfo;
import io.pgmigration.operator.copy.WorkItem;
import io.pgmigration.operator.secrets.PostgresUri;
import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.postgresql.PGConnection;

/**
 * The copy rehearsed on the destination while the app still runs, in one transaction that is always
 * rolled back, so nothing is left: the schema restored exactly as the copy restores it (pg_dump's
 * pre-data section), every table sent through the engine's own row path with zero rows (the same
 * COPY statement, binary or text), then the post-data section (indexes, constraints, triggers,
 * rules, policies) on the empty tables. Each statement runs under a savepoint, so every failure is
 * found, not just the first, and each becomes a blocking check naming the object, the server's
 * error and a hint.
 */
public final class Rehearsal {
  /** A binary COPY stream without rows: its signature, flags, header extension and trailer. */
  private static final byte[] EMPTY_BINARY = {
    'P',
    'G',
    'C',
    'O',
    'P',
    'Y',
    '\n',
    (byte) 0xff,
    '\r',
    '\n',
    0, // signature
    0,
    0,
    0,
    0, // flags
    0,
    0,
    0,
    0, // header extension length
    (byte) 0xff,
    (byte) 0xff // trailer: -1 fields
  };

  private Rehearsal() {}

  /** One schema object whose restore failed, or a table whose rows could not be received. */
  record Failure(String object, String error, String sqlState) {}

  /**
   * Rehearses copying {@code source} into {@code destination}, within {@code budget}, with owners
   * and grants as {@code ownership} has the copy restore them (and the roles it creates first).
   *
   * @return one passed check, or one blocking check per failure; an Error check when the rehearsal
   *     could not run or did not finish in time
   */
  public static List<CheckResult> run(
      PostgresUri source, PostgresUri destination, Ownership ownership, Duration budget) {
    Instant began = Instant.now();
    Instant deadline = began.plus(budget);
    try {
      String preData = SchemaDump.section(source, "pre-data", ownership, deadline);
      String postData = SchemaDump.section(source, "post-data", ownership, deadline);
      List<Failure> failures = new ArrayList<>();
      int objects;
      int tables;
      Properties unbounded = new Properties();
      unbounded.setProperty("socketTimeout", "0");
      try (Connection src = DatabaseProbe.connect(source);
          Connection dst = DatabaseProbe.connect(destination, unbounded)) {
        dst.setAutoCommit(false);
        try {
          timeout(dst, deadline);
          List<SchemaDump.Entry> first = new ArrayList<>();
          if (ownership == Ownership.CreateRoles) {
            String roles = Roles.plan(src, dst).sql();
            if (!roles.isEmpty()) {
              first.add(new SchemaDump.Entry("the roles the copy creates", roles, false));
            }
          }
          first.addAll(SchemaDump.restoreOrder(SchemaDump.entries(preData)));
          objects = apply(dst, first, failures, deadline);
          List<TableInfo> all = SourceCatalog.tables(src);
          tables = all.size();
          receive(dst, all, failures, deadline);
          objects += apply(dst, SchemaDump.entries(postData), failures, deadline);
        } finally {
          dst.rollback();
        }
      }
      List<CheckResult> out =
          results(failures, objects, tables, Duration.between(began, Instant.now()));
      String schema = hash(preData, postData);
      out.forEach(c -> c.fingerprint = schema);
      return out;
    } catch (SchemaDump.TimedOut | SQLException e) {
      boolean late = e instanceof SchemaDump.TimedOut || "57014".equals(sqlState(e));
      return List.of(
          CheckResults.error(
              PreparationChecks.REHEARSAL,
              Severity.Blocking,
              late
                  ? "not finished within " + budget.toSeconds() + "s"
                  : "could not rehearse the copy: " + CopyFailure.describe(e)));
    }
  }

  /**
   * A hash of the schema the rehearsal restores from {@code source}: equal hashes, the same schema
   * (pg_dump's random {@code \restrict} keys aside), so a passed rehearsal still holds.
   */
  public static String schemaHash(PostgresUri source, Ownership ownership, Duration budget)
      throws SQLException {
    Instant deadline = Instant.now().plus(budget);
    try {
      return hash(
          SchemaDump.section(source, "pre-data", ownership, deadline),
          SchemaDump.section(source, "post-data", ownership, deadline));
    } catch (SchemaDump.TimedOut e) {
      throw new SQLException(e.getMessage(), "57014", e);
    }
  }

  /** Each entry's SQL, ended by a zero byte, hashed: pg_dump's comments and keys left out. */
  private static String hash(String preData, String postData) {
    StringBuilder sql = new StringBuilder();
    for (String section : List.of(preData, postData)) {
      for (SchemaDump.Entry e : SchemaDump.entries(section)) {
        sql.append(e.sql()).append('\0');
      }
    }
    return SpecHash.sha256(sql.toString());
  }

  /** A passed rehearsal kept, since neither the spec nor the source's schema changed since. */
  public static CheckResult unchanged(CheckResult passed) {
    String note = "; not repeated: the spec and the source's schema are unchanged since";
    CheckResult c =
        CheckResults.passed(
            PreparationChecks.REHEARSAL,
            Severity.Blocking,
            passed.message.endsWith(note) ? passed.message : passed.message + note);
    c.fingerprint = passed.fingerprint;
    return c;
  }

  /** The rehearsal's check when another blocking check failed: it would only repeat it. */
  public static CheckResult notRun() {
    return CheckResults.error(
        PreparationChecks.REHEARSAL,
        Severity.Blocking,
        "not run: fix the other blocking checks first");
  }

  /** The rehearsal's check when the destination holds this migration's own replica already. */
  public static CheckResult replicaInPlace() {
    return CheckResults.passed(
        PreparationChecks.REHEARSAL,
        Severity.Blocking,
        "the destination holds this migration's replica of the schema already");
  }

  /** Runs every entry under its own savepoint; returns how many there were. */
  private static int apply(
      Connection d, List<SchemaDump.Entry> entries, List<Failure> failures, Instant deadline)
      throws SQLException, SchemaDump.TimedOut {
    int objects = 0;
    for (SchemaDump.Entry entry : entries) {
      SchemaDump.TimedOut.check(deadline, "the rehearsal of " + entry.object());
      if (entry.settings()) {
        try (Statement s = d.createStatement()) {
          s.execute(entry.sql());
        }
        // The dump's own settings turn the statement timeout off: the deadline stands.
        timeout(d, deadline);
        continue;
      }
      objects++;
      Savepoint before = d.setSavepoint();
      try (Statement s = d.createStatement()) {
        s.execute(entry.sql());
        d.releaseSavepoint(before);
      } catch (SQLException e) {
        if ("57014".equals(e.getSQLState())) {
          throw e;
        }
        d.rollback(before);
        failures.add(new Failure(entry.object(), CopyFailure.describe(e), e.getSQLState()));
      }
    }
    return objects;
  }

  /** Every table receives zero rows through the COPY statement the engine will use for it. */
  private static void receive(
      Connection d, List<TableInfo> tables, List<Failure> failures, Instant deadline)
      throws SQLException, SchemaDump.TimedOut {
    PGConnection pg = d.unwrap(PGConnection.class);
    byte[] empty = new byte[0];
    for (TableInfo t : tables) {
      SchemaDump.TimedOut.check(deadline, "the rehearsal of " + t.qualified());
      WorkItem item = WorkItem.whole(t);
      Savepoint before = d.setSavepoint();
      try {
        // A binary COPY needs its header even without rows; text needs nothing at all.
        byte[] input = t.binary() ? EMPTY_BINARY : empty;
        pg.getCopyAPI().copyIn(item.copyIn(), new ByteArrayInputStream(input));
        d.releaseSavepoint(before);
      } catch (SQLException | java.io.IOException e) {
        d.rollback(before);
        String state = e instanceof SQLException sql ? sql.getSQLState() : null;
        failures.add(new Failure("rows of TABLE " + t.qualified(), CopyFailure.describe(e), state));
      }
    }
  }

  private static List<CheckResult> results(
      List<Failure> failures, int objects, int tables, Duration took) {
    if (failures.isEmpty()) {
      return List.of(
          CheckResults.passed(
              PreparationChecks.REHEARSAL,
              Severity.Blocking,
              "restored "
                  + objects
                  + " schema objects and received "
                  + tables
                  + " tables' rows on the destination, then rolled it all back ("
                  + String.format(java.util.Locale.ROOT, "%.1f", took.toMillis() / 1000.0)
                  + " s)"));
    }
    List<CheckResult> out = new ArrayList<>();
    for (Failure f : failures) {
      out.add(
          CheckResults.failed(
              PreparationChecks.REHEARSAL,
              Severity.Blocking,
              f.object() + ": " + f.error(),
              RehearsalHints.hint(f.sqlState(), f.error())));
    }
    return out;
  }

  /** Statements on the destination end by the deadline, whatever they are doing. */
  private static void timeout(Connection d, Instant deadline) throws SQLException {
    long left = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
    try (Statement s = d.createStatement()) {
      s.execute("SET LOCAL statement_timeout = " + left);
      // As the engine receives rows: a policy must fail loudly, never filter.
      s.execute("SET LOCAL row_security = off");
    }
  }

  private static String sqlState(Exception e) {
    return e instanceof SQLException sql ? sql.getSQLState() : null;
  }
}
