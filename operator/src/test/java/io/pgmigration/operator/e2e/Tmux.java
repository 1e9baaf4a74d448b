package io.pgmigration.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgmigration.operator.testing.Manifests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A real terminal for the plugin: a detached tmux session on a server of its own, driven with
 * send-keys and read with capture-pane, the way a person types and reads.
 */
final class Tmux implements AutoCloseable {
  private static final String SOCKET = "pgmo-e2e";
  private final String session;

  private Tmux(String session) {
    this.session = session;
  }

  /** A 160x50 terminal running a plain bash with {@code env} added to the environment. */
  static Tmux start(String session, Map<String, String> env) throws Exception {
    run("kill-session", "-t", session);
    // The environment goes on the shell's command line: a running tmux server keeps its own.
    StringBuilder shell = new StringBuilder("env PS1='$ '");
    for (var e : env.entrySet()) {
      shell.append(' ').append(e.getKey()).append("='").append(e.getValue()).append('\'');
    }
    shell.append(" bash --norc --noprofile");
    assertThat(
            run("new-session", "-d", "-s", session, "-x", "160", "-y", "50", shell.toString())
                .exitCode)
        .as("tmux new-session")
        .isZero();
    return new Tmux(session);
  }

  /** Clears the screen, types {@code command} and presses Enter. */
  void type(String command) throws Exception {
    run("send-keys", "-t", session, "clear", "Enter");
    Thread.sleep(200);
    run("send-keys", "-t", session, "-l", command);
    run("send-keys", "-t", session, "Enter");
  }

  /** Presses keys by tmux name: Up, Down, Enter, C-c. */
  void press(String... keys) throws Exception {
    for (String key : keys) {
      run("send-keys", "-t", session, key);
      Thread.sleep(150);
    }
  }

  /** What the terminal shows now, wrapped lines joined. */
  String screen() throws Exception {
    return run("capture-pane", "-p", "-J", "-t", session).out;
  }

  /** Waits until the screen shows {@code text}, and returns the screen. */
  String await(String text, Duration atMost) throws Exception {
    return awaitMatch(Pattern.compile(Pattern.quote(text)), atMost);
  }

  /** Waits until the screen shows a match of {@code pattern}, and returns the screen. */
  String awaitMatch(Pattern pattern, Duration atMost) throws Exception {
    String text = pattern.pattern();
    Instant deadline = Instant.now().plus(atMost);
    String screen = screen();
    while (!pattern.matcher(screen).find()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            "the terminal did not show \""
                + text
                + "\" within "
                + atMost
                + "; it shows:\n"
                + screen);
      }
      Thread.sleep(250);
      screen = screen();
    }
    return screen;
  }

  @Override
  public void close() throws IOException {
    try {
      run("kill-session", "-t", session);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while ending the tmux session", e);
    }
  }

  private record Result(int exitCode, String out) {}

  private static Result run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("tmux", "-L", SOCKET));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(p.waitFor(), out);
  }

  /** The directory holding the packaged plugin, which {@code make build} made. */
  static Path pluginDir() {
    Path dir = Manifests.repo().resolve("target/cli");
    assertThat(dir.resolve("kubectl-pg_migrate"))
        .as("the packaged plugin; run 'make build' first")
        .isExecutable();
    return dir;
  }
}
