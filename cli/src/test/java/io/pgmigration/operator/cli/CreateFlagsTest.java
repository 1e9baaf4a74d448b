package io.pgmigration.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The flags of {@code create} for a CloudNativePG destination: every mistake is a usage error that
 * names its flag, said before the cluster is even read (the kubeconfig here does not exist).
 */
class CreateFlagsTest {
  record Run(int code, String out, String err) {}

  private static Run create(String... flags) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> args = new ArrayList<>(List.of("create", "--source", "db"));
    args.addAll(List.of(flags));
    args.addAll(List.of("--kubeconfig", "/nonexistent/kubeconfig"));
    int code =
        Main.run(
            args.toArray(String[]::new),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            false,
            Map.of());
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static void refused(String message, String... flags) {
    Run run = create(flags);
    assertThat(run.code()).as(run.err()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err()).contains("Error: " + message).doesNotContain("Exception");
  }

  @Test
  void oneDestinationIsNeeded() {
    refused("Name the destination: --destination SECRET[:KEY] (an existing database) or");
    refused(
        "--destination and --destination-cluster both name a destination",
        "--destination",
        "other",
        "--destination-cluster",
        "orders");
  }

  @Test
  void creatingNeedsTheClusterAndSizingNeedsCreating() {
    refused(
        "--create-destination needs --destination-cluster NAME",
        "--destination",
        "other",
        "--create-destination");
    refused(
        "--instances needs --create-destination",
        "--destination-cluster",
        "orders",
        "--instances",
        "3");
    refused("--storage needs --create-destination", "--destination", "other", "--storage", "1Gi");
    refused(
        "--postgres-version needs --create-destination",
        "--destination-cluster",
        "orders",
        "--postgres-version",
        "17");
  }

  @Test
  void badValuesAreNamedWithTheirFlag() {
    refused(
        "--destination-cluster Orders: lowercase letters, digits and '-'",
        "--destination-cluster",
        "Orders");
    refused(
        "--instances 0: expected 1 to 9: a leader and up to 8 followers",
        "--destination-cluster",
        "orders",
        "--create-destination",
        "--instances",
        "0");
    refused(
        "--storage 10GB: expected a size in Mi, Gi or Ti, e.g. 20Gi",
        "--destination-cluster",
        "orders",
        "--create-destination",
        "--storage",
        "10GB");
    refused(
        "--postgres-version 12: expected a PostgreSQL major version from 13 on",
        "--destination-cluster",
        "orders",
        "--create-destination",
        "--postgres-version",
        "12");
    Run notANumber =
        create("--destination-cluster", "orders", "--create-destination", "--instances", "two");
    assertThat(notANumber.code()).isEqualTo(ExitCode.USAGE);
    assertThat(notANumber.err()).contains("--instances").contains("two");
  }

  @Test
  void goodFlagsGetAsFarAsTheCluster() {
    Run run =
        create(
            "--destination-cluster",
            "orders",
            "--create-destination",
            "--instances",
            "3",
            "--storage",
            "20Gi",
            "--postgres-version",
            "17",
            "--method",
            "Streaming",
            "--dry-run");
    assertThat(run.code()).isEqualTo(ExitCode.ERROR);
    assertThat(run.err()).contains("--kubeconfig /nonexistent/kubeconfig: no such file");
  }

  @Test
  void theHelpListsTheFlags() {
    Run help = create("--help");
    assertThat(help.out())
        .contains("--destination-cluster=NAME")
        .contains("--create-destination")
        .contains("--instances=N")
        .contains("--storage=SIZE")
        .contains("--postgres-version=N")
        .contains("--method=METHOD")
        .contains("wal_level=logical")
        .contains("--dry-run");
  }
}
