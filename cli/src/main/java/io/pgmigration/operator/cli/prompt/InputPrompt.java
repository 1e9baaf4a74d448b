package io.pgmigration.operator.cli.prompt;

import io.pgmigration.operator.cli.view.Style;
import java.util.function.Function;

/**
 * A question answered by typing, in the style of {@link SelectPrompt}: "? Name of the new
 * CloudNativePG Cluster: (orders-cnpg)", the default in brackets taken by Enter alone, and a
 * "&gt;&gt; " line saying what is wrong with an answer that can't be taken. Pure: {@link
 * TerminalUi} asks it.
 */
public final class InputPrompt<T> {
  /** What a typed line means: a value and how it is shown once answered, or what is wrong. */
  public record Answer<T>(T value, String shown, String problem) {
    public static <T> Answer<T> of(T value, String shown) {
      return new Answer<>(value, shown, null);
    }

    public static <T> Answer<T> problem(String problem) {
      return new Answer<>(null, null, problem);
    }
  }

  private final String question;
  private final String hint;
  private final Function<String, Answer<T>> parse;

  /**
   * Asks {@code question}, showing {@code hint} (what Enter alone gives); {@code parse} reads the
   * trimmed line, empty for Enter alone.
   */
  public InputPrompt(String question, String hint, Function<String, Answer<T>> parse) {
    this.question = question;
    this.hint = hint;
    this.parse = parse;
  }

  /** The prompt the line is typed after. */
  public String render(Style style) {
    return style.green("?")
        + " "
        + style.bold(question)
        + " "
        + (hint == null ? "" : style.dim("(" + hint + ")") + " ");
  }

  /** What {@code line} answers. */
  public Answer<T> answer(String line) {
    return parse.apply(line == null ? "" : line.trim());
  }

  /** The line left once answered: "? Instances: 2 (a leader and 1 follower)". */
  public String answered(Answer<T> answer, Style style) {
    return style.green("?") + " " + style.bold(question) + " " + style.cyan(answer.shown());
  }

  /** The line under the prompt when the answer can't be taken. */
  public String problem(Answer<T> answer, Style style) {
    return style.red(">>") + " " + answer.problem();
  }
}
