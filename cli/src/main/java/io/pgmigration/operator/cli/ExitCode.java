package io.pgmigration.operator.cli;

/**
 * The plugin's exit codes. Scripts and CI read them: {@code watch} ends with the code of how the
 * migration ended, every command ends with {@link #ERROR} when it could not do what was asked.
 */
public final class ExitCode {
  /** Done; for {@code watch}: the migration Completed. */
  public static final int OK = 0;

  /** The command could not do what was asked (not found, forbidden, refused, unreachable). */
  public static final int ERROR = 1;

  /** Bad arguments; picocli's own usage code. */
  public static final int USAGE = 2;

  /** The migration Failed and was rolled back. */
  public static final int FAILED = 3;

  /** Preparation found blocking issues (PrepareFailed, or {@code checks} found some). */
  public static final int PREPARE_FAILED = 4;

  /** The migration was Cancelled or Expired. */
  public static final int CANCELLED = 5;

  /** The migration waits for the user: Ready without start, or Migrated without promote. */
  public static final int WAITING = 6;

  /** The user pressed Ctrl+C. */
  public static final int INTERRUPTED = 130;

  private ExitCode() {}
}
