package io.pgmigration.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.testing.Manifests;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.Test;

class LogContextTest {
  @Test
  void namesTheMigrationAndItsPhaseUntilLeft() {
    PostgresMigration m = Manifests.quickstartMigration();
    m.getMetadata().setNamespace("shop");
    m.getMetadata().setName("orders");
    m.setStatus(new PostgresMigrationStatus());
    m.getStatus().phase = Phase.Ready;
    LogContext.enter(m);
    assertThat(MDC.get("migration")).isEqualTo("shop/orders");
    assertThat(MDC.get("phase")).isEqualTo("Ready");
    LogContext.phase(Phase.MaintenanceOn);
    assertThat(MDC.get("phase")).isEqualTo("MaintenanceOn");
    LogContext.leave();
    assertThat(MDC.get("migration")).isNull();
    assertThat(MDC.get("phase")).isNull();
  }
}
