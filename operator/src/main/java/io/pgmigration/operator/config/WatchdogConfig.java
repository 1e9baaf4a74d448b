package io.pgmigration.operator.config;

import io.pgmigration.operator.phase.Watchdog;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How long the operator lets the pods it starts be unable to run ({@code pgmo.watchdog.*}, or
 * PGMO_WATCHDOG_* variables); defaults to {@link Watchdog#DEFAULT}.
 */
@ConfigMapping(prefix = "pgmo.watchdog")
public interface WatchdogConfig {
  @WithDefault("3m")
  Duration stuckPod();

  /** These limits for the phase machine. */
  default Watchdog watchdog() {
    return new Watchdog(stuckPod());
  }
}
