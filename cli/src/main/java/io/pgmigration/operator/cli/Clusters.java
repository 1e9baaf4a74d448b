package io.pgmigration.operator.cli;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The CloudNativePG Clusters of a namespace as a new migration sees them, and what the one a
 * migration creates may be: the same rules as the PostgresMigration CRD's, said in words before the
 * API server refuses them. Pure: {@link Session#clusters} reads the Clusters.
 */
public final class Clusters {
  /** A Cluster's name, as spec.destination.cloudNativePG.cluster accepts it. */
  static final Pattern NAME = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");

  static final int NAME_MAX = 50;

  /** The storage of a created Cluster's instances, as create.storage accepts it. */
  static final Pattern STORAGE = Pattern.compile("^[0-9]+(\\.[0-9]+)?(Mi|Gi|Ti)$");

  static final int INSTANCES_MIN = 1;
  static final int INSTANCES_MAX = 9;
  static final int POSTGRES_MIN = 13;
  static final int POSTGRES_MAX = 99;

  /** The storage of a created Cluster when none is given, in words. */
  public static final String STORAGE_DEFAULT = "sized from the source";

  private Clusters() {}

  /**
   * A CloudNativePG Cluster: its name, its instances, and whether its superuser access is switched
   * off (the copy connects as its superuser).
   */
  public record Cluster(String name, int instances, boolean superuserOff) {
    /** The Cluster that {@code r} is. */
    public static Cluster of(GenericKubernetesResource r) {
      Object spec = r.getAdditionalProperties().get("spec");
      Map<?, ?> s = spec instanceof Map<?, ?> m ? m : Map.of();
      int instances = s.get("instances") instanceof Number n ? n.intValue() : 1;
      return new Cluster(
          r.getMetadata().getName(),
          instances,
          Boolean.FALSE.equals(s.get("enableSuperuserAccess")));
    }

    /** How a destination is named to people: {@code cnpg/<name>}. */
    public String destinationName() {
      return "cnpg/" + name;
    }

    /** "cnpg/orders (CloudNativePG, 3 instances)". */
    public String describe() {
      return destinationName()
          + " (CloudNativePG, "
          + instances
          + (instances == 1 ? " instance)" : " instances)");
    }
  }

  /**
   * What the namespace holds: whether CloudNativePG is installed, whether its Clusters may be
   * listed (when not, whether it is installed is not known either and taken as yes), and those
   * listed, by name.
   */
  public record Found(boolean installed, boolean listable, List<Cluster> clusters) {
    public static final Found NOT_INSTALLED = new Found(false, false, List.of());

    public Optional<Cluster> named(String name) {
      return clusters.stream().filter(c -> c.name().equals(name)).findFirst();
    }
  }

  /** A name for the Cluster a migration of {@code source} creates, none of {@code taken}. */
  public static String defaultName(String source, Set<String> taken) {
    String base = source.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-");
    if (base.isEmpty() || base.charAt(0) < 'a' || base.charAt(0) > 'z') {
      base = "pg-" + base;
    }
    for (int i = 1; ; i++) {
      String suffix = i == 1 ? "-cnpg" : "-cnpg-" + i;
      String cut = base.substring(0, Math.min(base.length(), NAME_MAX - suffix.length()));
      String name = cut.replaceAll("-+$", "") + suffix;
      if (!taken.contains(name)) {
        return name;
      }
    }
  }

  /** What is wrong with {@code name} as a Cluster's name, or null. */
  public static String nameProblem(String name) {
    if (name.isEmpty()) {
      return "a name is needed";
    }
    if (name.length() > NAME_MAX) {
      return "at most " + NAME_MAX + " characters, not " + name.length();
    }
    if (!NAME.matcher(name).matches()) {
      return "lowercase letters, digits and '-', starting with a letter and not ending with '-'";
    }
    return null;
  }

  /** What is wrong with {@code instances} for a created Cluster, or null. */
  public static String instancesProblem(int instances) {
    return instances < INSTANCES_MIN || instances > INSTANCES_MAX
        ? "expected "
            + INSTANCES_MIN
            + " to "
            + INSTANCES_MAX
            + ": a leader and up to "
            + (INSTANCES_MAX - 1)
            + " followers"
        : null;
  }

  /** What is wrong with {@code storage} for a created Cluster's instances, or null. */
  public static String storageProblem(String storage) {
    if (!STORAGE.matcher(storage).matches() || storage.length() > 32) {
      return "expected a size in Mi, Gi or Ti, e.g. 20Gi";
    }
    if (new BigDecimal(storage.substring(0, storage.length() - 2)).signum() == 0) {
      return "a size above zero is needed";
    }
    return null;
  }

  /**
   * What is wrong with {@code version} as a created Cluster's PostgreSQL major version, or null.
   */
  public static String postgresVersionProblem(int version) {
    return version < POSTGRES_MIN || version > POSTGRES_MAX
        ? "expected a PostgreSQL major version from " + POSTGRES_MIN + " on, e.g. 17"
        : null;
  }
}
