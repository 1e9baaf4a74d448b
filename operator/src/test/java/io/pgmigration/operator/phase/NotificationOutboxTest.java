package io.pgmigration.operator.phase;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgmigration.operator.api.v1alpha1.Notification;
import io.pgmigration.operator.api.v1alpha1.Notification.DeliveryState;
import io.pgmigration.operator.api.v1alpha1.NotificationEvent;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.phase.port.Notifications.Delivery;
import io.pgmigration.operator.testing.Manifests;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NotificationOutboxTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final ScriptedNotifications port = new ScriptedNotifications();

  {
    port.configured = true;
  }

  private static PostgresMigration migration(Phase phase) {
    PostgresMigration m = Manifests.quickstartMigration();
    m.getMetadata().setUid("0b5e");
    m.getMetadata().setGeneration(3L);
    m.setStatus(new PostgresMigrationStatus());
    m.getStatus().phase = phase;
    return m;
  }

  /** One step of the outbox on {@code m} at {@code now}, after a move from {@code before}. */
  private Step step(PostgresMigration m, Phase before, Instant now) {
    StatusDraft d = new StatusDraft(m, now);
    Step step = NotificationOutbox.afterStep(d, before, port, Step.waitForChange());
    m.setStatus(d.status());
    return step;
  }

  @Test
  void enteringAPhaseUsersAreToldAboutAddsOneWithAStableIdAndHandsItOver() {
    PostgresMigration m = migration(Phase.Completed);
    Step step = step(m, Phase.Promoting, T0);
    Notification n = m.getStatus().notifications.get(0);
    assertThat(n.id).isEqualTo("0b5e.Completed.3");
    assertThat(n.event).isEqualTo(NotificationEvent.Completed);
    assertThat(n.state).isEqualTo(DeliveryState.Pending);
    assertThat(port.handedOver).containsExactly("0b5e.Completed.3");
    assertThat(step.requeueAfter()).contains(NotificationOutbox.WHILE_DELIVERING);

    // The same transition seen again (a restart) adds nothing new.
    step(m, Phase.Promoting, T0);
    assertThat(m.getStatus().notifications).hasSize(1);

    port.ended.put(n.id, new Delivery(List.of("email", "slackWebhookUrl"), null));
    Step done = step(m, Phase.Completed, T0.plusSeconds(1));
    Notification delivered = m.getStatus().notifications.get(0);
    assertThat(delivered.state).isEqualTo(DeliveryState.Delivered);
    assertThat(delivered.delivered).containsExactly("email", "slackWebhookUrl");
    assertThat(done.requeueAfter()).as("nothing left to deliver").isEmpty();
  }

  @Test
  void aFailedChannelIsRetriedWithBackOffThenGivenUp() {
    PostgresMigration m = migration(Phase.Failed);
    step(m, Phase.Migrating, T0);
    String id = m.getStatus().notifications.get(0).id;
    port.ended.put(id, new Delivery(List.of("email"), "slackWebhookUrl: IOException: HTTP 500"));
    Step retry = step(m, Phase.Failed, T0.plusSeconds(1));
    Notification n = m.getStatus().notifications.get(0);
    assertThat(n.state).isEqualTo(DeliveryState.Pending);
    assertThat(n.delivered).containsExactly("email");
    assertThat(n.lastError).contains("HTTP 500");
    assertThat(n.nextAttemptAt).isEqualTo(T0.plusSeconds(6).toString());
    assertThat(retry.requeueAfter()).contains(Duration.ofSeconds(5));
    assertThat(port.handedOver).hasSize(1);

    Instant now = T0.plusSeconds(6);
    for (int attempt = 2; attempt <= NotificationOutbox.ATTEMPTS; attempt++) {
      step(m, Phase.Failed, now);
      port.ended.put(id, new Delivery(List.of(), "slackWebhookUrl: IOException: HTTP 500"));
      now = now.plus(NotificationOutbox.LONGEST_RETRY);
    }
    step(m, Phase.Failed, now);
    assertThat(m.getStatus().notifications.get(0).state).isEqualTo(DeliveryState.Failed);
    assertThat(NotificationOutbox.backOff(1)).isEqualTo(Duration.ofSeconds(5));
    assertThat(NotificationOutbox.backOff(4)).isEqualTo(Duration.ofSeconds(40));
    assertThat(NotificationOutbox.backOff(9)).isEqualTo(NotificationOutbox.LONGEST_RETRY);
  }

  @Test
  void aReadyMigrationIsWarnedAnHourBeforeItsWindowEnds() {
    PostgresMigration m = migration(Phase.Ready);
    m.getStatus().readyDeadline = T0.plus(Duration.ofHours(3)).toString();
    Step wait = step(m, Phase.Preparing, T0);
    assertThat(m.getStatus().notifications)
        .extracting(n -> n.event)
        .containsExactly(NotificationEvent.Prepared);
    assertThat(wait.requeueAfter()).contains(NotificationOutbox.WHILE_DELIVERING);

    port.ended.put(m.getStatus().notifications.get(0).id, new Delivery(List.of("email"), null));
    Step later = step(m, Phase.Ready, T0.plusSeconds(10));
    assertThat(later.requeueAfter()).contains(Duration.ofHours(2).minusSeconds(10));

    step(m, Phase.Ready, T0.plus(Duration.ofHours(2)));
    assertThat(m.getStatus().notifications)
        .extracting(n -> n.event)
        .containsExactly(NotificationEvent.Prepared, NotificationEvent.ReadyWindowExpiring);
  }

  @Test
  void nothingIsKeptWhenTheMigrationHasNowhereToSend() {
    port.configured = false;
    PostgresMigration m = migration(Phase.Completed);
    step(m, Phase.Promoting, T0);
    assertThat(m.getStatus().notifications).isNull();
    assertThat(port.handedOver).isEmpty();
  }

  @Test
  void theStatusKeepsTheLatestTwenty() {
    PostgresMigration m = migration(Phase.Ready);
    for (int generation = 1; generation <= 25; generation++) {
      m.getMetadata().setGeneration((long) generation);
      step(m, Phase.Preparing, T0);
    }
    assertThat(m.getStatus().notifications).hasSize(NotificationOutbox.KEPT);
    assertThat(m.getStatus().notifications.get(19).id).isEqualTo("0b5e.Prepared.25");
  }
}
