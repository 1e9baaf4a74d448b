package io.pgmigration.operator.k8s;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyBuilder;
import io.pgmigration.operator.api.v1alpha1.Durations;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.SecretKeyRef;
import io.pgmigration.operator.copy.CopyContract;
import io.pgmigration.operator.copy.CopyContract.Env;
import io.pgmigration.operator.copy.CopyContract.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the Jobs that move a migration's data, running the copy engine ({@code
 * io.pgmigration.operator.copy.CopyMain}) from the operator's own image. Pure: no I/O.
 *
 * <ul>
 *   <li>{@link Kind#Copy}: the Snapshot copy, an Indexed Job of {@code spec.copy.workers} pods that
 *       share the tables and ranges of large tables between them;
 *   <li>{@link Kind#Schema} and {@link Kind#Vacuum}: the Streaming method's schema, and its
 *       destination's VACUUM ANALYZE after the initial copy; one pod each.
 * </ul>
 *
 * A pod of the copy that fails is started again up to {@link #POD_RETRIES} times, and resumes; any
 * other Job never retries by itself. Every Job is bounded by {@code spec.copy.activeDeadline},
 * carries a label with the spec hash so a stale Job is recognised, and runs under the restricted
 * Pod Security Standard. Credentials reach it only through {@code secretKeyRef}: never in its
 * arguments.
 */
public final class CopyJobBuilder {
  /** Labels every object the operator makes for a migration, with the migration's name. */
  public static final String MIGRATION_LABEL = "pgmigration.io/migration";

  /** Labels every object the operator makes, with {@link #MANAGED_BY}. */
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

  public static final String MANAGED_BY = "pg-migration-operator";

  public static final String SPEC_HASH_LABEL = "pgmigration.io/spec-hash";

  /** The operator image's user (Quarkus' jboss), which has a passwd entry psql can look up. */
  static final long UID = 185;

  /** Where the operator image keeps the Quarkus application, whose jars hold the copy engine. */
  static final String APP_DIR = "/deployments";

  /** How often a failed pod of the copy is started again before the copy fails. */
  public static final int POD_RETRIES = 2;

  /** What a Job does. */
  public enum Kind {
    /** The Snapshot copy: schema, rows, indexes, sequences, large objects. */
    Copy("copy", Mode.JOB),
    /** The Streaming method's schema, before the subscription fills it. */
    Schema("schema", Mode.SCHEMA),
    /** VACUUM ANALYZE of the Streaming method's destination, once its tables are copied. */
    Vacuum("vacuum", Mode.VACUUM);

    private final String suffix;
    private final Mode mode;

    Kind(String suffix, Mode mode) {
      this.suffix = suffix;
      this.mode = mode;
    }
  }

  private CopyJobBuilder() {}

  /** The name of the {@code kind} Job of {@code migration} for the spec hashed {@code specHash}. */
  public static String name(PostgresMigration migration, Kind kind, String specHash) {
    String base = migration.getMetadata().getName();
    String suffix = "-" + kind.suffix + "-" + specHash.substring(0, Math.min(8, specHash.length()));
    return (base.length() + suffix.length() > 63 ? base.substring(0, 63 - suffix.length()) : base)
        + suffix;
  }

  /** The Snapshot copy Job's name. */
  public static String name(PostgresMigration migration, String specHash) {
    return name(migration, Kind.Copy, specHash);
  }

  /** The {@code kind} Job, owned by {@code migration}, running {@code image}. */
  public static Job build(PostgresMigration migration, Kind kind, String image, String specHash) {
    var spec = migration.getSpec();
    int pods = kind == Kind.Copy ? spec.copy.workers : 1;
    Map<String, String> labels =
        Map.of(
            MANAGED_BY_LABEL,
            MANAGED_BY,
            "app.kubernetes.io/component",
            kind.suffix,
            MIGRATION_LABEL,
            migration.getMetadata().getName(),
            SPEC_HASH_LABEL,
            specHash);
    return new JobBuilder()
        .withNewMetadata()
        .withName(name(migration, kind, specHash))
        .withNamespace(migration.getMetadata().getNamespace())
        .withLabels(labels)
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion(migration.getApiVersion())
                .withKind(migration.getKind())
                .withName(migration.getMetadata().getName())
                .withUid(migration.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build())
        .endMetadata()
        .withNewSpec()
        // Each pod's JOB_COMPLETION_INDEX says which share of the tables is its own.
        .withCompletionMode("Indexed")
        .withCompletions(pods)
        .withParallelism(pods)
        .withBackoffLimit(kind == Kind.Copy ? null : 0)
        // A copy pod that fails (evicted, out of memory, a server gone for a moment) is started
        // again and goes on where it stopped: the engine skips every item marked done.
        .withBackoffLimitPerIndex(kind == Kind.Copy ? POD_RETRIES : null)
        .withMaxFailedIndexes(kind == Kind.Copy ? 0 : null)
        // Unless the engine says the failure would happen again (a schema or data error): then
        // the Job ends at once, rather than lengthen the app's downtime with retries.
        .withPodFailurePolicy(kind == Kind.Copy ? failFast(kind) : null)
        .withActiveDeadlineSeconds(Durations.parse(spec.copy.activeDeadline).toSeconds())
        // Kept a day for inspection, then cleaned up by the TTL controller.
        .withTtlSecondsAfterFinished(86_400)
        .withTemplate(podTemplate(migration, kind, image, labels, pods))
        .endSpec()
        .build();
  }

  /** Where the CA certificates of {@code spec.*.tls} are mounted, one directory per database. */
  static final String CA_DIR = "/etc/pgmo/";

  static final String SOURCE_CA = "source-ca";
  static final String DESTINATION_CA = "destination-ca";
  static final String CA_FILE = "ca.crt";

  /** The pods: restricted Pod Security Standard, no API token, scratch space in emptyDirs. */
  private static PodTemplateSpec podTemplate(
      PostgresMigration migration, Kind kind, String image, Map<String, String> labels, int pods) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(UID)
        .withFsGroup(UID)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withContainers(container(migration, kind, image, pods))
        .addNewVolume()
        .withName("work")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .addAllToVolumes(caVolumes(migration))
        .endSpec()
        .build();
  }

  /** The container: the copy engine in {@code kind}'s mode, read-only but for /work and /tmp. */
  private static Container container(
      PostgresMigration migration, Kind kind, String image, int pods) {
    var spec = migration.getSpec();
    return new ContainerBuilder()
        .withName(kind.suffix)
        .withImage(image)
        .withCommand(
            "java",
            "-cp",
            APP_DIR + "/app/*:" + APP_DIR + "/lib/main/*",
            CopyContract.MAIN,
            kind.mode.argument())
        .withEnv(env(migration, pods))
        .withResources(spec.copy.resources)
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .addNewVolumeMount()
        .withName("work")
        .withMountPath("/work")
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("tmp")
        .withMountPath("/tmp")
        .endVolumeMount()
        .addAllToVolumeMounts(
            caVolumes(migration).stream()
                .map(
                    v ->
                        new VolumeMountBuilder()
                            .withName(v.getName())
                            .withMountPath(CA_DIR + v.getName())
                            .withReadOnly(true)
                            .build())
                .toList())
        .build();
  }

  /** Ends the Job when its container exits with {@link CopyContract#EXIT_WILL_FAIL_AGAIN}. */
  private static PodFailurePolicy failFast(Kind kind) {
    return new PodFailurePolicyBuilder()
        .addNewRule()
        .withAction("FailJob")
        .withNewOnExitCodes()
        .withContainerName(kind.suffix)
        .withOperator("In")
        .withValues(CopyContract.EXIT_WILL_FAIL_AGAIN)
        .endOnExitCodes()
        .endRule()
        .build();
  }

  private static List<EnvVar> env(PostgresMigration migration, int pods) {
    var spec = migration.getSpec();
    String streams = Integer.toString(spec.copy.parallelism);
    List<EnvVar> env = new ArrayList<>();
    if (spec.source.tls != null) {
      env.add(plain(Env.SOURCE_CA_FILE, CA_DIR + SOURCE_CA + "/" + CA_FILE));
    }
    if (spec.destination.tls != null) {
      env.add(plain(Env.DESTINATION_CA_FILE, CA_DIR + DESTINATION_CA + "/" + CA_FILE));
    }
    env.addAll(
        List.of(
            secretEnv(Env.SOURCE_URL, spec.source.connectionSecret),
            secretEnv(Env.DESTINATION_URL, migration.destinationDatabase().connectionSecret),
            plain(Env.WORKERS, streams),
            plain(Env.JOBS, streams),
            plain(Env.WORKER_COUNT, Integer.toString(pods)),
            plain(Env.WORK_DIR, "/work"),
            plain(Env.OWNERSHIP, spec.ownership.name()),
            plain("HOME", "/work"),
            plain("PGAPPNAME", "pg-migration-operator-copy")));
    return env;
  }

  /** The CA certificates of the databases whose server certificates are verified. */
  private static List<Volume> caVolumes(PostgresMigration migration) {
    var spec = migration.getSpec();
    List<Volume> volumes = new ArrayList<>();
    if (spec.source.tls != null) {
      volumes.add(caVolume(SOURCE_CA, spec.source.tls.caSecret));
    }
    if (spec.destination.tls != null) {
      volumes.add(caVolume(DESTINATION_CA, spec.destination.tls.caSecret));
    }
    return volumes;
  }

  private static Volume caVolume(String name, SecretKeyRef ref) {
    return new VolumeBuilder()
        .withName(name)
        .withNewSecret()
        .withSecretName(ref.name)
        .addNewItem()
        .withKey(ref.key)
        .withPath(CA_FILE)
        .endItem()
        .endSecret()
        .build();
  }

  private static EnvVar plain(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static EnvVar secretEnv(String name, SecretKeyRef ref) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(ref.name)
        .withKey(ref.key)
        .withOptional(false)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }
}
