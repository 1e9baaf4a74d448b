package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.OnlineVerificationStatus;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Verification;
import io.pgmigration.operator.api.v1alpha1.RollbackCause;
import io.pgmigration.operator.phase.port.Ports;
import java.util.stream.Collectors;

/**
 * Verifying: every table, sequence and object of the schema is compared; any mismatch fails the
 * migration by name.
 */
final class VerifyingHandler implements PhaseHandler {
  @Override
  public Step handle(StatusDraft d, Ports ports) {
    CancelRefusal.check(d, ports.notices());
    OnlineVerificationStatus online = d.status().onlineVerification;
    boolean verifiedWhileReady = ChangesSinceRound.done(online);
    boolean schemaCompared = verifiedWhileReady && online.switchover.schemaObjects != null;
    Verification v = ports.copying().verify(d.migration(), !verifiedWhileReady, !schemaCompared);
    d.status().verification = v;
    if (verifiedWhileReady) {
      v.tablesCompared = online.verifiedTables;
    }
    if (schemaCompared) {
      // At the switch-over, without a difference: it would have failed there.
      v.schemaObjectsCompared = online.switchover.schemaObjects;
    }
    String compared =
        (verifiedWhileReady
                ? d.status().onlineVerification.verifiedTables
                    + " tables (while Ready, and their rows changed since), "
                : v.tablesCompared + " tables, ")
            + v.sequencesCompared
            + " sequences"
            + (v.schemaObjectsCompared == null
                ? ""
                : " and " + v.schemaObjectsCompared + " schema objects")
            + " ("
            + d.spec().verification
            + ")";
    if (v.mismatches != null && !v.mismatches.isEmpty()) {
      String named =
          v.mismatches.stream()
              .map(x -> x.table + ": " + x.detail)
              .collect(Collectors.joining("; "));
      d.condition(Conditions.Type.VERIFIED, false, Conditions.Reason.MISMATCH, named);
      return d.rollBack(
          Phase.Failed,
          RollbackCause.VerificationMismatch,
          "Verification of "
              + compared
              + " found "
              + v.mismatches.size()
              + " mismatch(es): "
              + named);
    }
    d.condition(
        Conditions.Type.VERIFIED,
        true,
        Conditions.Reason.VERIFIED,
        "Compared " + compared + "; no differences.");
    d.moveTo(Phase.Migrated, "Verified " + compared + "; no differences.");
    // Comparing again, should the operator stop before the next write, changes nothing.
    return Step.onward();
  }
}
