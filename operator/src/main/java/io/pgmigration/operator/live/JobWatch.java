package io.pgmigration.operator.live;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Optional;

/**
 * The operator's own Jobs and their pods, as a watch sees them. The reconciler's informers are the
 * live side: they hold only what the operator labelled, and every change they see starts a
 * reconcile. {@link #direct} reads the API instead, for tools and tests that run the ports without
 * the operator's controller.
 */
public interface JobWatch {
  /** The Job {@code name} in {@code ns}, if it exists. */
  Optional<Job> job(String ns, String name);

  /** The pods of the Job {@code job} in {@code ns}. */
  List<Pod> pods(String ns, String job);

  /** The label Kubernetes sets on a Job's pods. */
  String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";

  /** A watch that reads the API each time. */
  static JobWatch direct(KubernetesClient client) {
    return new JobWatch() {
      @Override
      public Optional<Job> job(String ns, String name) {
        return Optional.ofNullable(client.batch().v1().jobs().inNamespace(ns).withName(name).get());
      }

      @Override
      public List<Pod> pods(String ns, String job) {
        return client.pods().inNamespace(ns).withLabel(JOB_NAME_LABEL, job).list().getItems();
      }
    };
  }
}
