package io.pgmigration.operator.cli;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;

/** What an API error means to the user of the plugin, in one line that says what to do. */
final class ApiErrors {
  private ApiErrors() {}

  /**
   * {@code e}, raised while trying to {@code verb} {@code resource} in {@code namespace} on the API
   * server at {@code server}, as a {@link CliException}.
   */
  static CliException explain(
      KubernetesClientException e, String server, String namespace, String verb, String resource) {
    String serverSays =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : e.getMessage();
    return switch (e.getCode()) {
      case 401 ->
          new CliException(
              "The API server at "
                  + server
                  + " did not accept your credentials (401 Unauthorized). Log in again or check"
                  + " the user of your kubeconfig context.");
      case 403 ->
          new CliException(
              "You are not allowed to "
                  + verb
                  + " "
                  + resource
                  + " in namespace "
                  + namespace
                  + ": "
                  + serverSays
                  + ". Ask a cluster admin for a Role that grants it.");
      case 404 -> new CliException("Not found: " + serverSays);
      case 409 -> new CliException("Already exists: " + serverSays);
      case 422 -> new CliException("The API server refused it: " + serverSays);
      default -> {
        Throwable cause = rootCause(e);
        if (cause instanceof ConnectException
            || cause instanceof UnknownHostException
            || cause instanceof SSLException
            || cause instanceof java.net.SocketException
            || cause instanceof java.nio.channels.ClosedChannelException) {
          yield new CliException(
              "Cannot reach the Kubernetes API server at "
                  + server
                  + " ("
                  + cause.getClass().getSimpleName()
                  + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
                  + "). Check your kubeconfig and context.");
        }
        yield new CliException(
            "The API server could not " + verb + " " + resource + ": " + serverSays);
      }
    };
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}
