package io.pgmigration.operator.config;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetricsV2;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The operator SDK's own reconcile metrics (reconciliations started, succeeded, failed, their
 * duration, the queue) on /q/metrics, from the SDK's Micrometer implementation. The Quarkus
 * extension means to provide this bean itself, but in a packaged (prod) build of this version it
 * falls back to no metrics at all (quarkiverse/quarkus-operator-sdk#1385, fixed after 7.7.3); a
 * bean of our own takes the place of its default one.
 */
@ApplicationScoped
public class ReconcileMetrics {
  @Produces
  @Singleton
  @Unremovable
  Metrics metrics(MeterRegistry registry) {
    return MicrometerMetricsV2.newBuilder(registry).build();
  }
}
