package io.pgmigration.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompletionTest {
  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            false,
            Map.of());
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void kubectlGetsTheCandidatesForTheLastWordThenNoFileCompletion() {
    Run subcommands = run("__complete", "--", "st");
    assertThat(subcommands.code()).isZero();
    assertThat(subcommands.out().lines().toList()).containsExactly("start", "status", ":4");

    List<String> all = run("__complete", "--", "").out().lines().toList();
    assertThat(all)
        .contains("status", "watch", "create", "promote", "destroy-source", "completion")
        .noneMatch(c -> c.startsWith("__"))
        .endsWith(":4");

    assertThat(run("__complete", "--", "start", "--na").out().lines().toList())
        .containsExactly("--namespace", ":4");
  }

  @Test
  void bashAndZshGetPicocliScriptsThatRegisterTheBinary() throws Exception {
    Run bash = run("completion", "bash");
    assertThat(bash.code()).isZero();
    Path script = Files.createTempFile("pg-migrate-completion", ".bash");
    try {
      Files.writeString(script, bash.out());
      Process p =
          new ProcessBuilder(
                  "bash", "-c", "source " + script + " && complete -p kubectl-pg_migrate")
              .redirectErrorStream(true)
              .start();
      String registered = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor()).as(registered).isZero();
      assertThat(registered).contains("kubectl-pg_migrate");
    } finally {
      Files.delete(script);
    }
    assertThat(run("completion", "zsh").out()).startsWith("autoload -U +X compinit");

    Run fish = run("completion", "fish");
    assertThat(fish.code()).isEqualTo(ExitCode.ERROR);
    assertThat(fish.err()).contains("completion is for bash or zsh, not fish.");
  }
}
