package io.pgmigration.operator.copy;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership;
import io.pgmigration.operator.copy.CopyContract.Bookkeeping;
import io.pgmigration.operator.db.DatabaseProbe;
import io.pgmigration.operator.db.Roles;
import io.pgmigration.operator.db.SchemaDump;
import io.pgmigration.operator.secrets.PostgresUri;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One pod of the copy Job: from an empty destination to a complete copy, in three steps that the
 * Job's pods coordinate through the destination itself, so no pod needs to know about another:
 *
 * <ol>
 *   <li><b>schema</b>: pg_dump's pre-data section ({@code pre-data.sh}), restored by whichever pod
 *       takes the lock first, in one transaction with the mark that it is done; the others wait for
 *       the lock, find the mark and go on;
 *   <li><b>data</b>: this pod's share of the rows ({@link DataCopy}), then its mark {@code data
 *       <index>};
 *   <li><b>post-data</b>: the pod that finds every pod's data mark builds the indexes, constraints
 *       and the rest ({@code post-data.sh}), which drops the marks at its end; a pod that finishes
 *       earlier leaves this to the last one.
 * </ol>
 *
 * A pod started again after a failure repeats nothing that is marked done.
 */
public final class CopyPod {
  private final PostgresUri source;
  private final PostgresUri destination;
  private final Ownership ownership;
  private final DataCopy copy;
  private final Consumer<String> log;
  private final Map<String, String> environment;

  /**
   * @param ownership whether objects keep their owners and grants, and whether missing roles are
   *     created first
   * @param environment the scripts' environment: SOURCE_URL and DESTINATION_URL, JOBS, WORK_DIR
   */
  public CopyPod(
      PostgresUri source,
      PostgresUri destination,
      Ownership ownership,
      Map<String, String> environment,
      Consumer<String> log) {
    this.source = source;
    this.destination = destination;
    this.ownership = ownership;
    this.copy = new DataCopy(source, destination, log);
    this.log = log;
    this.environment = environment;
  }

  /** Runs this pod's part of the copy; {@code options} say which pod of how many it is. */
  public DataCopy.Result run(DataCopy.Options options) throws Exception {
    long start = System.nanoTime();
    CompletableFuture<Void> dump = postDataDump();
    long schema;
    DataCopy.Result result;
    try {
      schema();
      schema = System.nanoTime();
      result = copy.run(options);
    } finally {
      dump.exceptionally(e -> null).join();
    }
    markDataDone(options.index());
    long rows = System.nanoTime();
    postData(options.count());
    log.accept(
        String.format(
            "schema %.1f s, rows %.1f s, post-data %.1f s",
            (schema - start) / 1e9, (rows - schema) / 1e9, (System.nanoTime() - rows) / 1e9));
    return result;
  }

