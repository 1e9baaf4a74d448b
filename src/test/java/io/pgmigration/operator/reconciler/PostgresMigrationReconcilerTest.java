package io.pgmigration.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.testing.Manifests;
import org.junit.jupiter.api.Test;

class PostgresMigrationReconcilerTest {
  @Test
  void anUnexpectedErrorIsReportedInStatusAndRetriedWithoutEnd() {
    PostgresMigration m = Manifests.quickstartMigration();
    m.setStatus(new PostgresMigrationStatus());
    m.getStatus().phase = Phase.Ready;
    ErrorStatusUpdateControl<PostgresMigration> control =
        new PostgresMigrationReconciler(null, java.util.Optional.empty())
            .updateErrorStatus(m, null, new KubernetesClientException("secrets is forbidden"));
    PostgresMigration patched = control.getResource().orElseThrow();
    assertThat(patched.getStatus().phase).isEqualTo(Phase.Ready);
    assertThat(patched.getStatus().message)
        .isEqualTo("Could not reconcile, retrying every 30s: secrets is forbidden");
    assertThat(control.isNoRetry()).isTrue();
    assertThat(control.getScheduleDelay())
        .contains(PostgresMigrationReconciler.ERROR_RETRY.toMillis());
  }
}
