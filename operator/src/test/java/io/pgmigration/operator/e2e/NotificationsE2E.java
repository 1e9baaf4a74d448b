package io.pgmigration.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.api.v1alpha1.Notification;
import io.pgmigration.operator.api.v1alpha1.Notification.DeliveryState;
import io.pgmigration.operator.api.v1alpha1.NotificationEvent;
import io.pgmigration.operator.api.v1alpha1.NotificationsSpec;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Notifications on the local cluster, as Heroku's e-mails: three migrations, one completed, one
 * rolled back and one left to expire, tell the cluster's Mailpit (SMTP) and an HTTP receiver on the
 * node (Slack-compatible and CloudEvents) about every event of their lives, each with the id their
 * status keeps.
 */
class NotificationsE2E {
  /** The node's address, which pods reach: the local cluster's node is this machine. */
  private static final String NODE = "100.127.0.1";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<Map<String, String>> received = new CopyOnWriteArrayList<>();
  private static final KubernetesClient client = LocalCluster.client();
  private static HttpServer sink;

  @BeforeAll
  static void start() throws Exception {
    sink = HttpServer.create(new InetSocketAddress("0.0.0.0", 0), 0);
    sink.createContext(
        "/",
        exchange -> {
          var h = exchange.getRequestHeaders();
          received.add(
              Map.of(
                  "path", exchange.getRequestURI().getPath(),
                  "id", String.valueOf(h.getFirst("X-PgMigration-Notification-Id")),
                  "ceId", String.valueOf(h.getFirst("ce-id")),
                  "body",
                      new String(
                          exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    sink.start();
  }

  @AfterAll
  static void stop() {
    sink.stop(0);
  }

  @Test
  void everyEventOfEveryMigrationArrivesByMailAndWebhookWithItsId() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<QuickstartInstance> instances = new ArrayList<>();
    try {
      List<CompletableFuture<QuickstartInstance>> started =
          List.of(
              run(pool, "e2e-notify-done", m -> m.getSpec().promote = true, Phase.Completed),
              run(
                  pool,
                  "e2e-notify-failed",
                  m -> m.getSpec().copy.image = "localhost/pgmo/unpullable:e2e",
                  Phase.Failed),
              run(
                  pool,
                  "e2e-notify-expired",
                  m -> {
                    m.getSpec().start = false;
                    m.getSpec().readyWindow = "2m";
                  },
                  Phase.Expired));
      for (CompletableFuture<QuickstartInstance> f : started) {
        instances.add(f.get());
      }
      Map<String, List<NotificationEvent>> expected =
          Map.of(
              "e2e-notify-done",
              List.of(
                  NotificationEvent.Prepared,
                  NotificationEvent.Started,
                  NotificationEvent.Completed),
              "e2e-notify-failed",
              List.of(
                  NotificationEvent.Prepared, NotificationEvent.Started, NotificationEvent.Failed),
              "e2e-notify-expired",
              List.of(
                  NotificationEvent.Prepared,
                  NotificationEvent.ReadyWindowExpiring,
                  NotificationEvent.Expired));
      String mailpit = mailpitApi();
      for (QuickstartInstance q : instances) {
        await()
            .atMost(Duration.ofMinutes(2))
            .untilAsserted(
                () -> {
                  List<Notification> sent = q.migration().getStatus().notifications;
                  assertThat(sent)
                      .extracting(n -> n.event)
                      .containsExactlyElementsOf(expected.get(q.ns));
                  assertThat(sent)
                      .allMatch(n -> n.state == DeliveryState.Delivered, "all delivered");
                });
        for (Notification n : q.migration().getStatus().notifications) {
          assertThat(received)
              .as(q.ns + " " + n.event + " to Slack")
              .anyMatch(r -> r.get("path").equals("/slack") && r.get("id").equals(n.id));
          assertThat(received)
              .as(q.ns + " " + n.event + " as a CloudEvent")
              .anyMatch(r -> r.get("path").equals("/events") && r.get("ceId").equals(n.id));
          JsonNode found = mail(mailpit, n.id);
          assertThat(found.path("messages_count").asInt())
              .as(q.ns + " " + n.event + " by mail")
              .isPositive();
        }
        for (Map<String, String> r : received) {
          for (String password : q.databasePasswords()) {
            assertThat(r.get("body")).doesNotContain(password);
          }
        }
      }
      Map<String, String> completed =
          received.stream()
              .filter(
                  r ->
                      r.get("path").equals("/events")
                          && r.get("body").contains("\"event\":\"Completed\""))
              .findFirst()
              .orElseThrow();
      assertThat(completed.get("body")).contains("\"downtimeSeconds\":");
    } finally {
      pool.shutdown();
      for (QuickstartInstance q : instances) {
        q.close();
      }
    }
  }

  private CompletableFuture<QuickstartInstance> run(
      ExecutorService pool, String ns, Consumer<PostgresMigration> customize, Phase phase) {
    return CompletableFuture.supplyAsync(
        () -> {
          QuickstartInstance q = QuickstartInstance.create(client, ns, x -> {});
          try {
            String base = "http://" + NODE + ":" + sink.getAddress().getPort();
            client
                .resource(
                    new SecretBuilder()
                        .withNewMetadata()
                        .withName("notify")
                        .withNamespace(ns)
                        .endMetadata()
                        .withStringData(
                            Map.of(
                                "email", "team@example.com",
                                "slackWebhookUrl", base + "/slack",
                                "cloudEventsUrl", base + "/events"))
                        .build())
                .create();
            q.applyMigration(
                m -> {
                  m.getSpec().start = true;
                  m.getSpec().notifications = new NotificationsSpec();
                  m.getSpec().notifications.secretName = "notify";
                  customize.accept(m);
                });
            q.awaitPhase(phase, Duration.ofMinutes(5));
            return q;
          } catch (Exception e) {
            q.close();
            throw new IllegalStateException(ns + ": " + e.getMessage(), e);
          }
        },
        pool);
  }

  /** Mailpit's HTTP API, at its pod's address. */
  private static String mailpitApi() {
    String ip =
        client
            .pods()
            .inNamespace("pgmo-mailpit")
            .withLabel("app.kubernetes.io/name", "mailpit")
            .list()
            .getItems()
            .get(0)
            .getStatus()
            .getPodIP();
    return "http://" + ip + ":8025";
  }

  /** Mailpit's search for the message whose Message-ID is the notification's. */
  private static JsonNode mail(String api, String id) throws Exception {
    String query =
        java.net.URLEncoder.encode("message-id:" + id + "@pgmigration.io", StandardCharsets.UTF_8);
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(api + "/api/v1/search?query=" + query)).build(),
                HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }
}
