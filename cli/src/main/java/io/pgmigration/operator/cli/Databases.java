package io.pgmigration.operator.cli;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.pgmigration.operator.api.v1alpha1.SecretKeyRef;
import io.pgmigration.operator.api.v1alpha1.WorkloadRef;
import io.pgmigration.operator.secrets.PostgresUri;
import io.pgmigration.operator.secrets.SecretData;
import io.pgmigration.operator.secrets.SecretReaders;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Finds the PostgreSQL databases of a namespace from its Secrets, the way Heroku lists the
 * databases attached to an app. Pure: the caller reads the objects.
 *
 * <p>Every Secret key holding a {@code postgres://} URI is a handle on a database server. When
 * several handles point to the same server and database, the ones that workloads read (the app's
 * config, like {@code example-app-config}) are that database's app Secrets and the others (the
 * server's own Secret) name the database.
 */
public final class Databases {
  /** Label keys tried, in order, for a selector of the app's workloads. */
  private static final List<String> APP_LABELS =
      List.of("app.kubernetes.io/part-of", "app.kubernetes.io/instance", "app");

  private Databases() {}

  /** A Deployment, StatefulSet or CronJob, as far as discovery needs it. */
  public record Workload(
      String kind,
      String name,
      Map<String, String> labels,
      Map<String, String> podLabels,
      PodSpec podSpec) {
    /** The workload of {@code kind} with {@code meta} whose pods are made from {@code template}. */
    public static Workload of(String kind, ObjectMeta meta, PodTemplateSpec template) {
      return new Workload(
          kind,
          meta.getName(),
          labels(meta.getLabels()),
          labels(template.getMetadata() == null ? null : template.getMetadata().getLabels()),
          template.getSpec());
    }

    private static Map<String, String> labels(Map<String, String> labels) {
      return labels == null ? Map.of() : labels;
    }

    public String display() {
      return kind + "/" + name;
    }
  }

  /** A Service: its name, its pod selector, and whether it has a ready endpoint. */
  public record Service(String name, Map<String, String> selector, boolean ready) {}

  /**
   * A database: the Secret key naming it, the server it points to ({@code host:port/dbname}), the
   * app Secrets pointing to the same place, the workload running it when known, and whether its
   * Service has a ready endpoint (null when unknown, e.g. an external server).
   */
  public record Database(
      SecretKeyRef secret,
      String server,
      List<SecretKeyRef> appSecrets,
      WorkloadRef workload,
      Boolean available) {
    public String name() {
      return secret.name;
    }

    /** "postgresql-clean-29349 as DATABASE_URL of example-app-config". */
    public String describe() {
      StringBuilder s = new StringBuilder(secret.name);
      if (!"DATABASE_URL".equals(secret.key)) {
        s.append(" (").append(secret.key).append(')');
      }
      if (!appSecrets.isEmpty() && !appSecrets.get(0).name.equals(secret.name)) {
        SecretKeyRef app = appSecrets.get(0);
        s.append(" as ").append(app.key).append(" of ").append(app.name);
      }
      return s.toString();
    }
  }

  /** A Secret's key that holds a database's URI, and the workloads that read that Secret. */
  private record Handle(SecretKeyRef ref, String server, List<Workload> readers) {}

  /** The databases found in {@code secrets}: those an app reads first, then by name. */
  public static List<Database> discover(
      List<Secret> secrets, List<Workload> workloads, List<Service> services, String namespace) {
    Map<String, Service> byName = new LinkedHashMap<>();
    services.forEach(s -> byName.put(s.name(), s));
    List<Workload> servers = new ArrayList<>();
    List<Handle> handles = handles(secrets, workloads, byName, namespace, servers);
    Map<String, List<Handle>> byServer = new LinkedHashMap<>();
    for (Handle h : handles) {
      List<Workload> readers =
          workloads.stream()
              .filter(w -> !servers.contains(w) && SecretReaders.reads(w.podSpec(), h.ref().name))
              .toList();
      byServer
          .computeIfAbsent(h.server(), k -> new ArrayList<>())
          .add(new Handle(h.ref(), h.server(), readers));
    }
    List<Database> out = new ArrayList<>();
    for (var group : byServer.values()) {
      out.addAll(databases(group, byName, workloads));
    }
    // As Heroku lists the app's DATABASE first: databases an app uses, then the others.
    out.sort(
        Comparator.comparing((Database d) -> d.appSecrets().isEmpty())
            .thenComparing(Database::name)
            .thenComparing(d -> d.secret().key));
    return out;
  }

  /**
   * Every key of {@code secrets} that holds a PostgreSQL URI; the workloads that run the servers
   * they name are added to {@code servers}.
   */
  private static List<Handle> handles(
      List<Secret> secrets,
      List<Workload> workloads,
      Map<String, Service> byName,
      String namespace,
      List<Workload> servers) {
    List<Handle> handles = new ArrayList<>();
    for (Secret secret : secrets) {
      for (var entry : new TreeMap<>(SecretData.of(secret)).entrySet()) {
        PostgresUri uri;
        try {
          uri = PostgresUri.parse(entry.getValue());
        } catch (IllegalArgumentException notAUri) {
          continue;
        }
        String host = shortHost(uri.host(), namespace);
        handles.add(
            new Handle(
                new SecretKeyRef(secret.getMetadata().getName(), entry.getKey()),
                host + ":" + uri.port() + "/" + uri.database(),
                List.of()));
        Workload runs = serverWorkload(byName.get(host), workloads);
        if (runs != null) {
          servers.add(runs);
        }
      }
    }
    return handles;
  }

  /**
   * The databases of one server: one per Secret that names it for its own sake (no app reads it),
   * each with the app Secrets that point at it; when only apps' Secrets name it, one per those.
   */
  private static List<Database> databases(
      List<Handle> group, Map<String, Service> byName, List<Workload> workloads) {
    List<Handle> named = group.stream().filter(h -> h.readers().isEmpty()).toList();
    List<Handle> apps = group.stream().filter(h -> !h.readers().isEmpty()).toList();
    if (named.isEmpty()) {
      named = apps;
    }
    List<Database> out = new ArrayList<>();
    for (Handle h : named) {
      String host = h.server().substring(0, h.server().indexOf(':'));
      Service service = byName.get(host);
      Workload runs = serverWorkload(service, workloads);
      List<SecretKeyRef> appRefs =
          named == apps ? List.of(h.ref()) : apps.stream().map(Handle::ref).toList();
      out.add(
          new Database(
              h.ref(),
              h.server(),
              appRefs,
              runs == null ? null : workloadRef(runs),
              service == null ? null : service.ready()));
    }
    return out;
  }

  /** The workloads that read {@code secret}, the database servers left out. */
  public static List<Workload> readers(
      String secret, List<Workload> workloads, List<Database> databases) {
    Set<String> servers = new TreeSet<>();
    for (Database d : databases) {
      if (d.workload() != null) {
        servers.add(d.workload().kind + "/" + d.workload().name);
      }
    }
    return workloads.stream()
        .filter(w -> !servers.contains(w.display()) && SecretReaders.reads(w.podSpec(), secret))
        .toList();
  }

  /**
   * A label selector that selects exactly {@code wanted} among {@code candidates}: a shared {@code
   * app.kubernetes.io/part-of} (or instance, or app) label, else {@code app.kubernetes.io/name In
   * (...)}; null when no label does.
   */
  public static LabelSelector selectorFor(List<Workload> wanted, List<Workload> candidates) {
    if (wanted.isEmpty()) {
      return null;
    }
    for (String key : APP_LABELS) {
      String value = wanted.get(0).labels().get(key);
      if (value != null
          && wanted.stream().allMatch(w -> value.equals(w.labels().get(key)))
          && selects(candidates, w -> value.equals(w.labels().get(key))).equals(names(wanted))) {
        return new LabelSelectorBuilder().addToMatchLabels(key, value).build();
      }
    }
    String key = "app.kubernetes.io/name";
    if (wanted.stream().allMatch(w -> w.labels().containsKey(key))) {
      Set<String> values = new TreeSet<>();
      wanted.forEach(w -> values.add(w.labels().get(key)));
      if (selects(candidates, w -> values.contains(w.labels().get(key))).equals(names(wanted))) {
        return new LabelSelectorBuilder()
            .addNewMatchExpression()
            .withKey(key)
            .withOperator("In")
            .withValues(new ArrayList<>(values))
            .endMatchExpression()
            .build();
      }
    }
    return null;
  }

  private static Set<String> selects(List<Workload> candidates, Predicate<Workload> matches) {
    return names(candidates.stream().filter(matches).toList());
  }

  private static Set<String> names(List<Workload> workloads) {
    Set<String> out = new TreeSet<>();
    workloads.forEach(w -> out.add(w.display()));
    return out;
  }

  /** The host as the namespace's Service name when it names one of this namespace. */
  static String shortHost(String host, String namespace) {
    for (String suffix :
        List.of(
            "." + namespace + ".svc.cluster.local", "." + namespace + ".svc", "." + namespace)) {
      if (host.endsWith(suffix)) {
        return host.substring(0, host.length() - suffix.length());
      }
    }
    return host;
  }

  private static Workload serverWorkload(Service service, List<Workload> workloads) {
    if (service == null || service.selector() == null || service.selector().isEmpty()) {
      return null;
    }
    List<Workload> matching =
        workloads.stream()
            .filter(w -> w.kind().equals("StatefulSet") || w.kind().equals("Deployment"))
            .filter(
                w ->
                    service.selector().entrySet().stream()
                        .allMatch(e -> Objects.equals(w.podLabels().get(e.getKey()), e.getValue())))
            .toList();
    return matching.size() == 1 ? matching.get(0) : null;
  }

  private static WorkloadRef workloadRef(Workload w) {
    WorkloadRef ref = new WorkloadRef();
    ref.kind = WorkloadRef.WorkloadKind.valueOf(w.kind());
    ref.name = w.name();
    return ref;
  }
}
