package io.pgmigration.operator.phase;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.Timestamps;
import java.time.Instant;

/**
 * The one place that writes conditions. A condition keeps its lastTransitionTime while its status
 * does not change, as Kubernetes' own controllers do, so "since when" stays meaningful.
 */
public final class ConditionWriter {
  private ConditionWriter() {}

  /** Sets condition {@code type} on {@code status}, replacing any previous one of that type. */
  public static void set(
      PostgresMigrationStatus status,
      String type,
      boolean value,
      String reason,
      String message,
      long generation,
      Instant now) {
    set(status, type, value ? "True" : "False", reason, message, generation, now);
  }

  /** Like {@link #set(PostgresMigrationStatus, String, boolean, String, String, long, Instant)}. */
  public static void set(
      PostgresMigrationStatus status,
      String type,
      String value,
      String reason,
      String message,
      long generation,
      Instant now) {
    Condition previous = find(status, type);
    String transitionTime =
        previous != null && value.equals(previous.getStatus())
            ? previous.getLastTransitionTime()
            : Timestamps.of(now);
    Condition next =
        new ConditionBuilder()
            .withType(type)
            .withStatus(value)
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(generation)
            .withLastTransitionTime(transitionTime)
            .build();
    status.conditions.removeIf(c -> type.equals(c.getType()));
    status.conditions.add(next);
  }

  /** The condition of {@code type}, or null. */
  public static Condition find(PostgresMigrationStatus status, String type) {
    return status.conditions.stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }
}
