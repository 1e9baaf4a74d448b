package io.pgmigration.operator.notify;

import io.pgmigration.operator.testing.FreePorts;
import io.pgmigration.operator.testing.Tools;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real SMTP server for a {@code @QuarkusTest}: Mailpit (built by hack/build-binaries.sh) on this
 * machine, with Quarkus Mailer pointed at it. Its HTTP API, where tests read what arrived, is at
 * {@link #api()}.
 */
public class MailpitTestResource implements QuarkusTestResourceLifecycleManager {
  private static String api;
  private Process process;
  private Path dir;

  /** Where Mailpit's HTTP API listens, e.g. http://127.0.0.1:41234. */
  static String api() {
    return api;
  }

  @Override
  public Map<String, String> start() {
    try {
      dir = Files.createTempDirectory("pgmo-mailpit");
      int smtp = FreePorts.any();
      int http = FreePorts.any();
      process =
          new ProcessBuilder(
                  Tools.binary("mailpit", "MAILPIT_VERSION", "mailpit").toString(),
                  "--listen",
                  "127.0.0.1:" + http,
                  "--smtp",
                  "127.0.0.1:" + smtp,
                  "--database",
                  dir.resolve("mail.db").toString(),
                  "--disable-version-check")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("mailpit.log").toFile())
              .start();
      api = "http://127.0.0.1:" + http;
      HttpClient client = HttpClient.newHttpClient();
      for (int i = 0; i < 100; i++) {
        try {
          if (client
                  .send(
                      HttpRequest.newBuilder(URI.create(api + "/api/v1/info")).build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode()
              == 200) {
            break;
          }
        } catch (IOException notYet) {
          Thread.sleep(100);
        }
      }
      return Map.of(
          "quarkus.mailer.host", "127.0.0.1",
          "quarkus.mailer.port", String.valueOf(smtp),
          "quarkus.mailer.mock", "false");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void stop() {
    if (process != null) {
      process.destroy();
    }
  }
}
