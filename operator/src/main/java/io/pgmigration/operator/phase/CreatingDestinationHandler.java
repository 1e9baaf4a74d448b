package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.CloudNativePgCluster;
import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Durations;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.Timestamps;
import io.pgmigration.operator.phase.port.Destinations.Provisioning;
import io.pgmigration.operator.phase.port.Ports;
import java.time.Duration;
import java.time.Instant;

/**
 * CreatingDestination, Heroku's "creating target": a CloudNativePG destination is created when the
 * migration asks for one and waited for until every instance is ready; then the preparation checks
 * run against it. A Cluster that cannot become ready (or not within its readyTimeout) ends the
 * migration in PrepareFailed with the reason: nothing of the app has been touched.
 */
record CreatingDestinationHandler(Duration poll) implements PhaseHandler {
  /** How long a referenced Cluster may take to exist and be ready, as a created one's default. */
  static final String REFERENCED_READY_TIMEOUT = new CloudNativePgCluster().readyTimeout;

  @Override
  public Step handle(StatusDraft d, Ports ports) {
    if (d.spec().cancel) {
      return Cancellation.cancel(d);
    }
    Provisioning p = ports.destinations().provision(d.migration());
    d.status().destination = p.status();
    switch (p.outcome()) {
      case READY -> {
        d.moveTo(Phase.Preparing, p.message() + " Running the preparation checks.");
        d.status().preparingSince = d.timestamp();
        d.condition(Conditions.Type.PREPARED, false, Conditions.Reason.RUNNING, p.message());
        return Step.now();
      }
      case FAILED -> {
        return fail(d, p.message());
      }
      default -> {
        Instant giveUp = since(d).plus(readyTimeout(d));
        if (!d.now().isBefore(giveUp)) {
          return fail(
              d,
              "The destination was not ready within "
                  + readyTimeoutText(d)
                  + " (readyTimeout): "
                  + p.message());
        }
        d.message(p.message() + " Waiting until " + Timestamps.of(giveUp) + ".");
        d.condition(
            Conditions.Type.PREPARED, false, Conditions.Reason.CREATING_DESTINATION, p.message());
        return Step.after(poll);
      }
    }
  }

  private static Step fail(StatusDraft d, String why) {
    d.status().checks = null; // an earlier round's checks are not why it stopped
    d.moveTo(
        Phase.PrepareFailed,
        why + " Nothing of the app was touched; fix it, then change the spec.");
    d.condition(Conditions.Type.PREPARED, false, Conditions.Reason.DESTINATION_FAILED, why);
    return Step.waitForChange();
  }

  private static Instant since(StatusDraft d) {
    String since = d.status().preparingSince;
    if (since == null) {
      d.status().preparingSince = d.timestamp();
      return d.now();
    }
    return Instant.parse(since);
  }

  private static String readyTimeoutText(StatusDraft d) {
    CloudNativePgCluster create = d.spec().destination.cloudNativePG.create;
    return create == null ? REFERENCED_READY_TIMEOUT : create.readyTimeout;
  }

  private static Duration readyTimeout(StatusDraft d) {
    return Durations.parse(readyTimeoutText(d));
  }
}
