package io.pgmigration.operator.live;

import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Progress;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Verification;
import io.pgmigration.operator.api.v1alpha1.SecretKeyRef;
import io.pgmigration.operator.db.CopyProgress;
import io.pgmigration.operator.db.CopyVerifier;
import io.pgmigration.operator.k8s.CopyJobBuilder;
import io.pgmigration.operator.phase.port.Copying;
import io.pgmigration.operator.secrets.Redaction;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The copy Jobs ({@link CopyJobs}), the copy's progress and the verification, live.
 *
 * @param defaultImage the copy Jobs' image when the spec names none
 * @param statementLimit how long one statement of the verification may take ({@link
 *     io.pgmigration.operator.phase.Watchdog#statement()})
 */
record LiveCopying(
    CopyJobs jobs,
    MigrationSecrets secrets,
    Supplier<String> defaultImage,
    java.time.Duration statementLimit)
    implements Copying {
  @Override
  public CopyJob copyJob(
      PostgresMigration m, CopyJobBuilder.Kind kind, String name, boolean mayCreate) {
    CopyJob job = jobs.get(m, kind, name, mayCreate, () -> image(m));
    if (job.state() != CopyJob.State.Failed || job.detail() == null) {
      return job;
    }
    // A failed Job's detail carries its log's last lines into status: never a password.
    List<String> passwords = new ArrayList<>();
    for (SecretKeyRef ref :
        List.of(m.getSpec().source.connectionSecret, m.destinationDatabase().connectionSecret)) {
      var uri = secrets.uri(m.getMetadata().getNamespace(), ref);
      if (uri.ok()) {
        passwords.add(uri.value().password());
      }
    }
    return new CopyJob(job.state(), Redaction.redact(job.detail(), passwords), job.stuckSince());
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
  public Verification verify(PostgresMigration m, boolean tables, boolean schema) {
    return Sql.run(
        "verify the copy",
        () ->
            CopyVerifier.compare(
                secrets.source(m),
                secrets.destination(m),
                m.getSpec().verification,
                m.getSpec().ownership,
                tables,
                schema,
                statementLimit));
  }

  /** The copy image: the spec's, else the operator's default. */
  private String image(PostgresMigration m) {
    String image = m.getSpec().copy.image;
    return image != null && !image.isBlank() ? image : defaultImage.get();
  }
}
