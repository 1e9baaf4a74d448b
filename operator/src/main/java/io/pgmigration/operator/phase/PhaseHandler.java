package io.pgmigration.operator.phase;

import io.pgmigration.operator.phase.port.Ports;

/** The work of one phase. */
public interface PhaseHandler {
  /**
   * Advances the migration: edits its next status through {@code draft}, says when to look again.
   */
  Step handle(StatusDraft draft, Ports ports);
}
