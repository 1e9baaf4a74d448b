package io.pgmigration.operator.api.v1alpha1;

/** The shapes Kubernetes requires of the names and keys a spec refers to, for the CRD's checks. */
final class Names {
  /** A Secret's or a workload's name: a DNS-1123 subdomain. */
  static final String DNS_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** A key of a Secret's data. */
  static final String SECRET_KEY = "^[-._a-zA-Z0-9]+$";

  private Names() {}
}
