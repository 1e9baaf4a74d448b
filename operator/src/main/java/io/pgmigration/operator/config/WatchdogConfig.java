package io.pgmigration.operator.config;

import io.pgmigration.operator.phase.Watchdog;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How long the operator lets something keep the app down before it gives up ({@code
 * pgmo.watchdog.*}, or PGMO_WATCHDOG_* variables); defaults to {@link Watchdog#DEFAULT}.
 */
@ConfigMapping(prefix = "pgmo.watchdog")
public interface WatchdogConfig {
  @WithDefault("3m")
  Duration stuckPod();

  @WithDefault("2m")
  Duration errorsFor();

  @WithDefault("1h")
  Duration statement();

  /** These limits for the phase machine. */
  default Watchdog watchdog() {
    return new Watchdog(stuckPod(), errorsFor(), statement());
  }
}
