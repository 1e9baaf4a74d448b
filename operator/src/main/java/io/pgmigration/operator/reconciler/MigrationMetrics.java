package io.pgmigration.operator.reconciler;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.CheckResult;
import io.pgmigration.operator.api.v1alpha1.RollbackCause;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The product's metrics, read from the statuses the reconciler writes (docs/observability.md lists
 * them with their alerts). Gauges describe the migrations as they stand now; counters and the
 * downtime histogram count what happened since the operator started. Only the leader reconciles, so
 * only its gauges have rows: sum them over the operator's pods.
 */
public class MigrationMetrics {
  /** Downtime buckets, in seconds: from a Streaming switch-over to a large Snapshot copy. */
  private static final double[] DOWNTIME_BUCKETS = {
    1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600
  };

  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, Observed> migrations = new ConcurrentHashMap<>();
  private final DistributionSummary downtime;
  private final MultiGauge phase;
  private final Map<RollbackCause, Counter> rollbacks = new EnumMap<>(RollbackCause.class);
  private final List<Row> perMigration = new ArrayList<>();

  /** A migration as last reconciled. */
  private record Observed(String namespace, String name, PostgresMigrationStatus status) {
    Tags tags() {
      return Tags.of("namespace", namespace, "name", name);
    }

    String key() {
      return namespace + "/" + name;
    }
  }

  /**
   * A gauge with one row per migration that has a value for it. Its name carries the unit where two
   * gauges share a stem (Micrometer would otherwise see one meter twice).
   */
  private record Row(MultiGauge gauge, Function<Observed, Optional<Double>> value) {}

