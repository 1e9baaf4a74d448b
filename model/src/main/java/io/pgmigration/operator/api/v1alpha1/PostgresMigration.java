package io.pgmigration.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Moves an application's PostgreSQL database to a new server: prepare with checks, put the app in
 * maintenance, copy, verify, promote by rewriting the app's DATABASE_URL Secret, bring the app back
 * and, when confirmed, destroy the old database. The contract is {@code docs/api.md}.
 */
@Group(PostgresMigration.GROUP)
@Version(PostgresMigration.VERSION)
@Kind("PostgresMigration")
@Plural("postgresmigrations")
@ShortNames({"pgm", "pgmigration"})
@AdditionalPrinterColumn(name = "Source", jsonPath = ".spec.source.connectionSecret.name")
@AdditionalPrinterColumn(name = "Destination", jsonPath = ".spec.destination.connectionSecret.name")
@AdditionalPrinterColumn(name = "Method", jsonPath = ".spec.method")
@AdditionalPrinterColumn(name = "Status", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Progress", jsonPath = ".status.progress.display")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class PostgresMigration
    extends CustomResource<PostgresMigrationSpec, PostgresMigrationStatus> implements Namespaced {
  public static final String GROUP = "pgmigration.io";
  public static final String VERSION = "v1alpha1";
  private static final long serialVersionUID = 1L;

  /** Where the migration stands: its status' phase, or Pending before the first status. */
  public Phase phase() {
    return getStatus() == null ? Phase.Pending : getStatus().currentPhase();
  }

  /**
   * The destination as the operator connects to it: the spec's, or for a CloudNativePG Cluster the
   * Secret the operator writes with the Cluster's URIs ({@link
   * CloudNativePgDestination#connectionSecretOf}).
   */
  public DatabaseSpec destinationDatabase() {
    DestinationSpec d = getSpec().destination;
    if (!d.isCloudNativePg()) {
      return d;
    }
    DatabaseSpec view = new DatabaseSpec();
    view.connectionSecret =
        new SecretKeyRef(
            CloudNativePgDestination.connectionSecretOf(getMetadata().getName()),
            CloudNativePgDestination.COPY_KEY);
    view.tls = d.tls;
    return view;
  }

  /** How the destination is named to people: its Secret, or {@code cnpg/<cluster>}. */
  public String destinationName() {
    DestinationSpec d = getSpec().destination;
    return d.isCloudNativePg() ? "cnpg/" + d.cloudNativePG.cluster : d.connectionSecret.name;
  }

  /** The spec generation, 0 when the API server has not set one. */
  public long generation() {
    Long g = getMetadata().getGeneration();
    return g == null ? 0 : g;
  }

  /**
   * Whether setting {@code spec.cancel} now would be honoured: the phase honours it, it is not set
   * yet, and no rollback is already under way.
   */
  public boolean cancellable() {
    return phase().honoursCancel()
        && !getSpec().cancel
        && (getStatus() == null || getStatus().rollback == null);
  }

  /**
   * Whether the spec changed, in anything but its gates, since the preparation checks ran: such a
   * migration must be prepared again.
   */
  public boolean specChangedSincePreparation() {
    String prepared = getStatus() == null ? null : getStatus().preparedSpecHash;
    return !SpecHash.of(getSpec()).equals(prepared);
  }
}
