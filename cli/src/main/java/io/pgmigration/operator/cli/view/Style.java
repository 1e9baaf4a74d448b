package io.pgmigration.operator.cli.view;

/**
 * ANSI styling that is switched off when output is not a terminal, when {@code NO_COLOR} is set or
 * when {@code --no-color} is given; then every method returns its text unchanged.
 */
public record Style(boolean colour) {
  public static final Style PLAIN = new Style(false);

  public String bold(String s) {
    return wrap("1", s);
  }

  public String dim(String s) {
    return wrap("2", s);
  }

  public String green(String s) {
    return wrap("32", s);
  }

  public String red(String s) {
    return wrap("31", s);
  }

  public String yellow(String s) {
    return wrap("33", s);
  }

  public String cyan(String s) {
    return wrap("36", s);
  }

  /** The database glyph Heroku puts before a database name; left out of plain text. */
  public String database(String name) {
    return colour ? "⛁ " + name : name;
  }

  private String wrap(String code, String s) {
    return colour ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
  }

  /** The length of {@code s} as shown on a terminal, escape sequences left out. */
  public static int width(String s) {
    return s.replaceAll("\u001b\\[[0-9;]*m", "").length();
  }
}
