package io.pgmigration.operator.reconciler;

import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import org.jboss.logging.MDC;

/**
 * Names the migration being reconciled, and its phase, on every log line written meanwhile by the
 * reconcile's thread, the operator SDK's and the Kubernetes client's lines included: the mapped
 * diagnostic context, which JSON logs carry as {@code mdc.migration} and {@code mdc.phase}.
 */
final class LogContext {
  static final String MIGRATION = "migration";
  static final String PHASE = "phase";

  private LogContext() {}

  /** Puts {@code migration} into the context until {@link #leave}. */
  static void enter(PostgresMigration migration) {
    MDC.put(
        MIGRATION,
        migration.getMetadata().getNamespace() + "/" + migration.getMetadata().getName());
    phase(migration.phase());
  }

  /** The phase the migration is in now. */
  static void phase(Phase phase) {
    MDC.put(PHASE, phase.name());
  }

  /** Takes the migration out of the context again. */
  static void leave() {
    MDC.remove(MIGRATION);
    MDC.remove(PHASE);
  }
}
