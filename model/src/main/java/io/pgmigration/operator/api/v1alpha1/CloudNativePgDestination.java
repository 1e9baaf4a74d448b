package io.pgmigration.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Locale;

/**
 * A CloudNativePG {@code Cluster} as the destination: Heroku's "Advanced database", with replicas
 * behind its {@code -ro} Service as the follower pool and its {@code -rw} Service as the leader.
 * Either an existing Cluster, or one the migration creates (phase CreatingDestination).
 */
public class CloudNativePgDestination {
  /** The API group, version and kind of a CloudNativePG Cluster. */
  public static final String API_VERSION = "postgresql.cnpg.io/v1";

  public static final String KIND = "Cluster";

  /** The port CloudNativePG's Services listen on. */
  public static final int PORT = 5432;

  @Required
  @Size(min = 1, max = 50)
  @Pattern("^[a-z]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "Name of the CloudNativePG Cluster in the migration's namespace: an existing one, or the"
          + " one to create when `create` is set. The copy connects as its superuser (Secret"
          + " <cluster>-superuser), or with appRole Owner as its database owner (<cluster>-app).")
  public String cluster;

  @Size(max = 63)
  @Pattern("^[a-zA-Z_][a-zA-Z0-9_$]*$")
  @JsonPropertyDescription(
      "Database to migrate into. Default: for a Cluster the migration creates, the source's"
          + " database name; for an existing Cluster, the database it was bootstrapped with"
          + " (spec.bootstrap.initdb.database, CloudNativePG's default: app).")
  public String database;

  @Default("Source")
  @JsonPropertyDescription(
      "Who the app connects as after promotion. Source (the default): the role and password"
          + " it used on the source; a Cluster the migration creates is bootstrapped with them,"
          + " and the copy connects as the Cluster's superuser. Owner: the Cluster's database"
          + " owner from its Secret <cluster>-app (CloudNativePG's app role); the copy connects as"
          + " that owner, so every object is owned by it, which needs ownership:"
          + " DestinationUser.")
  public AppRole appRole = AppRole.Source;

  @JsonPropertyDescription(
      "Create the Cluster before preparing (phase CreatingDestination, Heroku's \"creating"
          + " target\") and wait until every instance is ready. The Cluster is labelled as this"
          + " migration's and never deleted by the operator: delete it like any CloudNativePG"
          + " Cluster. Without it, the Cluster must exist.")
  public CloudNativePgCluster create;

  /** Who the app connects as after promotion. */
  public enum AppRole {
    /** The source's role and password. */
    Source,
    /** The Cluster's database owner (CloudNativePG's app role), which owns every object. */
    Owner
  }

  /** The Secret CloudNativePG keeps the database owner's credentials in. */
  public String ownerSecret() {
    return cluster + "-app";
  }

  /** The {@code -rw} Service: the leader. */
  public String writeService() {
    return cluster + "-rw";
  }

  /** The {@code -ro} Service: the replicas, the follower pool. */
  public String readService() {
    return cluster + "-ro";
  }

  /** The Secret CloudNativePG keeps the superuser's credentials in. */
  public String superuserSecret() {
    return cluster + "-superuser";
  }

  /**
   * The Secret the operator writes for a migration into this Cluster: the URIs the copy, the checks
   * and the promotion use ({@link #COPY_KEY}, {@link #APP_KEY}, {@link #FOLLOWER_KEY}).
   */
  public static String connectionSecretOf(String migration) {
    String name = "pgmo-" + migration.toLowerCase(Locale.ROOT) + "-destination";
    return name.length() <= 253 ? name : "pgmo-" + SpecHash.sha256(migration).substring(0, 40);
  }

  /** The superuser's URI to the database, which the copy and the checks use. */
  public static final String COPY_KEY = "DATABASE_URL";

  /** The URI the app's DATABASE_URL gets on promotion: the app's role, the -rw Service. */
  public static final String APP_KEY = "APP_DATABASE_URL";

  /** The URI follower keys get: the -ro Service, or -rw when the Cluster has no replicas. */
  public static final String FOLLOWER_KEY = "FOLLOWER_DATABASE_URL";
}
