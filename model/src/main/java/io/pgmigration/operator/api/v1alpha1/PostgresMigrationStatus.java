package io.pgmigration.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the operator observed. Never holds a credential, a URI or a password. Everything needed to
 * resume after an operator restart is kept here.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PostgresMigrationStatus {
  @JsonPropertyDescription("Where the migration stands.")
  public Phase phase;

  @JsonPropertyDescription("The spec generation this status describes.")
  public Long observedGeneration;

  @JsonPropertyDescription("One sentence on what happened last, or why the migration stopped.")
  public String message;

  @JsonPropertyDescription(
      "Prepared, Ready, MaintenanceMode, Copied, Verified, Promoted and Failed, in the"
          + " Kubernetes condition shape.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("One entry per preparation check.")
  public List<CheckResult> checks;

  @JsonPropertyDescription(
      "When the current round of preparation started (RFC 3339); checks that may only be"
          + " waiting for a database or Secret to appear are retried for a while after it.")
  public String preparingSince;

  @JsonPropertyDescription(
      "Hash of the spec, without its gates (start, promote, cancel, destroySource), that the"
          + " checks ran against; a different spec is prepared again.")
  public String preparedSpecHash;

  @JsonPropertyDescription("When the ready window ends (RFC 3339).")
  public String readyDeadline;

  @JsonPropertyDescription("When the migration started (RFC 3339).")
  public String startedAt;

  @JsonPropertyDescription("When the migration ended (RFC 3339).")
  public String completedAt;

  @JsonPropertyDescription("The app's downtime: maintenance on to maintenance off.")
  public Downtime downtime;

  @JsonPropertyDescription(
      "An error being retried while the app may be down: since when, how often, and the last one.")
  public Retry retrying;

  @JsonPropertyDescription("What maintenance changed, so that it can be undone exactly.")
  public Maintenance maintenance;

  @JsonPropertyDescription(
      "A CloudNativePG destination: the Cluster, whether this migration created it, its"
          + " Services.")
  public DestinationStatus destination;

  @JsonPropertyDescription("Progress of the copy.")
  public Progress progress;

  @JsonPropertyDescription("Result of comparing source and destination.")
  public Verification verification;

  @JsonPropertyDescription("Result of promotion.")
  public Promotion promotion;

  @JsonPropertyDescription(
      "Set when the migration stopped after it started and is being undone; kept until the"
          + " rollback has finished, so a restarted operator completes it.")
  public Rollback rollback;

  @JsonPropertyDescription(
      "Streaming: the logical replication this migration set up, until it is dropped again.")
  public Replication replication;

  @JsonPropertyDescription("Streaming: the verification while Ready, and at the switch-over.")
  public OnlineVerificationStatus onlineVerification;

  @JsonPropertyDescription(
      "Notifications, the latest last (at most 20): each with the id every channel receives, so"
          + " a receiver can drop a retry's duplicate, and whether it was delivered.")
  public List<Notification> notifications;

  /** The phase, or Pending when none is written yet: the one place that reads a missing phase. */
  public Phase currentPhase() {
    return phase == null ? Phase.Pending : phase;
  }

  /**
   * How long the app has been down at {@code now}, while it is; empty before maintenance began and
   * once the app is back.
   */
  public Optional<Duration> appDownFor(Instant now) {
    if (downtime == null || downtime.startedAt == null || downtime.endedAt != null) {
      return Optional.empty();
    }
    return Optional.of(Duration.between(Instant.parse(downtime.startedAt), now));
  }

  /**
   * Whether a migration with this status may be deleted without leaving anything half-done: no
   * rollback under way, the app not in maintenance, and no replication left on the servers.
   */
  public boolean safeToDelete() {
    return rollback == null
        && !currentPhase().appMayBeDown()
        && (replication == null || !replication.live());
  }

  /** One preparation check's outcome. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class CheckResult {
    public String name;
    public Severity severity;
    public CheckOutcome result;
    public String message;

    @JsonPropertyDescription("How to fix a failed check.")
    public String hint;

    @JsonPropertyDescription(
        "What the result was judged on, when it is costly to judge again: for the Rehearsal, the"
            + " prepared spec hash and a hash of the source's schema. Start re-runs the rehearsal"
            + " only when either changed.")
    public String fingerprint;

    /** Whether this check stops the migration: a blocking check that did not pass. */
    public boolean blocks() {
      return severity == Severity.Blocking && result != CheckOutcome.Passed;
    }

    /** Whether this is a warning: a non-blocking check that did not pass. */
    public boolean warns() {
      return severity == Severity.Warning && result != CheckOutcome.Passed;
    }

    /** Whether a failure blocks the migration. */
    public enum Severity {
      Blocking,
      Warning
    }

    /** What the check found; Error means it could not be run. */
    public enum CheckOutcome {
      Passed,
      Failed,
      Warning,
      Error
    }
  }

  /** The app's downtime. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Downtime {
    public String startedAt;
    public String endedAt;
    public Long seconds;
  }

  /** An error the operator is retrying. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Retry {
    @JsonPropertyDescription("When the error first happened (RFC 3339).")
    public String since;

    public Integer attempts;

    @JsonPropertyDescription("The last error.")
    public String error;
  }

  /** What maintenance mode changed. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Maintenance {
    public List<RecordedWorkload> workloads = new ArrayList<>();

    @JsonPropertyDescription("When the recorded workloads were stopped (RFC 3339).")
    public String stoppedAt;

    @JsonPropertyDescription("Whether the source is currently fenced read-only.")
    public Boolean sourceFenced;

    @JsonPropertyDescription(
        "What the source's statistics counted as written to it when the fence closed; read again"
            + " before the URL swap to prove that no write got through.")
    public SourceWrites writesAtFence;

    @JsonPropertyDescription(
        "When the source was shown to be unwritten since the fence closed (RFC 3339).")
    public String fenceProvenAt;
  }

  /** A workload as it was before maintenance. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class RecordedWorkload {
    @JsonPropertyDescription("Deployment, StatefulSet or CronJob.")
    public String kind;

    public String name;

    @JsonPropertyDescription("Replicas before maintenance (Deployments and StatefulSets).")
    public Integer replicas;

    @JsonPropertyDescription("spec.suspend before maintenance (CronJobs).")
    public Boolean suspend;
  }

  /** Copy progress. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Progress {
    public Integer tablesTotal;
    public Integer tablesDone;
    public Long bytesTotal;
    public Long bytesDone;
    public Integer percent;

    @JsonPropertyDescription("The PROGRESS column, e.g. 42%.")
    public String display;

    @JsonPropertyDescription("Name of the copy Job.")
    public String jobName;

    @JsonPropertyDescription("Streaming: replication lag in bytes.")
    public Long lagBytes;

    @JsonPropertyDescription("Streaming: replication lag in seconds.")
    public Long lagSeconds;

    @JsonPropertyDescription(
        "Streaming: WAL the source keeps for the migration's replication slot, in bytes.")
    public Long walRetainedBytes;

    @JsonPropertyDescription(
        "Rows written into the destination's tables so far: its statistics' inserts, and the"
            + " rows of the COPY running now.")
    public Long rowsDone;
  }

  /** Outcome of verification. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Verification {
    public Integer tablesCompared;
    public Integer sequencesCompared;

    @JsonPropertyDescription(
        "Objects of the schema (tables, columns, types, indexes, constraints, triggers,"
            + " functions, views …) compared by their definitions.")
    public Integer schemaObjectsCompared;

    public List<Mismatch> mismatches;

    /** A table or sequence that differs. */
    public static class Mismatch {
      public String table;
      public String detail;
    }
  }

  /** A rollback under way: why, and the phase it ends in. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Rollback {
    @JsonPropertyDescription("Why the migration is rolled back.")
    public String reason;

    @JsonPropertyDescription(
        "Why, in one word: Cancelled, DrainTimeout, FenceFailed, CopyFailed, CatchUpFailed,"
            + " VerificationMismatch, FenceBroken, Errors or Deleted.")
    public RollbackCause cause;

    @JsonPropertyDescription("The phase the rollback ends in: Failed, or Cancelled.")
    public Phase endPhase;

    public String startedAt;
  }

  /**
   * The Streaming method's logical replication: a publication on the source, and a subscription on
   * the destination with its replication slot on the source, all named {@link #name}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Replication {
    @JsonPropertyDescription(
        "Name of the publication, the subscription and the replication slot (pgmo_<uid>).")
    public String name;

    @JsonPropertyDescription(
        "CopyingSchema, Subscribing, Syncing (the initial copy while the app runs), Vacuuming"
            + " (the copied tables get their visibility map and statistics), Streaming (caught"
            + " up, following the source), or Dropped (nothing is left on either server).")
    public ReplicationStage stage;

    @JsonPropertyDescription("The Job that copies the schema to the destination.")
    public String schemaJob;

    @JsonPropertyDescription("The Job that vacuums and analyzes the destination after its copy.")
    public String vacuumJob;

    @JsonPropertyDescription(
        "The source's WAL position once it was fenced: the switch-over waits until the"
            + " destination has confirmed everything up to it.")
    public String cutoverLsn;

    @JsonPropertyDescription("When the switch-over began to wait for the destination (RFC 3339).")
    public String cutoverStartedAt;

    @JsonPropertyDescription(
        "Errors the destination had reported applying changes when the switch-over began.")
    public Long applyErrorsBefore;

    @JsonPropertyDescription("When start began to wait for the lag and the verification.")
    public String startRequestedAt;

    @JsonPropertyDescription("When start gave up waiting; nothing was touched.")
    public String startGaveUpAt;

    @JsonPropertyDescription("When the replication was dropped (RFC 3339).")
    public String droppedAt;

    @JsonPropertyDescription(
        "Why the last attempt to drop the replication failed; the drop is retried until it"
            + " succeeds, since the slot keeps the source's WAL meanwhile.")
    public String dropError;

    /** Whether anything of it may still exist on the servers. */
    public boolean live() {
      return stage != ReplicationStage.Dropped;
    }
  }

  /** How far the Streaming method's replication has come. */
  public enum ReplicationStage {
    CopyingSchema,
    Subscribing,
    Syncing,
    Vacuuming,
    Streaming,
    Dropped
  }
}
