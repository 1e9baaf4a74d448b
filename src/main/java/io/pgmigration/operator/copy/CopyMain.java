package io.pgmigration.operator.copy;

import io.pgmigration.operator.db.PostgresUri;
import java.time.Duration;
import java.time.Instant;

/**
 * The data copy as a process, for the copy Job's container and for {@code bench/}:
 *
 * <pre>
 * SOURCE_URL=… DESTINATION_URL=… [WORKERS=2] [CHUNK_MB=256] [BUILD_MB=256]
 *   [JOB_COMPLETION_INDEX=0] [WORKER_COUNT=1]  java … CopyMain [data|finish]
 * </pre>
 *
 * {@code data} copies this worker's share; {@code finish} drops the progress marks once all workers
 * are done. Prints progress, never a URI or a password.
 */
public final class CopyMain {
  private CopyMain() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "data";
    DataCopy copy =
        new DataCopy(
            PostgresUri.parse(required("SOURCE_URL")),
            PostgresUri.parse(required("DESTINATION_URL")),
            line -> System.out.println("copy: " + line));
    Instant start = Instant.now();
    if (mode.equals("finish")) {
      copy.finish();
      System.out.println("copy: finished");
      return;
    }
    if (!mode.equals("data")) {
      System.err.println("copy: unknown mode " + mode + " (data or finish)");
      System.exit(2);
    }
    DataCopy.Options options =
        new DataCopy.Options(
            number("WORKERS", 2),
            (long) number("CHUNK_MB", 256) << 20,
            number("JOB_COMPLETION_INDEX", 0),
            number("WORKER_COUNT", 1),
            (long) number("BUILD_MB", 256) << 20);
    DataCopy.Result r = copy.run(options);
    System.out.printf(
        "copy: done: %d items (%d done before), %d MB, %d sequences, %d large objects in %d s%n",
        r.items(),
        r.skipped(),
        r.bytes() >> 20,
        r.sequences(),
        r.largeObjects(),
        Duration.between(start, Instant.now()).toSeconds());
  }

  private static String required(String name) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      System.err.println("copy: " + name + " is not set");
      System.exit(2);
    }
    return v;
  }

  private static int number(String name, int otherwise) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? otherwise : Integer.parseInt(v.trim());
  }
}
