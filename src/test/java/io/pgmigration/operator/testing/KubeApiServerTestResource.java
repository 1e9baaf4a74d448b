package io.pgmigration.operator.testing;

import io.fabric8.kubernetes.client.Config;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Points a {@code @QuarkusTest}'s Kubernetes client at the shared real API server. */
public class KubeApiServerTestResource implements QuarkusTestResourceLifecycleManager {
  @Override
  public Map<String, String> start() {
    Config config = Config.fromKubeconfig(KubeApiServers.kubeconfig());
    return Map.of(
        "quarkus.kubernetes-client.api-server-url", config.getMasterUrl(),
        "quarkus.kubernetes-client.ca-cert-data", config.getCaCertData(),
        "quarkus.kubernetes-client.client-cert-data", config.getClientCertData(),
        "quarkus.kubernetes-client.client-key-data", config.getClientKeyData(),
        "quarkus.kubernetes-client.client-key-algo", config.getClientKeyAlgo());
  }

  @Override
  public void stop() {
    // The server is shared by every test of the JVM and stops with it.
  }
}
