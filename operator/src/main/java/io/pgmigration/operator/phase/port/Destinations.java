package io.pgmigration.operator.phase.port;

import io.pgmigration.operator.api.v1alpha1.DestinationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;

/**
 * A CloudNativePG destination: the Cluster created when the migration asks for one, its readiness,
 * and the Secret with the URIs the copy, the checks and the promotion use.
 */
public interface Destinations {
  /**
   * One idempotent step towards a ready destination: creates the Cluster if asked and missing,
   * reads its state, and once every instance is ready writes the migration's connection Secret.
   */
  Provisioning provision(PostgresMigration m);

  /** Where a destination stands after {@link #provision}. */
  enum Outcome {
    /** Not ready yet (or not there yet): look again. */
    WAITING,
    /** Every instance is ready and the connection Secret is written. */
    READY,
    /** It cannot become ready: a reason the user must act on. */
    FAILED
  }

  /**
   * @param outcome where it stands
   * @param status what was found, for the migration's status
   * @param message one sentence for people: progress, or why it failed
   */
  record Provisioning(Outcome outcome, DestinationStatus status, String message) {
    public static Provisioning failed(DestinationStatus status, String message) {
      return new Provisioning(Outcome.FAILED, status, message);
    }
  }

  /** For migrations that never have a CloudNativePG destination. */
  Destinations NONE =
      m -> {
        throw new IllegalStateException("no CloudNativePG destination in this operator");
      };
}