  public MigrationMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
    for (Phase p : Phase.values()) {
      Gauge.builder("pgmo.migrations", migrations, m -> count(m, p))
          .description("PostgresMigrations in each phase")
          .tag("phase", p.name())
          .register(registry);
    }
    downtime =
        DistributionSummary.builder("pgmo.app.downtime")
            .description("How long the app was in maintenance, per migration that ended it")
            .baseUnit("seconds")
            .serviceLevelObjectives(DOWNTIME_BUCKETS)
            .register(registry);
    // Every cause from the start, at 0, so that increase() sees the first rollback of each.
    for (RollbackCause cause : RollbackCause.values()) {
      rollbacks.put(
          cause,
          Counter.builder("pgmo.rollbacks")
              .description("Migrations rolled back, by cause")
              .tag("cause", cause.name())
              .register(registry));
    }
    phase =
        MultiGauge.builder("pgmo.migration.phase")
            .description("1 for the phase each migration is in")
            .register(registry);
    row(
        "pgmo.migration.app.down",
        "seconds",
        "How long the app has been down, while it is",
        this::appDown);
    row(
        "pgmo.migration.ready.window.remaining",
        "seconds",
        "Time left to start a Ready migration before its ready window expires",
        this::readyLeft);
    row(
        "pgmo.migration.replication.lag.bytes",
        null,
        "Streaming: WAL the destination has not confirmed",
        o -> live(o, o.status().progress == null ? null : o.status().progress.lagBytes));
    row(
        "pgmo.migration.replication.lag.seconds",
        null,
        "Streaming: replay lag the source last measured",
        o -> live(o, o.status().progress == null ? null : o.status().progress.lagSeconds));
    row(
        "pgmo.migration.replication.slot.retained",
        "bytes",
        "Streaming: WAL the source keeps for the migration's replication slot",
        o -> live(o, o.status().progress == null ? null : o.status().progress.walRetainedBytes));
  }

  private void row(
      String name, String unit, String description, Function<Observed, Optional<Double>> value) {
    perMigration.add(
        new Row(
            MultiGauge.builder(name).description(description).baseUnit(unit).register(registry),
            value));
  }

  /**
   * Takes a reconcile's outcome into account: the migration's new status (for the gauges), and what
   * changed since {@code before} (for the counters).
   */
  public void observe(
      PostgresMigration migration, PostgresMigrationStatus before, PostgresMigrationStatus after) {
    Observed o =
        new Observed(
            migration.getMetadata().getNamespace(), migration.getMetadata().getName(), after);
    migrations.put(o.key(), o);
    Phase was = before == null ? Phase.Pending : before.currentPhase();
    if (after.currentPhase() == Phase.PrepareFailed && was != Phase.PrepareFailed) {
      for (CheckResult check : Optional.ofNullable(after.checks).orElse(List.of())) {
        if (check.blocks()) {
          Counter.builder("pgmo.checks.failed")
              .description("Blocking preparation checks that failed (or could not run), by name")
              .tag("check", check.name)
              .register(registry)
              .increment();
        }
      }
    }
    if (after.rollback != null
        && after.rollback.cause != null
        && (before == null || before.rollback == null)) {
      rollbacks.get(after.rollback.cause).increment();
    }
    Long seconds = after.downtime == null ? null : after.downtime.seconds;
    if (seconds != null
        && (before == null || before.downtime == null || before.downtime.seconds == null)) {
      downtime.record(seconds);
    }
    copied(
        o, "pgmo.migration.copied.bytes", "Bytes of the source's tables copied", p -> p.bytesDone);
    copied(
        o,
        "pgmo.migration.copied.rows",
        "Rows written into the destination's tables",
        p -> p.rowsDone);
    refresh();
  }

  /** Forgets a migration that is gone. */
  public void forget(PostgresMigration migration) {
    Observed gone = migrations.remove(key(migration));
    if (gone != null) {
      for (String name : List.of("pgmo.migration.copied.bytes", "pgmo.migration.copied.rows")) {
        registry.find(name).tags(gone.tags()).meters().forEach(registry::remove);
      }
    }
    refresh();
  }

  /**
   * A counter of the migration's copy, read from its status at each scrape; its rate is the copy's
   * speed. Registered once per migration and name, from its first progress on.
   */
  private void copied(
      Observed o,
      String name,
      String description,
      Function<PostgresMigrationStatus.Progress, Long> done) {
    if (o.status().progress == null || done.apply(o.status().progress) == null) {
      return;
    }
    String key = o.key();
    FunctionCounter.builder(
            name,
            migrations,
            m -> {
              Observed now = m.get(key);
              Long value =
                  now == null || now.status().progress == null
                      ? null
                      : done.apply(now.status().progress);
              return value == null ? 0 : value;
            })
        .description(description + " so far, per migration")
        .tags(o.tags())
        .register(registry);
  }

  private synchronized void refresh() {
    List<MultiGauge.Row<?>> phases = new ArrayList<>();
    for (Observed o : migrations.values()) {
      phases.add(MultiGauge.Row.of(o.tags().and("phase", o.status().currentPhase().name()), 1));
    }
    phase.register(phases, true);
    for (Row r : perMigration) {
      List<MultiGauge.Row<?>> rows = new ArrayList<>();
      for (Observed o : migrations.values()) {
        if (r.value().apply(o).isPresent()) {
          String key = o.key();
          rows.add(
              MultiGauge.Row.of(
                  o.tags(),
                  migrations,
                  m -> Optional.ofNullable(m.get(key)).flatMap(r.value()).orElse(Double.NaN)));
        }
      }
      r.gauge().register(rows, true);
    }
  }

  private static double count(Map<String, Observed> migrations, Phase p) {
    return migrations.values().stream().filter(o -> o.status().currentPhase() == p).count();
  }

  private Optional<Double> appDown(Observed o) {
    return o.status().appDownFor(clock.instant()).map(d -> d.toMillis() / 1000.0);
  }

  private Optional<Double> readyLeft(Observed o) {
    if (o.status().currentPhase() != Phase.Ready || o.status().readyDeadline == null) {
      return Optional.empty();
    }
    Duration left = Duration.between(clock.instant(), Instant.parse(o.status().readyDeadline));
    return Optional.of(left.toMillis() / 1000.0);
  }

  /** {@code value} while the migration's replication exists. */
  private static Optional<Double> live(Observed o, Long value) {
    boolean live = o.status().replication != null && o.status().replication.live();
    return live && value != null ? Optional.of(value.doubleValue()) : Optional.empty();
  }

  private static String key(PostgresMigration m) {
    return new Observed(m.getMetadata().getNamespace(), m.getMetadata().getName(), null).key();
  }
}
