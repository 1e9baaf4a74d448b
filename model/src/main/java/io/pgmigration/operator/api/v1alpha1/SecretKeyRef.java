package io.pgmigration.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A key of a Secret in the migration's namespace. */
public class SecretKeyRef {
  @Required
  @Size(min = 1, max = 253)
  @Pattern(Names.DNS_SUBDOMAIN)
  @JsonPropertyDescription("Name of a Secret in the migration's namespace.")
  public String name;

  @Default("DATABASE_URL")
  @Size(min = 1, max = 253)
  @Pattern(Names.SECRET_KEY)
  @JsonPropertyDescription("Key in the Secret. Defaults to DATABASE_URL.")
  public String key = "DATABASE_URL";

  public SecretKeyRef() {}

  public SecretKeyRef(String name, String key) {
    this.name = name;
    this.key = key;
  }
}
