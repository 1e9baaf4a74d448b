package io.pgmigration.operator.live;

import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Progress;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Verification;
import io.pgmigration.operator.db.CopyProgress;
import io.pgmigration.operator.db.CopyVerifier;
import io.pgmigration.operator.k8s.CopyJobBuilder;
import io.pgmigration.operator.phase.port.Copying;
import java.sql.SQLException;
import java.util.function.Supplier;

/**
 * The copy Jobs ({@link CopyJobs}), the copy's progress and the verification, live.
 *
 * @param defaultImage the copy Jobs' image when the spec names none
 */
record LiveCopying(CopyJobs jobs, MigrationSecrets secrets, Supplier<String> defaultImage)
    implements Copying {
  @Override
  public CopyJob copyJob(
      PostgresMigration m, CopyJobBuilder.Kind kind, String name, boolean mayCreate) {
    return jobs.get(m, kind, name, mayCreate, () -> image(m));
  }

  @Override
  public Progress copyProgress(PostgresMigration m) {
    try {
      return CopyProgress.read(secrets.source(m), secrets.destination(m));
    } catch (SQLException | RuntimeException e) {
      // Progress is for show: the Job's own state decides how the copy ends.
      return null;
    }
  }

  @Override
  public void deleteCopyJob(PostgresMigration m, String name) {
    jobs.delete(m, name);
  }

  @Override
  public Verification verify(PostgresMigration m) {
    return Sql.run(
        "verify the copy",
        () ->
            CopyVerifier.compare(
                secrets.source(m),
                secrets.destination(m),
                m.getSpec().verification,
                m.getSpec().ownership));
  }

  /** The copy image: the spec's, else the operator's default. */
  private String image(PostgresMigration m) {
    String image = m.getSpec().copy.image;
    return image != null && !image.isBlank() ? image : defaultImage.get();
  }
}
