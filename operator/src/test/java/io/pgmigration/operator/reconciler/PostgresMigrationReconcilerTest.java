package io.pgmigration.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.phase.PhaseMachine;
import io.pgmigration.operator.testing.Manifests;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostgresMigrationReconcilerTest {
  @Test
  void anUnexpectedErrorIsReportedInStatusAndRetriedWithoutEnd() {
    PostgresMigration m = Manifests.quickstartMigration();
    m.setStatus(new PostgresMigrationStatus());
    m.getStatus().phase = Phase.Ready;
    List<PostgresMigrationStatus> written = new ArrayList<>();
    StatusWriter writer =
        (context, migration, status) -> {
          written.add(status);
          return migration;
        };
    ErrorStatusUpdateControl<PostgresMigration> control =
        new PostgresMigrationReconciler(null, null, new PhaseMachine(), writer)
            .updateErrorStatus(m, null, new KubernetesClientException("secrets is forbidden"));
    assertThat(control.getResource()).as("written by the one status path, not patched").isEmpty();
    assertThat(written).hasSize(1);
    PostgresMigrationStatus patched = written.get(0);
    assertThat(patched.phase).isEqualTo(Phase.Ready);
    assertThat(patched.message)
        .isEqualTo("Could not reconcile, retrying every 30s: secrets is forbidden");
    assertThat(control.isNoRetry()).isTrue();
    assertThat(control.getScheduleDelay())
        .contains(PostgresMigrationReconciler.ERROR_RETRY.toMillis());
  }
}
