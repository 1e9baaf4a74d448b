package io.pgmigration.operator.testing;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One real kube-apiserver + etcd per test JVM, run by fabric8 kube-api-test from the binaries that
 * {@code hack/build-binaries.sh} built ({@code make kube-api-test-binaries} lays them out).
 */
public final class KubeApiServers {
  private static KubeAPIServer server;

  private KubeApiServers() {}

  /** Starts the shared server on first use and returns its kubeconfig. */
  public static synchronized String kubeconfig() {
    if (server == null) {
      Path dir = Path.of(System.getProperty("pgmo.cache", defaultCache()), "kube-api-test");
      if (!Files.isDirectory(dir.resolve("k8s"))) {
        throw new IllegalStateException(
            "no kube-apiserver binaries under " + dir + "; run 'make kube-api-test-binaries'");
      }
      // Offline mode is set here, not by environment variable: kube-api-test 7.x casts the
      // variable's string to Boolean and fails.
      server =
          new KubeAPIServer(
              KubeAPIServerConfigBuilder.anAPIServerConfig()
                  .withTestDir(dir.toString())
                  .withOfflineMode(true)
                  .withStartupTimeout(120_000)
                  .build());
      server.start();
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
    }
    return server.getKubeConfigYaml();
  }

  /** A client of the shared server. */
  public static KubernetesClient client() {
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig())).build();
  }

  /** Installs the committed CRD, as {@code kubectl apply -k deploy/} does, and waits for it. */
  /** Applies {@code crd} and waits until the API server serves it (condition Established). */
  public static void established(KubernetesClient client, CustomResourceDefinition crd) {
    client.resource(crd).serverSideApply();
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(crd.getMetadata().getName())
        .waitUntilCondition(
            c ->
                c != null
                    && c.getStatus() != null
                    && c.getStatus().getConditions() != null
                    && c.getStatus().getConditions().stream()
                        .anyMatch(
                            x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())),
            60,
            TimeUnit.SECONDS);
  }

  public static void installCrd(KubernetesClient client) {
    try (var in = new FileInputStream(Manifests.crd().toFile())) {
      CustomResourceDefinition crd =
          client.apiextensions().v1().customResourceDefinitions().load(in).item();
      established(client, crd);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String defaultCache() {
    String env = System.getenv("PGMO_CACHE");
    return env != null ? env : System.getProperty("user.home") + "/.cache/pg-migration-operator";
  }
}
