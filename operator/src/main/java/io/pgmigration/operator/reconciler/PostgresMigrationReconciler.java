package io.pgmigration.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.config.PollingConfig;
import io.pgmigration.operator.config.WatchdogConfig;
import io.pgmigration.operator.live.CopyImage;
import io.pgmigration.operator.live.Events;
import io.pgmigration.operator.live.LivePorts;
import io.pgmigration.operator.notify.LiveNotifications;
import io.pgmigration.operator.phase.PhaseMachine;
import io.pgmigration.operator.phase.StatusDraft;
import io.pgmigration.operator.phase.Step;
import io.pgmigration.operator.phase.port.Notifications;
import io.pgmigration.operator.phase.port.Ports;
import io.pgmigration.operator.secrets.Redaction;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Reconciles {@link PostgresMigration}s: computes each next status with {@link PhaseMachine} and
 * writes it by one path ({@link StatusWriter}) when it changed, running steps back to back while
 * they only wait for each other's status; records every phase change as an Event. Its finalizer
 * holds the deletion of a migration in flight until the app is given back ({@link #cleanup}). The
 * operator's Jobs and their pods are watched ({@link OwnJobs}).
 */
// Reconciled at least every 5 minutes whatever the events: every step is idempotent, and an event
// lost between two reconciles (seen once: a deletion arriving as one finished) costs minutes, not
// hours, in a phase that only waits for a change.
@ControllerConfiguration(
    name = "postgresmigration",
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public class PostgresMigrationReconciler
    implements Reconciler<PostgresMigration>, Cleaner<PostgresMigration> {
  private static final Logger LOG = Logger.getLogger(PostgresMigrationReconciler.class);
  static final Duration ERROR_RETRY = Duration.ofSeconds(30);

  /**
   * Steps run back to back in one reconcile before it writes the status and yields to other
   * migrations for {@link #CONTINUE_AFTER} (or the last step's wait); no phase takes nearly this
   * many steps without waiting for something, and quiet waits ({@link Step#quietlyAfter}) are told
   * in status at least this often.
   */
  static final int MAX_STEPS_PER_RECONCILE = 20;

  static final Duration CONTINUE_AFTER = Duration.ofMillis(200);

  /**
   * How long a deleted migration's rollback is retried, when its whole namespace is being deleted,
   * before its finalizer is let go.
   */
  static final Duration CLEANUP_GIVE_UP = Duration.ofMinutes(3);

  private final PhaseMachine machine;
  private final KubernetesClient client;
  private final CopyImage copyImage;
  private final StatusWriter writer;
  private final MigrationMetrics metrics;
  private final Notifications notifications;
  private volatile Ports ports;

  @Inject
  public PostgresMigrationReconciler(
      KubernetesClient client,
      @ConfigProperty(name = "pgmo.copy.image") Optional<String> copyImage,
      @ConfigProperty(name = "pgmo.copy.allowed-images") Optional<List<String>> allowedImages,
      PollingConfig polling,
      WatchdogConfig watchdog,
      MeterRegistry registry,
      LiveNotifications notifications) {
    this(
        client,
        CopyImage.fromEnvironment(client, copyImage, allowedImages.orElse(List.of())),
        new PhaseMachine(polling.polling(), watchdog.watchdog()),
        StatusWriter.APPLY,
        new MigrationMetrics(registry, Clock.systemUTC()),
        notifications);
  }

  PostgresMigrationReconciler(
      KubernetesClient client, CopyImage copyImage, PhaseMachine machine, StatusWriter writer) {
    this(
        client,
        copyImage,
        machine,
        writer,
        new MigrationMetrics(new SimpleMeterRegistry(), Clock.systemUTC()),
        Notifications.NONE);
  }

  private PostgresMigrationReconciler(
      KubernetesClient client,
      CopyImage copyImage,
      PhaseMachine machine,
      StatusWriter writer,
      MigrationMetrics metrics,
      Notifications notifications) {
    this.client = client;
    this.copyImage = copyImage;
    this.machine = machine;
    this.writer = writer;
    this.metrics = metrics;
    this.notifications = notifications;
  }

  @Override
  public List<EventSource<?, PostgresMigration>> prepareEventSources(
      EventSourceContext<PostgresMigration> context) {
    OwnJobs own = new OwnJobs(context);
    ports = LivePorts.of(client, own, copyImage, machine.watchdog(), notifications);
    return new ArrayList<>(own.eventSources());
  }

  @Override
  public UpdateControl<PostgresMigration> reconcile(
      PostgresMigration migration, Context<PostgresMigration> context) {
    Step step;
    LogContext.enter(migration);
    try {
      step = run(migration, context, machine::next);
    } finally {
      LogContext.leave();
    }
    UpdateControl<PostgresMigration> control = UpdateControl.noUpdate();
    step.requeueAfter().ifPresent(d -> control.rescheduleAfter(d.isZero() ? CONTINUE_AFTER : d));
    return control;
  }

  /**
   * Runs steps of {@code next} back to back ({@link StepLoop}); records each phase change in the
   * log and as an Event. Should a later step throw, {@link #updateErrorStatus} reports on the
   * latest status written, not the one before.
   */
  private Step run(
      PostgresMigration migration,
      Context<PostgresMigration> context,
      BiFunction<PostgresMigration, Ports, PhaseMachine.Result> next) {
    StepLoop loop =
        new StepLoop(
            writer,
            MAX_STEPS_PER_RECONCILE,
            (current, previous, status) -> {
              // Once written or deferred. A step whose status could not be written runs again and
              // counts once; what the counters count (rollbacks, failed checks, the downtime) is
              // never deferred.
              metrics.observe(current, previous, status);
              Phase before = previous == null ? Phase.Pending : previous.currentPhase();
              LogContext.phase(status.phase);
              if (status.phase != before) {
                log(migration, status.phase, status.message);
                Events.phaseChanged(client, current, before, status.phase, status.message);
              }
            });
    return loop.run(migration, context, m -> next.apply(m, ports));
  }

  /**
   * A migration deleted while the app is in maintenance is rolled back first (or, once promoting,
   * promoted to the end), so deleting it never leaves the app scaled to zero or the source fenced.
   * Each step of that rollback is written to status like any other.
   */
  @Override
  public DeleteControl cleanup(PostgresMigration migration, Context<PostgresMigration> context) {
    LogContext.enter(migration);
    try {
      return clean(migration, context);
    } finally {
      LogContext.leave();
    }
  }

  private DeleteControl clean(PostgresMigration migration, Context<PostgresMigration> context) {
    if (migration.getStatus() == null || migration.getStatus().safeToDelete()) {
      metrics.forget(migration);
      return DeleteControl.defaultDelete();
    }
    Step step = run(migration, context, machine::cleanup);
    if (migration.getStatus().safeToDelete()) {
      metrics.forget(migration);
      return DeleteControl.defaultDelete();
    }
    String deleted = migration.getMetadata().getDeletionTimestamp();
    if (deleted != null
        && Instant.parse(deleted).plus(CLEANUP_GIVE_UP).isBefore(Instant.now())
        && namespaceGoingAway(migration)) {
      // The whole namespace is being deleted, the source and the app with it: holding the
      // finalizer longer would only keep the namespace from going away. Otherwise the app may
      // still be down, and the rollback is retried for as long as it takes.
      String left =
          "Deleted with its namespace before the rollback could finish, and it still could not"
              + " after "
              + CLEANUP_GIVE_UP.toMinutes()
              + " minutes; giving up. What is left: "
              + migration.getStatus().message;
      LOG.warnf("%s/%s: %s", ns(migration), migration.getMetadata().getName(), left);
      Events.record(client, migration, "Warning", "RollbackAbandoned", left);
      metrics.forget(migration);
      return DeleteControl.defaultDelete();
    }
    return DeleteControl.noFinalizerRemoval()
        .rescheduleAfter(step.requeueAfter().orElse(ERROR_RETRY).toMillis());
  }

  /** Whether the migration's namespace is being deleted (or already is). */
  private boolean namespaceGoingAway(PostgresMigration migration) {
    try {
      var namespace = client.namespaces().withName(ns(migration)).get();
      return namespace == null || namespace.getMetadata().getDeletionTimestamp() != null;
    } catch (RuntimeException e) {
      LOG.warnf("%s: could not read the namespace: %s", ns(migration), e.getMessage());
      return false;
    }
  }

  /**
   * An unexpected error (the API server refused a call, a permission is missing): the status says
   * so, the phase stays, and the reconcile is tried again every {@link #ERROR_RETRY} for as long as
   * the error lasts, rather than giving up after a few attempts and going quiet.
   */
  @Override
  public ErrorStatusUpdateControl<PostgresMigration> updateErrorStatus(
      PostgresMigration migration, Context<PostgresMigration> context, Exception e) {
    PostgresMigrationStatus status = errorStatus(migration, e);
    LogContext.enter(migration);
    try {
      log(migration, status.phase, status.message);
      writer.write(context, migration, status);
    } catch (RuntimeException writeFailed) {
      LOG.warnf(
          "%s/%s: could not write the error to status: %s",
          ns(migration), migration.getMetadata().getName(), writeFailed.getMessage());
    } finally {
      LogContext.leave();
    }
    return ErrorStatusUpdateControl.<PostgresMigration>noStatusUpdate()
        .withNoRetry()
        .rescheduleAfter(ERROR_RETRY);
  }

  /** The status that reports {@code e}: the phase and everything else as they were. */
  static PostgresMigrationStatus errorStatus(PostgresMigration migration, Exception e) {
    StatusDraft draft = new StatusDraft(migration, Instant.now());
    draft.message(
        "Could not reconcile, retrying every "
            + ERROR_RETRY.toSeconds()
            + "s: "
            + (e.getMessage() == null
                ? e.getClass().getSimpleName()
                : Redaction.redact(e.getMessage(), List.of())));
    return draft.status();
  }

  private static void log(PostgresMigration m, Phase phase, String message) {
    LOG.infof("%s/%s phase=%s: %s", ns(m), m.getMetadata().getName(), phase, message);
  }

  private static String ns(PostgresMigration m) {
    return m.getMetadata().getNamespace();
  }
}
