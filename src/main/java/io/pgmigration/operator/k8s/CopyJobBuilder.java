package io.pgmigration.operator.k8s;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.pgmigration.operator.api.v1alpha1.Durations;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.SecretKeyRef;
import java.util.Map;

/**
 * Builds the Job that copies schema, data, sequences and large objects from the source to the
 * destination with PostgreSQL's own pg_dump and pg_restore. Pure: no I/O.
 *
 * <p>The Job never retries by itself (a half-restored destination must not be restored into again),
 * is bounded by {@code spec.copy.activeDeadline}, carries a label with the spec hash so a stale Job
 * is recognised, and runs under the restricted Pod Security Standard. Credentials reach it only
 * through {@code secretKeyRef}: never in its arguments.
 */
public final class CopyJobBuilder {
  /** Labels every object the operator makes for a migration. */
  public static final String MIGRATION_LABEL = "pgmigration.io/migration";

  public static final String SPEC_HASH_LABEL = "pgmigration.io/spec-hash";
  static final long UID = 999;

  /**
   * Parallel copies use pg_dump's directory format in a scratch volume; a single copy streams
   * custom format from pg_dump straight into pg_restore, with no intermediate file.
   */
  static final String SCRIPT =
      """
      set -euo pipefail
      common=(--no-owner --no-privileges)
      if [ "$PARALLELISM" -gt 1 ]; then
        pg_dump --format=directory --jobs="$PARALLELISM" "${common[@]}" --file="${WORK_DIR:-/work}/dump" \\
          --dbname="$SOURCE_URL"
        pg_restore --jobs="$PARALLELISM" "${common[@]}" --exit-on-error \\
          --dbname="$DESTINATION_URL" "${WORK_DIR:-/work}/dump"
      else
        pg_dump --format=custom "${common[@]}" --dbname="$SOURCE_URL" \\
          | pg_restore "${common[@]}" --exit-on-error --dbname="$DESTINATION_URL"
      fi
      echo "copy finished"
      """;

  private CopyJobBuilder() {}

  /** The name of the copy Job of {@code migration} for the spec whose hash is {@code specHash}. */
  public static String name(PostgresMigration migration, String specHash) {
    String base = migration.getMetadata().getName();
    String suffix = "-copy-" + specHash.substring(0, Math.min(8, specHash.length()));
    return (base.length() + suffix.length() > 63 ? base.substring(0, 63 - suffix.length()) : base)
        + suffix;
  }

  /** The copy Job, owned by {@code migration}, running {@code image}. */
  public static Job build(PostgresMigration migration, String image, String specHash) {
    var spec = migration.getSpec();
    Map<String, String> labels =
        Map.of(
            "app.kubernetes.io/managed-by",
            "pg-migration-operator",
            "app.kubernetes.io/component",
            "copy",
            MIGRATION_LABEL,
            migration.getMetadata().getName(),
            SPEC_HASH_LABEL,
            specHash);
    return new JobBuilder()
        .withNewMetadata()
        .withName(name(migration, specHash))
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
        .withBackoffLimit(0)
        .withActiveDeadlineSeconds(Durations.parse(spec.copy.activeDeadline).toSeconds())
        // Kept a day for inspection, then cleaned up by the TTL controller.
        .withTtlSecondsAfterFinished(86_400)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(UID)
        .withRunAsGroup(UID)
        .withFsGroup(UID)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addNewContainer()
        .withName("copy")
        .withImage(image)
        .withCommand("bash", "-c", SCRIPT)
        .withEnv(
            secretEnv("SOURCE_URL", spec.source.connectionSecret),
            secretEnv("DESTINATION_URL", spec.destination.connectionSecret),
            new EnvVarBuilder()
                .withName("PARALLELISM")
                .withValue(Integer.toString(spec.copy.parallelism))
                .build(),
            new EnvVarBuilder()
                .withName("PGAPPNAME")
                .withValue("pg-migration-operator-copy")
                .build())
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
        .endContainer()
        .addNewVolume()
        .withName("work")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
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
