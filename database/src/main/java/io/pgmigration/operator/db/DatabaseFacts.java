package io.pgmigration.operator.db;

import java.util.List;
import java.util.Map;

/**
 * What the preparation checks need to know about one database, read in one read-only session.
 *
 * @param serverVersionNum e.g. 150004 for 15.4
 * @param serverVersion the human form, e.g. "15.4"
 * @param systemIdentifier the pg_control system identifier, or null when the user may not read it;
 *     equal on two URIs means the same server, whatever host name each URI uses
 * @param database current_database()
 * @param userTables schema-qualified user tables (not in pg_catalog, information_schema, pg_toast)
 * @param installedExtensions name to version, without plpgsql (always there)
 * @param availableExtensions extensions the server can install (pg_available_extensions)
 * @param databaseBytes pg_database_size(current_database())
 * @param walLevel the wal_level setting
 * @param maxReplicationSlots max_replication_slots
 * @param usedReplicationSlots rows in pg_replication_slots
 * @param maxWalSenders max_wal_senders
 * @param usedWalSenders rows in pg_stat_replication
 * @param canReplicate the user is superuser or has REPLICATION
 * @param tablesWithoutReplicaIdentity user tables with neither a primary key nor a replica identity
 *     index or FULL
 * @param largeObjects rows in pg_largeobject_metadata
 * @param unloggedTables user tables that are UNLOGGED
 * @param subscriptions logical replication subscriptions of this database
 * @param text how the database stores and sorts text
 * @param roles the roles its objects name, the server's roles, and the user's rights over them
 * @param fence what could defeat the read-only fence, or hide that it was defeated
 * @param connections its connection slots, as this user of this database sees them
 */
public record DatabaseFacts(
    int serverVersionNum,
    String serverVersion,
    String systemIdentifier,
    String database,
    List<String> userTables,
    Map<String, String> installedExtensions,
    List<String> availableExtensions,
    long databaseBytes,
    String walLevel,
    int maxReplicationSlots,
    int usedReplicationSlots,
    int maxWalSenders,
    int usedWalSenders,
    boolean canReplicate,
    boolean canSubscribe,
    List<String> tablesWithoutReplicaIdentity,
    long largeObjects,
    List<String> unloggedTables,
    List<String> subscriptions,
    TextRules text,
    Roles.Facts roles,
    FenceChecks.Facts fence,
    ConnectionCapacity.Facts connections) {

  /**
   * How a database stores and sorts text.
   *
   * @param encoding the database's encoding, e.g. UTF8
   * @param collate its LC_COLLATE, e.g. C.UTF-8 or en_US.UTF-8
   * @param ctype its LC_CTYPE
   */
  public record TextRules(String encoding, String collate, String ctype) {
    /** What the test servers and the quickstart use. */
    public static final TextRules UTF8_C = new TextRules("UTF8", "C.UTF-8", "C.UTF-8");
  }

  /** The major version, e.g. 15. */
  public int majorVersion() {
    return serverVersionNum / 10000;
  }
}
