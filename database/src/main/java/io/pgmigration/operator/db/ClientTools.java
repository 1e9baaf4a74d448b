package io.pgmigration.operator.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The PostgreSQL client tools this process runs (pg_dump), and their version. */
public final class ClientTools {
  private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+(?:\\.\\d+)*)");
  private static volatile String version;

  private ClientTools() {}

  /** pg_dump's version, e.g. "15.14", read once; null when pg_dump cannot be run. */
  public static String version() {
    String v = version;
    if (v == null) {
      v = read();
      version = v;
    }
    return v;
  }

  /** The major version of a version string, e.g. 15 for "15.14" (or 9 for "9.6.24"). */
  static int major(String version) {
    return Integer.parseInt(version.split("\\.")[0]);
  }

  /** The version in {@code pg_dump --version}'s output, e.g. "pg_dump (PostgreSQL) 15.14 (…)". */
  static String parse(String output) {
    Matcher m = VERSION.matcher(output);
    return m.find() ? m.group(1) : null;
  }

  private static String read() {
    try {
      Process p = new ProcessBuilder("pg_dump", "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return null;
      }
      return parse(out);
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
