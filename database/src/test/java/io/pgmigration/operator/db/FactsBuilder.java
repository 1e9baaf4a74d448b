package io.pgmigration.operator.db;

import java.util.List;
import java.util.Map;

/** {@link DatabaseFacts} of a plain PostgreSQL 15.4 database, each field changeable by a test. */
final class FactsBuilder {
  int serverVersionNum = 150004;
  String serverVersion = "15.4";
  String systemIdentifier;
  List<String> userTables = List.of();
  Map<String, String> installedExtensions = Map.of();
  List<String> availableExtensions = List.of("plpgsql", "hstore", "pg_trgm");
  long databaseBytes = 10L << 20;
  boolean canReplicate;
  boolean canSubscribe;
  List<String> subscriptions = List.of();
  DatabaseFacts.TextRules text = DatabaseFacts.TextRules.UTF8_C;
  Roles.Facts roles = Roles.Facts.none("app", true);
  FenceChecks.Facts fence = FenceChecks.Facts.SOUND;
  ConnectionCapacity.Facts connections = ConnectionCapacity.Facts.ROOMY;

  FactsBuilder(String systemIdentifier) {
    this.systemIdentifier = systemIdentifier;
  }

  FactsBuilder version(int num, String human) {
    serverVersionNum = num;
    serverVersion = human;
    return this;
  }

  DatabaseFacts build() {
    return new DatabaseFacts(
        serverVersionNum,
        serverVersion,
        systemIdentifier,
        "app",
        userTables,
        installedExtensions,
        availableExtensions,
        databaseBytes,
        "replica",
        10,
        0,
        10,
        0,
        canReplicate,
        canSubscribe,
        List.of(),
        0,
        List.of(),
        subscriptions,
        text,
        roles,
        fence,
        connections);
  }
}
