package io.pgmigration.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Where a migration's notifications go, like the e-mails Heroku sends about a migration. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NotificationsSpec {
  @Required
  @Size(min = 1, max = 253)
  @JsonPropertyDescription(
      "A Secret in the migration's namespace whose keys say where to send: email (recipients,"
          + " separated by commas), slackWebhookUrl (a Slack-compatible incoming webhook) and"
          + " cloudEventsUrl (an HTTP endpoint that receives CloudEvents); any of them. The"
          + " requester must be allowed to read it.")
  public String secretName;
}
