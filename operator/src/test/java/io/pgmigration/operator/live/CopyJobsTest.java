package io.pgmigration.operator.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.pgmigration.operator.phase.port.Copying.CopyJob;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a running copy Job's pod cannot run, and since when: what the watchdog judges. */
class CopyJobsTest {
  private static final Job JOB =
      new JobBuilder()
          .withNewMetadata()
          .withName("copy")
          .withCreationTimestamp("2026-12-03T10:00:00Z")
          .endMetadata()
          .build();

  private static PodBuilder pod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("copy-0-abc")
        .withCreationTimestamp("2026-12-03T10:00:02Z")
        .endMetadata();
  }

  @Test
  void anImageThatCannotBePulledIsStuckSinceThePodWasMade() {
    Pod p =
        pod()
            .withNewStatus()
            .addNewContainerStatus()
            .withName("copy")
            .withNewState()
            .withNewWaiting()
            .withReason("ImagePullBackOff")
            .withMessage("Back-off pulling image \"nowhere/copy:1\"")
            .endWaiting()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();
    CopyJob j = CopyJobs.running(JOB, List.of(p));
    assertThat(j.stuckSince()).isEqualTo(Instant.parse("2026-12-03T10:00:02Z"));
    assertThat(j.detail()).isEqualTo("ImagePullBackOff: Back-off pulling image \"nowhere/copy:1\"");
  }

  @Test
  void aPodNoNodeTakesIsStuckSinceItWasFoundUnschedulable() {
    Pod p =
        pod()
            .withNewStatus()
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("False")
            .withReason("Unschedulable")
            .withMessage("0/1 nodes are available: 1 Insufficient memory.")
            .withLastTransitionTime("2026-12-03T10:00:05Z")
            .endCondition()
            .endStatus()
            .build();
    CopyJob j = CopyJobs.running(JOB, List.of(p));
    assertThat(j.stuckSince()).isEqualTo(Instant.parse("2026-12-03T10:00:05Z"));
    assertThat(j.detail()).startsWith("Unschedulable: 0/1 nodes are available");
  }

  @Test
  void aJobWithoutPodsIsStuckSinceItWasMadeAndARunningPodIsNot() {
    assertThat(CopyJobs.running(JOB, List.of()).stuckSince())
        .isEqualTo(Instant.parse("2026-12-03T10:00:00Z"));
    Pod running =
        pod()
            .withNewStatus()
            .withPhase("Running")
            .addNewContainerStatus()
            .withName("copy")
            .withNewState()
            .withNewRunning()
            .endRunning()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();
    CopyJob j = CopyJobs.running(JOB, List.of(running));
    assertThat(j.stuckSince()).isNull();
    assertThat(j.detail()).isNull();
  }
}
