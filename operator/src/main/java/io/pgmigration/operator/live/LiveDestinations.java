package io.pgmigration.operator.live;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.pgmigration.operator.api.v1alpha1.CloudNativePgDestination;
import io.pgmigration.operator.api.v1alpha1.DestinationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.k8s.CloudNativePgClusters;
import io.pgmigration.operator.k8s.CloudNativePgClusters.Source;
import io.pgmigration.operator.phase.port.Destinations;
import io.pgmigration.operator.secrets.PostgresUri;
import io.pgmigration.operator.secrets.SecretData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * CloudNativePG destinations through the Kubernetes API: the Cluster read (created when asked), its
 * pods looked at for what keeps them from ever starting, and the migration's connection Secret
 * written from the Cluster's superuser Secret once every instance is ready.
 */
final class LiveDestinations implements Destinations {
  /** CloudNativePG's phase of a Cluster whose instances are all ready. */
  static final String HEALTHY = "Cluster in healthy state";

  /** Waiting reasons of a pod that will not start without someone fixing its image. */
  private static final Set<String> PULL_FAILURES =
      Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName");

  private final KubernetesClient client;
  private final MigrationSecrets secrets;
  private final String imageTemplate;

  LiveDestinations(KubernetesClient client, MigrationSecrets secrets, String imageTemplate) {
    this.client = client;
    this.secrets = secrets;
    this.imageTemplate = imageTemplate;
  }

  /** With the operand image template of {@code PGMO_CNPG_IMAGE}, else CloudNativePG's images. */
  static LiveDestinations fromEnvironment(KubernetesClient client, MigrationSecrets secrets) {
    return new LiveDestinations(client, secrets, System.getenv("PGMO_CNPG_IMAGE"));
  }

