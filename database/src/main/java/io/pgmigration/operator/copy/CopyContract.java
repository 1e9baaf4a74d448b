package io.pgmigration.operator.copy;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership;
import java.util.List;
import java.util.Map;

/**
 * What the copy engine and the operator that starts it agree on: the program's modes and
 * environment variables, which the operator's Job builder sets and {@link CopyMain} reads, and the
 * bookkeeping schema on the destination that makes the copy resumable and that the operator's
 * checks recognise. Nothing else names them.
 */
public final class CopyContract {
  /** The program the copy Job's container runs. */
  public static final String MAIN = "io.pgmigration.operator.copy.CopyMain";

  /** The program's exit code when the copy failed and may succeed if tried again. */
  public static final int EXIT_FAILED = 1;

  /** The program's exit code when it was started wrongly (a mode or variable missing). */
  public static final int EXIT_USAGE = 2;

  /**
   * The program's exit code when the copy failed in a way that would fail again (a schema or data
   * error): the Job's pod failure policy ends the Job instead of starting the pod again.
   */
  public static final int EXIT_WILL_FAIL_AGAIN = 3;

  private CopyContract() {}

  /**
   * pg_dump's and pg_restore's options for {@code ownership}: none when owners and grants are kept,
   * else {@code --no-owner --no-privileges}. The copy's scripts, the rehearsal and the schema
   * verification all use these.
   */
  public static List<String> dumpOptions(Ownership ownership) {
    return ownership.keepsOwners() ? List.of() : List.of("--no-owner", "--no-privileges");
  }

  /** What one run of the program does; its argument is the lower-case name. */
  public enum Mode {
    /** One pod of the Snapshot copy Job, schema to indexes ({@link CopyPod}). */
    JOB,
    /** The whole schema, for the Streaming method's subscription to fill. */
    SCHEMA,
    /** VACUUM ANALYZE of the destination after the Streaming method's initial copy. */
    VACUUM;

    /** The program argument that selects this mode. */
    public String argument() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The mode an argument selects, or null. */
    public static Mode of(String argument) {
      for (Mode m : values()) {
        if (m.argument().equals(argument)) {
          return m;
        }
      }
      return null;
    }
  }

  /** The program's environment variables. */
  public static final class Env {
    /** The source's URI; from a Secret, never printed. */
    public static final String SOURCE_URL = "SOURCE_URL";

    /** The destination's URI; from a Secret, never printed. */
    public static final String DESTINATION_URL = "DESTINATION_URL";

    /** A file holding the CA that signed the source's certificate, when it is verified. */
    public static final String SOURCE_CA_FILE = "SOURCE_CA_FILE";

    /** Likewise for the destination. */
    public static final String DESTINATION_CA_FILE = "DESTINATION_CA_FILE";

    /** COPY streams in one pod. */
    public static final String WORKERS = "WORKERS";

    /** pg_restore's --jobs for the post-data section. */
    public static final String JOBS = "JOBS";

    /** Size of one work item of a large table, in MiB. */
    public static final String CHUNK_MB = "CHUNK_MB";

    /** Tables at least this large (MiB) get their indexes built as soon as their rows are in. */
    public static final String BUILD_MB = "BUILD_MB";

    /** Which pod of an Indexed Job this is; set by Kubernetes. */
    public static final String JOB_COMPLETION_INDEX = "JOB_COMPLETION_INDEX";

    /** How many pods share the copy. */
    public static final String WORKER_COUNT = "WORKER_COUNT";

    /** Who owns the copied objects: a {@link Ownership} name; Preserve when unset. */
    public static final String OWNERSHIP = "OWNERSHIP";

    /** A writable directory for the post-data dump. */
    public static final String WORK_DIR = "WORK_DIR";

    private Env() {}
  }

  /**
   * The destination schema that holds the copy's progress marks, and every statement on it. The
   * post-data step drops it once the copy is complete.
   */
  public static final class Bookkeeping {
    public static final String SCHEMA = "pgmo_copy";

    /** Steps done: "schema", then "data N" per pod. Made with the schema, in its transaction. */
    static final String CREATE_STEPS =
        "CREATE SCHEMA " + SCHEMA + "; CREATE TABLE " + SCHEMA + ".steps (step text PRIMARY KEY)";

    static final String MARK_SCHEMA = "INSERT INTO " + SCHEMA + ".steps VALUES ('schema')";
    static final String MARK_STEP =
        "INSERT INTO " + SCHEMA + ".steps VALUES (?) ON CONFLICT DO NOTHING";
    static final String STEPS_EXIST = "SELECT to_regclass('" + SCHEMA + ".steps') IS NOT NULL";
    static final String STEP_DONE = "SELECT 1 FROM " + SCHEMA + ".steps WHERE step = ?";
    static final String DATA_MARKS =
        "SELECT count(*) FROM " + SCHEMA + ".steps WHERE step LIKE 'data %'";

    /** Items copied, and indexes or constraints built during the copy. */
    static final String CREATE_MARKS =
        "CREATE SCHEMA IF NOT EXISTS "
            + SCHEMA
            + "; CREATE TABLE IF NOT EXISTS "
            + SCHEMA
            + ".done (item text PRIMARY KEY); CREATE TABLE IF NOT EXISTS "
            + SCHEMA
            + ".built (toc text PRIMARY KEY)";

    static final String DONE_ITEMS = "SELECT item FROM " + SCHEMA + ".done";
    static final String MARK_DONE = "INSERT INTO " + SCHEMA + ".done (item) VALUES (?)";
    static final String DONE_COUNT =
        "SELECT count(*) FROM " + SCHEMA + ".done WHERE item = ANY (?)";
    static final String BUILT = "SELECT 1 FROM " + SCHEMA + ".built WHERE toc = ?";
    static final String MARK_BUILT = "INSERT INTO " + SCHEMA + ".built (toc) VALUES (?)";
    static final String BUILT_LIST = "SELECT toc FROM " + SCHEMA + ".built";
    static final String DROP = "DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE";

    /** Advisory lock names: one per step that only one pod may run at a time. */
    static final String LOCK_MARKS = SCHEMA;

    static final String LOCK_SCHEMA = SCHEMA + " schema";
    static final String LOCK_POST_DATA = SCHEMA + " post-data";

    private Bookkeeping() {}

    /** What the shell steps need of it, as their environment. */
    static Map<String, String> scriptEnvironment() {
      return Map.of(
          "PGMO_CREATE_STEPS", CREATE_STEPS + "; " + MARK_SCHEMA,
          "PGMO_BUILT_LIST", BUILT_LIST,
          "PGMO_DROP_BOOKKEEPING", DROP);
    }
  }
}
