package io.pgmigration.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** One notification and its delivery, retried until every channel took it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Notification {
  @JsonPropertyDescription(
      "Stable across retries and restarts: <migration uid>.<event>.<generation>.")
  public String id;

  public NotificationEvent event;

  @JsonPropertyDescription("When it happened (RFC 3339).")
  public String at;

  @JsonPropertyDescription("Pending, Delivered, or Failed once the retries ran out.")
  public DeliveryState state;

  @JsonPropertyDescription("The channels that took it: email, slack, cloudevents.")
  public List<String> delivered = new ArrayList<>();

  public Integer attempts;

  @JsonPropertyDescription("When it is tried again (RFC 3339).")
  public String nextAttemptAt;

  @JsonPropertyDescription("Why the last attempt failed.")
  public String lastError;

  /** Where a notification's delivery stands. */
  public enum DeliveryState {
    Pending,
    Delivered,
    Failed
  }
}
