package io.pgmigration.operator.api.v1alpha1;

import java.util.Optional;

/** What a migration tells its users about, as Heroku's e-mails do. */
public enum NotificationEvent {
  /** The checks passed: the migration may be started. */
  Prepared,
  /** A blocking check failed; nothing was touched. */
  PrepareFailed,
  /** The app went into maintenance. */
  Started,
  /** The app runs on the destination; with the downtime. */
  Completed,
  /** Rolled back; with the reason. The app runs on the source. */
  Failed,
  /** Cancelled; anything maintenance changed was undone. */
  Cancelled,
  /** The ready window passed without a start. */
  Expired,
  /** A Ready migration's window ends soon. */
  ReadyWindowExpiring;

  /** The event a migration's entering {@code phase} is, if any. */
  public static Optional<NotificationEvent> onEntering(Phase phase) {
    return Optional.ofNullable(
        switch (phase) {
          case Ready -> Prepared;
          case PrepareFailed -> PrepareFailed;
          case MaintenanceOn -> Started;
          case Completed -> Completed;
          case Failed -> Failed;
          case Cancelled -> Cancelled;
          case Expired -> Expired;
          default -> null;
        });
  }

  /** The CloudEvents type of this event, e.g. {@code io.pgmigration.migration.completed}. */
  public String cloudEventType() {
    return "io.pgmigration.migration." + name().toLowerCase(java.util.Locale.ROOT);
  }
}
