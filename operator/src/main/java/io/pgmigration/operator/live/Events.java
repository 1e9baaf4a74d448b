package io.pgmigration.operator.live;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.Timestamps;
import java.time.Instant;
import java.util.EnumSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events for phase changes, so {@code kubectl describe} tells the story. They are sent
 * in order by one thread of their own: a reconcile does not wait for them, since a phase change in
 * the switch-over would otherwise keep the app down one more call to the API server.
 */
public final class Events {
  private static final Logger LOG = Logger.getLogger(Events.class);

  /** Events waiting to be sent beyond this many are dropped, with a warning: best effort. */
  static final int BACKLOG = 1000;

  private static final ExecutorService SENDER =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.MILLISECONDS,
          new ArrayBlockingQueue<>(BACKLOG),
          r -> {
            Thread t = new Thread(r, "events");
            t.setDaemon(true);
            return t;
          },
          (r, pool) -> LOG.warn("more than " + BACKLOG + " events waiting; dropped one"));

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

  /** Records an event of {@code type} (Normal or Warning), soon; best effort. */
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
    SENDER.execute(
        () -> {
          try {
            client.v1().events().inNamespace(ns).resource(event).create();
          } catch (RuntimeException e) {
            LOG.warnf(
                "%s/%s: could not record event %s: %s",
                ns, event.getInvolvedObject().getName(), reason, e.getMessage());
          }
        });
  }
}
