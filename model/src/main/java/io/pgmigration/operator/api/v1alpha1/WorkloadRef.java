package io.pgmigration.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The Deployment or StatefulSet that runs a database server. */
public class WorkloadRef {
  @Required
  @JsonPropertyDescription("Kind of the workload: StatefulSet or Deployment.")
  public WorkloadKind kind;

  @Required
  @Size(min = 1, max = 253)
  @Pattern(Names.DNS_SUBDOMAIN)
  @JsonPropertyDescription("Name of the workload in the migration's namespace.")
  public String name;

  /** Workload kinds that can run a database server. */
  public enum WorkloadKind {
    StatefulSet,
    Deployment
  }
}
