package io.pgmigration.operator.copy;

import java.sql.SQLException;
import java.util.Set;

/**
 * What a failed copy says, and whether trying again could help. A copy pod that fails is started
 * again (the Job's per-index backoff), which is right for a server that went away for a moment and
 * only lengthens the app's downtime for a schema or data error: that one fails the same way every
 * time, so the pod exits with {@link CopyContract#EXIT_WILL_FAIL_AGAIN} and the Job's pod failure
 * policy ends it at once.
 */
public final class CopyFailure {
  /**
   * SQLSTATE classes of errors that may not happen again: connection exceptions, transaction
   * rollbacks (serialization, deadlock), insufficient resources, operator intervention (shutdown,
   * cancel), and internal errors; and an I/O error. A missing file (58P01: a function's shared
   * library the destination lacks) is there every time.
   */
  private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "40", "53", "57", "XX");

  private static final Set<String> TRANSIENT_STATES = Set.of("58030");

  private CopyFailure() {}

  /** A failure with the object it happened on, e.g. copying {@code "public"."t"}. */
  static SQLException on(String what, SQLException e) {
    return new SQLException(what + ": " + firstLine(e.getMessage()), e.getSQLState(), e);
  }

  /** A shell step that failed; psql's exit code 3 means its SQL failed, which is deterministic. */
  static final class StepFailed extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** psql's exit code when a statement of its script failed under ON_ERROR_STOP. */
    static final int SCRIPT_ERROR = 3;

    private final int exitCode;

    StepFailed(String step, int exitCode) {
      super(
          step
              + " failed with exit code "
              + exitCode
              + (exitCode == SCRIPT_ERROR ? " (a statement failed; its error is above)" : ""));
      this.exitCode = exitCode;
    }
  }

  /** Whether {@code e} would happen again if the copy were tried again. */
  public static boolean willFailAgain(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StepFailed step) {
        return step.exitCode == StepFailed.SCRIPT_ERROR;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        return !TRANSIENT_STATES.contains(state)
            && !TRANSIENT_CLASSES.contains(state.substring(0, Math.min(2, state.length())));
      }
    }
    return false;
  }

  /**
   * {@code e} in words for the pod's log, whose last lines go into the migration's status: the
   * server's error and the object it happened on, without Java's exception names.
   */
  public static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException || t instanceof StepFailed) {
        return firstLine(t.getMessage());
      }
    }
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() == null
        ? root.getClass().getSimpleName()
        : firstLine(root.getMessage());
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int end = message.indexOf('\n');
    return (end < 0 ? message : message.substring(0, end)).strip();
  }
}
