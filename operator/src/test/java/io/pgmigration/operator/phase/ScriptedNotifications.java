package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Notification;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.phase.port.Notifications;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Notifications as the tests script them: what was handed over, and what each delivery ends as. */
final class ScriptedNotifications implements Notifications {
  boolean configured = false;
  final List<String> handedOver = new ArrayList<>();
  final Map<String, Delivery> ended = new HashMap<>();

  @Override
  public boolean configured(PostgresMigration migration) {
    return configured;
  }

  @Override
  public void deliver(
      PostgresMigration migration, PostgresMigrationStatus status, Notification notification) {
    handedOver.add(notification.id);
  }

  @Override
  public Delivery take(String id) {
    return ended.remove(id);
  }
}
