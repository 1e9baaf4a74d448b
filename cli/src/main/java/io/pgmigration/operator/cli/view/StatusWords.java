package io.pgmigration.operator.cli.view;

import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;

/**
 * A migration's status in the words Heroku's {@code data:pg:migrate} table uses (Preparing, Ready,
 * Error - check status, Migrating, Completed), plus the states Heroku has no word for.
 */
public final class StatusWords {
  private StatusWords() {}

  /** The status word for {@code m}. */
  public static String of(PostgresMigration m) {
    Phase phase = m.phase();
    if (m.getStatus() != null && m.getStatus().rollback != null && !phase.isTerminal()) {
      return "Rolling back";
    }
    return switch (phase) {
      case Pending, Preparing -> "Preparing";
      case CreatingDestination -> "Creating target";
      case PrepareFailed -> "Error - check status";
      case Ready -> m.getSpec().start ? "Starting" : "Ready";
      case Expired -> "Expired";
      case Cancelled -> "Cancelled";
      case MaintenanceOn, Migrating, Verifying -> "Migrating";
      case Migrated -> m.getSpec().promote ? "Migrated" : "Migrated - waiting for promote";
      case Promoting -> "Promoting";
      case Completed -> "Completed";
      case Failed -> "Failed - check status";
      case SourceDestroyed -> "Completed - source destroyed";
    };
  }

  /** {@link #of} coloured by how it stands: green done, red stopped, yellow waiting on the user. */
  public static String styled(PostgresMigration m, Style style) {
    String word = of(m);
    return switch (m.phase()) {
      case Completed, SourceDestroyed -> style.green(word);
      case PrepareFailed, Failed -> style.red(word);
      case Expired, Cancelled -> style.dim(word);
      case Ready -> m.getSpec().start ? word : style.yellow(word);
      case Migrated -> m.getSpec().promote ? word : style.yellow(word);
      case Pending,
          CreatingDestination,
          Preparing,
          MaintenanceOn,
          Migrating,
          Verifying,
          Promoting ->
          word;
    };
  }

  /** Whether the migration still holds its source and destination: not ended, not Completed. */
  public static boolean active(PostgresMigration m) {
    Phase phase = m.phase();
    return !phase.isTerminal() && phase != Phase.Completed;
  }

  /** Whether the migration is Ready and waits for its start. */
  public static boolean startable(PostgresMigration m) {
    return m.phase() == Phase.Ready && !m.getSpec().start && !m.getSpec().cancel;
  }
}
