package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.RecordedWorkload;
import io.pgmigration.operator.phase.port.Promotion;
import java.util.List;

/** The app's URL, which promotion points at the destination, and a source that can be deleted. */
final class ScriptedPromotion implements Promotion {
  String databaseUrl = "source";
  int promotions;
  int destroyed;

  /** Thrown by the next promotions while set, e.g. the API server restarting. */
  RuntimeException promoteFailure;

  /** Thrown by the restarts of the Secret's readers while set: after the Secret was written. */
  RuntimeException restartFailure;

  @Override
  public String promoteSecret(PostgresMigration migration) {
    if (promoteFailure != null) {
      throw promoteFailure;
    }
    promotions++;
    databaseUrl = "destination";
    return "DATABASE_URL_PREVIOUS";
  }

  @Override
  public boolean secretPromoted(PostgresMigration migration) {
    return databaseUrl.equals("destination");
  }

  @Override
  public List<String> restartSecretReaders(
      PostgresMigration migration, List<RecordedWorkload> stopped, String stamp) {
    if (restartFailure != null) {
      throw restartFailure;
    }
    return List.of();
  }

  /** Why the source workload may not be deleted, or null. */
  String destroyRefusal;

  @Override
  public String destroyRefusal(PostgresMigration migration) {
    return destroyRefusal;
  }

  @Override
  public String destroySource(PostgresMigration migration) {
    destroyed++;
    return "StatefulSet postgresql-clean-29349";
  }
}
