package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Maintenance;
import io.pgmigration.operator.api.v1alpha1.SourceWrites;
import io.pgmigration.operator.db.SourceFence;
import io.pgmigration.operator.phase.port.Ports;
import java.util.List;

/**
 * The proof, before the URL swap, that no write reached the source since its fence closed: the
 * fence is set again and every other session ended (so their counters are flushed), then the
 * source's write counters must equal those read when the fence closed. A write that got past the
 * fence (a role or a client URL that turns the read-only default off, or an explicit read-write
 * transaction) would otherwise be lost at promotion.
 */
final class FenceProof {
  private FenceProof() {}

  /**
   * Proves the fence held, recording the outcome in the draft.
   *
   * @return why the migration must roll back instead of promoting, or null when the fence held
   */
  static String check(StatusDraft d, Ports ports) {
    Maintenance maintenance = d.status().maintenance;
    SourceWrites atFence = maintenance.writesAtFence;
    if (atFence == null) {
      d.condition(
          Conditions.Type.FENCE_HELD,
          false,
          Conditions.Reason.NOT_PROVEN,
          "The fence closed before this operator version counted the source's writes: not"
              + " proven.");
      return null;
    }
    SourceFence.Fenced fenced = ports.maintenance().fenceSource(d.migration(), d.now());
    List<String> unended = fenced.unended();
    if (!unended.isEmpty()) {
      String why =
          "could not end "
              + String.join(", ", unended)
              + " on the source, so what they wrote is not counted yet";
      d.condition(Conditions.Type.FENCE_HELD, false, Conditions.Reason.NOT_PROVEN, why);
      return "Cannot prove that no write reached the source since its fence closed: "
          + why
          + ". Nothing was switched; the app is back on the source.";
    }
    String evidence = fenced.writes().differenceFrom(atFence);
    if (evidence != null) {
      d.condition(Conditions.Type.FENCE_HELD, false, Conditions.Reason.WRITTEN, evidence);
      return "A write reached the source after its fence closed, so the destination may lack it: "
          + evidence
          + ". Nothing was switched; the app is back on the source, which has the write. Find"
          + " the client that writes with default_transaction_read_only off (a role setting,"
          + " options= in its URL, or BEGIN READ WRITE), then prepare again.";
    }
    maintenance.fenceProvenAt = d.timestamp();
    d.condition(
        Conditions.Type.FENCE_HELD,
        true,
        Conditions.Reason.NO_WRITES,
        "No write reached the source since its fence closed at "
            + atFence.readAt
            + ": the write counters of its "
            + atFence.tables
            + " tables and its sequences are unchanged.");
    return null;
  }
}
