package io.pgmigration.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What the operator found of a CloudNativePG destination: the Cluster, its Services, its state. */
public class DestinationStatus {
  @JsonPropertyDescription("The CloudNativePG Cluster.")
  public String cluster;

  @JsonPropertyDescription(
      "Whether this migration created the Cluster (it is labelled as the migration's and is"
          + " never deleted by the operator).")
  public Boolean created;

  @JsonPropertyDescription("CloudNativePG's own phase of the Cluster, as it wrote it.")
  public String clusterPhase;

  @JsonPropertyDescription("Instances asked for, and ready.")
  public Integer instances;

  public Integer readyInstances;

  @JsonPropertyDescription("PostgreSQL major version of the Cluster.")
  public Integer postgresVersion;

  @JsonPropertyDescription("The database migrated into.")
  public String database;

  @JsonPropertyDescription("The Service the app's DATABASE_URL points to after promotion (-rw).")
  public String writeService;

  @JsonPropertyDescription(
      "The Service follower keys point to after promotion: -ro, or -rw when the Cluster has no"
          + " replicas.")
  public String followerService;

  @JsonPropertyDescription(
      "The Secret the operator wrote with the destination's URIs (the superuser's for the copy,"
          + " the app's and the followers'). It belongs to the migration.")
  public String connectionSecret;

  @JsonPropertyDescription("When the Cluster was first seen ready.")
  public String readyAt;
}
