package io.pgmigration.operator.secrets;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which pods read a Secret, and the patch that restarts them, as pure functions. A pod reads a
 * Secret through an env var's secretKeyRef, an envFrom secretRef, a secret volume or a projected
 * volume; env vars are read once at start, so such pods must be restarted to see a new value.
 */
public final class SecretReaders {
  /** Pod template annotation whose change rolls a workload's pods, like kubectl rollout restart. */
  public static final String RESTARTED_AT = "pgmigration.io/restartedAt";

  private SecretReaders() {}

  /** Whether pods of {@code spec} read Secret {@code name}. */
  public static boolean reads(PodSpec spec, String name) {
    if (spec == null) {
      return false;
    }
    List<Container> containers = new ArrayList<>(spec.getContainers());
    if (spec.getInitContainers() != null) {
      containers.addAll(spec.getInitContainers());
    }
    for (Container c : containers) {
      for (EnvVar e : nonNull(c.getEnv())) {
        if (e.getValueFrom() != null
            && e.getValueFrom().getSecretKeyRef() != null
            && name.equals(e.getValueFrom().getSecretKeyRef().getName())) {
          return true;
        }
      }
      for (EnvFromSource e : nonNull(c.getEnvFrom())) {
        if (e.getSecretRef() != null && name.equals(e.getSecretRef().getName())) {
          return true;
        }
      }
    }
    for (Volume v : nonNull(spec.getVolumes())) {
      if (v.getSecret() != null && name.equals(v.getSecret().getSecretName())) {
        return true;
      }
      if (v.getProjected() != null) {
        for (VolumeProjection p : nonNull(v.getProjected().getSources())) {
          if (p.getSecret() != null && name.equals(p.getSecret().getName())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** The merge patch that restarts a Deployment's or StatefulSet's pods; same stamp, no change. */
  public static Map<String, Object> restartPatch(String stamp) {
    return Map.of(
        "spec",
        Map.of("template", Map.of("metadata", Map.of("annotations", Map.of(RESTARTED_AT, stamp)))));
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list.stream().filter(Objects::nonNull).toList();
  }
}
