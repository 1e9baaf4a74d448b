package io.pgmigration.operator.secrets;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A {@code postgres://<user>:<password>@<host>:<port>/<dbname>?<param>=<value>} connection URI, as
 * Heroku and most PostgreSQL clients write it. Its {@link #toString()} and every error message
 * leave the password out, so a URI can never reach a log, an event or the status.
 */
public record PostgresUri(
    String host,
    int port,
    String database,
    String user,
    String password,
    Map<String, String> params) {

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException saying what is wrong, without repeating the URI
   */
  public static PostgresUri parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("is empty");
    }
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("is not a URI (" + e.getReason() + ")");
    }
    if (!"postgres".equals(uri.getScheme()) && !"postgresql".equals(uri.getScheme())) {
      throw new IllegalArgumentException(
          "must start with postgres:// or postgresql://, not " + uri.getScheme() + "://");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("has no host");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String database = decode(path.startsWith("/") ? path.substring(1) : path);
    if (database.isEmpty()) {
      throw new IllegalArgumentException(
          "names no database (postgres://<user>:<password>@<host>/<dbname>)");
    }
    String user = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : null;
    }
    if (user == null || user.isEmpty()) {
      throw new IllegalArgumentException(
          "names no user (postgres://<user>:<password>@<host>/<dbname>)");
    }
    Map<String, String> params = new LinkedHashMap<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        if (!pair.isEmpty()) {
          String[] kv = pair.split("=", 2);
          params.put(decode(kv[0]), kv.length > 1 ? decode(kv[1]) : "");
        }
      }
    }
    return new PostgresUri(
        uri.getHost(),
        uri.getPort() == -1 ? 5432 : uri.getPort(),
        database,
        user,
        password,
        params);
  }

  /** The JDBC URL, without credentials (they go in {@link #jdbcProperties()}). */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + hostForUrl() + ":" + port + "/" + database;
  }

  /** Credentials and the URI's parameters (sslmode, …) for the JDBC driver. */
  public Properties jdbcProperties() {
    Properties p = new Properties();
    params.forEach(p::setProperty);
    p.setProperty("user", user);
    if (password != null) {
      p.setProperty("password", password);
    }
    return p;
  }

  /** This URI pointing at another server or database, with the same credentials. */
  public String format() {
    StringBuilder s = new StringBuilder("postgres://").append(encode(user));
    if (password != null) {
      s.append(':').append(encode(password));
    }
    s.append('@')
        .append(hostForUrl())
        .append(':')
        .append(port)
        .append('/')
        .append(encode(database));
    return s.toString();
  }

  /**
   * This URI as a libpq connection string ({@code host='…' port=… …}), with its parameters: how one
   * PostgreSQL server reaches another, as a subscription does.
   */
  public String conninfo() {
    StringBuilder s = new StringBuilder();
    s.append("host=").append(quote(host));
    s.append(" port=").append(port);
    s.append(" dbname=").append(quote(database));
    s.append(" user=").append(quote(user));
    if (password != null) {
      s.append(" password=").append(quote(password));
    }
    params.forEach((k, v) -> s.append(' ').append(k).append('=').append(quote(v)));
    return s.toString();
  }

  /**
   * This URI verifying the server's certificate against the CA in the file {@code caFile} ({@code
   * sslmode=verify-full}, {@code sslrootcert}), whatever sslmode it had.
   */
  public PostgresUri verifyingTlsWith(String caFile) {
    Map<String, String> verified = new LinkedHashMap<>(params);
    verified.put("sslmode", "verify-full");
    verified.put("sslrootcert", caFile);
    return new PostgresUri(host, port, database, user, password, verified);
  }

  /** This URI without its password: for a command line, with the password elsewhere. */
  public PostgresUri withoutPassword() {
    return new PostgresUri(host, port, database, user, null, params);
  }

  /**
   * This URI's line of a libpq password file ({@code host:port:database:user:password}), so a
   * client finds the password there instead of on its command line; null without a password.
   */
  public String pgpassLine() {
    if (password == null) {
      return null;
    }
    return String.join(
        ":",
        pgpassField(host),
        Integer.toString(port),
        pgpassField(database),
        pgpassField(user),
        pgpassField(password));
  }

  private static String pgpassField(String value) {
    return value.replace("\\", "\\\\").replace(":", "\\:");
  }

  private static String quote(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /**
   * This URI as seen from outside {@code namespace}. A URI in an app's Secret is written from the
   * app's point of view, so a single-label host is a Service of the app's own namespace; the
   * operator runs elsewhere and must qualify it ({@code db} becomes {@code db.NAMESPACE.svc}).
   */
  public PostgresUri resolvedFrom(String namespace) {
    boolean singleLabel = !host.contains(".") && !host.contains(":");
    if (!singleLabel || "localhost".equalsIgnoreCase(host)) {
      return this;
    }
    return new PostgresUri(host + "." + namespace + ".svc", port, database, user, password, params);
  }

  /** Whether both name the same database on the same server address. */
  public boolean sameDatabaseAs(PostgresUri other) {
    return host.equalsIgnoreCase(other.host)
        && port == other.port
        && database.equals(other.database);
  }

  /** user@host:port/dbname — never the password. */
  @Override
  public String toString() {
    return user + "@" + hostForUrl() + ":" + port + "/" + database;
  }

  private String hostForUrl() {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
