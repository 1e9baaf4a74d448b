package io.pgmigration.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One side of a migration: how to connect to it and, optionally, what runs it. */
public class DatabaseSpec {
  @JsonPropertyDescription(
      "Secret key holding the database's connection URI"
          + " (postgres://<user>:<password>@<host>:<port>/<dbname>). Required on the source; on"
          + " the destination, give either this or cloudNativePG.")
  public SecretKeyRef connectionSecret;

  @JsonPropertyDescription(
      "The workload running this database server. Optional; on the source it is what"
          + " destroySource deletes.")
  public WorkloadRef workload;

  @JsonPropertyDescription(
      "Verify the server's certificate (sslmode=verify-full) against a CA from a Secret."
          + " Optional; without it, the URI's own sslmode applies.")
  public TlsSpec tls;
}
