package io.pgmigration.operator.api.v1alpha1;

/**
 * Why a migration is rolled back, in one word: the metric {@code pgmo_rollbacks_total} counts by it
 * and an alert can name it; {@code status.rollback.reason} says the rest in a sentence.
 */
public enum RollbackCause {
  /** {@code spec.cancel} during maintenance, before the copy started. */
  Cancelled,
  /** The app's pods were still running when {@code drainTimeout} ran out. */
  DrainTimeout,
  /** The source could not be fenced: some of its sessions would not end. */
  FenceFailed,
  /** The copy Job failed, disappeared, or its pod could not run. */
  CopyFailed,
  /** Streaming: the destination could not catch up with the fenced source. */
  CatchUpFailed,
  /** The verification found the destination different from the source. */
  VerificationMismatch,
  /** A write reached the source after the fence closed. */
  FenceBroken,
  /** An unexpected error kept failing for longer than the operator retries one. */
  Errors,
  /** The PostgresMigration was deleted while the app was down. */
  Deleted
}
