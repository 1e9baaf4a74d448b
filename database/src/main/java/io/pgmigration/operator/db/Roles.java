package io.pgmigration.operator.db;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Roles, as far as a copy that keeps owners and grants needs them: which roles the source
 * database's objects name, which exist on a server, whether the connecting user may give objects to
 * them, and the statements that create missing ones the way the source has them.
 */
public final class Roles {
  /**
   * Roles the objects of this database name, by how: {@code o} owner, {@code a} in a privilege, as
   * grantee or grantor, {@code r} in a policy. Extensions and the objects that belong to them are
   * left out: pg_dump does not dump them, CREATE EXTENSION makes them. pg_shdepend does not record
   * the bootstrap superuser (it is pinned), so its objects are looked up in the catalogs.
   */
  private static final String REFERENCED =
      "SELECT DISTINCT r.rolname, d.deptype::text FROM pg_shdepend d"
          + " JOIN pg_roles r ON r.oid = d.refobjid"
          + " WHERE d.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
          + " AND d.refclassid = 'pg_authid'::regclass AND d.deptype IN ('o', 'a', 'r')"
          // pg_dump does not give an extension an owner: CREATE EXTENSION makes it the restorer's.
          + " AND d.classid <> 'pg_extension'::regclass"
          + " AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = d.classid"
          + "   AND e.objid = d.objid AND e.deptype = 'e')"
          + " UNION SELECT rolname, 'o' FROM pg_roles WHERE oid = 10 AND ("
          + bootstrapOwns("pg_namespace n", "n.nspowner", "n.oid", "pg_namespace")
          + " OR "
          + bootstrapOwns(
              "pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace",
              "c.relowner",
              "c.oid",
              "pg_class")
          + " OR "
          + bootstrapOwns(
              "pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace",
              "p.proowner",
              "p.oid",
              "pg_proc")
          + " OR "
          + bootstrapOwns(
              "pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace",
              "t.typowner",
              "t.oid",
              "pg_type")
          + ") ORDER BY 1";

  private static String bootstrapOwns(String from, String owner, String oid, String catalog) {
    return "EXISTS (SELECT 1 FROM "
        + from
        + " WHERE "
        + owner
        + " = 10 AND "
        + DatabaseProbe.USER_SCHEMAS
        + switch (catalog) {
          // The public schema is there on every server; pg_dump does not make it.
          case "pg_namespace" -> " AND n.nspname <> 'public'";
          // Array and row types follow their element type and table: not dumped themselves.
          case "pg_type" -> " AND t.typrelid = 0 AND NOT (t.typelem <> 0 AND t.typlen = -1)";
          default -> "";
        }
        + " AND NOT EXISTS (SELECT 1 FROM pg_depend e"
        + " WHERE e.classid = '"
        + catalog
        + "'::regclass AND e.objid = "
        + oid
        + " AND e.deptype = 'e'))";
  }

  private static final String ME =
      "SELECT current_user, rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user";

  private static final String MEMBER_OF =
      "SELECT rolname FROM pg_roles WHERE pg_has_role(current_user, oid, 'MEMBER') ORDER BY 1";

  private Roles() {}

  /**
   * What one side knows about roles.
   *
   * @param owners roles that own objects of this database
   * @param privileged roles named in its privileges, as grantee or grantor
   * @param inPolicies roles its row-level security policies apply to
   * @param existing every role of the server
   * @param user the connecting user
   * @param superuser whether the user is a superuser
   * @param createRole whether the user may create roles (CREATEROLE, or a superuser)
   * @param memberOf roles the user is a member of, directly or not
   */
  public record Facts(
      Set<String> owners,
      Set<String> privileged,
      Set<String> inPolicies,
      Set<String> existing,
      String user,
      boolean superuser,
      boolean createRole,
      Set<String> memberOf) {

    /** Nothing named, nothing there: for tests and servers that were not read. */
    public static Facts none(String user, boolean superuser) {
      return new Facts(
          Set.of(), Set.of(), Set.of(), Set.of(user), user, superuser, superuser, Set.of());
    }

    /** Every role the copy restores objects or privileges for when owners are kept. */
    public Set<String> named() {
      Set<String> all = new TreeSet<>(owners);
      all.addAll(privileged);
      all.addAll(inPolicies);
      return all;
    }

    /** Of {@code wanted}, those missing here, sorted. */
    public List<String> missing(Collection<String> wanted) {
      return wanted.stream().filter(r -> !existing.contains(r)).sorted().toList();
    }

    /** Whether the user may give an object to {@code role}. */
    public boolean mayOwnAs(String role) {
      return superuser || memberOf.contains(role);
    }
  }

  /** Reads {@link Facts} through {@code s}. */
  static Facts read(Statement s) throws SQLException {
    Set<String> owners = new TreeSet<>();
    Set<String> privileged = new TreeSet<>();
    Set<String> inPolicies = new TreeSet<>();
    try (ResultSet r = s.executeQuery(REFERENCED)) {
      while (r.next()) {
        switch (r.getString(2)) {
          case "o" -> owners.add(r.getString(1));
          case "a" -> privileged.add(r.getString(1));
          default -> inPolicies.add(r.getString(1));
        }
      }
    }
    Set<String> existing = new TreeSet<>(DatabaseProbe.list(s, "SELECT rolname FROM pg_roles"));
    try (ResultSet r = s.executeQuery(ME)) {
      r.next();
      return new Facts(
          owners,
          privileged,
          inPolicies,
          existing,
          r.getString(1),
          r.getBoolean(2),
          r.getBoolean(2) || r.getBoolean(3),
          new TreeSet<>(DatabaseProbe.list(s, MEMBER_OF)));
    }
  }

