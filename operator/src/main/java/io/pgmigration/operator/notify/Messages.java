package io.pgmigration.operator.notify;

import io.pgmigration.operator.api.v1alpha1.Notification;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.secrets.Redaction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a notification says, the same on every channel: a subject, a text for people (e-mail, Slack)
 * and the data of a CloudEvent. Everything comes from the migration's status, already free of
 * credentials, and is redacted once more on the way out.
 */
public final class Messages {
  private Messages() {}

  /** A notification as sent. */
  public record Message(String subject, String text, Map<String, Object> data) {}

  /** The message of {@code n} about {@code migration}, whose status is now {@code status}. */
  public static Message of(
      PostgresMigration migration, PostgresMigrationStatus status, Notification n) {
    String who =
        "PostgresMigration "
            + migration.getMetadata().getNamespace()
            + "/"
            + migration.getMetadata().getName();
    PostgresMigrationStatus s = Optional.ofNullable(status).orElseGet(PostgresMigrationStatus::new);
    String message = Optional.ofNullable(s.message).orElse("");
    String text =
        switch (n.event) {
          case Prepared -> who + " is ready to start. " + message;
          case PrepareFailed ->
              blocking(s).isEmpty()
                  ? who + " failed its preparation: " + s.message
                  : who + " failed its preparation checks:\n" + blocking(s);
          case Started -> who + " started: the app is in maintenance. " + message;
          case Completed ->
              who
                  + " completed: the app runs on the destination."
                  + (s.downtime != null && s.downtime.seconds != null
                      ? " It was down for " + s.downtime.seconds + " s."
                      : "")
                  + " "
                  + message;
          case Failed ->
              who + " failed and was rolled back; the app runs on the source. " + message;
          case Cancelled -> who + " was cancelled. " + message;
          case Expired -> who + " expired: it was not started within its ready window.";
          case ReadyWindowExpiring ->
              who
                  + " must be started before "
                  + s.readyDeadline
                  + " or it expires (kubectl pg-migrate start).";
        };
    text = Redaction.redact(text.strip(), List.of());
    String subject = who + ": " + n.event;
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", n.id);
    data.put("event", n.event.name());
    data.put("at", n.at);
    data.put("namespace", migration.getMetadata().getNamespace());
    data.put("name", migration.getMetadata().getName());
    data.put("phase", s.currentPhase().name());
    data.put("text", text);
    if (s.downtime != null && s.downtime.seconds != null) {
      data.put("downtimeSeconds", s.downtime.seconds);
    }
    if (s.readyDeadline != null) {
      data.put("readyDeadline", s.readyDeadline);
    }
    return new Message(subject, text, data);
  }

  private static String blocking(PostgresMigrationStatus s) {
    StringBuilder out = new StringBuilder();
    for (CheckResult c : Optional.ofNullable(s.checks).orElse(List.of())) {
      if (c.blocks()) {
        out.append("- ")
            .append(c.name)
            .append(": ")
            .append(Optional.ofNullable(c.message).orElse(String.valueOf(c.result)))
            .append(c.hint == null ? "" : " (" + c.hint + ")")
            .append('\n');
      }
    }
    return out.toString();
  }
}
