package io.pgmigration.operator.api.v1alpha1;

/** Condition types and reasons of a PostgresMigration. Reasons are CamelCase constants. */
public final class Conditions {
  private Conditions() {}

  /** Condition types. */
  public static final class Type {
    public static final String PREPARED = "Prepared";
    public static final String READY = "Ready";
    public static final String MAINTENANCE_MODE = "MaintenanceMode";
    public static final String COPIED = "Copied";
    public static final String VERIFIED = "Verified";
    public static final String PROMOTED = "Promoted";
    public static final String FAILED = "Failed";

    /** Set when spec.cancel arrives after the copy started, and so is refused. */
    public static final String CANCEL_REFUSED = "CancelRefused";

    /** Set when spec.destroySource names a workload that does not serve the source. */
    public static final String DESTROY_REFUSED = "DestroyRefused";

    /** Whether the source is shown to be unwritten since the fence closed, before the swap. */
    public static final String FENCE_HELD = "FenceHeld";

    /** Streaming: what the verification while Ready found in its last complete round. */
    public static final String VERIFIED_WHILE_READY = "VerifiedWhileReady";

    private Type() {}
  }

  /** Condition reasons. */
  public static final class Reason {
    public static final String RUNNING = "Running";
    public static final String CHECKS_PASSED = "ChecksPassed";
    public static final String CHECKS_FAILED = "ChecksFailed";
    public static final String WAITING_FOR_START = "WaitingForStart";
    public static final String EXPIRED = "ReadyWindowExpired";
    public static final String CANCELLED = "Cancelled";
    public static final String SPEC_CHANGED = "SpecChanged";
    public static final String STARTED = "Started";
    public static final String STOPPING_WORKLOADS = "StoppingWorkloads";
    public static final String APP_STOPPED = "AppStoppedSourceFenced";
    public static final String COPY_RUNNING = "CopyRunning";
    public static final String COPY_SUCCEEDED = "CopySucceeded";
    public static final String COPY_FAILED = "CopyFailed";
    public static final String VERIFIED = "NoMismatches";
    public static final String MISMATCH = "Mismatch";
    public static final String WAITING_FOR_PROMOTE = "WaitingForPromote";
    public static final String PROMOTED = "DatabaseUrlSwitched";
    public static final String APP_RESTORED = "AppRestored";
    public static final String ROLLED_BACK = "RolledBack";
    public static final String CANCEL_REFUSED = "CancelRefused";
    public static final String SETTING_UP_REPLICATION = "SettingUpReplication";
    public static final String REPLICATION_FAILED = "ReplicationFailed";
    public static final String CATCHING_UP = "CatchingUp";
    public static final String CAUGHT_UP = "CaughtUp";
    public static final String NOT_THE_SOURCE = "NotTheSourceServer";
    public static final String NO_WRITES = "NoWritesSinceFence";
    public static final String WRITTEN = "WrittenSinceFence";
    public static final String NOT_PROVEN = "NotProven";
    public static final String CREATING_DESTINATION = "CreatingDestination";
    public static final String DESTINATION_FAILED = "DestinationNotReady";
    public static final String ROUND_UNDER_WAY = "RoundUnderWay";
    public static final String NO_DIFFERENCES = "NoDifferences";
    public static final String DIFFERENCES = "Differences";
    public static final String UNAVAILABLE = "Unavailable";
    public static final String WAITING_FOR_LAG = "WaitingForLag";
    public static final String WAITING_FOR_VERIFICATION = "WaitingForVerification";
    public static final String BLOCKED_BY_DIFFERENCES = "BlockedByDifferences";
    public static final String START_TIMED_OUT = "StartTimedOut";

    private Reason() {}
  }
}
