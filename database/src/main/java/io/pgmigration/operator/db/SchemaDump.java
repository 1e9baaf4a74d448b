package io.pgmigration.operator.db;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership;
import io.pgmigration.operator.copy.CopyContract;
import io.pgmigration.operator.secrets.PostgresUri;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A section of the source's schema as pg_dump writes it for the copy (with owners and grants, or
 * {@code --no-owner --no-privileges}, as {@link Ownership} has the copy Job restore it), cut into
 * its entries: pg_dump heads each object with a {@code -- Name: …; Type: …; Schema: …} comment. The
 * password reaches pg_dump through its environment, never its arguments.
 */
public final class SchemaDump {
  private static final Pattern HEADER =
      Pattern.compile("(?m)^-- (?:Data for )?Name: (.*?); Type: (.*?); Schema: (.*?);.*$");

  private SchemaDump() {}

  /** One entry: the object it makes, or the dump's session settings, and its SQL. */
  record Entry(String object, String sql, boolean settings) {}

  /** pg_dump did not finish by the deadline. */
  static final class TimedOut extends Exception {
    private static final long serialVersionUID = 1L;

    TimedOut(String what) {
      super(what + " did not finish in time");
    }

    /** Throws when {@code deadline} has passed, before {@code what}. */
    static void check(Instant deadline, String what) throws TimedOut {
      if (Instant.now().isAfter(deadline)) {
        throw new TimedOut(what);
      }
    }
  }

  /** pg_dump's {@code section} of {@code source}'s schema, as text. */
  static String section(PostgresUri source, String section, Ownership ownership, Instant deadline)
      throws SQLException, TimedOut {
    List<String> what = new ArrayList<>(List.of("--section=" + section));
    what.addAll(CopyContract.dumpOptions(ownership));
    return dump(source, what, deadline);
  }

  /**
   * What the copy restores of {@code source}'s schema, as one script: pg_dump with {@code options}
   * (e.g. {@code --section=pre-data}), the entries in {@link #restoreOrder}, without psql's
   * meta-commands. The copy Job runs it; the rehearsal runs the same entries one by one.
   */
  public static String script(PostgresUri source, List<String> options, Ownership ownership)
      throws SQLException {
    List<String> what = new ArrayList<>(options);
    what.addAll(CopyContract.dumpOptions(ownership));
    try {
      StringBuilder out = new StringBuilder();
      for (Entry e : restoreOrder(entries(dump(source, what, Instant.now().plus(COPY_BUDGET))))) {
        out.append(e.sql()).append("\n\n");
      }
      return out.toString();
    } catch (TimedOut e) {
      throw new SQLException(e.getMessage(), "57014", e);
    }
  }

  /** How long pg_dump may take for the copy; the Job's own deadline bounds it too. */
  private static final Duration COPY_BUDGET = Duration.ofHours(6);

  /**
   * The entries in the order the copy restores them: pg_dump's, except that the schemas' grants
   * come right after the last schema instead of at the end. Giving an object to a role that does
   * not own its schema needs that role to have CREATE on it, which only those grants give it,
   * unless the restoring user is a superuser.
   */
  static List<Entry> restoreOrder(List<Entry> entries) {
    List<Entry> grants =
        entries.stream().filter(e -> e.object().startsWith("ACL SCHEMA ")).toList();
    if (grants.isEmpty()) {
      return entries;
    }
    int lastSchema = 0;
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).object().startsWith("SCHEMA ") || entries.get(i).settings()) {
        lastSchema = i;
      }
    }
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      if (!grants.contains(entries.get(i))) {
        out.add(entries.get(i));
      }
      if (i == lastSchema) {
        out.addAll(grants);
      }
    }
    return out;
  }

  /** The whole schema of {@code database}, as the copy restores it, as text. */
  static String schema(PostgresUri database, Ownership ownership, Instant deadline)
      throws SQLException, TimedOut {
    return schema(database, ownership, List.of(), deadline);
  }

  /** {@link #schema} with pg_dump's {@code options} besides. */
  static String schema(
      PostgresUri database, Ownership ownership, List<String> options, Instant deadline)
      throws SQLException, TimedOut {
    List<String> what = new ArrayList<>(List.of("--schema-only"));
    what.addAll(CopyContract.dumpOptions(ownership));
    what.addAll(options);
    return dump(database, what, deadline);
  }

  private static String dump(PostgresUri source, List<String> options, Instant deadline)
      throws SQLException, TimedOut {
    PostgresUri noPassword = source.withoutPassword();
    String what = String.join(" ", options);
    List<String> command = new ArrayList<>(List.of("pg_dump"));
    command.addAll(options);
    command.add("--dbname=" + noPassword.conninfo());
    ProcessBuilder pb = new ProcessBuilder(command);
    if (source.password() != null) {
      pb.environment().put("PGPASSWORD", source.password());
    }
    pb.environment().put("PGAPPNAME", "pg-migration-operator rehearsal");
    try {
      TimedOut.check(deadline, "pg_dump " + what);
      Process p = pb.start();
      CompletableFuture<byte[]> out =
          CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
      CompletableFuture<byte[]> err =
          CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
      long left = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
      if (!p.waitFor(left, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new TimedOut("pg_dump " + what);
      }
      if (p.exitValue() != 0) {
        throw new SQLException(
            "pg_dump "
                + what
                + " failed: "
                + new String(err.join(), StandardCharsets.UTF_8).strip());
      }
      return new String(out.join(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SQLException("could not run pg_dump: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TimedOut("pg_dump " + what);
    }
  }

  private static byte[] readAll(java.io.InputStream in) {
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }

  /**
   * The dump cut into entries: what stands before the first object header is the dump's session
   * settings; psql's meta-commands ({@code \\restrict}) are left out.
   */
  static List<Entry> entries(String dump) {
    String sql = dump.replaceAll("(?m)^\\\\.*$", "");
    List<Entry> out = new ArrayList<>();
    Matcher m = HEADER.matcher(sql);
    int start = 0;
    String object = null;
    while (m.find()) {
      add(out, object, sql.substring(start, m.start()));
      object = m.group(2) + " " + qualified(m.group(3), m.group(1));
      start = m.end();
    }
    add(out, object, sql.substring(start));
    return out;
  }

  private static void add(List<Entry> out, String object, String sql) {
    String body = sql.replaceAll("(?m)^--.*$", "").strip();
    if (!body.isEmpty()) {
      out.add(new Entry(object == null ? "settings" : object, body, object == null));
    }
  }

  private static String qualified(String schema, String name) {
    return "-".equals(schema) ? name : schema + "." + name;
  }
}
