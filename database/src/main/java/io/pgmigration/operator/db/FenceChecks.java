package io.pgmigration.operator.db;

import static io.pgmigration.operator.db.CheckResults.error;
import static io.pgmigration.operator.db.CheckResults.failed;
import static io.pgmigration.operator.db.CheckResults.listed;
import static io.pgmigration.operator.db.CheckResults.passed;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.Severity;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The Fence check: what would let a client write to the source while it is fenced, or hide that it
 * did, found before the app goes down. The fence makes the database read-only for new sessions
 * ({@code ALTER DATABASE … SET default_transaction_read_only}); a role's own setting of it wins
 * over the database's, so a login role that sets it off would write through the fence. The proof
 * that the fence held reads the write counters, which count nothing when {@code track_counts} is
 * off.
 */
final class FenceChecks {
  static final String FENCE = "Fence";

  /** Login roles whose own default_transaction_read_only (here, or everywhere) is not on. */
  private static final String READ_WRITE_ROLES =
      "SELECT DISTINCT r.rolname FROM pg_db_role_setting d"
          + " JOIN pg_roles r ON r.oid = d.setrole, unnest(d.setconfig) cfg"
          + " WHERE r.rolcanlogin AND d.setdatabase IN (0,"
          + "   (SELECT oid FROM pg_database WHERE datname = current_database()))"
          + " AND lower(split_part(cfg, '=', 1)) = 'default_transaction_read_only'"
          + " AND lower(split_part(cfg, '=', 2)) NOT IN ('on', 'true', 'yes', '1')"
          + " ORDER BY 1";

  private FenceChecks() {}

  /**
   * What the check needs.
   *
   * @param trackCounts whether the server counts the rows written to each table
   * @param readWriteRoles login roles that turn the database's read-only default off for themselves
   */
  record Facts(boolean trackCounts, List<String> readWriteRoles) {
    /** A server with nothing that defeats the fence. */
    static final Facts SOUND = new Facts(true, List.of());
  }

  static Facts read(Statement s) throws SQLException {
    return new Facts(
        "on".equals(DatabaseProbe.one(s, "SHOW track_counts")),
        DatabaseProbe.list(s, READ_WRITE_ROLES));
  }

  /** Fence: blocking, on the source. */
  static CheckResult evaluate(DatabaseFacts src) {
    if (src == null) {
      return error(FENCE, Severity.Blocking, "not run: the source is not reachable");
    }
    Facts f = src.fence();
    List<String> problems = new ArrayList<>();
    List<String> hints = new ArrayList<>();
    if (!f.readWriteRoles().isEmpty()) {
      problems.add(
          "role(s) "
              + listed(f.readWriteRoles())
              + " turn default_transaction_read_only off for themselves, which overrides the"
              + " read-only fence: their sessions could write to the source while it is copied");
      hints.add(
          "Remove that setting before the migration (ALTER ROLE … RESET"
              + " default_transaction_read_only, with IN DATABASE … if it was set there); the app"
              + " is on the destination afterwards.");
    }
    if (!f.trackCounts()) {
      problems.add(
          "track_counts is off, so the source does not count the rows written to it and the"
              + " operator cannot prove that no write got through the fence");
      hints.add("Set track_counts = on (PostgreSQL's default) on the source server.");
    }
    return problems.isEmpty()
        ? passed(
            FENCE,
            Severity.Blocking,
            "no login role overrides the read-only fence, and the source counts its writes")
        : failed(FENCE, Severity.Blocking, String.join("; ", problems), String.join(" ", hints));
  }
}
