package io.pgmigration.operator.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.api.v1alpha1.Notification;
import io.pgmigration.operator.api.v1alpha1.Notification.DeliveryState;
import io.pgmigration.operator.api.v1alpha1.NotificationEvent;
import io.pgmigration.operator.api.v1alpha1.NotificationsSpec;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.testing.KubeApiServerTestResource;
import io.pgmigration.operator.testing.Manifests;
import io.pgmigration.operator.testing.PostgresServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Notifications from the operator, started by Quarkus, to a real SMTP server (Mailpit) and to an
 * HTTP receiver standing for Slack and a CloudEvents endpoint: a migration prepared and then
 * cancelled tells each channel twice, each time with the id its status keeps; a receiver that fails
 * at first gets the notification again, with the same id.
 */
@QuarkusTest
@QuarkusTestResource(value = KubeApiServerTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = MailpitTestResource.class, restrictToAnnotatedClass = true)
class NotificationsIT {
  private static final String NS = "notified";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static PostgresServer source;
  private static PostgresServer destination;
  private static HttpServer sink;
  private static final List<Map<String, String>> received = new CopyOnWriteArrayList<>();
  private static int slackFailuresLeft = 1;

  @Inject KubernetesClient client;

  @BeforeAll
  static void servers() throws Exception {
    source = PostgresServer.start();
    destination = PostgresServer.start();
    source.app("CREATE TABLE customers (id bigserial PRIMARY KEY, name text)");
    sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    sink.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          int code = 200;
          if (path.equals("/slack") && slackFailuresLeft-- > 0) {
            code = 503;
          } else {
            received.add(
                Map.of(
                    "path", path,
                    "id", String.valueOf(exchange.getRequestHeaders().getFirst("ce-id")),
                    "header",
                        String.valueOf(
                            exchange.getRequestHeaders().getFirst("X-PgMigration-Notification-Id")),
                    "type", String.valueOf(exchange.getRequestHeaders().getFirst("ce-type")),
                    "body",
                        new String(
                            exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
          }
          exchange.sendResponseHeaders(code, -1);
          exchange.close();
        });
    sink.start();
  }

  @AfterAll
  static void stop() {
    sink.stop(0);
    source.close();
    destination.close();
  }

  @Test
  void everyEventReachesEveryChannelWithItsId() throws Exception {
    String base = "http://127.0.0.1:" + sink.getAddress().getPort();
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .serverSideApply();
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("notify")
                .withNamespace(NS)
                .endMetadata()
                .withStringData(
                    Map.of(
                        "email", "ops@example.com, dba@example.com",
                        "slackWebhookUrl", base + "/slack",
                        "cloudEventsUrl", base + "/events"))
                .build())
        .serverSideApply();
    client
        .resource(Manifests.urlSecret(NS, "postgresql-clean-29349", source.uri()))
        .serverSideApply();
    client
        .resource(Manifests.urlSecret(NS, "postgresql-circular-11223", destination.uri()))
        .serverSideApply();
    client.resource(Manifests.urlSecret(NS, "example-app-config", source.uri())).serverSideApply();
    for (String name : List.of("web", "worker")) {
      client.resource(Manifests.appDeployment(NS, name)).serverSideApply();
    }
    PostgresMigration m = Manifests.quickstartMigration();
    m.getMetadata().setNamespace(NS);
    m.getSpec().source.workload = null;
    m.getSpec().destination.workload = null;
    m.getSpec().notifications = new NotificationsSpec();
    m.getSpec().notifications.secretName = "notify";
    m = client.resource(m).create();

    PostgresMigration ready = awaitDelivered(m, NotificationEvent.Prepared);
    client
        .resource(ready)
        .edit(
            x -> {
              x.getSpec().cancel = true;
              return x;
            });
    PostgresMigration cancelled = awaitDelivered(m, NotificationEvent.Cancelled);
    assertThat(cancelled.getStatus().phase).isEqualTo(Phase.Cancelled);

    List<Notification> sent = cancelled.getStatus().notifications;
    assertThat(sent)
        .extracting(n -> n.event)
        .containsExactly(NotificationEvent.Prepared, NotificationEvent.Cancelled);
    Notification prepared = sent.get(0);
    assertThat(prepared.delivered)
        .containsExactlyInAnyOrder("email", "slackWebhookUrl", "cloudEventsUrl");
    assertThat(prepared.attempts).as("Slack refused the first attempt").isEqualTo(2);

    for (Notification n : sent) {
      assertThat(received)
          .as(n.event + " as a CloudEvent")
          .anyMatch(
              r ->
                  r.get("path").equals("/events")
                      && r.get("id").equals(n.id)
                      && r.get("type").equals(n.event.cloudEventType())
                      && r.get("body").contains("\"namespace\":\"" + NS + "\""));
      assertThat(received)
          .as(n.event + " to Slack")
          .anyMatch(
              r ->
                  r.get("path").equals("/slack")
                      && r.get("header").equals(n.id)
                      && r.get("body").contains("\"text\""));
    }
    // The CloudEvent went once: the retry after Slack's refusal only went to Slack.
    assertThat(received.stream().filter(r -> r.get("id").equals(prepared.id)).count()).isEqualTo(1);

    JsonNode mail = mails();
    assertThat(mail.path("total").asInt()).isEqualTo(2);
    for (JsonNode message : mail.path("messages")) {
      assertThat(message.path("To").toString())
          .contains("ops@example.com")
          .contains("dba@example.com");
      assertThat(message.path("Subject").asText()).startsWith("PostgresMigration " + NS + "/");
      assertThat(sent)
          .anyMatch(n -> message.path("MessageID").asText().equals(n.id + "@pgmigration.io"));
    }
    for (Map<String, String> r : received) {
      assertThat(r.get("body")).doesNotContain(PostgresServer.PASSWORD);
    }
  }

  private PostgresMigration awaitDelivered(PostgresMigration m, NotificationEvent event) {
    PostgresMigration[] current = new PostgresMigration[1];
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              current[0] = client.resource(m).get();
              // Not reconciled yet on a slow start: no status at all is "not delivered yet".
              assertThat(current[0].getStatus()).as("a status").isNotNull();
              assertThat(current[0].getStatus().notifications)
                  .as(String.valueOf(current[0].getStatus().message))
                  .anyMatch(n -> n.event == event && n.state == DeliveryState.Delivered);
            });
    return current[0];
  }

  private static JsonNode mails() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(MailpitTestResource.api() + "/api/v1/messages"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }
}
