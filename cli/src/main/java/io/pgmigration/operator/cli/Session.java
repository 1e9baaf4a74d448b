package io.pgmigration.operator.cli;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.pgmigration.operator.api.v1alpha1.CloudNativePgDestination;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.cli.Databases.Service;
import io.pgmigration.operator.cli.Databases.Workload;
import io.pgmigration.operator.cli.view.Style;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One run of the plugin: the API server it talks to (chosen the way kubectl chooses it), the
 * namespace, and where and how it prints. All reads and writes of the cluster go through here, and
 * every API error leaves as a {@link CliException} that says what to do about it.
 */
public final class Session implements AutoCloseable {
  private static final String CRD = "postgresmigrations.pgmigration.io";

  /** CloudNativePG's Cluster kind, named in full: no discovery needed to list them. */
  private static final ResourceDefinitionContext CLUSTERS =
      new ResourceDefinitionContext.Builder()
          .withGroup(CloudNativePgDestination.API_VERSION.split("/")[0])
          .withVersion(CloudNativePgDestination.API_VERSION.split("/")[1])
          .withKind(CloudNativePgDestination.KIND)
          .withPlural("clusters")
          .withNamespaced(true)
          .build();

  private final KubernetesClient client;
  private final String namespace;
  private final String server;
  private boolean crdSeen;
  public final PrintStream out;
  public final Style style;

  private Session(KubernetesClient client, String namespace, PrintStream out, Style style) {
    this.client = client;
    this.namespace = namespace;
    this.server = client.getConfiguration().getMasterUrl();
    this.out = out;
    this.style = style;
  }

  /**
   * Connects like kubectl: {@code kubeconfig} or else {@code $KUBECONFIG} or {@code ~/.kube/config}
   * (or the pod's service account), the {@code context} or the current one, and the {@code
   * namespace} or the context's, or {@code default}.
   */
  public static Session open(
      String kubeconfig, String context, String namespace, PrintStream out, Style style) {
    Config config;
    if (kubeconfig != null) {
      File file = new File(kubeconfig);
      if (!file.isFile()) {
        throw new CliException("--kubeconfig " + kubeconfig + ": no such file");
      }
      config = Config.fromKubeconfig(context, file);
    } else {
      boolean anyKubeconfig =
          Config.getKubeconfigFilenames().stream().anyMatch(f -> Files.isRegularFile(Path.of(f)));
      if (!anyKubeconfig && System.getenv("KUBERNETES_SERVICE_HOST") == null) {
        throw new CliException(
            "No kubeconfig found: set KUBECONFIG, create ~/.kube/config or pass --kubeconfig FILE.");
      }
      config = Config.autoConfigure(context);
    }
    if (context != null
        && (config.getCurrentContext() == null
            || !context.equals(config.getCurrentContext().getName()))) {
      throw new CliException("--context " + context + ": no such context in the kubeconfig");
    }
    // A command-line tool answers promptly, as kubectl does: a few quick retries for a busy API
    // server, not the client's default back-off, which spends about 20 s on an unreachable one.
    config.setRequestRetryBackoffLimit(3);
    config.setRequestRetryBackoffInterval(100);
    String ns = namespace != null ? namespace : config.getNamespace();
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    return new Session(client, ns == null || ns.isBlank() ? "default" : ns, out, style);
  }

  public String namespace() {
    return namespace;
  }

  /** Every migration of the namespace, oldest first. */
  public List<PostgresMigration> migrations() {
    requireCrd();
    List<PostgresMigration> list =
        new ArrayList<>(
            call(
                    "list",
                    "postgresmigrations",
                    () -> client.resources(PostgresMigration.class).inNamespace(namespace).list())
                .getItems());
    list.sort(
        Comparator.comparing((PostgresMigration m) -> m.getMetadata().getCreationTimestamp())
            .thenComparing(m -> m.getMetadata().getName()));
    return list;
  }

  /** The migration {@code name}; a clear error when there is none. */
  public PostgresMigration migration(String name) {
    requireCrd();
    PostgresMigration m =
        call(
            "get",
            "postgresmigrations",
            () ->
                client
                    .resources(PostgresMigration.class)
                    .inNamespace(namespace)
                    .withName(name)
                    .get());
    if (m == null) {
      throw new CliException(
          "No migration named "
              + name
              + " in namespace "
              + namespace
              + ". Run 'kubectl pg-migrate status -n "
              + namespace
              + "' to list them.");
    }
    return m;
  }

  /**
   * The migration {@code name}, or, when no name is given, the only migration that {@code which}
   * accepts; {@code what} says what such a migration is, for the error.
   */
  public PostgresMigration pick(
      String name, java.util.function.Predicate<PostgresMigration> which, String what) {
    if (name != null) {
      return migration(name);
    }
    List<PostgresMigration> candidates = migrations().stream().filter(which).toList();
    if (candidates.size() == 1) {
      return candidates.get(0);
    }
    if (candidates.isEmpty()) {
      throw new CliException("No " + what + " in namespace " + namespace + ".");
    }
    throw new CliException(
        "Several "
            + what
            + "s in namespace "
            + namespace
            + "; name one: "
            + String.join(", ", candidates.stream().map(m -> m.getMetadata().getName()).toList()));
  }

