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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The app's pods the drain waits for: listed, then watched from that list's resource version until
 * every one has ended or the wait is over. The watches last one look of the drain and cover one
 * workload's selector each, so nothing of the app's pods is cached between looks; a look that only
 * polled would see a pod's end up to a poll interval late, and each poll is a list.
 */
final class PodEnds {
  private PodEnds() {}

  /**
   * The pods of {@code selector} in {@code namespace} not ended yet, as listed at {@code
   * resourceVersion}.
   */
  record Listed(
      String namespace, LabelSelector selector, String resourceVersion, Set<String> left) {}

  /** The pods of {@code selector} in {@code namespace} that have not ended. */
  static Listed list(KubernetesClient client, String namespace, LabelSelector selector) {
    PodList listed = client.pods().inNamespace(namespace).withLabelSelector(selector).list();
    Set<String> left = ConcurrentHashMap.newKeySet();
    listed.getItems().stream().filter(p -> !ended(p)).forEach(p -> left.add(name(p)));
    return new Listed(namespace, selector, listed.getMetadata().getResourceVersion(), left);
  }

  /**
   * The pods of {@code listed} that have not ended, as "Pod name", sorted, after waiting up to
   * {@code wait} for them all to end, watching each selector from its list (a pod appearing
   * meanwhile counts too). A wait of zero only tells what was listed.
   */
  static List<String> left(KubernetesClient client, List<Listed> listed, Duration wait) {
    List<Listed> waiting = listed.stream().filter(l -> !l.left().isEmpty()).toList();
    if (!waiting.isEmpty() && !wait.isZero()) {
      CountDownLatch over = new CountDownLatch(waiting.size());
      List<Watch> watches = new ArrayList<>();
      try {
        for (Listed l : waiting) {
          watches.add(watch(client, l, over));
        }
        over.await(wait.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the app's pods to end", e);
      } finally {
        watches.forEach(Watch::close);
      }
    }
    return listed.stream().flatMap(l -> l.left().stream()).sorted().map(n -> "Pod " + n).toList();
  }

  /** Watches the pods of {@code l}, counting {@code over} down once, when none is left. */
  private static Watch watch(KubernetesClient client, Listed l, CountDownLatch over) {
    Set<String> left = l.left();
    Watcher<Pod> watcher =
        new Watcher<>() {
          private boolean counted;

          @Override
          public synchronized void eventReceived(Action action, Pod pod) {
            if (action == Action.DELETED || ended(pod)) {
              left.remove(name(pod));
            } else if (action != Action.BOOKMARK && action != Action.ERROR) {
              left.add(name(pod));
            }
            if (left.isEmpty()) {
              countOnce();
            }
          }

          @Override
          public synchronized void onClose(WatcherException cause) {
            // What is left stays as last seen; the drain's next look lists again.
            countOnce();
          }

          private void countOnce() {
            if (!counted) {
              counted = true;
              over.countDown();
            }
          }
        };
    return client
        .pods()
        .inNamespace(l.namespace())
        .withLabelSelector(l.selector())
        .watch(new ListOptionsBuilder().withResourceVersion(l.resourceVersion()).build(), watcher);
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
