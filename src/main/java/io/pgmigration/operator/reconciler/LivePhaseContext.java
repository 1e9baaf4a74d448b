package io.pgmigration.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Progress;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.RecordedWorkload;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Verification;
import io.pgmigration.operator.api.v1alpha1.SecretKeyRef;
import io.pgmigration.operator.api.v1alpha1.WorkloadRef;
import io.pgmigration.operator.db.CopyProgress;
import io.pgmigration.operator.db.CopyVerifier;
import io.pgmigration.operator.db.DatabaseFacts;
import io.pgmigration.operator.db.DatabaseProbe;
import io.pgmigration.operator.db.LogicalReplication;
import io.pgmigration.operator.db.PostgresUri;
import io.pgmigration.operator.db.PreparationChecks;
import io.pgmigration.operator.db.PreparationChecks.AppUrl;
import io.pgmigration.operator.db.PreparationChecks.Found;
import io.pgmigration.operator.db.Sequences;
import io.pgmigration.operator.db.SourceFence;
import io.pgmigration.operator.k8s.CopyJobBuilder;
import io.pgmigration.operator.k8s.SecretPromotion;
import io.pgmigration.operator.phase.PhaseContext;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The phase handlers' window on the world: the Kubernetes API and the two databases. Database
 * errors come out as unchecked exceptions naming what was attempted; the phase machine decides
 * whether they roll the migration back.
 */
final class LivePhaseContext implements PhaseContext {
  private final KubernetesClient client;
  private final Supplier<String> copyImage;
  private final Workloads workloads;
  private final CopyJobs copyJobs;

  /**
   * @param copyImage the copy Jobs' image when the spec names none
   */
  LivePhaseContext(KubernetesClient client, Supplier<String> copyImage) {
    this.client = client;
    this.copyImage = copyImage;
    this.workloads = new Workloads(client);
    this.copyJobs = new CopyJobs(client);
  }

  @Override
  public Instant now() {
    return Instant.now();
  }

  @Override
  public List<CheckResult> runChecks(PostgresMigration m) {
    String ns = m.getMetadata().getNamespace();
    PostgresMigrationSpec spec = m.getSpec();
    Found<PostgresUri> source = uri(ns, spec.source.connectionSecret);
    Found<PostgresUri> destination = uri(ns, spec.destination.connectionSecret);
    return PreparationChecks.evaluate(
        new PreparationChecks.Inputs(
            spec.method,
            describe(spec.source.connectionSecret),
            source,
            describe(spec.destination.connectionSecret),
            destination,
            facts(source, ns),
            facts(destination, ns),
            capacity(ns, spec.destination.workload),
            missingWorkloads(ns, spec),
            describe(spec.app.databaseUrlSecret),
            appUrl(ns, spec.app.databaseUrlSecret, source),
            ownReplication(m)));
  }

  /** The name of the replication this migration set up and has not dropped, else null. */
  private static String ownReplication(PostgresMigration m) {
    var status = m.getStatus();
    return status != null && status.replication != null && status.replication.live()
        ? status.replication.name
        : null;
  }

  private static String describe(SecretKeyRef ref) {
    return "Secret " + ref.name + ", key " + ref.key;
  }

  /** The value of a Secret's key, or why it cannot be had. */
  private Found<String> secretValue(String ns, SecretKeyRef ref) {
    Secret secret = client.secrets().inNamespace(ns).withName(ref.name).get();
    if (secret == null) {
      return Found.problem("the Secret does not exist in namespace " + ns);
    }
    if (secret.getData() != null && secret.getData().containsKey(ref.key)) {
      return Found.of(decode(secret.getData().get(ref.key)));
    }
    if (secret.getStringData() != null && secret.getStringData().containsKey(ref.key)) {
      return Found.of(secret.getStringData().get(ref.key));
    }
    return Found.problem("the Secret has no key " + ref.key);
  }

