package io.pgmigration.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.k8s.CopyJobBuilder;
import io.pgmigration.operator.live.JobWatch;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The informers on the operator's own Jobs and their pods: filtered by the labels the operator puts
 * on them, so the cache never holds anyone else's, and mapped back to their migration, so a Job
 * that finishes or fails, or a pod that cannot start, starts that migration's reconcile at once.
 */
final class OwnJobs implements JobWatch {
  /** What every object the operator creates for a migration carries. */
  static final String SELECTOR =
      CopyJobBuilder.MANAGED_BY_LABEL
          + "="
          + CopyJobBuilder.MANAGED_BY
          + ","
          + CopyJobBuilder.MIGRATION_LABEL;

  private final InformerEventSource<Job, PostgresMigration> jobs;
  private final InformerEventSource<Pod, PostgresMigration> pods;

  OwnJobs(EventSourceContext<PostgresMigration> context) {
    jobs =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Job.class, PostgresMigration.class)
                .withName("jobs")
                .withLabelSelector(SELECTOR)
                .withSecondaryToPrimaryMapper(OwnJobs::migrationOf)
                .build(),
            context);
    pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, PostgresMigration.class)
                .withName("pods")
                .withLabelSelector(SELECTOR)
                .withSecondaryToPrimaryMapper(OwnJobs::migrationOf)
                .build(),
            context);
  }

  /** The event sources to register with the controller. */
  List<InformerEventSource<?, PostgresMigration>> eventSources() {
    return List.of(jobs, pods);
  }

  /** The migration named by the object's label, in the object's namespace. */
  private static Set<ResourceID> migrationOf(HasMetadata object) {
    String name = object.getMetadata().getLabels().get(CopyJobBuilder.MIGRATION_LABEL);
    return name == null
        ? Set.of()
        : Set.of(new ResourceID(name, object.getMetadata().getNamespace()));
  }

  @Override
  public Optional<Job> job(String ns, String name) {
    return jobs.get(new ResourceID(name, ns));
  }

  @Override
  public List<Pod> pods(String ns, String job) {
    return pods.list(ns, p -> job.equals(p.getMetadata().getLabels().get(JOB_NAME_LABEL))).toList();
  }
}
