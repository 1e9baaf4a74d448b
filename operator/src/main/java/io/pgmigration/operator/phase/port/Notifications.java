package io.pgmigration.operator.phase.port;

import io.pgmigration.operator.api.v1alpha1.Notification;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import java.util.List;

/**
 * Delivers notifications off the reconcile: {@link #deliver} returns at once, and what became of a
 * delivery is {@linkplain #take taken} on a later step. A phase never waits for one.
 */
public interface Notifications {
  /** Nowhere to send: no migration is configured. */
  Notifications NONE =
      new Notifications() {
        @Override
        public boolean configured(PostgresMigration migration) {
          return false;
        }

        @Override
        public void deliver(
            PostgresMigration migration,
            PostgresMigrationStatus status,
            Notification notification) {}

        @Override
        public Delivery take(String id) {
          return null;
        }
      };

  /** Whether {@code migration} has somewhere to send: its own Secret, or the operator's default. */
  boolean configured(PostgresMigration migration);

  /**
   * Starts delivering {@code notification} about {@code migration}, whose status is now {@code
   * status}, to the channels it has not reached yet; nothing when a delivery of it is under way.
   */
  void deliver(
      PostgresMigration migration, PostgresMigrationStatus status, Notification notification);

  /** The delivery of {@code id} that ended since the last call, once; null if none. */
  Delivery take(String id);

  /**
   * An ended delivery: the channels that took the notification, and why the others did not (null
   * when none failed).
   */
  record Delivery(List<String> delivered, String error) {}
}
