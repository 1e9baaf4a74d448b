package io.pgmigration.operator.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.copy.CopyContract;
import io.pgmigration.operator.testing.Manifests;
import org.junit.jupiter.api.Test;

class CopyJobBuilderTest {
  private static final String IMAGE = "ghcr.io/pg-migration-operator/operator:v0.1.0";

  private static PostgresMigration migration() {
    PostgresMigration m = Manifests.quickstartMigration();
    m.getMetadata().setNamespace("example-app");
    m.getMetadata().setUid("1234");
    return m;
  }

  @Test
  void aFailedCopyPodResumesTwiceAtMostAndTheJobIsBoundedByTheDeadline() {
    Job job =
        CopyJobBuilder.build(migration(), CopyJobBuilder.Kind.Copy, IMAGE, "abcdef0123456789");
    assertThat(job.getSpec().getBackoffLimit()).isNull();
    assertThat(job.getSpec().getBackoffLimitPerIndex()).isEqualTo(CopyJobBuilder.POD_RETRIES);
    assertThat(job.getSpec().getMaxFailedIndexes()).isZero();
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(6 * 3600);
    assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(job.getSpec().getTtlSecondsAfterFinished()).isPositive();
    assertThat(job.getMetadata().getName()).isEqualTo("example-app-migration-copy-abcdef01");
    assertThat(job.getMetadata().getLabels())
        .containsEntry(CopyJobBuilder.SPEC_HASH_LABEL, "abcdef0123456789")
        .containsEntry(CopyJobBuilder.MIGRATION_LABEL, "example-app-migration");
    assertThat(job.getMetadata().getOwnerReferences().get(0).getController()).isTrue();
  }

  @Test
  void aCopyThatWouldFailTheSameWayAgainEndsTheJobAtOnce() {
    Job job = CopyJobBuilder.build(migration(), CopyJobBuilder.Kind.Copy, IMAGE, "abc");
    var rule = job.getSpec().getPodFailurePolicy().getRules().get(0);
    assertThat(rule.getAction()).isEqualTo("FailJob");
    assertThat(rule.getOnExitCodes().getContainerName())
        .isEqualTo(job.getSpec().getTemplate().getSpec().getContainers().get(0).getName());
    assertThat(rule.getOnExitCodes().getOperator()).isEqualTo("In");
    assertThat(rule.getOnExitCodes().getValues())
        .containsExactly(CopyContract.EXIT_WILL_FAIL_AGAIN);
  }

  @Test
  void credentialsComeOnlyFromSecretKeyRefs() {
    Job job = CopyJobBuilder.build(migration(), CopyJobBuilder.Kind.Copy, IMAGE, "abc");
    Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getEnv())
        .filteredOn(e -> e.getName().endsWith("_URL"))
        .allSatisfy(e -> assertThat(e.getValue()).isNull())
        .extracting(e -> e.getValueFrom().getSecretKeyRef().getName())
        .containsExactly("postgresql-clean-29349", "postgresql-circular-11223");
    assertThat(Serialization.asJson(job)).doesNotContain("postgres://");
  }

  @Test
  void meetsTheRestrictedPodSecurityStandard() {
    PodSpec pod =
        CopyJobBuilder.build(migration(), CopyJobBuilder.Kind.Copy, IMAGE, "abc")
            .getSpec()
            .getTemplate()
            .getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    Container c = pod.getContainers().get(0);
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
  }

  @Test
  void namesStayWithinKubernetesLimits() {
    PostgresMigration m = migration();
    m.getMetadata().setName("a".repeat(63));
    assertThat(CopyJobBuilder.name(m, "0123456789abcdef")).hasSize(63).endsWith("-copy-01234567");
  }

  @Test
  void workersAreThePodsOfAnIndexedJobEachRunningTheCopyEngine() {
    PostgresMigration m = migration();
    m.getSpec().copy.workers = 3;
    m.getSpec().copy.parallelism = 4;
    Job job = CopyJobBuilder.build(m, CopyJobBuilder.Kind.Copy, IMAGE, "abc");
    assertThat(job.getSpec().getCompletionMode()).isEqualTo("Indexed");
    assertThat(job.getSpec().getCompletions()).isEqualTo(3);
    assertThat(job.getSpec().getParallelism()).isEqualTo(3);
    Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getImage()).isEqualTo(IMAGE);
    assertThat(c.getCommand()).endsWith("io.pgmigration.operator.copy.CopyMain", "job");
    assertThat(c.getEnv())
        .filteredOn(e -> e.getValue() != null)
        .extracting(e -> e.getName() + "=" + e.getValue())
        .contains("WORKER_COUNT=3", "WORKERS=4", "JOBS=4");
  }

  @Test
  void theStreamingSchemaJobIsOnePodUnderItsOwnName() {
    PostgresMigration m = migration();
    m.getSpec().copy.workers = 3;
    Job job = CopyJobBuilder.build(m, CopyJobBuilder.Kind.Schema, IMAGE, "abcdef0123");
    assertThat(job.getMetadata().getName()).isEqualTo("example-app-migration-schema-abcdef01");
    assertThat(job.getSpec().getCompletions()).isEqualTo(1);
    assertThat(job.getSpec().getBackoffLimit()).as("a schema restore is not resumed").isZero();
    assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand())
        .endsWith("schema");
  }

  @Test
  void aVerifiedSourceGetsItsCaMountedAndNamedAndNothingElseChanges() {
    PostgresMigration m = migration();
    m.getSpec().source.tls = new io.pgmigration.operator.api.v1alpha1.TlsSpec();
    m.getSpec().source.tls.caSecret =
        new io.pgmigration.operator.api.v1alpha1.SecretKeyRef("source-ca", "ca.pem");
    PodSpec pod =
        CopyJobBuilder.build(m, CopyJobBuilder.Kind.Copy, IMAGE, "abc")
            .getSpec()
            .getTemplate()
            .getSpec();
    var volume =
        pod.getVolumes().stream().filter(v -> v.getName().equals("source-ca")).findFirst().get();
    assertThat(volume.getSecret().getSecretName()).isEqualTo("source-ca");
    assertThat(volume.getSecret().getItems())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.getKey()).isEqualTo("ca.pem");
              assertThat(i.getPath()).isEqualTo("ca.crt");
            });
    Container c = pod.getContainers().get(0);
    assertThat(c.getVolumeMounts())
        .filteredOn(v -> v.getName().equals("source-ca"))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getMountPath()).isEqualTo("/etc/pgmo/source-ca");
              assertThat(v.getReadOnly()).isTrue();
            });
    assertThat(c.getEnv())
        .filteredOn(e -> e.getName().equals(CopyContract.Env.SOURCE_CA_FILE))
        .singleElement()
        .satisfies(e -> assertThat(e.getValue()).isEqualTo("/etc/pgmo/source-ca/ca.crt"));
    assertThat(c.getEnv()).noneMatch(e -> e.getName().equals(CopyContract.Env.DESTINATION_CA_FILE));
  }
}
