package io.pgmigration.operator.cli;

import io.pgmigration.operator.api.v1alpha1.CloudNativePgDestination;
import io.pgmigration.operator.cli.Databases.Database;

/**
 * Where a new migration goes: a database found from its Secret, or a CloudNativePG Cluster, an
 * existing one or one the migration creates.
 */
public sealed interface Destination {
  /** How it is named to people, as {@code PostgresMigration.destinationName()} names it. */
  String name();

  /** A database of the namespace, found from the Secret holding its URI. */
  record Existing(Database database) implements Destination {
    @Override
    public String name() {
      return database.name();
    }
  }

  /** A CloudNativePG Cluster: {@code spec.create} set when the migration creates it. */
  record CloudNativePg(CloudNativePgDestination spec) implements Destination {
    @Override
    public String name() {
      return "cnpg/" + spec.cluster;
    }

    /** Whether the migration creates the Cluster. */
    public boolean creates() {
      return spec.create != null;
    }
  }
}
