package io.pgmigration.operator.live;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.Timestamps;
import java.time.Instant;
import java.util.EnumSet;
import org.jboss.logging.Logger;

/** Kubernetes Events for phase changes, so {@code kubectl describe} tells the story. */
public final class Events {
  private static final Logger LOG = Logger.getLogger(Events.class);
  private static final String COMPONENT = "pg-migration-operator";
  private static final EnumSet<Phase> WARNINGS =
      EnumSet.of(Phase.PrepareFailed, Phase.Failed, Phase.Expired);

  private Events() {}

  /** Records a move to {@code to}; best effort, since an event must never stop a migration. */
  public static void phaseChanged(
      KubernetesClient client, PostgresMigration m, Phase from, Phase to, String message) {
    record(
        client,
        m,
        WARNINGS.contains(to) ? "Warning" : "Normal",
        to.name(),
        (from == null ? "" : from + " -> " + to + ": ") + message);
  }

  /** Records an event of {@code type} (Normal or Warning); best effort. */
  public static void record(
      KubernetesClient client, PostgresMigration m, String type, String reason, String message) {
    String ns = m.getMetadata().getNamespace();
    String now = Timestamps.of(Instant.now());
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withGenerateName(m.getMetadata().getName() + ".")
            .withNamespace(ns)
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(m.getApiVersion())
            .withKind(m.getKind())
            .withName(m.getMetadata().getName())
            .withNamespace(ns)
            .withUid(m.getMetadata().getUid())
            .endInvolvedObject()
            .withType(type)
            .withReason(reason)
            .withMessage(message)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .withReportingInstance(System.getenv().getOrDefault("HOSTNAME", COMPONENT))
            .build();
    try {
      client.v1().events().inNamespace(ns).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.warnf(
          "%s/%s: could not record event %s: %s",
          ns, m.getMetadata().getName(), reason, e.getMessage());
    }
  }
}
