package io.pgmigration.operator.live;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.phase.Watchdog;
import io.pgmigration.operator.phase.port.Notifications;
import io.pgmigration.operator.phase.port.Ports;
import java.time.Instant;

/** Wires the live side of every port: the Kubernetes API, the watches, and the two databases. */
public final class LivePorts {
  private LivePorts() {}

  /**
   * @param jobs the operator's Jobs and their pods as the reconciler's informers see them
   * @param copyImage the copy Jobs' image when a migration's spec names none, and the images a spec
   *     may name
   * @param watchdog how long a database may take to answer the verification
   * @param notifications where notifications are delivered
   */
  public static Ports of(
      KubernetesClient client,
      JobWatch jobs,
      CopyImage copyImage,
      Watchdog watchdog,
      Notifications notifications) {
    MigrationSecrets secrets = new MigrationSecrets(client);
    Workloads workloads = new Workloads(client);
    DatabaseServers servers = new DatabaseServers(client);
    return new Ports(
        Instant::now,
        new LivePreparation(
            client, secrets, workloads, servers, copyImage, DatabaseClaims.fromEnvironment(client)),
        new LiveMaintenance(workloads, secrets),
        new LiveCopying(new CopyJobs(client, jobs), secrets, copyImage, watchdog.statement()),
        new LiveReplication(secrets, watchdog.statement()),
        new LivePromotion(client, secrets, workloads, servers),
        (m, reason, message) -> Events.record(client, m, "Warning", reason, message),
        notifications,
        LiveDestinations.fromEnvironment(client, secrets));
  }
}
