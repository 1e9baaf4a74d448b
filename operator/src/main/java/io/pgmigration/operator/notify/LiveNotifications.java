package io.pgmigration.operator.notify;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.api.v1alpha1.Notification;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.phase.port.Notifications;
import io.pgmigration.operator.secrets.SecretData;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Delivers notifications on two threads of its own, to the channels a Secret names: e-mail through
 * Quarkus Mailer (the SMTP server is the operator's configuration, {@code quarkus.mailer.*}), a
 * Slack-compatible webhook and a CloudEvents endpoint. The Secret is the migration's ({@code
 * spec.notifications.secretName}) or else the operator's default ({@code
 * pgmo.notify.default-secret}, in the operator's namespace).
 */
@ApplicationScoped
public class LiveNotifications implements Notifications {
  private static final Logger LOG = Logger.getLogger(LiveNotifications.class);
  static final String EMAIL = "email";
  static final String SLACK = "slackWebhookUrl";
  static final String CLOUD_EVENTS = "cloudEventsUrl";

  private final KubernetesClient client;
  private final Mailer mailer;
  private final Optional<String> defaultSecret;
  private final String operatorNamespace;
  private final Webhooks webhooks = new Webhooks();
  private final ExecutorService pool = Executors.newFixedThreadPool(2);
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final Map<String, Delivery> ended = new ConcurrentHashMap<>();

  @Inject
  public LiveNotifications(
      KubernetesClient client,
      Mailer mailer,
      @ConfigProperty(name = "pgmo.notify.default-secret") Optional<String> defaultSecret,
      @ConfigProperty(name = "POD_NAMESPACE", defaultValue = "pgmigration-system")
          String operatorNamespace) {
    this.client = client;
    this.mailer = mailer;
    this.defaultSecret = defaultSecret.filter(s -> !s.isBlank());
    this.operatorNamespace = operatorNamespace;
  }

  @Override
  public boolean configured(PostgresMigration migration) {
    return migration.getSpec().notifications != null || defaultSecret.isPresent();
  }

  @Override
  public void deliver(
      PostgresMigration migration, PostgresMigrationStatus status, Notification notification) {
    String id = notification.id;
    if (!inFlight.add(id)) {
      return;
    }
    // What the delivery needs, copied: the reconcile goes on changing the status meanwhile.
    Messages.Message message = Messages.of(migration, status, notification);
    List<String> done = List.copyOf(notification.delivered);
    boolean own = migration.getSpec().notifications != null;
    String ns = own ? migration.getMetadata().getNamespace() : operatorNamespace;
    String secret = own ? migration.getSpec().notifications.secretName : defaultSecret.orElse("");
    pool.submit(
        () -> {
          try {
            ended.put(id, send(id, notification.event.cloudEventType(), ns, secret, message, done));
          } catch (RuntimeException e) {
            ended.put(id, new Delivery(List.of(), e.getClass().getSimpleName()));
          } finally {
            inFlight.remove(id);
          }
        });
  }

  @Override
  public Delivery take(String id) {
    return ended.remove(id);
  }

  private Delivery send(
      String id, String type, String ns, String name, Messages.Message m, List<String> done) {
    String secretRef = ns + "/" + name;
    Secret secret = client.secrets().inNamespace(ns).withName(name).get();
    if (secret == null) {
      return new Delivery(List.of(), "Secret " + secretRef + " not found");
    }
    Map<String, String> where = SecretData.of(secret);
    List<String> delivered = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    Map<String, Channel> channels = new LinkedHashMap<>();
    channels.put(EMAIL, to -> email(id, to, m));
    channels.put(SLACK, url -> webhooks.slack(id, url, m));
    channels.put(CLOUD_EVENTS, url -> webhooks.cloudEvent(id, type, url, m));
    for (Map.Entry<String, Channel> c : channels.entrySet()) {
      String target = where.get(c.getKey());
      if (target == null || target.isBlank() || done.contains(c.getKey())) {
        continue;
      }
      try {
        c.getValue().send(target.strip());
        delivered.add(c.getKey());
      } catch (Exception e) {
        // The target (a webhook URL may hold a token) never goes into the error.
        String why = String.valueOf(e.getMessage()).replace(target.strip(), "<" + c.getKey() + ">");
        errors.add(c.getKey() + ": " + e.getClass().getSimpleName() + ": " + why);
        LOG.warnf("notification %s: %s failed: %s", id, c.getKey(), why);
      }
    }
    if (delivered.isEmpty() && errors.isEmpty() && done.isEmpty()) {
      errors.add(
          "Secret "
              + secretRef
              + " names no channel ("
              + EMAIL
              + ", "
              + SLACK
              + ", "
              + CLOUD_EVENTS
              + ")");
    }
    return new Delivery(delivered, errors.isEmpty() ? null : String.join("; ", errors));
  }

  private void email(String id, String to, Messages.Message m) {
    Mail mail =
        new Mail()
            .setTo(List.of(to.split("\\s*,\\s*")))
            .setSubject(m.subject())
            .setText(m.text())
            .addHeader("Message-ID", "<" + id + "@pgmigration.io>")
            .addHeader(Webhooks.ID_HEADER, id);
    mailer.send(mail);
  }

  /** One channel's send: throws when the channel did not take it. */
  @FunctionalInterface
  private interface Channel {
    void send(String target) throws Exception;
  }
}
