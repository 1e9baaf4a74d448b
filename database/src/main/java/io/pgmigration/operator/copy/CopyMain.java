package io.pgmigration.operator.copy;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec.Ownership;
import io.pgmigration.operator.copy.CopyContract.Env;
import io.pgmigration.operator.copy.CopyContract.Mode;
import io.pgmigration.operator.secrets.PostgresUri;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The copy as a process: the copy Job's container and {@code bench/} run it.
 *
 * <pre>
 * SOURCE_URL=… DESTINATION_URL=… [WORKERS=2] [JOBS=2] [CHUNK_MB=256] [BUILD_MB=256]
 *   [JOB_COMPLETION_INDEX=0] [WORKER_COUNT=1] [WORK_DIR=/work]
 *   [OWNERSHIP=Preserve|CreateRoles|DestinationUser]
 *   java … CopyMain job|schema|vacuum
 * </pre>
 *
 * <ul>
 *   <li>{@code job}: one pod of the Snapshot copy Job, schema to indexes ({@link CopyPod});
 *   <li>{@code schema}: the whole schema, for the Streaming method's subscription to fill;
 *   <li>{@code vacuum}: VACUUM ANALYZE of the destination after the Streaming initial copy.
 * </ul>
 *
 * Prints progress, never a URI or a password. Exits 2 on a usage error, 1 when the copy fails and
 * may succeed if tried again, 3 when it would fail the same way again ({@link CopyFailure}).
 */
public final class CopyMain {
  private CopyMain() {}

  public static void main(String[] args) throws Exception {
    Mode mode = args.length > 0 ? Mode.of(args[0]) : Mode.JOB;
    if (mode == null) {
      System.err.println("copy: unknown mode " + args[0] + " (job, schema or vacuum)");
      System.exit(CopyContract.EXIT_USAGE);
    }
    PostgresUri source = verified(PostgresUri.parse(required(Env.SOURCE_URL)), Env.SOURCE_CA_FILE);
    PostgresUri destination =
        verified(PostgresUri.parse(required(Env.DESTINATION_URL)), Env.DESTINATION_CA_FILE);
    Instant start = Instant.now();
    try {
      switch (mode) {
        case JOB -> report(pod(source, destination).run(options()), start);
        case SCHEMA -> pod(source, destination).wholeSchema();
        case VACUUM -> pod(source, destination).script("vacuum.sh", Map.of());
      }
    } catch (Exception e) {
      // The last lines of the log end up in the migration's status: say what failed, briefly.
      boolean again = CopyFailure.willFailAgain(e);
      System.err.println(
          "copy: failed: "
              + CopyFailure.describe(e)
              + (again ? " (it would fail the same way again: not retried)" : ""));
      System.exit(again ? CopyContract.EXIT_WILL_FAIL_AGAIN : CopyContract.EXIT_FAILED);
    }
    System.out.println("copy: finished");
  }

  private static CopyPod pod(PostgresUri source, PostgresUri destination) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putIfAbsent(Env.JOBS, Integer.toString(number(Env.WORKERS, 2)));
    String ownership = System.getenv(Env.OWNERSHIP);
    return new CopyPod(
        source,
        destination,
        ownership == null || ownership.isBlank()
            ? Ownership.Preserve
            : Ownership.valueOf(ownership.trim()),
        env,
        CopyMain::log);
  }

  private static DataCopy.Options options() {
    return new DataCopy.Options(
        number(Env.WORKERS, 2),
        (long) number(Env.CHUNK_MB, 256) << 20,
        number(Env.JOB_COMPLETION_INDEX, 0),
        number(Env.WORKER_COUNT, 1),
        (long) number(Env.BUILD_MB, 256) << 20);
  }

  private static void report(DataCopy.Result r, Instant start) {
    log(
        String.format(
            "done: %d items (%d done before), %d MB, %d sequences, %d large objects in %d s",
            r.items(),
            r.skipped(),
            r.bytes() >> 20,
            r.sequences(),
            r.largeObjects(),
            Duration.between(start, Instant.now()).toSeconds()));
  }

  private static void log(String line) {
    System.out.println("copy: " + line);
  }

  private static String required(String name) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      System.err.println("copy: " + name + " is not set");
      System.exit(CopyContract.EXIT_USAGE);
    }
    return v;
  }

  /** {@code uri} verifying its server's certificate when {@code caFileVariable} names a CA. */
  private static PostgresUri verified(PostgresUri uri, String caFileVariable) {
    String caFile = System.getenv(caFileVariable);
    return caFile == null || caFile.isBlank() ? uri : uri.verifyingTlsWith(caFile);
  }

  private static int number(String name, int otherwise) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? otherwise : Integer.parseInt(v.trim());
  }
}