  /**
   * pg_dump's post-data section, taken while the schema restores and the rows copy ({@code
   * post-data-dump.sh}), so the last pod does not wait for it; should it fail, the post-data step
   * takes it again.
   */
  private CompletableFuture<Void> postDataDump() throws IOException {
    Files.deleteIfExists(workDir().resolve("post-data.dump"));
    return CompletableFuture.runAsync(
        () -> {
          try {
            script("post-data-dump.sh", Map.of());
          } catch (IOException | RuntimeException e) {
            log.accept("post-data dump while copying failed, taken again later: " + e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  /** The schema step: restores pg_dump's pre-data section unless another pod has. */
  void schema() throws Exception {
    try (Connection d = connect()) {
      lock(d, Bookkeeping.LOCK_SCHEMA);
      if (marked(d, "schema")) {
        log.accept("the schema is already restored");
      } else {
        restore("pre-data.sh", List.of("--section=pre-data"));
      }
    }
  }

  /** The Streaming method's schema, with the roles it needs created first when asked. */
  public void wholeSchema() throws Exception {
    restore("schema.sh", List.of("--schema-only", "--no-subscriptions"));
  }

  /**
   * Runs {@code step} on the schema pg_dump writes with {@code options}, in the order the rehearsal
   * tried ({@link SchemaDump#script}), after the roles the copy creates. The script goes through a
   * file only this pod's user may read, since the roles' statements may hold password verifiers; it
   * is deleted once restored.
   */
  private void restore(String step, List<String> options) throws Exception {
    Path file = workDir().resolve("schema.sql");
    try {
      writePrivate(file, roles() + SchemaDump.script(source, options, ownership));
      script(step, Map.of("PGMO_SCHEMA_FILE", file.toString()));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * The statements that create the roles missing on the destination, when the spec asks for them;
   * they run in the schema's transaction.
   */
  private String roles() throws SQLException {
    if (ownership != Ownership.CreateRoles) {
      return "";
    }
    try (Connection s = DatabaseProbe.connect(source);
        Connection d = connect()) {
      Roles.Creation plan = Roles.plan(s, d);
      if (!plan.created().isEmpty()) {
        log.accept(
            "creating "
                + plan.created().size()
                + " role(s) on the destination: "
                + String.join(", ", plan.created())
                + (plan.withoutLogin().isEmpty()
                    ? ""
                    : "; without LOGIN, since their passwords cannot be read on the source: "
                        + String.join(", ", plan.withoutLogin())));
      }
      return plan.sql();
    }
  }

  private void markDataDone(int index) throws SQLException {
    try (Connection d = connect();
        var s = d.prepareStatement(Bookkeeping.MARK_STEP)) {
      s.setString(1, "data " + index);
      s.executeUpdate();
    }
  }

  private void postData(int pods) throws Exception {
    try (Connection d = connect()) {
      lock(d, Bookkeeping.LOCK_POST_DATA);
      if (!stepsExist(d)) {
        log.accept("another pod has already built the indexes and constraints");
        return;
      }
      int done = dataMarks(d);
      if (done < pods) {
        log.accept(
            done
                + " of "
                + pods
                + " pods have copied their share; the last one builds the indexes and"
                + " constraints");
        return;
      }
      script("post-data.sh", Map.of());
    }
  }

  /**
   * Runs one of the Job's shell steps, which ship with this class, with the pod's environment; its
   * output goes to the pod's log.
   */
  void script(String name, Map<String, String> more) throws IOException, InterruptedException {
    String text;
    try (InputStream in = CopyPod.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the copy step " + name + " is missing from the build");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", text).inheritIO();
    pb.environment().putAll(environment);
    pb.environment().putAll(connections());
    pb.environment().putAll(Bookkeeping.scriptEnvironment());
    pb.environment()
        .put("PGMO_DUMP_OPTIONS", String.join(" ", CopyContract.dumpOptions(ownership)));
    pb.environment().putAll(more);
    int exit = pb.start().waitFor();
    if (exit != 0) {
      throw new CopyFailure.StepFailed(name, exit);
    }
  }

  /**
   * How the shell steps reach both servers without a password on any command line: connection
   * strings without it ({@code PGMO_SOURCE}, {@code PGMO_DESTINATION}), and the passwords in a
   * libpq password file only this pod's user may read ({@code PGPASSFILE}). Steps may start at
   * once: the first writes the file.
   */
  private synchronized Map<String, String> connections() throws IOException {
    Path file = workDir().resolve("pgpass");
    if (!Files.exists(file)) {
      StringBuilder lines = new StringBuilder();
      for (PostgresUri u : List.of(source, destination)) {
        if (u.pgpassLine() != null) {
          lines.append(u.pgpassLine()).append('\n');
        }
      }
      writePrivate(file, lines);
    }
    return Map.of(
        "PGMO_SOURCE", source.withoutPassword().conninfo(),
        "PGMO_DESTINATION", destination.withoutPassword().conninfo(),
        "PGPASSFILE", file.toString());
  }

  /** Writes {@code text} to a new {@code file} that only this process's user may read (0600). */
  public static void writePrivate(Path file, CharSequence text) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, text);
  }

  private Path workDir() {
    return Path.of(environment.getOrDefault(CopyContract.Env.WORK_DIR, "/work"));
  }

  private Connection connect() throws SQLException {
    return DatabaseProbe.connect(destination);
  }

  /** A session lock on the destination, held until the connection closes. */
  private static void lock(Connection d, String name) throws SQLException {
    try (Statement s = d.createStatement()) {
      s.execute("SELECT pg_advisory_lock(hashtext('" + name + "'))");
    }
  }

  private static boolean stepsExist(Connection d) throws SQLException {
    try (Statement s = d.createStatement();
        ResultSet r = s.executeQuery(Bookkeeping.STEPS_EXIST)) {
      r.next();
      return r.getBoolean(1);
    }
  }

  private static boolean marked(Connection d, String step) throws SQLException {
    if (!stepsExist(d)) {
      return false;
    }
    try (var s = d.prepareStatement(Bookkeeping.STEP_DONE)) {
      s.setString(1, step);
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
    }
  }

  private static int dataMarks(Connection d) throws SQLException {
    try (Statement s = d.createStatement();
        ResultSet r = s.executeQuery(Bookkeeping.DATA_MARKS)) {
      r.next();
      return r.getInt(1);
    }
  }
}
