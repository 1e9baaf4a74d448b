package io.pgmigration.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** How a database server's certificate is verified. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TlsSpec {
  @Required
  @JsonPropertyDescription(
      "Secret key holding the CA certificate (PEM) that signed the server's certificate. The"
          + " operator and the copy Jobs then connect with sslmode=verify-full: the server's"
          + " certificate must be signed by this CA and name the host the operator reaches (a"
          + " single-label host of the URI is reached as <host>.<namespace>.svc).")
  public SecretKeyRef caSecret;
}
