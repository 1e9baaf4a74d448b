package io.pgmigration.operator.phase;

import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.CheckOutcome;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult.Severity;
import io.pgmigration.operator.phase.port.Preparation;
import java.util.ArrayList;
import java.util.List;

/** Checks whose results the test sets; counts how often they ran. */
final class ScriptedPreparation implements Preparation {
  List<CheckResult> checks =
      List.of(ScriptedWorld.check("SourceReachable", Severity.Blocking, CheckOutcome.Passed));
  int checkRuns;

  @Override
  public List<CheckResult> runChecks(PostgresMigration migration) {
    checkRuns++;
    return new ArrayList<>(checks);
  }
}
