package io.pgmigration.operator.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.http.HttpMessageFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The two webhook channels: a Slack-compatible incoming webhook ({@code {"text": …}}) and a
 * CloudEvent in HTTP binary mode (the CloudEvents SDK writes its {@code ce-*} headers). Both carry
 * the notification's id ({@code X-PgMigration-Notification-Id}; the CloudEvent's {@code ce-id}), so
 * a receiver can drop a retry's duplicate. Anything but a 2xx answer is a failure, retried.
 */
final class Webhooks {
  static final String ID_HEADER = "X-PgMigration-Notification-Id";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  void slack(String id, String url, Messages.Message m) throws IOException, InterruptedException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("text", "*" + m.subject() + "*\n" + m.text());
    post(url, Map.of("Content-Type", "application/json", ID_HEADER, id), json(body));
  }

  void cloudEvent(String id, String type, String url, Messages.Message m)
      throws IOException, InterruptedException {
    CloudEvent event =
        CloudEventBuilder.v1()
            .withId(id)
            .withSource(
                URI.create(
                    "/apis/pgmigration.io/v1alpha1/namespaces/"
                        + m.data().get("namespace")
                        + "/postgresmigrations/"
                        + m.data().get("name")))
            .withType(type)
            .withSubject(m.data().get("namespace") + "/" + m.data().get("name"))
            .withTime(OffsetDateTime.parse(String.valueOf(m.data().get("at"))))
            .withDataContentType("application/json")
            .withData(json(m.data()))
            .build();
    Map<String, String> headers = new LinkedHashMap<>();
    byte[][] body = new byte[1][];
    HttpMessageFactory.createWriter(headers::put, b -> body[0] = b).writeBinary(event);
    headers.put(ID_HEADER, id);
    post(url, headers, body[0]);
  }

  private static byte[] json(Map<String, Object> data) {
    try {
      return JSON.writeValueAsBytes(data);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private void post(String url, Map<String, String> headers, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(TIMEOUT)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IOException("HTTP " + response.statusCode());
    }
  }
}