  private Found<PostgresUri> uri(String ns, SecretKeyRef ref) {
    Found<String> value = secretValue(ns, ref);
    if (!value.ok()) {
      return Found.problem(value.problem());
    }
    try {
      return Found.of(PostgresUri.parse(value.value()));
    } catch (IllegalArgumentException e) {
      return Found.problem("the URI in it " + e.getMessage());
    }
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
        selected += count(ns, kind, selector);
      }
      if (selected == 0) {
        missing.add(
            "any Deployment, StatefulSet or CronJob matching spec.app.maintenance.selector");
      }
    }
    return missing;
  }

  private <T extends HasMetadata> int count(String ns, Class<T> kind, LabelSelector selector) {
    return client
        .resources(kind)
        .inNamespace(ns)
        .withLabelSelector(selector)
        .list()
        .getItems()
        .size();
  }

  private boolean workloadExists(String ns, WorkloadRef w) {
    return switch (w.kind) {
      case StatefulSet ->
          client.apps().statefulSets().inNamespace(ns).withName(w.name).get() != null;
      case Deployment -> client.apps().deployments().inNamespace(ns).withName(w.name).get() != null;
    };
  }

  private Found<AppUrl> appUrl(String ns, SecretKeyRef ref, Found<PostgresUri> source) {
    Found<String> value = secretValue(ns, ref);
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

  @Override
  public List<RecordedWorkload> recordWorkloads(PostgresMigration m) {
    return workloads.record(m);
  }

  @Override
  public void stopWorkload(PostgresMigration m, RecordedWorkload workload) {
    workloads.stop(m, workload);
  }

  @Override
  public List<String> remainingPods(PostgresMigration m, List<RecordedWorkload> stopped) {
    return workloads.remainingPods(m, stopped);
  }

  @Override
  public void restoreWorkloads(PostgresMigration m, List<RecordedWorkload> recorded) {
    workloads.restore(m, recorded);
  }

  @Override
  public List<String> fenceSource(PostgresMigration m) {
    return sql("fence the source", () -> SourceFence.fence(source(m)));
  }

  @Override
  public void liftSourceFence(PostgresMigration m) {
    sql(
        "lift the source fence",
        () -> {
          SourceFence.lift(source(m));
          return null;
        });
  }

  @Override
  public CopyJob copyJob(
      PostgresMigration m, CopyJobBuilder.Kind kind, String name, boolean mayCreate) {
    return copyJobs.get(m, kind, name, mayCreate, () -> image(m));
  }

  @Override
  public Progress copyProgress(PostgresMigration m) {
    try {
      return CopyProgress.read(source(m), destination(m));
    } catch (SQLException | RuntimeException e) {
      // Progress is for show: the Job's own state decides how the copy ends.
      return null;
    }
  }

  @Override
  public void deleteCopyJob(PostgresMigration m, String name) {
    copyJobs.delete(m, name);
  }

  @Override
  public Verification verify(PostgresMigration m) {
    return sql(
        "verify the copy",
        () -> CopyVerifier.compare(source(m), destination(m), m.getSpec().verification));
  }

  @Override
  public void startReplication(PostgresMigration m, String name) {
    PostgresUri source = source(m);
    onBoth(
        m,
        "set up logical replication",
        (src, dst) -> {
          LogicalReplication.publish(src, name);
          // The destination server reaches the source by the Service name, like the operator.
          LogicalReplication.subscribe(dst, name, source.conninfo());
          return null;
        });
  }

  @Override
  public ReplicationState replication(PostgresMigration m, String name) {
    return onBoth(
        m,
        "read the replication's state",
        (src, dst) -> {
          LogicalReplication.Subscription sub = LogicalReplication.subscription(dst, name);
          LogicalReplication.Lag lag = LogicalReplication.lag(src, name);
          return new ReplicationState(
              sub.tables(), sub.synced(), sub.errors(), sub.running(), lag.bytes(), lag.seconds());
        });
  }

  @Override
  public String sourcePosition(PostgresMigration m) {
    return onSource(m, "read the source's WAL position", LogicalReplication::position);
  }

  @Override
  public Long behind(PostgresMigration m, String name, String lsn) {
    return onSource(
        m,
        "read how far the destination has come",
        src -> LogicalReplication.behind(src, name, lsn));
  }

  @Override
  public String completeReplica(PostgresMigration m) {
    return onBoth(
        m,
        "set the sequences and refresh the materialized views",
        (src, dst) -> {
          int sequences = Sequences.copy(src, dst);
          int views = LogicalReplication.refreshMaterializedViews(src, dst);
          return sequences + " sequence(s) set and " + views + " materialized view(s) refreshed";
        });
  }

  @Override
  public List<String> dropReplication(PostgresMigration m, String name) {
    return sql(
        "drop the replication " + name,
        () -> {
          Connection dst = null;
          try {
            dst = DatabaseProbe.connect(destination(m));
          } catch (SQLException | RuntimeException e) {
            // The subscription goes with the destination; the slot on the source must go anyway,
            // or it keeps WAL until the source's disk is full.
          }
          try (Connection src = DatabaseProbe.connect(source(m))) {
            return LogicalReplication.drop(dst, src, name);
          } finally {
            if (dst != null) {
              dst.close();
            }
          }
        });
  }

  @Override
  public String promoteSecret(PostgresMigration m) {
    String ns = m.getMetadata().getNamespace();
    SecretKeyRef app = m.getSpec().app.databaseUrlSecret;
    Secret secret = client.secrets().inNamespace(ns).withName(app.name).get();
    if (secret == null) {
      throw new IllegalStateException("the app's Secret " + app.name + " does not exist");
    }
    String destinationUrl = required(secretValue(ns, m.getSpec().destination.connectionSecret));
    Map<String, String> data = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> data.put(k, decode(v)));
    }
    Map<String, String> annotations =
        secret.getMetadata().getAnnotations() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(secret.getMetadata().getAnnotations());
    String uid = m.getMetadata().getUid();
    SecretPromotion.Result result =
        SecretPromotion.promote(
            data,
            app.key,
            destinationUrl,
            m.getSpec().app.followerUrlKeys == null ? List.of() : m.getSpec().app.followerUrlKeys,
            annotations.get(SecretPromotion.MARKER),
            uid);
    String marker = SecretPromotion.marker(uid, result);
    if (!result.data().equals(data) || !marker.equals(annotations.get(SecretPromotion.MARKER))) {
      Map<String, String> encoded = new LinkedHashMap<>();
      result.data().forEach((k, v) -> encoded.put(k, encode(v)));
      annotations.put(SecretPromotion.MARKER, marker);
      secret.setData(encoded);
      secret.setStringData(null);
      secret.getMetadata().setAnnotations(annotations);
      // Carries the resourceVersion read above: a concurrent change makes this fail, not lose.
      client.secrets().inNamespace(ns).resource(secret).update();
    }
    return result.aliasKey();
  }

  @Override
  public List<String> restartSecretReaders(
      PostgresMigration m, List<RecordedWorkload> stopped, String stamp) {
    return workloads.restartSecretReaders(m, stopped, stamp);
  }

  @Override
  public String destroySource(PostgresMigration m) {
    return workloads.destroySource(m);
  }

  @Override
  public void warn(PostgresMigration m, String reason, String message) {
    Events.record(client, m, "Warning", reason, message);
  }

  /** The copy image: the spec's, else the operator's default. */
  private String image(PostgresMigration m) {
    if (m.getSpec().copy.image != null && !m.getSpec().copy.image.isBlank()) {
      return m.getSpec().copy.image;
    }
    return copyImage.get();
  }

  private PostgresUri source(PostgresMigration m) {
    return resolved(m, m.getSpec().source.connectionSecret);
  }

  private PostgresUri destination(PostgresMigration m) {
    return resolved(m, m.getSpec().destination.connectionSecret);
  }

  private PostgresUri resolved(PostgresMigration m, SecretKeyRef ref) {
    String ns = m.getMetadata().getNamespace();
    Found<PostgresUri> uri = uri(ns, ref);
    if (!uri.ok()) {
      throw new IllegalStateException(describe(ref) + ": " + uri.problem());
    }
    return uri.value().resolvedFrom(ns);
  }

  private static String required(Found<String> value) {
    if (!value.ok()) {
      throw new IllegalStateException(value.problem());
    }
    return value.value();
  }

  /** A database call whose SQLException becomes an unchecked error naming what was attempted. */
  private static <T> T sql(String what, SqlCall<T> call) {
    try {
      return call.run();
    } catch (SQLException e) {
      throw new IllegalStateException("could not " + what + ": " + e.getMessage(), e);
    }
  }

  /** A call that may throw SQLException. */
  @FunctionalInterface
  private interface SqlCall<T> {
    T run() throws SQLException;
  }

  /** {@link #sql} with a session on the source, closed afterwards. */
  private <T> T onSource(PostgresMigration m, String what, OnSource<T> call) {
    return sql(
        what,
        () -> {
          try (Connection src = DatabaseProbe.connect(source(m))) {
            return call.run(src);
          }
        });
  }

  /** {@link #sql} with a session on each database, closed afterwards. */
  private <T> T onBoth(PostgresMigration m, String what, OnBoth<T> call) {
    return sql(
        what,
        () -> {
          try (Connection src = DatabaseProbe.connect(source(m));
              Connection dst = DatabaseProbe.connect(destination(m))) {
            return call.run(src, dst);
          }
        });
  }

  /** Work on a source session. */
  @FunctionalInterface
  private interface OnSource<T> {
    T run(Connection source) throws SQLException;
  }

  /** Work on a source and a destination session. */
  @FunctionalInterface
  private interface OnBoth<T> {
    T run(Connection source, Connection destination) throws SQLException;
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  private static String encode(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