  /** Merges {@code spec} into the migration's spec (a JSON merge patch). */
  public PostgresMigration patchSpec(String name, Map<String, Object> spec) {
    return call(
        "patch",
        "postgresmigrations",
        () ->
            client
                .resources(PostgresMigration.class)
                .inNamespace(namespace)
                .withName(name)
                .patch(
                    PatchContext.of(PatchType.JSON_MERGE),
                    io.fabric8.kubernetes.client.utils.Serialization.asJson(Map.of("spec", spec))));
  }

  /** Creates {@code m}; a clear error when the name is taken or the API server refuses it. */
  public PostgresMigration create(PostgresMigration m) {
    requireCrd();
    return call(
        "create",
        "postgresmigrations",
        () ->
            client.resources(PostgresMigration.class).inNamespace(namespace).resource(m).create());
  }

  /** The namespace's Secrets. */
  public List<Secret> secrets() {
    return call("list", "secrets", () -> client.secrets().inNamespace(namespace).list().getItems());
  }

  /** The namespace's Deployments, StatefulSets and CronJobs. */
  public List<Workload> workloads() {
    List<Workload> out = new ArrayList<>();
    call(
            "list",
            "deployments",
            () -> client.apps().deployments().inNamespace(namespace).list().getItems())
        .forEach(
            d -> out.add(Workload.of("Deployment", d.getMetadata(), d.getSpec().getTemplate())));
    call(
            "list",
            "statefulsets",
            () -> client.apps().statefulSets().inNamespace(namespace).list().getItems())
        .forEach(
            s -> out.add(Workload.of("StatefulSet", s.getMetadata(), s.getSpec().getTemplate())));
    call(
            "list",
            "cronjobs",
            () -> client.batch().v1().cronjobs().inNamespace(namespace).list().getItems())
        .forEach(
            c ->
                out.add(
                    Workload.of(
                        "CronJob",
                        c.getMetadata(),
                        c.getSpec().getJobTemplate().getSpec().getTemplate())));
    return out;
  }

  /**
   * The namespace's Services and whether each has a ready endpoint. Empty when the user may not
   * list them: availability is then unknown rather than an error.
   */
  public List<Service> services() {
    try {
      Set<String> ready = new HashSet<>();
      for (EndpointSlice slice :
          client.discovery().v1().endpointSlices().inNamespace(namespace).list().getItems()) {
        String service =
            slice.getMetadata().getLabels() == null
                ? null
                : slice.getMetadata().getLabels().get("kubernetes.io/service-name");
        for (Endpoint e :
            slice.getEndpoints() == null ? List.<Endpoint>of() : slice.getEndpoints()) {
          if (service != null
              && (e.getConditions() == null
                  || !Boolean.FALSE.equals(e.getConditions().getReady()))) {
            ready.add(service);
          }
        }
      }
      return client.services().inNamespace(namespace).list().getItems().stream()
          .map(
              s ->
                  new Service(
                      s.getMetadata().getName(),
                      s.getSpec().getSelector(),
                      ready.contains(s.getMetadata().getName())))
          .toList();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        return List.of();
      }
      throw explain(e, "list", "services");
    }
  }

  /**
   * The namespace's CloudNativePG Clusters, by name; {@link Clusters.Found#NOT_INSTALLED} when the
   * API server has no such kind, and none listed when the user may not list them.
   */
  public Clusters.Found clusters() {
    try {
      return new Clusters.Found(
          true,
          true,
          client
              .genericKubernetesResources(CLUSTERS)
              .inNamespace(namespace)
              .list()
              .getItems()
              .stream()
              .map(Clusters.Cluster::of)
              .sorted(Comparator.comparing(Clusters.Cluster::name))
              .toList());
    } catch (KubernetesClientException e) {
      return switch (e.getCode()) {
        case 404 -> Clusters.Found.NOT_INSTALLED;
        case 403 -> new Clusters.Found(true, false, List.of());
        default -> throw explain(e, "list", CLUSTERS.getPlural() + "." + CLUSTERS.getGroup());
      };
    }
  }

  private void requireCrd() {
    if (crdSeen) {
      return;
    }
    boolean installed;
    try {
      installed = client.supports(PostgresMigration.class);
    } catch (KubernetesClientException e) {
      throw explain(e, "discover", "APIs");
    }
    if (!installed) {
      throw new CliException(
          "The PostgresMigration API ("
              + CRD
              + ") is not installed in the cluster at "
              + server
              + ". Install the operator first: kubectl apply -k deploy/ (see the README).");
    }
    crdSeen = true;
  }

  private <T> T call(String verb, String resource, Supplier<T> request) {
    try {
      return request.get();
    } catch (KubernetesClientException e) {
      throw explain(e, verb, resource);
    }
  }

  private CliException explain(KubernetesClientException e, String verb, String resource) {
    return ApiErrors.explain(e, server, namespace, verb, resource);
  }

  @Override
  public void close() {
    client.close();
  }
}
