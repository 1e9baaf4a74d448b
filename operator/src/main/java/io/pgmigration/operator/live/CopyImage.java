package io.pgmigration.operator.live;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The image of the copy Jobs when a migration names none: {@code PGMO_COPY_IMAGE} when it is set,
 * else the operator's own image, read once from its pod. The copy engine ships in the operator's
 * jars, so one image serves both; and {@code kustomize edit set image} on the operator changes the
 * copy image with it.
 */
public final class CopyImage implements Supplier<String> {
  /** The operator's container in deploy/base/operator.yaml. */
  static final String CONTAINER = "operator";

  private final KubernetesClient client;
  private final Optional<String> configured;
  private final List<String> allowList;
  private final String podName;
  private final String podNamespace;
  private volatile String image;

  CopyImage(
      KubernetesClient client,
      Optional<String> configured,
      List<String> allowList,
      String podName,
      String podNamespace) {
    this.client = client;
    this.configured = configured.filter(s -> !s.isBlank());
    this.allowList = allowList.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    this.podName = podName;
    this.podNamespace = podNamespace;
  }

  /**
   * From the environment the operator runs in: POD_NAME and POD_NAMESPACE (downward API).
   *
   * @param allowList the images a migration's spec.copy.image may name besides the default
   */
  public static CopyImage fromEnvironment(
      KubernetesClient client, Optional<String> configured, List<String> allowList) {
    return new CopyImage(
        client, configured, allowList, System.getenv("POD_NAME"), System.getenv("POD_NAMESPACE"));
  }

  /** The images spec.copy.image may name: the default and the allow-list. */
  public List<String> allowed() {
    List<String> all = new ArrayList<>(allowList);
    try {
      all.add(get());
    } catch (IllegalStateException e) {
      // No default image known: only the allow-list.
    }
    return all;
  }

  @Override
  public String get() {
    if (configured.isPresent()) {
      return configured.get();
    }
    if (image == null) {
      image = own();
    }
    return image;
  }

  private String own() {
    if (podName == null || podNamespace == null) {
      throw new IllegalStateException(
          "the copy image is not set: set PGMO_COPY_IMAGE, or run the operator in a pod with"
              + " POD_NAME and POD_NAMESPACE from the downward API so it can use its own image");
    }
    Pod pod = client.pods().inNamespace(podNamespace).withName(podName).get();
    if (pod == null) {
      throw new IllegalStateException(
          "the copy image is not set, and the operator's own pod "
              + podNamespace
              + "/"
              + podName
              + " was not found: set PGMO_COPY_IMAGE");
    }
    return pod.getSpec().getContainers().stream()
        .filter(c -> CONTAINER.equals(c.getName()))
        .findFirst()
        .orElse(pod.getSpec().getContainers().get(0))
        .getImage();
  }
}
