package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Notification;
import io.pgmigration.operator.api.v1alpha1.Notification.DeliveryState;
import io.pgmigration.operator.api.v1alpha1.NotificationEvent;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.phase.port.Notifications;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The notifications of a migration, kept in its status so that every one is delivered at least
 * once, whatever restarts in between: a step that enters a phase users are told about adds one,
 * with an id stable across retries; every step then hands the pending ones to the {@link
 * Notifications} port, folds in what it delivered, and retries the rest with back-off. The port
 * works off the reconcile, so a phase never waits for a channel.
 */
final class NotificationOutbox {
  /** How many notifications the status keeps, the latest last. */
  static final int KEPT = 20;

  /** Attempts before a notification is given up. */
  static final int ATTEMPTS = 10;

  static final Duration FIRST_RETRY = Duration.ofSeconds(5);
  static final Duration LONGEST_RETRY = Duration.ofMinutes(5);

  /** How soon a step looks again while a delivery is under way. */
  static final Duration WHILE_DELIVERING = Duration.ofSeconds(2);

  /** How long before a ready window ends its warning goes out, at most. */
  static final Duration EXPIRING = Duration.ofHours(1);

  private NotificationOutbox() {}

  /** After a step from {@code before}: adds what it tells users, delivers; returns when to look. */
  static Step afterStep(StatusDraft d, Phase before, Notifications port, Step step) {
    if (!port.configured(d.migration())) {
      return step;
    }
    PostgresMigrationStatus s = d.status();
    if (d.phase() != before) {
      NotificationEvent.onEntering(d.phase()).ifPresent(e -> add(d, e));
    }
    Instant warnAt = readyWindowWarning(s);
    if (warnAt != null) {
      if (d.now().isBefore(warnAt)) {
        step = step.noLaterThan(Duration.between(d.now(), warnAt));
      } else {
        add(d, NotificationEvent.ReadyWindowExpiring);
      }
    }
    return deliver(d, port, step);
  }

  /**
   * When a Ready migration's users are told its window ends soon: an hour before it does (at once
   * for a shorter window); null when not Ready.
   */
  static Instant readyWindowWarning(PostgresMigrationStatus s) {
    if (s.currentPhase() != Phase.Ready || s.readyDeadline == null) {
      return null;
    }
    Instant deadline = Instant.parse(s.readyDeadline);
    return deadline.minus(EXPIRING);
  }

  private static void add(StatusDraft d, NotificationEvent event) {
    String id =
        d.migration().getMetadata().getUid() + "." + event + "." + d.migration().generation();
    List<Notification> all =
        d.status().notifications == null
            ? new ArrayList<>()
            : new ArrayList<>(d.status().notifications);
    if (all.stream().anyMatch(n -> n.id.equals(id))) {
      return;
    }
    Notification n = new Notification();
    n.id = id;
    n.event = event;
    n.at = d.timestamp();
    n.state = DeliveryState.Pending;
    n.attempts = 0;
    all.add(n);
    d.status().notifications =
        new ArrayList<>(all.subList(Math.max(0, all.size() - KEPT), all.size()));
  }

  private static Step deliver(StatusDraft d, Notifications port, Step step) {
    if (d.status().notifications == null) {
      return step;
    }
    for (Notification n : d.status().notifications) {
      if (n.state != DeliveryState.Pending) {
        continue;
      }
      Notifications.Delivery done = port.take(n.id);
      if (done != null) {
        for (String channel : done.delivered()) {
          if (!n.delivered.contains(channel)) {
            n.delivered.add(channel);
          }
        }
        n.attempts = n.attempts == null ? 1 : n.attempts + 1;
        if (done.error() == null) {
          n.state = DeliveryState.Delivered;
          n.nextAttemptAt = null;
          n.lastError = null;
          continue;
        }
        n.lastError = done.error();
        if (n.attempts >= ATTEMPTS) {
          n.state = DeliveryState.Failed;
          n.nextAttemptAt = null;
          continue;
        }
        n.nextAttemptAt = d.now().plus(backOff(n.attempts)).toString();
      }
      if (n.nextAttemptAt == null || !d.now().isBefore(Instant.parse(n.nextAttemptAt))) {
        port.deliver(d.migration(), d.status(), n);
        step = step.noLaterThan(WHILE_DELIVERING);
      } else {
        step = step.noLaterThan(Duration.between(d.now(), Instant.parse(n.nextAttemptAt)));
      }
    }
    return step;
  }

  /** 5 s, 10 s, 20 s … at most 5 minutes. */
  static Duration backOff(int attempts) {
    Duration wait = FIRST_RETRY.multipliedBy(1L << Math.min(attempts - 1, 10));
    return wait.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : wait;
  }
}
