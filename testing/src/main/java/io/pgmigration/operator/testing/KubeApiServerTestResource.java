package io.pgmigration.operator.testing;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/** Points a {@code @QuarkusTest}'s Kubernetes client at the shared real API server. */
public class KubeApiServerTestResource implements QuarkusTestResourceLifecycleManager {
  @Override
  public Map<String, String> start() {
    Config config = Config.fromKubeconfig(KubeApiServers.kubeconfig());
    // The CRD installed and Established before the operator starts: the operator SDK applies it
    // too, but starts its informer at once, and a CRD not served yet stops the operator (404).
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      KubeApiServers.installCrd(client);
    }
    // A kubeconfig carries each credential either inline or as a file; pass on whichever it has.
    Map<String, String> properties = new HashMap<>();
    String prefix = "quarkus.kubernetes-client.";
    properties.put(prefix + "api-server-url", config.getMasterUrl());
    putIfSet(properties, prefix + "ca-cert-data", config.getCaCertData());
    putIfSet(properties, prefix + "ca-cert-file", config.getCaCertFile());
    putIfSet(properties, prefix + "client-cert-data", config.getClientCertData());
    putIfSet(properties, prefix + "client-cert-file", config.getClientCertFile());
    putIfSet(properties, prefix + "client-key-data", config.getClientKeyData());
    putIfSet(properties, prefix + "client-key-file", config.getClientKeyFile());
    putIfSet(properties, prefix + "client-key-algo", config.getClientKeyAlgo());
    return properties;
  }

  private static void putIfSet(Map<String, String> properties, String key, String value) {
    if (value != null) {
      properties.put(key, value);
    }
  }

  @Override
  public void stop() {
    // The server is shared by every test of the JVM and stops with it.
  }
}
