package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.Conditions;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.Verification;
import java.time.Instant;
import java.util.stream.Collectors;

/** Verifying: every table and sequence is compared; any mismatch fails the migration by name. */
final class VerifyingHandler implements PhaseHandler {
  @Override
  public Step handle(PostgresMigration m, PostgresMigrationStatus status, PhaseContext ctx) {
    Instant now = ctx.now();
    CancelRefusal.check(m, status, ctx);
    Verification v = ctx.verify(m);
    status.verification = v;
    String compared =
        v.tablesCompared
            + " tables and "
            + v.sequencesCompared
            + " sequences ("
            + m.getSpec().verification
            + ")";
    if (v.mismatches != null && !v.mismatches.isEmpty()) {
      String named =
          v.mismatches.stream()
              .map(x -> x.table + ": " + x.detail)
              .collect(Collectors.joining("; "));
      Transitions.condition(
          m, status, Conditions.Type.VERIFIED, false, Conditions.Reason.MISMATCH, named, now);
      return RollbackHandler.begin(
          m,
          status,
          Phase.Failed,
          "Verification of "
              + compared
              + " found "
              + v.mismatches.size()
              + " mismatch(es): "
              + named,
          now);
    }
    Transitions.condition(
        m,
        status,
        Conditions.Type.VERIFIED,
        true,
        Conditions.Reason.VERIFIED,
        "Compared " + compared + "; no differences.",
        now);
    Transitions.moveTo(status, Phase.Migrated, "Verified " + compared + "; no differences.");
    return Step.now();
  }
}
