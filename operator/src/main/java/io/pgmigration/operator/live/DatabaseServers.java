package io.pgmigration.operator.live;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.secrets.PostgresUri;
import java.util.Map;

/**
 * Which workloads serve a database: those whose pods are behind the Service its URI's host names.
 * Maintenance must not stop them, and {@code destroySource} may delete only the one serving the
 * source.
 */
final class DatabaseServers {
  private final KubernetesClient client;

  DatabaseServers(KubernetesClient client) {
    this.client = client;
  }

  /**
   * The Service of namespace {@code ns} that {@code uri}'s host names ({@code svc}, {@code svc.ns},
   * {@code svc.ns.svc}, {@code svc.ns.svc.cluster.local}), or null: another namespace's, an
   * address, or an external name.
   */
  Service service(String ns, PostgresUri uri) {
    String[] labels = uri.host().split("\\.");
    boolean inNamespace =
        labels.length == 1
            || labels[1].equals(ns) && (labels.length == 2 || labels[2].equals("svc"));
    if (!inNamespace || labels[0].isEmpty()) {
      return null;
    }
    return client.services().inNamespace(ns).withName(labels[0]).get();
  }

  /** Whether {@code service} sends its traffic to {@code workload}'s pods. */
  static boolean serves(Service service, HasMetadata workload) {
    Map<String, String> selector = service.getSpec().getSelector();
    if (selector == null || selector.isEmpty()) {
      return false;
    }
    var template =
        workload instanceof Deployment d
            ? d.getSpec().getTemplate()
            : workload instanceof StatefulSet s ? s.getSpec().getTemplate() : null;
    Map<String, String> labels =
        template == null || template.getMetadata() == null
            ? null
            : template.getMetadata().getLabels();
    return labels != null && labels.entrySet().containsAll(selector.entrySet());
  }

  /**
   * Why {@code workload} may not be deleted as the source's server, or null when it serves the
   * source: its pods are behind the Service that the source's host names.
   */
  String destroyRefusal(String ns, HasMetadata workload, PostgresUri source) {
    String what = HasMetadata.getKind(workload.getClass()) + " " + workload.getMetadata().getName();
    Service service = service(ns, source);
    if (service == null) {
      return "the source's host "
          + source.host()
          + " is not a Service of namespace "
          + ns
          + ", so nothing shows that "
          + what
          + " serves the source";
    }
    return serves(service, workload)
        ? null
        : what
            + "'s pods are not behind Service "
            + service.getMetadata().getName()
            + ", the source's host: it does not serve the source";
  }
}
