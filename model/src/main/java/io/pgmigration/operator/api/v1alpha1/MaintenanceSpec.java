package io.pgmigration.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;

/** Which of the app's workloads are stopped while the database is copied. */
@ValidationRule(
    value =
        "!has(self.selector) || (has(self.selector.matchLabels) && size(self.selector.matchLabels)"
            + " > 0) || (has(self.selector.matchExpressions)"
            + " && size(self.selector.matchExpressions) > 0)",
    fieldPath = ".selector",
    reason = "FieldValueInvalid",
    message =
        "selector must select something: an empty selector selects every workload of the"
            + " namespace, the database servers' too; leave it out to stop none")
public class MaintenanceSpec {
  @JsonPropertyDescription(
      "Selects the app's Deployments and StatefulSets (scaled to zero) and CronJobs (suspended)"
          + " during maintenance. Workloads not selected are not touched, but the source is fenced"
          + " read-only, so they cannot write either.")
  public LabelSelector selector;

  @Default("5m")
  @Pattern(Durations.PATTERN)
  @Size(max = 32)
  @ValidationRule(
      value = "duration(self) >= duration('5s')",
      message = "drainTimeout must be at least 5s: pods take seconds to end")
  @JsonPropertyDescription(
      "How long to wait for the selected workloads' pods and running Jobs to end, as a duration"
          + " such as 90s, 5m or 1h30m.")
  public String drainTimeout = "5m";
}
