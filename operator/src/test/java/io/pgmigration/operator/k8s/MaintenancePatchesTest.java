package io.pgmigration.operator.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.RecordedWorkload;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaintenancePatchesTest {
  private static Deployment web(Integer replicas) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("web")
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .endSpec()
        .build();
  }

  private static CronJob report(Boolean suspend) {
    return new CronJobBuilder()
        .withNewMetadata()
        .withName("nightly-report")
        .endMetadata()
        .withNewSpec()
        .withSuspend(suspend)
        .withSchedule("* * * * *")
        .endSpec()
        .build();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(String patch) {
    return Serialization.unmarshal(patch, Map.class);
  }

  @Test
  void recordsDeploymentsAndCronJobsAsTheyAre() {
    RecordedWorkload web = MaintenancePatches.record(web(2));
    assertThat(web.kind).isEqualTo("Deployment");
    assertThat(web.replicas).isEqualTo(2);
    assertThat(web.suspend).isNull();
    // Kubernetes' default when replicas is not set.
    assertThat(MaintenancePatches.record(web(null)).replicas).isEqualTo(1);
    RecordedWorkload cron = MaintenancePatches.record(report(null));
    assertThat(cron.suspend).isFalse();
    assertThat(cron.replicas).isNull();
  }

  @Test
  void stopScalesToZeroAndKeepsTheRecordOnTheWorkload() {
    Map<String, Object> patch = json(MaintenancePatches.stop(MaintenancePatches.record(web(3))));
    assertThat(patch).containsEntry("spec", Map.of("replicas", 0));
    assertThat(patch.toString()).contains(MaintenancePatches.ANNOTATION);
    Map<String, Object> cron =
        json(MaintenancePatches.stop(MaintenancePatches.record(report(false))));
    assertThat(cron).containsEntry("spec", Map.of("suspend", true));
  }

  @Test
  void aWorkloadAlreadyStoppedByThisMigrationIsRecordedFromItsAnnotation() {
    Deployment stopped = web(0);
    stopped.getMetadata().setAnnotations(Map.of(MaintenancePatches.ANNOTATION, "{\"replicas\":3}"));
    // After an operator restart the spec says 0; the annotation remembers 3.
    assertThat(MaintenancePatches.record(stopped).replicas).isEqualTo(3);
  }

  @Test
  @SuppressWarnings("unchecked")
  void restoreGivesBackExactlyWhatWasRecordedAndDropsTheAnnotation() {
    Map<String, Object> patch = json(MaintenancePatches.restore(MaintenancePatches.record(web(3))));
    assertThat(patch).containsEntry("spec", Map.of("replicas", 3));
    Map<String, Object> annotations =
        (Map<String, Object>) ((Map<String, Object>) patch.get("metadata")).get("annotations");
    assertThat(annotations).containsKey(MaintenancePatches.ANNOTATION);
    assertThat(annotations.get(MaintenancePatches.ANNOTATION)).isNull();
    // A CronJob that was already suspended stays suspended.
    assertThat(json(MaintenancePatches.restore(MaintenancePatches.record(report(true)))))
        .containsEntry("spec", Map.of("suspend", true));
  }
}
