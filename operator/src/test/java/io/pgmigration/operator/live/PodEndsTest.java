package io.pgmigration.operator.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

/** When the drain counts an app's pod as ended before the kubelet reports it gone. */
class PodEndsTest {
  private static Pod pod(boolean deleting, boolean... terminated) {
    PodBuilder b = new PodBuilder().withNewMetadata().withName("web-1").endMetadata();
    if (deleting) {
      b.editMetadata().withDeletionTimestamp("2026-12-04T12:00:00Z").endMetadata();
    }
    b.withNewStatus().withPhase("Running").endStatus();
    for (boolean t : terminated) {
      b.editStatus()
          .addToContainerStatuses(
              new ContainerStatusBuilder()
                  .withName("c")
                  .withState(
                      t
                          ? new ContainerStateBuilder()
                              .withNewTerminated()
                              .withExitCode(0)
                              .endTerminated()
                              .build()
                          : new ContainerStateBuilder().withNewRunning().endRunning().build())
                  .build())
          .endStatus();
    }
    return b.build();
  }

  @Test
  void aPodBeingDeletedWhoseContainersAllExitedHasStopped() {
    assertThat(PodEnds.ended(pod(true, true, true))).isTrue();
  }

  @Test
  void aContainerStillRunningOrAPodNotBeingDeletedCounts() {
    assertThat(PodEnds.ended(pod(true, true, false))).isFalse();
    assertThat(PodEnds.ended(pod(false, true))).as("may be restarted").isFalse();
    assertThat(PodEnds.ended(pod(true))).as("no container reported yet").isFalse();
  }

  @Test
  void aPodThatRanToItsEndHasEnded() {
    Pod job = pod(false, true);
    job.getStatus().setPhase("Succeeded");
    assertThat(PodEnds.ended(job)).isTrue();
    job.getStatus().setPhase("Failed");
    assertThat(PodEnds.ended(job)).isTrue();
  }
}
