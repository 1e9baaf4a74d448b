package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.DestinationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.phase.port.Destinations;

/** A CloudNativePG destination whose state the test sets; counts the provisioning steps. */
final class ScriptedDestinations implements Destinations {
  Outcome outcome = Outcome.WAITING;
  String message = "The CloudNativePG Cluster db: 0/2 instances ready.";
  int steps;

  @Override
  public Provisioning provision(PostgresMigration m) {
    steps++;
    DestinationStatus st = new DestinationStatus();
    st.cluster = m.getSpec().destination.cloudNativePG.cluster;
    st.instances = 2;
    st.readyInstances = outcome == Outcome.READY ? 2 : 0;
    return new Provisioning(outcome, st, message);
  }
}
