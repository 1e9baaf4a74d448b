package io.pgmigration.operator.cli;

import io.pgmigration.operator.api.v1alpha1.CloudNativePgCluster;
import io.pgmigration.operator.api.v1alpha1.CloudNativePgDestination;
import picocli.CommandLine.Option;

/**
 * The flags of {@code create} for a CloudNativePG destination, checked before the cluster is read:
 * each mistake is a usage error that names its flag.
 */
final class ClusterOptions {
  @Option(
      names = "--destination-cluster",
      paramLabel = "NAME",
      description =
          "A CloudNativePG Cluster of the namespace to migrate to, instead of --destination: an"
              + " existing one, or a new one with --create-destination.")
  String cluster;

  @Option(
      names = "--create-destination",
      description =
          "Create the --destination-cluster before preparing (status: Creating target). The"
              + " operator never deletes it.")
  boolean create;

  @Option(
      names = "--instances",
      paramLabel = "N",
      description = "Instances of the created Cluster: a leader and N-1 followers (default 2).")
  Integer instances;

  @Option(
      names = "--storage",
      paramLabel = "SIZE",
      description =
          "Storage of each instance of the created Cluster, e.g. 20Gi (default: twice the"
              + " source's size, at least 1Gi).")
  String storage;

  @Option(
      names = "--postgres-version",
      paramLabel = "N",
      description =
          "PostgreSQL major version of the created Cluster (default: the source's; never older).")
  Integer postgresVersion;

  /**
   * The CloudNativePG destination these flags ask for, or null when {@code destination} (the
   * --destination flag) is given instead.
   */
  CloudNativePgDestination spec(String destination) {
    if (destination != null && cluster != null) {
      throw usage(
          "--destination and --destination-cluster both name a destination: give one of them.");
    }
    if (destination == null && cluster == null) {
      throw usage(
          "Name the destination: --destination SECRET[:KEY] (an existing database) or"
              + " --destination-cluster NAME (a CloudNativePG Cluster).");
    }
    if (create && cluster == null) {
      throw usage("--create-destination needs --destination-cluster NAME, the Cluster to create.");
    }
    String sizing =
        instances != null
            ? "--instances"
            : storage != null ? "--storage" : postgresVersion != null ? "--postgres-version" : null;
    if (sizing != null && !create) {
      throw usage(
          sizing + " needs --create-destination: it describes the Cluster the migration creates.");
    }
    if (cluster == null) {
      return null;
    }
    check("--destination-cluster", cluster, Clusters.nameProblem(cluster));
    CloudNativePgDestination spec = new CloudNativePgDestination();
    spec.cluster = cluster;
    if (create) {
      spec.create = create();
    }
    return spec;
  }

  private CloudNativePgCluster create() {
    CloudNativePgCluster c = new CloudNativePgCluster();
    if (instances != null) {
      check("--instances", instances, Clusters.instancesProblem(instances));
      c.instances = instances;
    }
    if (storage != null) {
      check("--storage", storage, Clusters.storageProblem(storage));
      c.storage = storage;
    }
    if (postgresVersion != null) {
      check(
          "--postgres-version", postgresVersion, Clusters.postgresVersionProblem(postgresVersion));
      c.postgresVersion = postgresVersion;
    }
    return c;
  }

  private static void check(String flag, Object value, String problem) {
    if (problem != null) {
      throw usage(flag + " " + value + ": " + problem);
    }
  }

  private static CliException usage(String message) {
    return new CliException(message, ExitCode.USAGE);
  }
}
