package io.pgmigration.operator.cli.prompt;

import io.pgmigration.operator.cli.CliException;
import io.pgmigration.operator.cli.ExitCode;
import io.pgmigration.operator.cli.view.Style;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.jline.keymap.BindingReader;
import org.jline.keymap.KeyMap;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.InfoCmp.Capability;

/** Draws {@link SelectPrompt}s on the user's terminal and reads the arrow keys, with JLine. */
public final class TerminalUi implements AutoCloseable {
  private enum Key {
    UP,
    DOWN,
    ENTER,
    CANCEL
  }

  private final Terminal terminal;
  private final Style style;
  private final BindingReader reader;
  private final KeyMap<Key> keys = new KeyMap<>();

  private TerminalUi(Terminal terminal, Style style) {
    this.terminal = terminal;
    this.style = style;
    this.reader = new BindingReader(terminal.reader());
    bind(Key.UP, KeyMap.key(terminal, Capability.key_up), "\u001b[A", "\u001bOA", "k");
    bind(Key.DOWN, KeyMap.key(terminal, Capability.key_down), "\u001b[B", "\u001bOB", "j");
    bind(Key.ENTER, "\r", "\n");
    bind(Key.CANCEL, KeyMap.ctrl('C'), KeyMap.ctrl('D'));
    keys.setAmbiguousTimeout(100);
  }

  private void bind(Key key, String... sequences) {
    for (String s : sequences) {
      if (s != null && !s.isEmpty()) {
        keys.bind(key, s);
      }
    }
  }

  /** The terminal this process runs on. */
  public static TerminalUi open(Style style) {
    try {
      return new TerminalUi(TerminalBuilder.builder().system(true).build(), style);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Shows {@code prompt} until a choice is taken with Enter and returns it; Ctrl+C ends the
   * command.
   */
  public <T> T select(SelectPrompt<T> prompt) {
    Attributes saved = terminal.enterRawMode();
    Attributes raw = new Attributes(terminal.getAttributes());
    // Ctrl+C arrives as a key, so the prompt is erased before the command ends.
    raw.setLocalFlag(Attributes.LocalFlag.ISIG, false);
    terminal.setAttributes(raw);
    terminal.writer().print("\u001b[?25l");
    try {
      int drawn = draw(prompt.render(style), 0);
      while (true) {
        Key key = reader.readBinding(keys, null, true);
        if (key == null || key == Key.CANCEL) {
          erase(drawn);
          throw new CliException("Cancelled.", ExitCode.INTERRUPTED);
        }
        switch (key) {
          case UP -> prompt.up();
          case DOWN -> prompt.down();
          case ENTER -> {
            erase(drawn);
            println(prompt.answered(style));
            return prompt.selected().value();
          }
          default -> {}
        }
        drawn = draw(prompt.render(style), drawn);
      }
    } finally {
      terminal.writer().print("\u001b[?25h");
      terminal.writer().flush();
      terminal.setAttributes(saved);
    }
  }

  /**
   * {@code choices}, then a separator and "Go back"; the value chosen, or null when the user goes
   * back.
   */
  public <T> T selectOrBack(String question, List<SelectPrompt.Choice<T>> choices) {
    List<SelectPrompt.Choice<T>> all = new ArrayList<>(choices);
    all.add(SelectPrompt.Choice.separator());
    all.add(SelectPrompt.Choice.of("Go back", null));
    return select(new SelectPrompt<>(question, all));
  }

  /**
   * Asks {@code prompt} until a line it takes is typed, and returns its value; each answer it can't
   * take is said under the prompt, which is asked again. Ctrl+C ends the command.
   */
  public <T> T input(InputPrompt<T> prompt) {
    int problemLines = 0;
    while (true) {
      String shown = prompt.render(style);
      String line = readLine(shown);
      InputPrompt.Answer<T> answer = prompt.answer(line);
      erase(rows(shown + line) + problemLines);
      if (answer.problem() == null) {
        println(prompt.answered(answer, style));
        return answer.value();
      }
      String problem = prompt.problem(answer, style);
      println(problem);
      problemLines = rows(problem);
    }
  }

  /** The rows {@code text} takes on the terminal, wrapped at its width. */
  private int rows(String text) {
    int width = Math.max(20, terminal.getWidth() > 0 ? terminal.getWidth() : 80);
    return Math.max(1, (Style.width(text) + width - 1) / width);
  }

  /** Prints a line on the terminal. */
  public void println(String line) {
    terminal.writer().println(line);
    terminal.writer().flush();
  }

  /** Prints lines on the terminal. */
  public void println(List<String> lines) {
    lines.forEach(terminal.writer()::println);
    terminal.writer().flush();
  }

  /** Reads a line the user types after {@code prompt}; Ctrl+C or end of input ends the command. */
  public String readLine(String prompt) {
    var lineReader =
        org.jline.reader.LineReaderBuilder.builder()
            .terminal(terminal)
            .option(org.jline.reader.LineReader.Option.DISABLE_EVENT_EXPANSION, true)
            .build();
    try {
      return lineReader.readLine(prompt);
    } catch (org.jline.reader.UserInterruptException | org.jline.reader.EndOfFileException e) {
      throw new CliException("Cancelled.", ExitCode.INTERRUPTED);
    }
  }

  private int draw(List<String> lines, int previous) {
    erase(previous);
    int width = Math.max(20, terminal.getWidth() > 0 ? terminal.getWidth() : 80);
    for (String line : lines) {
      terminal.writer().print(fit(line, width));
      terminal.writer().print("\r\n");
    }
    terminal.writer().flush();
    return lines.size();
  }

  /** Moves back over the {@code lines} last drawn and clears them. */
  private void erase(int lines) {
    if (lines > 0) {
      terminal.writer().print("\r\u001b[" + lines + "A\u001b[J");
    }
  }

  /** Cuts a line to the terminal's width, so the redraw's line count stays right. */
  private static String fit(String line, int width) {
    if (Style.width(line) < width) {
      return line;
    }
    StringBuilder out = new StringBuilder();
    int shown = 0;
    for (int i = 0; i < line.length(); ) {
      if (line.charAt(i) == '\u001b') {
        int end = line.indexOf('m', i);
        out.append(line, i, end + 1);
        i = end + 1;
      } else {
        if (shown < width - 1) {
          out.append(line.charAt(i));
          shown++;
        }
        i++;
      }
    }
    return out.append("\u001b[0m").toString();
  }

  @Override
  public void close() {
    try {
      terminal.close();
    } catch (IOException e) {
      // Closing the terminal only restores its settings; nothing to do if that fails.
    }
  }
}
