package io.pgmigration.operator.config;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * One replica reconciles at a time: the replicas elect a leader through the Lease {@value #LEASE}
 * in the operator's namespace, and the others stand by, their caches warm, to take over within
 * {@link #LEASE_DURATION} of the leader going away. A leader that cannot renew its Lease exits
 * rather than reconcile beside a new one. Active in the prod profile only (the operator SDK's
 * default): the tests run one operator in-process.
 */
@ApplicationScoped
public class LeaderElection {
  /** The Lease's name. */
  public static final String LEASE = "pg-migration-operator";

  /** How long a Lease not renewed stays the leader's; Kubernetes' controllers use 15 s too. */
  static final Duration LEASE_DURATION = Duration.ofSeconds(15);

  @Produces
  @Singleton
  @Unremovable
  LeaderElectionConfiguration leaderElection() {
    return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(LEASE)
        .withLeaseDuration(LEASE_DURATION)
        .withRenewDeadline(Duration.ofSeconds(10))
        .withRetryPeriod(Duration.ofSeconds(2))
        .build();
  }
}
