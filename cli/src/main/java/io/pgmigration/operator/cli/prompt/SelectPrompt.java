package io.pgmigration.operator.cli.prompt;

import io.pgmigration.operator.cli.view.Style;
import java.util.ArrayList;
import java.util.List;

/**
 * An arrow-key list prompt in the style of Heroku's CLI: "? What do you want to do? (Use arrow
 * keys)", the choices with a pointer, choices that can't be taken dimmed with the reason, and
 * separators. Pure: {@link TerminalUi} draws it and feeds it keys.
 */
public final class SelectPrompt<T> {
  private static final String SEPARATOR = "──────────────";

  /**
   * One line of the list: a choice, or a separator when {@code label} is null. {@code answer} is
   * what the line left once answered shows: the label, or a shorter word for a long one.
   */
  public record Choice<T>(String label, T value, String disabledReason, String answer) {
    public Choice(String label, T value, String disabledReason) {
      this(label, value, disabledReason, label);
    }

    public static <T> Choice<T> of(String label, T value) {
      return new Choice<>(label, value, null);
    }

    /** A choice shown as {@code label} and, once taken, as {@code answer}. */
    public static <T> Choice<T> of(String label, T value, String answer) {
      return new Choice<>(label, value, null, answer);
    }

    public static <T> Choice<T> separator() {
      return new Choice<>(null, null, null);
    }

    public boolean selectable() {
      return label != null && disabledReason == null;
    }
  }

  private final String question;
  private final List<Choice<T>> choices;
  private int cursor = -1;

  public SelectPrompt(String question, List<Choice<T>> choices) {
    this.question = question;
    this.choices = List.copyOf(choices);
    for (int i = 0; i < this.choices.size() && cursor < 0; i++) {
      if (this.choices.get(i).selectable()) {
        cursor = i;
      }
    }
    if (cursor < 0) {
      throw new IllegalArgumentException("no choice can be taken: " + question);
    }
  }

  /** Moves to the next choice that can be taken, wrapping around. */
  public void down() {
    move(1);
  }

  /** Moves to the previous choice that can be taken, wrapping around. */
  public void up() {
    move(-1);
  }

  private void move(int step) {
    int n = choices.size();
    for (int i = 1; i <= n; i++) {
      int next = Math.floorMod(cursor + step * i, n);
      if (choices.get(next).selectable()) {
        cursor = next;
        return;
      }
    }
  }

  public Choice<T> selected() {
    return choices.get(cursor);
  }

  /** The lines shown while the user chooses. */
  public List<String> render(Style style) {
    List<String> lines = new ArrayList<>();
    lines.add(style.green("?") + " " + style.bold(question) + " " + style.dim("(Use arrow keys)"));
    for (int i = 0; i < choices.size(); i++) {
      Choice<T> c = choices.get(i);
      if (c.label() == null) {
        lines.add("  " + style.dim(SEPARATOR));
      } else if (c.disabledReason() != null) {
        lines.add(style.dim("- " + c.label() + " (" + c.disabledReason() + ")"));
      } else if (i == cursor) {
        lines.add(style.cyan("❯ " + c.label()));
      } else {
        lines.add("  " + c.label());
      }
    }
    return lines;
  }

  /** The line left once answered: "? Select the source database: postgresql-clean-29349". */
  public String answered(Style style) {
    return style.green("?") + " " + style.bold(question) + " " + style.cyan(selected().answer());
  }
}