  @Override
  public Provisioning provision(PostgresMigration m) {
    CloudNativePgDestination d = m.getSpec().destination.cloudNativePG;
    String ns = m.getMetadata().getNamespace();
    DestinationStatus st = new DestinationStatus();
    st.cluster = d.cluster;
    GenericKubernetesResource cluster;
    try {
      cluster = clusters(ns).withName(d.cluster).get();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return Provisioning.failed(
            st,
            "CloudNativePG is not installed in this Kubernetes cluster (no "
                + CloudNativePgDestination.API_VERSION
                + " Cluster kind): install it, or give destination.connectionSecret.");
      }
      throw e;
    }
    if (cluster == null) {
      if (d.create == null) {
        return new Provisioning(
            Outcome.WAITING,
            st,
            "The CloudNativePG Cluster " + d.cluster + " does not exist in " + ns + ".");
      }
      return create(m, d, st);
    }
    String uid = annotation(cluster, CloudNativePgClusters.MIGRATION_UID);
    st.created = m.getMetadata().getUid().equals(uid);
    if (d.create != null && !st.created) {
      return Provisioning.failed(
          st,
          "The CloudNativePG Cluster "
              + d.cluster
              + " already exists and was not created by this migration: reference it (remove"
              + " destination.cloudNativePG.create) or name another.");
    }
    return readiness(m, d, cluster, st);
  }

  private Provisioning create(
      PostgresMigration m, CloudNativePgDestination d, DestinationStatus st) {
    String ns = m.getMetadata().getNamespace();
    Source source = source(m);
    int major = CloudNativePgClusters.majorFor(d.create, source);
    if (major < source.major()) {
      return Provisioning.failed(
          st,
          "destination.cloudNativePG.create.postgresVersion "
              + major
              + " is older than the source's PostgreSQL "
              + source.major()
              + ": a migration never goes to an older major version.");
    }
    boolean sourceRole = d.appRole != CloudNativePgDestination.AppRole.Owner;
    if (sourceRole && ("postgres".equals(source.uri().user()) || source.uri().password() == null)) {
      return Provisioning.failed(
          st,
          "The source connects as "
              + source.uri().user()
              + (source.uri().password() == null ? " without a password" : "")
              + ", which cannot become the new Cluster's owner (CloudNativePG keeps postgres for"
              + " its superuser): connect the source as the app's own role with a password, or"
              + " set destination.cloudNativePG.appRole: Owner.");
    }
    String name = m.getMetadata().getName();
    if (sourceRole) {
      Secret owner = CloudNativePgClusters.ownerSecret(ns, d, name, source);
      client.secrets().inNamespace(ns).resource(owner).createOr(e -> e.update());
    }
    GenericKubernetesResource cluster =
        CloudNativePgClusters.cluster(ns, d, name, m.getMetadata().getUid(), source, imageTemplate);
    clusters(ns).resource(cluster).create();
    st.created = true;
    st.instances = d.create.instances;
    st.readyInstances = 0;
    st.postgresVersion = major;
    return new Provisioning(
        Outcome.WAITING,
        st,
        "Created the CloudNativePG Cluster "
            + d.cluster
            + " ("
            + d.create.instances
            + " instances, PostgreSQL "
            + major
            + ").");
  }

  @SuppressWarnings("unchecked")
  private Provisioning readiness(
      PostgresMigration m,
      CloudNativePgDestination d,
      GenericKubernetesResource cluster,
      DestinationStatus st) {
    String ns = m.getMetadata().getNamespace();
    Map<String, Object> spec = (Map<String, Object>) cluster.getAdditionalProperties().get("spec");
    Map<String, Object> status =
        (Map<String, Object>) cluster.getAdditionalProperties().get("status");
    st.instances = number(spec == null ? null : spec.get("instances"), 1);
    st.readyInstances = number(status == null ? null : status.get("readyInstances"), 0);
    st.clusterPhase = status == null ? null : (String) status.get("phase");
    st.database = database(d, spec);
    String reason = status == null ? null : (String) status.get("phaseReason");
    if (st.clusterPhase != null && st.clusterPhase.contains("unrecoverable")) {
      // CloudNativePG's own verdict once an instance's Job has failed for good.
      return Provisioning.failed(
          st,
          "The CloudNativePG Cluster "
              + d.cluster
              + " is unrecoverable: "
              + (reason == null ? st.clusterPhase : reason));
    }
    String pullFailure = pullFailure(ns, d.cluster);
    if (pullFailure != null) {
      return Provisioning.failed(
          st, "The CloudNativePG Cluster " + d.cluster + " cannot start: " + pullFailure + ".");
    }
    String progress =
        "The CloudNativePG Cluster "
            + d.cluster
            + ": "
            + st.readyInstances
            + "/"
            + st.instances
            + " instances ready"
            + (st.clusterPhase == null ? "" : " (" + st.clusterPhase + ")")
            + (reason == null || reason.isBlank() ? "" : ": " + reason.replaceAll("\\.$", ""))
            + ".";
    if (!HEALTHY.equals(st.clusterPhase) || st.readyInstances < st.instances) {
      return new Provisioning(Outcome.WAITING, st, progress);
    }
    return ready(m, d, st);
  }

  /** A ready Cluster: the migration's connection Secret written from its superuser Secret. */
  private Provisioning ready(
      PostgresMigration m, CloudNativePgDestination d, DestinationStatus st) {
    String ns = m.getMetadata().getNamespace();
    boolean owner = d.appRole == CloudNativePgDestination.AppRole.Owner;
    String secretName = owner ? d.ownerSecret() : d.superuserSecret();
    Secret secret = secrets.secret(ns, secretName);
    Map<String, String> login = secret == null ? Map.of() : SecretData.of(secret);
    if (login.get("username") == null || login.get("password") == null) {
      return Provisioning.failed(
          st,
          "The CloudNativePG Cluster "
              + d.cluster
              + " has no Secret "
              + secretName
              + " with a username and password"
              + (owner
                  ? ": its database owner's, which appRole Owner connects as."
                  : ": set spec.enableSuperuserAccess: true on it; the copy connects as its"
                      + " superuser."));
    }
    var copy = new CloudNativePgClusters.Login(login.get("username"), login.get("password"));
    PostgresUri source = secrets.sourceAsWritten(m);
    var app = owner ? copy : new CloudNativePgClusters.Login(source.user(), source.password());
    boolean followers = st.instances > 1;
    st.writeService = d.writeService();
    st.followerService = followers ? d.readService() : d.writeService();
    st.connectionSecret = CloudNativePgDestination.connectionSecretOf(m.getMetadata().getName());
    writeConnection(m, CloudNativePgClusters.connection(d, copy, app, st.database, followers));
    return new Provisioning(
        Outcome.READY,
        st,
        "The CloudNativePG Cluster "
            + d.cluster
            + " is ready ("
            + st.readyInstances
            + "/"
            + st.instances
            + " instances"
            + (followers
                ? "; followers on " + d.readService()
                : "; no replicas: followers on " + d.writeService())
            + "; the app connects as "
            + app.user()
            + ").");
  }

  /** The database migrated into: the spec's, else the Cluster's bootstrap database, else app. */
  @SuppressWarnings("unchecked")
  private static String database(CloudNativePgDestination d, Map<String, Object> spec) {
    if (d.database != null) {
      return d.database;
    }
    Object bootstrap = spec == null ? null : spec.get("bootstrap");
    Object initdb = bootstrap instanceof Map<?, ?> b ? b.get("initdb") : null;
    Object database =
        initdb instanceof Map<?, ?> i ? ((Map<String, Object>) i).get("database") : null;
    return database instanceof String s ? s : "app";
  }

  /** Why a pod of the Cluster cannot pull its image, or null. */
  private String pullFailure(String ns, String cluster) {
    List<Pod> pods =
        client.pods().inNamespace(ns).withLabel("cnpg.io/cluster", cluster).list().getItems();
    for (Pod pod : pods) {
      if (pod.getStatus() == null) {
        continue;
      }
      List<ContainerStatus> containers = new ArrayList<>();
      Stream.of(pod.getStatus().getInitContainerStatuses(), pod.getStatus().getContainerStatuses())
          .filter(l -> l != null)
          .forEach(containers::addAll);
      for (ContainerStatus c : containers) {
        var waiting = c.getState() == null ? null : c.getState().getWaiting();
        if (waiting != null && PULL_FAILURES.contains(waiting.getReason())) {
          return "pod "
              + pod.getMetadata().getName()
              + " cannot pull its image "
              + c.getImage()
              + " ("
              + waiting.getReason()
              + ")";
        }
      }
    }
    return null;
  }

  private void writeConnection(PostgresMigration m, Map<String, String> uris) {
    client
        .secrets()
        .inNamespace(m.getMetadata().getNamespace())
        .resource(CloudNativePgClusters.connectionSecret(m, uris))
        .fieldManager("pg-migration-operator")
        .forceConflicts()
        .serverSideApply();
  }

  /** The source's major version and size, and its URI as the app knows it. */
  private Source source(PostgresMigration m) {
    PostgresUri uri = secrets.sourceAsWritten(m);
    return Sql.on(
        secrets.source(m),
        "read the source's version and size",
        c -> {
          try (var s = c.createStatement();
              var r =
                  s.executeQuery(
                      "SELECT current_setting('server_version_num')::int / 10000,"
                          + " pg_database_size(current_database())")) {
            r.next();
            return new Source(r.getInt(1), r.getLong(2), uri);
          }
        });
  }

  private NonNamespaceOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      clusters(String ns) {
    return client
        .genericKubernetesResources(
            CloudNativePgDestination.API_VERSION, CloudNativePgDestination.KIND)
        .inNamespace(ns);
  }

  private static String annotation(GenericKubernetesResource r, String key) {
    Map<String, String> a = r.getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }

  private static int number(Object value, int otherwise) {
    return value instanceof Number n ? n.intValue() : otherwise;
  }
}
