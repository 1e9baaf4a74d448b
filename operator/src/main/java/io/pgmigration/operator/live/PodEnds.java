package io.pgmigration.operator.live;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The app's pods the drain waits for: listed, then watched from that list's resource version until
 * every one has ended or the wait is over. The watch lasts one look of the drain and covers one
 * workload's selector, so nothing of the app's pods is cached between looks; a look that only
 * polled would see a pod's end up to a poll interval late, and each poll is a list.
 */
final class PodEnds {
  private PodEnds() {}

  /**
   * The pods of {@code selector} in {@code namespace} that have not ended, as "Pod name", sorted,
   * after waiting up to {@code wait} for them to end (a pod appearing meanwhile counts too). A wait
   * of zero only lists.
   */
  static List<String> left(
      KubernetesClient client, String namespace, LabelSelector selector, Duration wait) {
    var pods = client.pods().inNamespace(namespace).withLabelSelector(selector);
    PodList listed = pods.list();
    Set<String> left = ConcurrentHashMap.newKeySet();
    listed.getItems().stream().filter(p -> !ended(p)).forEach(p -> left.add(name(p)));
    if (!left.isEmpty() && !wait.isZero()) {
      CountDownLatch over = new CountDownLatch(1);
      Watcher<Pod> watcher =
          new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
              if (action == Action.DELETED || ended(pod)) {
                left.remove(name(pod));
              } else if (action != Action.BOOKMARK && action != Action.ERROR) {
                left.add(name(pod));
              }
              if (left.isEmpty()) {
                over.countDown();
              }
            }

            @Override
            public void onClose(WatcherException cause) {
              // What is left stays as last seen; the drain's next look lists again.
              over.countDown();
            }
          };
      Watch watch =
          pods.watch(
              new ListOptionsBuilder()
                  .withResourceVersion(listed.getMetadata().getResourceVersion())
                  .build(),
              watcher);
      try {
        over.await(wait.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the app's pods to end", e);
      } finally {
        watch.close();
      }
    }
    return left.stream().sorted().map(n -> "Pod " + n).toList();
  }

  /**
   * A pod that cannot write any more: it has run to its end (Succeeded or Failed), or it is being
   * deleted and every one of its containers has exited, though the kubelet has yet to report it
   * gone (which takes it a moment more, all of it downtime). A container of a pod not being deleted
   * may be restarted, so that pod still counts.
   */
  static boolean ended(Pod p) {
    if (p.getStatus() == null) {
      return false;
    }
    String phase = p.getStatus().getPhase();
    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      return true;
    }
    if (p.getMetadata().getDeletionTimestamp() == null) {
      return false;
    }
    var containers = p.getStatus().getContainerStatuses();
    return containers != null
        && !containers.isEmpty()
        && containers.stream()
            .allMatch(c -> c.getState() != null && c.getState().getTerminated() != null);
  }

  private static String name(Pod p) {
    return p.getMetadata().getName();
  }
}
