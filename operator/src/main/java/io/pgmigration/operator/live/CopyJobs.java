package io.pgmigration.operator.live;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.k8s.CopyJobBuilder;
import io.pgmigration.operator.phase.port.Copying.CopyJob;
import io.pgmigration.operator.phase.port.Copying.CopyJob.State;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The copy Jobs: created once through the API, then read from the watch, and deleted on rollback. A
 * Job just created may not be in the watch's cache yet; it is then read from the API, so it is
 * never taken for one that disappeared.
 */
final class CopyJobs {
  /** Waiting reasons of the copy container that will not go away by themselves. */
  private static final List<String> STUCK =
      List.of(
          "ErrImagePull",
          "ImagePullBackOff",
          "InvalidImageName",
          "CreateContainerConfigError",
          "CreateContainerError");

  private final KubernetesClient client;
  private final JobWatch watch;
  private final JobWatch api;

  CopyJobs(KubernetesClient client, JobWatch watch) {
    this.client = client;
    this.watch = watch;
    this.api = JobWatch.direct(client);
  }

  CopyJob get(
      PostgresMigration m,
      CopyJobBuilder.Kind kind,
      String name,
      boolean mayCreate,
      Supplier<String> image) {
    String ns = m.getMetadata().getNamespace();
    Job job = watch.job(ns, name).or(() -> api.job(ns, name)).orElse(null);
    if (job == null) {
      if (!mayCreate) {
        return new CopyJob(State.Missing, null);
      }
      String hash = m.getStatus().preparedSpecHash;
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(ns)
          .resource(CopyJobBuilder.build(m, kind, image.get(), hash))
          .create();
      return new CopyJob(State.Running, "created");
    }
    if (condition(job, "Complete")) {
      return new CopyJob(State.Succeeded, null);
    }
    JobCondition failed = find(job, "Failed");
    if (failed != null) {
      String log = logTail(ns, name);
      return new CopyJob(
          State.Failed,
          failed.getReason()
              + (failed.getMessage() == null ? "" : " (" + failed.getMessage() + ")")
              + (log.isEmpty() ? "" : "; its log ends: " + log));
    }
    return running(job, pods(ns, name));
  }

  /**
   * A running Job, and since when its pod cannot run when that is the case: a container waiting for
   * a reason that will not go away by itself (since the pod was made), a pod no node will take
   * (since it was found unschedulable), or no pod at all (since the Job was made).
   */
  static CopyJob running(Job job, List<Pod> pods) {
    if (pods.isEmpty()) {
      Instant made = time(job.getMetadata().getCreationTimestamp());
      return new CopyJob(State.Running, "no pod was created yet; the Job's events say why", made);
    }
    for (Pod p : pods) {
      if (p.getStatus() == null) {
        continue;
      }
      for (ContainerStatus c :
          Optional.ofNullable(p.getStatus().getContainerStatuses()).orElse(List.of())) {
        if (c.getState() != null
            && c.getState().getWaiting() != null
            && STUCK.contains(c.getState().getWaiting().getReason())) {
          return new CopyJob(
              State.Running,
              c.getState().getWaiting().getReason() + ": " + c.getState().getWaiting().getMessage(),
              time(p.getMetadata().getCreationTimestamp()));
        }
      }
      for (PodCondition c : Optional.ofNullable(p.getStatus().getConditions()).orElse(List.of())) {
        if ("PodScheduled".equals(c.getType())
            && "False".equals(c.getStatus())
            && "Unschedulable".equals(c.getReason())) {
          return new CopyJob(
              State.Running, "Unschedulable: " + c.getMessage(), time(c.getLastTransitionTime()));
        }
      }
    }
    return new CopyJob(State.Running, null);
  }

  private static Instant time(String timestamp) {
    return timestamp == null ? Instant.now() : Instant.parse(timestamp);
  }

  void delete(PostgresMigration m, String name) {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(m.getMetadata().getNamespace())
        .withName(name)
        .withPropagationPolicy(DeletionPropagation.BACKGROUND)
        .delete();
  }

  /**
   * The last lines the copy printed, joined; pg_restore's error is among them. Not yet redacted:
   * {@link LiveCopying#copyJob} takes the secrets out of a failed Job's detail, this tail included.
   */
  private String logTail(String ns, String job) {
    for (Pod p : pods(ns, job)) {
      try {
        String log =
            client
                .pods()
                .inNamespace(ns)
                .withName(p.getMetadata().getName())
                .tailingLines(5)
                .getLog();
        if (log != null && !log.isBlank()) {
          return Arrays.stream(log.strip().split("\n"))
              .map(String::strip)
              .collect(Collectors.joining(" | "));
        }
      } catch (KubernetesClientException e) {
        // The log is a courtesy; the Job's own condition already says it failed.
      }
    }
    return "";
  }

  private List<Pod> pods(String ns, String job) {
    return watch.pods(ns, job);
  }

  private static boolean condition(Job job, String type) {
    return find(job, type) != null;
  }

  private static JobCondition find(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return null;
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst()
        .orElse(null);
  }
}
