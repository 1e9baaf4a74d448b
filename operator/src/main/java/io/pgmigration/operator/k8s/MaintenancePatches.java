package io.pgmigration.operator.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.RecordedWorkload;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What maintenance does to the app's workloads, as pure functions: record each one as it is, the
 * JSON merge patch that stops it (replicas 0, or a suspended CronJob) and the one that restores it
 * exactly. The recorded value also goes into an annotation on the workload itself, so a lost or
 * damaged status can be rebuilt and a restarted operator never records a workload it already scaled
 * to zero as "0 replicas".
 */
public final class MaintenancePatches {
  /** Annotation holding the value a workload had before maintenance. */
  public static final String ANNOTATION = "pgmigration.io/maintenance";

  private MaintenancePatches() {}

  /**
   * The workload as it was before maintenance: from its annotation when it carries one (it was
   * already stopped by this migration), else from its spec.
   */
  public static RecordedWorkload record(HasMetadata workload) {
    Map<String, String> annotations = workload.getMetadata().getAnnotations();
    if (annotations != null && annotations.containsKey(ANNOTATION)) {
      RecordedWorkload recorded =
          Serialization.unmarshal(annotations.get(ANNOTATION), RecordedWorkload.class);
      recorded.kind = HasMetadata.getKind(workload.getClass());
      recorded.name = workload.getMetadata().getName();
      return recorded;
    }
    RecordedWorkload r = new RecordedWorkload();
    r.kind = HasMetadata.getKind(workload.getClass());
    r.name = workload.getMetadata().getName();
    if (workload instanceof Deployment d) {
      r.replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    } else if (workload instanceof StatefulSet s) {
      r.replicas = s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
    } else if (workload instanceof CronJob c) {
      r.suspend = Boolean.TRUE.equals(c.getSpec().getSuspend());
    } else {
      throw new IllegalArgumentException("not a Deployment, StatefulSet or CronJob: " + r.kind);
    }
    return r;
  }

  /** The merge patch that stops {@code recorded}'s workload and annotates it with the record. */
  public static String stop(RecordedWorkload recorded) {
    Map<String, Object> value = new LinkedHashMap<>();
    if (recorded.replicas != null) {
      value.put("replicas", recorded.replicas);
    }
    if (recorded.suspend != null) {
      value.put("suspend", recorded.suspend);
    }
    Map<String, Object> spec =
        recorded.suspend != null ? Map.of("suspend", true) : Map.of("replicas", 0);
    return Serialization.asJson(
        Map.of(
            "metadata",
            Map.of("annotations", Map.of(ANNOTATION, Serialization.asJson(value))),
            "spec",
            spec));
  }

  /**
   * Whether {@code workload} is stopped as {@link #stop} leaves it: annotated with its record and
   * scaled to zero, or suspended.
   */
  public static boolean stopped(HasMetadata workload) {
    Map<String, String> annotations = workload.getMetadata().getAnnotations();
    if (annotations == null || !annotations.containsKey(ANNOTATION)) {
      return false;
    }
    if (workload instanceof Deployment d) {
      return Integer.valueOf(0).equals(d.getSpec().getReplicas());
    } else if (workload instanceof StatefulSet s) {
      return Integer.valueOf(0).equals(s.getSpec().getReplicas());
    } else if (workload instanceof CronJob c) {
      return Boolean.TRUE.equals(c.getSpec().getSuspend());
    }
    return false;
  }

  /** The merge patch that gives the workload back exactly what was recorded. */
  public static String restore(RecordedWorkload recorded) {
    Map<String, Object> spec =
        recorded.suspend != null
            ? Map.of("suspend", recorded.suspend)
            : Map.of("replicas", recorded.replicas);
    Map<String, Object> annotations = new LinkedHashMap<>();
    annotations.put(ANNOTATION, null);
    return Serialization.asJson(
        Map.of("metadata", Map.of("annotations", annotations), "spec", spec));
  }
}
