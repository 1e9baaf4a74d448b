package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.CheckOutcome;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.Severity;
import io.pgmigration.operator.phase.port.Ports;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The outside world of the phase machine, scripted by each test: one scripted side per port (an app
 * of two workloads and a source that can be fenced, copy Jobs whose state the test sets, a
 * replication, a Secret), a clock the test moves, and the warnings given. Each keeps what was done
 * to it, so tests can say what happened and how often.
 */
final class ScriptedWorld {
  Instant now;
  final ScriptedPreparation preparation = new ScriptedPreparation();
  final ScriptedMaintenance maintenance = new ScriptedMaintenance();
  final ScriptedCopying copying = new ScriptedCopying();
  final ScriptedReplication replication = new ScriptedReplication();
  final ScriptedPromotion promotion = new ScriptedPromotion();
  final ScriptedNotifications notifications = new ScriptedNotifications();
  final ScriptedDestinations destinations = new ScriptedDestinations();
  final List<String> warnings = new ArrayList<>();

  ScriptedWorld(Instant now) {
    this.now = now;
  }

  /** The ports, as the phase machine takes them. */
  Ports ports() {
    return new Ports(
        () -> now,
        preparation,
        maintenance,
        copying,
        replication,
        promotion,
        (m, reason, message) -> warnings.add(reason),
        notifications,
        destinations);
  }

  static CheckResult check(String name, Severity severity, CheckOutcome outcome) {
    CheckResult c = new CheckResult();
    c.name = name;
    c.severity = severity;
    c.result = outcome;
    c.message = name + " " + outcome;
    return c;
  }
}
