package io.pgmigration.operator.cli;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.pgmigration.operator.api.v1alpha1.AppSpec;
import io.pgmigration.operator.api.v1alpha1.CloudNativePgDestination;
import io.pgmigration.operator.api.v1alpha1.DatabaseSpec;
import io.pgmigration.operator.api.v1alpha1.DestinationSpec;
import io.pgmigration.operator.api.v1alpha1.MaintenanceSpec;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationSpec;
import io.pgmigration.operator.api.v1alpha1.SecretKeyRef;
import io.pgmigration.operator.api.v1alpha1.WorkloadRef;
import java.util.Set;

/** Builds the PostgresMigration that "Configure a database migration" creates. Pure. */
public final class NewMigration {
  private NewMigration() {}

  /**
   * What the user chose. The destination is either {@code destination} (with its workload, when
   * known) or, when {@code cloudNativePG} is set, a CloudNativePG Cluster; the other is null.
   * {@code selector} may be null: then no workload is stopped.
   */
  public record Choices(
      String name,
      SecretKeyRef source,
      WorkloadRef sourceWorkload,
      SecretKeyRef destination,
      WorkloadRef destinationWorkload,
      CloudNativePgDestination cloudNativePG,
      SecretKeyRef appSecret,
      LabelSelector selector,
      PostgresMigrationSpec.Method method,
      boolean start,
      boolean promote) {}

  /** The migration for {@code choices} in {@code namespace}. */
  public static PostgresMigration build(String namespace, Choices c) {
    PostgresMigration m = new PostgresMigration();
    m.setMetadata(new ObjectMetaBuilder().withName(c.name()).withNamespace(namespace).build());
    PostgresMigrationSpec spec = new PostgresMigrationSpec();
    spec.source = side(c.source(), c.sourceWorkload());
    spec.destination = new DestinationSpec();
    if (c.cloudNativePG() != null) {
      spec.destination.cloudNativePG = c.cloudNativePG();
    } else {
      spec.destination.connectionSecret = c.destination();
      spec.destination.workload = c.destinationWorkload();
    }
    spec.app = new AppSpec();
    spec.app.databaseUrlSecret = c.appSecret();
    if (c.selector() != null) {
      spec.app.maintenance = new MaintenanceSpec();
      spec.app.maintenance.selector = c.selector();
    }
    spec.method = c.method();
    spec.start = c.start();
    spec.promote = c.promote();
    m.setSpec(spec);
    return m;
  }

  /**
   * A name for the migration of {@code source}: {@code migrate-<source>}, with {@code -2}, {@code
   * -3}… when an earlier migration took it.
   */
  public static String name(String source, Set<String> taken) {
    String base = "migrate-" + source;
    if (base.length() > 60) {
      base = base.substring(0, 60).replaceAll("[-.]+$", "");
    }
    String name = base;
    for (int i = 2; taken.contains(name); i++) {
      name = base + "-" + i;
    }
    return name;
  }

  private static DatabaseSpec side(SecretKeyRef secret, WorkloadRef workload) {
    DatabaseSpec d = new DatabaseSpec();
    d.connectionSecret = secret;
    d.workload = workload;
    return d;
  }
}
