package io.pgmigration.operator.testing;

import io.pgmigration.operator.secrets.PostgresUri;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real, throwaway PostgreSQL server on 127.0.0.1, made with initdb and pg_ctl from the machine's
 * PostgreSQL installation. It has a superuser {@code postgres} and an owner {@code app} of the
 * database {@code app}, both with password authentication, like the quickstart's servers.
 *
 * <p>{@link #withoutExtensions} runs the server from a private copy of the installation that lacks
 * some extensions, to stand for a destination that cannot install what the source uses.
 */
public final class PostgresServer implements AutoCloseable {
  private static final Path INSTALL =
      Path.of(System.getProperty("pgmo.pgbin", "/usr/lib/postgresql/15/bin")).getParent();
  private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
  public static final String PASSWORD = "test-password";

  private final Path dir;
  private final Path bin;
  private final int port;

  private PostgresServer(Path dir, Path bin, int port) {
    this.dir = dir;
    this.bin = bin;
    this.port = port;
  }

  /** Starts a server from the machine's installation. */
  public static PostgresServer start() {
    return start(List.of());
  }

  /** Starts a server whose installation lacks the given extensions. */
  public static PostgresServer withoutExtensions(String... extensions) {
    return start(List.of(extensions));
  }

  /** Starts a server with {@code wal_level = logical}: a source for logical replication. */
  public static PostgresServer logical() {
    return start(
        List.of(), " -c wal_level=logical -c max_replication_slots=4 -c max_wal_senders=4");
  }

  /**
   * Starts a server that also accepts TLS, with the certificate {@code certificates} signed (for
   * 127.0.0.1).
   */
  public static PostgresServer withTls(TestCertificates certificates) {
    try {
      // The server's key must belong to the server's user and be readable by it alone.
      Path keys = Files.createTempDirectory("pgmo-pg-tls-");
      Files.copy(certificates.dir().resolve("server.crt"), keys.resolve("server.crt"));
      Files.copy(certificates.dir().resolve("server.key"), keys.resolve("server.key"));
      if (ROOT) {
        run(List.of("chown", "-R", "postgres:postgres", keys.toString()));
      }
      run(List.of("chmod", "0600", keys.resolve("server.key").toString()));
      return start(
          List.of(),
          " -c ssl=on -c ssl_cert_file="
              + keys.resolve("server.crt")
              + " -c ssl_key_file="
              + keys.resolve("server.key"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static PostgresServer start(List<String> withoutExtensions) {
    return start(withoutExtensions, "");
  }

  private static PostgresServer start(List<String> withoutExtensions, String settings) {
    try {
      Path dir = Files.createTempDirectory("pgmo-pg-");
      Path bin = INSTALL.resolve("bin");
      if (!withoutExtensions.isEmpty()) {
        bin = relocatedInstall(dir, withoutExtensions);
      }
      int port = FreePorts.any();
      Files.writeString(dir.resolve("pwfile"), PASSWORD + "\n");
      Files.createDirectories(dir.resolve("run"));
      if (ROOT) {
        // initdb and postgres refuse to run as root; the postgres user of the package runs them.
        // Never recursive: a relocated installation is hard-linked to the real one.
        run(
            List.of(
                "chown",
                "postgres:postgres",
                dir.toString(),
                dir.resolve("pwfile").toString(),
                dir.resolve("run").toString()));
      }
      initAndStart(dir, bin, port, settings);
      PostgresServer server = new PostgresServer(dir, bin, port);
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
      server.superuser(
          "postgres",
          "CREATE ROLE app LOGIN PASSWORD '" + PASSWORD + "'",
          "CREATE DATABASE app OWNER app");
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new cluster in {@code dir}/data, started on {@code port} with {@code settings} added. */
  private static void initAndStart(Path dir, Path bin, int port, String settings) {
    Path data = dir.resolve("data");
    asPostgres(
        List.of(
            bin.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            "postgres",
            "--pwfile=" + dir.resolve("pwfile"),
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C.UTF-8"));
    asPostgres(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            data.toString(),
            "-l",
            dir.resolve("server.log").toString(),
            "-o",
            "-p "
                + port
                + " -k "
                + dir.resolve("run")
                + " -c listen_addresses=127.0.0.1"
                + " -c fsync=off -c max_connections=50"
                + settings,
            "-w",
            "-t",
            "60",
            "start"));
  }

  /** The URI of database {@code app} as user {@code app}. */
  public String uri() {
    return uri("app");
  }

  /** The URI of database {@code app} as the superuser. */
  public String superuserUri() {
    return "postgres://postgres:" + PASSWORD + "@127.0.0.1:" + port + "/app";
  }

  /** The URI of database {@code database} as user {@code app}. */
  public String uri(String database) {
    return "postgres://app:" + PASSWORD + "@127.0.0.1:" + port + "/" + database;
  }

  /** Runs statements as the superuser in {@code database}. */
  public void superuser(String database, String... sql) {
    execute("postgres", database, sql);
  }

  /** Runs statements as user {@code app} in database {@code app}. */
  public void app(String... sql) {
    execute("app", "app", sql);
  }

  /** Runs statements as {@code user} (password auth) in {@code database}. */
  public void execute(String user, String database, String... sql) {
    PostgresUri uri =
        PostgresUri.parse(
            "postgres://" + user + ":" + PASSWORD + "@127.0.0.1:" + port + "/" + database);
    try (Connection c = connect(uri);
        Statement s = c.createStatement()) {
      for (String statement : sql) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** The first column of every row {@code sql} returns, as text, run as {@code app}. */
  public List<String> query(String sql) {
    try (Connection c = connect(PostgresUri.parse(uri()));
        Statement s = c.createStatement();
        java.sql.ResultSet r = s.executeQuery(sql)) {
      List<String> rows = new ArrayList<>();
      while (r.next()) {
        rows.add(r.getString(1));
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** Stops the server at once and removes its files. */
  @Override
  public synchronized void close() {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      stop();
    } catch (RuntimeException e) {
      // Already stopped (a test stopped it on purpose).
    }
    run(List.of("rm", "-rf", dir.toString()));
  }

  /** Stops the server, as if its machine went away. */
  public void stop() {
    asPostgres(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            dir.resolve("data").toString(),
            "-m",
            "immediate",
            "-w",
            "stop"));
  }

  /** A hard-linked copy of the installation (bin, lib, share) without some extensions. */
  private static Path relocatedInstall(Path dir, List<String> withoutExtensions)
      throws IOException {
    // Debian lays PostgreSQL out as /usr/lib/postgresql/N and /usr/share/postgresql/N, and the
    // binaries find their share directory relative to themselves, so a copy of both is a
    // complete installation of its own.
    Path share =
        INSTALL
            .getParent()
            .getParent()
            .getParent()
            .resolve("share/postgresql")
            .resolve(INSTALL.getFileName());
    Path root = dir.resolve("install");
    Path lib = root.resolve(INSTALL.toString().substring(1));
    Path sharedCopy = root.resolve(share.toString().substring(1));
    Files.createDirectories(lib.getParent());
    Files.createDirectories(sharedCopy.getParent());
    copy(INSTALL, lib);
    copy(share, sharedCopy);
    for (String extension : withoutExtensions) {
      // Neither the extension nor its shared library: as on a server that never installed it.
      Files.deleteIfExists(sharedCopy.resolve("extension").resolve(extension + ".control"));
      Files.deleteIfExists(lib.resolve("lib").resolve(extension + ".so"));
    }
    return lib.resolve("bin");
  }

  private static void copy(Path from, Path to) {
    try {
      run(List.of("cp", "-al", from.toString(), to.toString()));
    } catch (IllegalStateException e) {
      run(List.of("cp", "-a", from.toString(), to.toString()));
    }
  }

  private static void asPostgres(List<String> command) {
    List<String> full = new ArrayList<>();
    if (ROOT) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    run(full);
  }

  private static void run(List<String> command) {
    run(command, null);
  }

  /** Runs {@code command} in {@code dir} (null: here); fails with its output unless it exits 0. */
  static void run(List<String> command, Path dir) {
    try {
      Process p =
          new ProcessBuilder(command)
              .directory(dir == null ? null : dir.toFile())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A session on {@code uri}; the driver itself, as the operator uses it (see DatabaseProbe). */
  private static Connection connect(PostgresUri uri) throws SQLException {
    return new org.postgresql.Driver().connect(uri.jdbcUrl(), uri.jdbcProperties());
  }
}
