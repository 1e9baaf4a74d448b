package io.pgmigration.operator.config;

import io.pgmigration.operator.phase.Polling;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How often the operator looks at what no watch tells it ({@code pgmo.poll.*}, or PGMO_POLL_*
 * variables); each defaults to {@link Polling#DEFAULT}.
 */
@ConfigMapping(prefix = "pgmo.poll")
public interface PollingConfig {
  @WithDefault("1s")
  Duration drainFirst();

  @WithDefault("2s")
  Duration drain();

  @WithDefault("5s")
  Duration copyProgress();

  @WithDefault("2s")
  Duration replicationSetup();

  @WithDefault("10s")
  Duration lag();

  @WithDefault("50ms")
  Duration catchUp();

  /** These intervals for the phase machine. */
  default Polling polling() {
    return new Polling(drainFirst(), drain(), copyProgress(), replicationSetup(), lag(), catchUp());
  }
}