  /**
   * Statements that create, on the destination, the roles of {@code wanted} it lacks.
   *
   * @param sql the statements, or empty when nothing is missing
   * @param created the roles they create
   * @param withoutLogin roles that log in on the source but are created without LOGIN, since the
   *     source's user may not read their passwords
   */
  public record Creation(String sql, List<String> created, List<String> withoutLogin) {}

  /** Plans the creation of every role the source's objects name that the destination lacks. */
  public static Creation plan(Connection source, Connection destination) throws SQLException {
    try (Statement s = source.createStatement()) {
      return plan(source, destination, read(s).named());
    }
  }

  /**
   * Plans the creation of the roles of {@code wanted} missing on {@code destination}: each with its
   * attributes on the source and its password verifier when the source's user may read it (else
   * without LOGIN), the memberships between roles that exist once they are made, and membership of
   * the destination's user when it is not a superuser, so it may give them objects.
   */
  public static Creation plan(Connection source, Connection destination, Collection<String> wanted)
      throws SQLException {
    Facts here;
    try (Statement s = destination.createStatement()) {
      here = read(s);
    }
    List<String> missing = here.missing(wanted);
    if (missing.isEmpty()) {
      return new Creation("", List.of(), List.of());
    }
    Map<String, String> passwords = passwords(source, missing);
    StringBuilder sql = new StringBuilder();
    List<String> withoutLogin = new ArrayList<>();
    try (PreparedStatement q =
        source.prepareStatement(
            "SELECT rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin,"
                + " rolreplication, rolbypassrls, rolconnlimit, rolvaliduntil::text"
                + " FROM pg_roles WHERE rolname = ANY (?) ORDER BY 1")) {
      q.setArray(1, array(source, missing));
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          String name = r.getString(1);
          String password = passwords.get(name);
          boolean login = r.getBoolean(6) && password != null;
          if (r.getBoolean(6) && password == null) {
            withoutLogin.add(name);
          }
          sql.append("CREATE ROLE ")
              .append(SourceFence.quoteIdent(name))
              .append(r.getBoolean(2) ? " SUPERUSER" : "")
              .append(r.getBoolean(3) ? " INHERIT" : " NOINHERIT")
              .append(r.getBoolean(4) ? " CREATEROLE" : "")
              .append(r.getBoolean(5) ? " CREATEDB" : "")
              .append(login ? " LOGIN" : " NOLOGIN")
              .append(r.getBoolean(7) ? " REPLICATION" : "")
              .append(r.getBoolean(8) ? " BYPASSRLS" : "")
              .append(r.getInt(9) >= 0 ? " CONNECTION LIMIT " + r.getInt(9) : "")
              .append(login ? " PASSWORD " + literal(password) : "")
              .append(r.getString(10) != null ? " VALID UNTIL " + literal(r.getString(10)) : "")
              .append(";\n");
        }
      }
    }
    memberships(source, here, missing, sql);
    if (!here.superuser()) {
      for (String role : missing) {
        sql.append("GRANT ").append(SourceFence.quoteIdent(role)).append(" TO CURRENT_USER;\n");
      }
    }
    return new Creation(sql.toString(), missing, withoutLogin);
  }

  /** The password verifiers of {@code roles}, or none when the user may not read pg_authid. */
  private static Map<String, String> passwords(Connection source, List<String> roles) {
    Map<String, String> out = new HashMap<>();
    try (PreparedStatement q =
        source.prepareStatement(
            "SELECT rolname, rolpassword FROM pg_authid WHERE rolname = ANY (?)"
                + " AND rolpassword IS NOT NULL")) {
      q.setArray(1, array(source, roles));
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          out.put(r.getString(1), r.getString(2));
        }
      }
    } catch (SQLException e) {
      // Only a superuser may read pg_authid: the roles are made without LOGIN, and said so.
      return Map.of();
    }
    return out;
  }

  /** GRANT for every membership of the source whose two roles exist once {@code made} are. */
  private static void memberships(
      Connection source, Facts here, List<String> made, StringBuilder sql) throws SQLException {
    Set<String> after = new LinkedHashSet<>(here.existing());
    after.addAll(made);
    try (PreparedStatement q =
        source.prepareStatement(
            "SELECT g.rolname, m.rolname, a.admin_option FROM pg_auth_members a"
                + " JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles m ON m.oid = a.member"
                + " WHERE g.rolname = ANY (?) OR m.rolname = ANY (?) ORDER BY 1, 2")) {
      Array names = array(source, made);
      q.setArray(1, names);
      q.setArray(2, names);
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          if (after.contains(r.getString(1)) && after.contains(r.getString(2))) {
            sql.append("GRANT ")
                .append(SourceFence.quoteIdent(r.getString(1)))
                .append(" TO ")
                .append(SourceFence.quoteIdent(r.getString(2)))
                .append(r.getBoolean(3) ? " WITH ADMIN OPTION" : "")
                .append(";\n");
          }
        }
      }
    }
  }

  private static Array array(Connection c, Collection<String> values) throws SQLException {
    return c.createArrayOf("text", values.toArray());
  }

  private static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
