package io.pgmigration.operator.live;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.api.v1alpha1.Checks;
import io.pgmigration.operator.api.v1alpha1.CloudNativePgDestination;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.SecretKeyRef;
import io.pgmigration.operator.api.v1alpha1.SpecHash;
import io.pgmigration.operator.api.v1alpha1.WorkloadRef;
import io.pgmigration.operator.db.ClientTools;
import io.pgmigration.operator.db.ClusterChecks;
import io.pgmigration.operator.db.ConnectionCapacity;
import io.pgmigration.operator.db.DatabaseFacts;
import io.pgmigration.operator.db.DatabaseProbe;
import io.pgmigration.operator.db.PreparationChecks;
import io.pgmigration.operator.db.PreparationChecks.AppUrl;
import io.pgmigration.operator.db.PreparationChecks.Found;
import io.pgmigration.operator.db.Rehearsal;
import io.pgmigration.operator.phase.port.Preparation;
import io.pgmigration.operator.secrets.PostgresUri;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The checks' inputs, read from the Secrets, the workloads and the two databases; {@link
 * PreparationChecks} judges them. Everything is read, nothing is changed.
 */
record LivePreparation(
    KubernetesClient client,
    MigrationSecrets secrets,
    Workloads workloads,
    DatabaseServers servers,
    CopyImage copyImage,
    DatabaseClaims claims)
    implements Preparation {
  /** How long the rehearsal may take before it is reported as not finished. */
  static final Duration REHEARSAL_BUDGET = Duration.ofMinutes(5);

  @Override
  public List<CheckResult> runChecks(PostgresMigration m) {
    String ns = m.getMetadata().getNamespace();
    PostgresMigrationSpec spec = m.getSpec();
    Found<PostgresUri> source = secrets.database(ns, spec.source);
    Found<PostgresUri> destination = secrets.database(ns, m.destinationDatabase());
    String ownReplication = ownReplication(m);
    Found<DatabaseFacts> sourceFacts = facts(source, ns);
    Found<DatabaseFacts> destinationFacts = facts(destination, ns);
    List<Side> sides =
        List.of(
            new Side("source", source, sourceFacts),
            new Side("destination", destination, destinationFacts));
    List<CheckResult> checks =
        PreparationChecks.evaluate(
            new PreparationChecks.Inputs(
                spec.method,
                spec.ownership,
                ClientTools.version(),
                spec.copy == null ? "" : spec.copy.image,
                copyImage.allowed(),
                MigrationSecrets.describe(spec.source.connectionSecret),
                source,
                MigrationSecrets.describe(m.destinationDatabase().connectionSecret),
                destination,
                sourceFacts,
                destinationFacts,
                capacity(m),
                missingWorkloads(ns, spec),
                MigrationSecrets.describe(spec.app.databaseUrlSecret),
                appUrl(ns, spec.app.databaseUrlSecret, source),
                ownReplication));
    checks.add(ClusterChecks.maintenanceScope(servedBySelected(m, sides)));
    checks.add(
        ClusterChecks.appSecretWritable(
            MigrationSecrets.describe(spec.app.databaseUrlSecret),
            immutable(ns, spec.app.databaseUrlSecret.name)));
    if (spec.method == PostgresMigrationSpec.Method.Snapshot) {
      checks.add(
          ConnectionCapacity.evaluate(
              sourceFacts.ok() ? sourceFacts.value() : null,
              destinationFacts.ok() ? destinationFacts.value() : null,
              ConnectionCapacity.needed(spec.copy.workers, spec.copy.parallelism)));
    }
    CheckResult appLogin = AppLogin.check(secrets, m);
    if (appLogin != null) {
      checks.add(appLogin);
    }
    checks.add(claim(m, sides));
    if (Checks.blocked(checks)) {
      checks.add(Rehearsal.notRun());
    } else if (ownReplication != null) {
      checks.add(Rehearsal.replicaInPlace());
    } else {
      checks.addAll(
          rehearsal(m, source.value().resolvedFrom(ns), destination.value().resolvedFrom(ns)));
    }
    return checks;
  }

  /**
   * The copy rehearsed on the destination ({@link Rehearsal}), once every other blocking check has
   * passed (on a destination that is not empty or not reachable it would only repeat them). A
   * rehearsal that passed for this spec is not repeated while the source's schema is unchanged: its
   * results carry both hashes.
   */
  private static List<CheckResult> rehearsal(
      PostgresMigration m, PostgresUri source, PostgresUri destination) {
    PostgresMigrationSpec spec = m.getSpec();
    String prepared = SpecHash.of(spec);
    List<CheckResult> before =
        m.getStatus() == null || m.getStatus().checks == null
            ? List.of()
            : m.getStatus().checks.stream()
                .filter(c -> PreparationChecks.REHEARSAL.equals(c.name))
                .toList();
    if (before.size() == 1
        && !before.get(0).blocks()
        && before.get(0).fingerprint != null
        && before.get(0).fingerprint.startsWith(prepared + ":")) {
      try {
        String now =
            prepared + ":" + Rehearsal.schemaHash(source, spec.ownership, REHEARSAL_BUDGET);
        if (now.equals(before.get(0).fingerprint)) {
          return List.of(Rehearsal.unchanged(before.get(0)));
        }
      } catch (SQLException e) {
        // Rehearse again: it will say what is wrong with the source.
      }
    }
    List<CheckResult> out = Rehearsal.run(source, destination, spec.ownership, REHEARSAL_BUDGET);
    out.forEach(c -> c.fingerprint = c.fingerprint == null ? null : prepared + ":" + c.fingerprint);
    return out;
  }

  /** One of the two databases: its role in the migration, its URI and its facts. */
  private record Side(String role, Found<PostgresUri> uri, Found<DatabaseFacts> facts) {}

  /**
   * OtherMigrations: claims both databases for {@code m} ({@link DatabaseClaims}), each known by
   * its server's identity (or, when the user may not read it, host and port) and its name.
   */
  private CheckResult claim(PostgresMigration m, List<Side> sides) {
    if (!sides.stream().allMatch(side -> side.facts().ok())) {
      return ClusterChecks.otherMigrations(null);
    }
    List<String> conflicts = new ArrayList<>();
    for (Side side : sides) {
      PostgresUri uri = side.uri().value();
      DatabaseFacts f = side.facts().value();
      String server =
          f.systemIdentifier() != null ? f.systemIdentifier() : uri.host() + ":" + uri.port();
      String conflict =
          claims.claim(
              m,
              side.role(),
              server + "/" + f.database(),
              "database " + f.database() + " on " + uri.host() + ":" + uri.port());
      if (conflict != null) {
        conflicts.add(conflict);
      }
    }
    return ClusterChecks.otherMigrations(conflicts);
  }

  /**
   * The workloads maintenance would stop that serve the source or the destination: their pods are
   * behind the Service a database's host names.
   */
  private List<String> servedBySelected(PostgresMigration m, List<Side> sides) {
    String ns = m.getMetadata().getNamespace();
    List<HasMetadata> selected = workloads.selected(m);
    List<String> out = new ArrayList<>();
    for (Side side : sides) {
      var service = side.uri().ok() ? servers.service(ns, side.uri().value()) : null;
      if (service == null) {
        continue;
      }
      for (HasMetadata w : selected) {
        if (DatabaseServers.serves(service, w)) {
          out.add(
              HasMetadata.getKind(w.getClass())
                  + " "
                  + w.getMetadata().getName()
                  + " serves the "
                  + side.role()
                  + " (Service "
                  + service.getMetadata().getName()
                  + ")");
        }
      }
    }
    return out;
  }

  /** The name of the replication this migration set up and has not dropped, else null. */
  private static String ownReplication(PostgresMigration m) {
    var status = m.getStatus();
    return status != null && status.replication != null && status.replication.live()
        ? status.replication.name
        : null;
  }

  private static Found<DatabaseFacts> facts(Found<PostgresUri> uri, String ns) {
    if (!uri.ok()) {
      return Found.problem("no usable URI");
    }
    try {
      return Found.of(DatabaseProbe.probe(uri.value().resolvedFrom(ns)));
    } catch (SQLException e) {
      // The driver's "connection attempt failed" says little; its cause names the host or port.
      Throwable cause = e.getCause();
      return Found.problem(
          cause == null || cause.getMessage() == null
              ? e.getMessage()
              : e.getMessage()
                  + " ("
                  + cause.getClass().getSimpleName()
                  + ": "
                  + cause.getMessage()
                  + ")");
    }
  }

  /**
   * The destination's storage when it is knowable: a CloudNativePG Cluster's storage request, or
   * the volume claims of a StatefulSet destination.
   */
  @SuppressWarnings("unchecked")
  private Long capacity(PostgresMigration m) {
    String ns = m.getMetadata().getNamespace();
    var d = m.getSpec().destination;
    if (!d.isCloudNativePg()) {
      return capacity(ns, d.workload);
    }
    var cluster =
        client
            .genericKubernetesResources(
                CloudNativePgDestination.API_VERSION, CloudNativePgDestination.KIND)
            .inNamespace(ns)
            .withName(d.cloudNativePG.cluster)
            .get();
    Object spec = cluster == null ? null : cluster.getAdditionalProperties().get("spec");
    Object storage = spec instanceof Map<?, ?> s ? s.get("storage") : null;
    Object size = storage instanceof Map<?, ?> st ? ((Map<String, Object>) st).get("size") : null;
    return size instanceof String q ? Quantity.getAmountInBytes(new Quantity(q)).longValue() : null;
  }

  /** The storage the destination StatefulSet claims per pod, when it says. */
  private Long capacity(String ns, WorkloadRef workload) {
    if (workload == null || workload.kind != WorkloadRef.WorkloadKind.StatefulSet) {
      return null;
    }
    StatefulSet sts = client.apps().statefulSets().inNamespace(ns).withName(workload.name).get();
    if (sts == null || sts.getSpec().getVolumeClaimTemplates() == null) {
      return null;
    }
    long total = 0;
    for (var claim : sts.getSpec().getVolumeClaimTemplates()) {
      var requests =
          claim.getSpec().getResources() == null
              ? null
              : claim.getSpec().getResources().getRequests();
      Quantity storage = requests == null ? null : requests.get("storage");
      if (storage != null) {
        total += Quantity.getAmountInBytes(storage).longValue();
      }
    }
    return total == 0 ? null : total;
  }

  private List<String> missingWorkloads(String ns, PostgresMigrationSpec spec) {
    List<String> missing = new ArrayList<>();
    for (WorkloadRef w : new WorkloadRef[] {spec.source.workload, spec.destination.workload}) {
      if (w != null && !workloadExists(ns, w)) {
        missing.add(w.kind + " " + w.name);
      }
    }
    if (spec.app.maintenance != null && spec.app.maintenance.selector != null) {
      LabelSelector selector = spec.app.maintenance.selector;
      int selected = 0;
      for (Class<? extends HasMetadata> kind :
          List.of(Deployment.class, StatefulSet.class, CronJob.class)) {
        selected +=
            client
                .resources(kind)
                .inNamespace(ns)
                .withLabelSelector(selector)
                .list()
                .getItems()
                .size();
      }
      if (selected == 0) {
        missing.add(
            "any Deployment, StatefulSet or CronJob matching spec.app.maintenance.selector");
      }
    }
    return missing;
  }

  private boolean workloadExists(String ns, WorkloadRef w) {
    return switch (w.kind) {
      case StatefulSet ->
          client.apps().statefulSets().inNamespace(ns).withName(w.name).get() != null;
      case Deployment -> client.apps().deployments().inNamespace(ns).withName(w.name).get() != null;
    };
  }

  private Found<AppUrl> appUrl(String ns, SecretKeyRef ref, Found<PostgresUri> source) {
    Found<String> value = secrets.value(ns, ref);
    if (!value.ok()) {
      return Found.problem(value.problem());
    }
    if (!source.ok()) {
      return Found.of(AppUrl.POINTS_ELSEWHERE);
    }
    try {
      return Found.of(
          PostgresUri.parse(value.value()).sameDatabaseAs(source.value())
              ? AppUrl.POINTS_TO_SOURCE
              : AppUrl.POINTS_ELSEWHERE);
    } catch (IllegalArgumentException e) {
      return Found.problem("the value " + e.getMessage());
    }
  }

  /** Whether the Secret {@code name} is immutable; null when it cannot be read. */
  private Boolean immutable(String ns, String name) {
    var secret = secrets.secret(ns, name);
    return secret == null ? null : Boolean.TRUE.equals(secret.getImmutable());
  }
}
