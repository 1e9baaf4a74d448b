package io.pgmigration.operator.live;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.RecordedWorkload;
import io.pgmigration.operator.api.v1alpha1.WorkloadRef;
import io.pgmigration.operator.k8s.MaintenancePatches;
import io.pgmigration.operator.secrets.SecretReaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The app's workloads as maintenance sees them, through the Kubernetes API: the selected
 * Deployments, StatefulSets and CronJobs, their pods, and the patches of {@link
 * MaintenancePatches}.
 */
final class Workloads {
  private static final List<Class<? extends HasMetadata>> KINDS =
      List.of(Deployment.class, StatefulSet.class, CronJob.class);
  private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);

  private final KubernetesClient client;

  Workloads(KubernetesClient client) {
    this.client = client;
  }

  /** The selected workloads, without the source and destination databases' own workloads. */
  List<HasMetadata> selected(PostgresMigration m) {
    PostgresMigrationSpec spec = m.getSpec();
    if (spec.app.maintenance == null || spec.app.maintenance.selector == null) {
      return List.of();
    }
    LabelSelector selector = spec.app.maintenance.selector;
    List<Supplier<List<HasMetadata>>> kinds = new ArrayList<>();
    for (Class<? extends HasMetadata> kind : KINDS) {
      kinds.add(
          () ->
              new ArrayList<>(
                  client
                      .resources(kind)
                      .inNamespace(ns(m))
                      .withLabelSelector(selector)
                      .list()
                      .getItems()));
    }
    List<HasMetadata> out = new ArrayList<>();
    for (HasMetadata w : AtOnce.all(kinds)) {
      if (!isDatabase(w, spec.source.workload) && !isDatabase(w, spec.destination.workload)) {
        out.add(w);
      }
    }
    out.sort(Comparator.comparing((HasMetadata w) -> kind(w)).thenComparing(w -> name(w)));
    return out;
  }

  List<RecordedWorkload> record(PostgresMigration m) {
    return selected(m).stream().map(MaintenancePatches::record).toList();
  }

  /**
   * Stops each of {@code workloads} that is not stopped yet (one patch; a workload gone is left),
   * then lists its pods that have not ended and watches them for up to {@code wait} until they
   * have: every moment of this is downtime, so the workloads are stopped and listed all at once,
   * then all watched at once, and a pod's end is seen as soon as the kubelet reports it.
   */
  List<String> stop(
      PostgresMigration m, List<RecordedWorkload> workloads, boolean justRecorded, Duration wait) {
    List<Supplier<List<PodEnds.Listed>>> each = new ArrayList<>();
    for (RecordedWorkload w : workloads) {
      each.add(() -> stop(m, w, justRecorded));
    }
    return PodEnds.left(client, AtOnce.all(each), wait);
  }

  /** {@link #stop} of one workload: its pods, as listed (none when it is gone). */
  private List<PodEnds.Listed> stop(PostgresMigration m, RecordedWorkload w, boolean justRecorded) {
    HasMetadata current = null;
    if (!justRecorded) {
      current = get(m, w.kind, w.name);
      if (current == null) {
        return List.of();
      }
    }
    if (current == null || !MaintenancePatches.stopped(current)) {
      try {
        current =
            client
                .resources(classOf(w.kind))
                .inNamespace(ns(m))
                .withName(w.name)
                .patch(MERGE, MaintenancePatches.stop(w));
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
        return List.of();
      }
    }
    LabelSelector pods = null;
    if (current instanceof Deployment d) {
      pods = d.getSpec().getSelector();
    } else if (current instanceof StatefulSet s) {
      pods = s.getSpec().getSelector();
    } else if (current instanceof CronJob c) {
      List<String> jobs = new ArrayList<>();
      for (Job job : client.batch().v1().jobs().inNamespace(ns(m)).list().getItems()) {
        if (job.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> Objects.equals(o.getUid(), c.getMetadata().getUid()))) {
          jobs.add(name(job));
        }
      }
      if (!jobs.isEmpty()) {
        pods = new LabelSelector();
        pods.setMatchExpressions(
            List.of(
                new LabelSelectorRequirement(
                    "batch.kubernetes.io/job-name", "In", jobs.stream().sorted().toList())));
      }
    }
    return pods == null ? List.of() : List.of(PodEnds.list(client, ns(m), pods));
  }

  /**
   * Restores what {@code recorded} and the annotations say. Only a workload still carrying the
   * annotation is restored: the restore patch removes it in the same write, so a workload without
   * it was restored already (or never stopped), and restoring twice cannot undo a change made in
   * between.
   */
  void restore(PostgresMigration m, List<RecordedWorkload> recorded) {
    // Each workload to look at, as listed when the selector still picks it; the values come from
    // the annotations.
    Map<List<String>, HasMetadata> workloads = new LinkedHashMap<>();
    for (RecordedWorkload w : recorded) {
      workloads.put(List.of(w.kind, w.name), null);
    }
    for (HasMetadata w : selected(m)) {
      List<String> key = List.of(kind(w), name(w));
      if (annotated(w) || workloads.containsKey(key)) {
        workloads.put(key, w);
      }
    }
    List<Supplier<List<String>>> each = new ArrayList<>();
    workloads.forEach(
        (w, listed) ->
            each.add(
                () -> {
                  HasMetadata current = listed != null ? listed : get(m, w.get(0), w.get(1));
                  if (current != null && annotated(current)) {
                    // The annotation holds the value from before maintenance; it wins over a
                    // status that may have been rebuilt after the fact.
                    client
                        .resources(classOf(w.get(0)))
                        .inNamespace(ns(m))
                        .withName(w.get(1))
                        .patch(
                            MERGE, MaintenancePatches.restore(MaintenancePatches.record(current)));
                  }
                  return List.of();
                }));
    AtOnce.all(each);
  }

  /** Restarts the readers of the app's Secret that maintenance did not stop. */
  List<String> restartSecretReaders(
      PostgresMigration m, List<RecordedWorkload> stopped, String stamp) {
    String secret = m.getSpec().app.databaseUrlSecret.name;
    List<String> restarted = new ArrayList<>();
    List<Supplier<List<HasMetadata>>> lists = new ArrayList<>();
    for (Class<? extends HasMetadata> kind : List.of(Deployment.class, StatefulSet.class)) {
      lists.add(() -> new ArrayList<>(client.resources(kind).inNamespace(ns(m)).list().getItems()));
    }
    for (HasMetadata w : AtOnce.all(lists)) {
      PodTemplateSpec template = template(w);
      boolean wasStopped =
          stopped.stream().anyMatch(s -> s.kind.equals(kind(w)) && s.name.equals(name(w)));
      if (wasStopped || !SecretReaders.reads(template.getSpec(), secret)) {
        continue;
      }
      restarted.add(kind(w) + " " + name(w));
      Map<String, String> annotations = template.getMetadata().getAnnotations();
      if (annotations == null || !stamp.equals(annotations.get(SecretReaders.RESTARTED_AT))) {
        client
            .resources(w.getClass())
            .inNamespace(ns(m))
            .withName(name(w))
            .patch(MERGE, Serialization.asJson(SecretReaders.restartPatch(stamp)));
      }
    }
    return restarted;
  }

  /** Deletes the source workload, and its claims when asked. */
  String destroySource(PostgresMigration m) {
    WorkloadRef ref = m.getSpec().source.workload;
    String kind = ref.kind.name();
    HasMetadata current = get(m, kind, ref.name);
    if (current == null) {
      return kind + " " + ref.name + " was already gone";
    }
    List<String> claims = new ArrayList<>();
    if (m.getSpec().destroySource.deletePersistentVolumeClaims) {
      claims.addAll(claimsOf(current));
    }
    client.resources(classOf(kind)).inNamespace(ns(m)).withName(ref.name).delete();
    List<String> deleted = new ArrayList<>(List.of(kind + " " + ref.name));
    for (String claim : claims) {
      client.persistentVolumeClaims().inNamespace(ns(m)).withName(claim).delete();
      deleted.add("PersistentVolumeClaim " + claim);
    }
    if (claims.isEmpty()) {
      deleted.add(
          "its PersistentVolumeClaims were kept (destroySource.deletePersistentVolumeClaims)");
    }
    return String.join(", ", deleted);
  }

  private List<String> claimsOf(HasMetadata w) {
    List<String> claims = new ArrayList<>();
    if (w instanceof StatefulSet s) {
      int replicas = s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
      for (PersistentVolumeClaim t : s.getSpec().getVolumeClaimTemplates()) {
        for (int i = 0; i < Math.max(replicas, 1); i++) {
          claims.add(t.getMetadata().getName() + "-" + name(s) + "-" + i);
        }
      }
    }
    for (Volume v : template(w).getSpec().getVolumes()) {
      if (v.getPersistentVolumeClaim() != null) {
        claims.add(v.getPersistentVolumeClaim().getClaimName());
      }
    }
    return claims;
  }

  /** The pod template of a Deployment or StatefulSet. */
  private static PodTemplateSpec template(HasMetadata w) {
    return w instanceof Deployment d
        ? d.getSpec().getTemplate()
        : ((StatefulSet) w).getSpec().getTemplate();
  }

  HasMetadata get(PostgresMigration m, String kind, String name) {
    return client.resources(classOf(kind)).inNamespace(ns(m)).withName(name).get();
  }

  /** The kind, from the class: items of a list do not always carry it. */
  private static String kind(HasMetadata w) {
    return HasMetadata.getKind(w.getClass());
  }

  private static boolean annotated(HasMetadata w) {
    Map<String, String> a = w.getMetadata().getAnnotations();
    return a != null && a.containsKey(MaintenancePatches.ANNOTATION);
  }

  private static boolean isDatabase(HasMetadata w, WorkloadRef ref) {
    return ref != null && ref.kind.name().equals(kind(w)) && ref.name.equals(name(w));
  }

  private static Class<? extends HasMetadata> classOf(String kind) {
    return switch (kind) {
      case "Deployment" -> Deployment.class;
      case "StatefulSet" -> StatefulSet.class;
      case "CronJob" -> CronJob.class;
      default ->
          throw new IllegalArgumentException("not a Deployment, StatefulSet or CronJob: " + kind);
    };
  }

  private static String name(HasMetadata h) {
    return h.getMetadata().getName();
  }

  private static String ns(PostgresMigration m) {
    return m.getMetadata().getNamespace();
  }
}
