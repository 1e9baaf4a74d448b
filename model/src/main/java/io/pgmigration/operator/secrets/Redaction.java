package io.pgmigration.operator.secrets;

import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes secrets out of text that comes from elsewhere (a copy Job's log, a tool's error) before it
 * goes into a status, an event or a log line: the passwords the caller knows, and whatever looks
 * like one — a URI's password, a conninfo's or a SQL statement's password, a stored password
 * verifier ({@code SCRAM-SHA-256$…}, {@code md5…}), as pg_restore may echo a role's statement.
 */
public final class Redaction {
  /** What stands in for a secret. */
  public static final String MASK = "****";

  private static final Pattern URI_PASSWORD =
      Pattern.compile("(?i)(postgres(?:ql)?://[^:/@\\s]*:)[^@\\s]*@");
  private static final Pattern KEYWORD_PASSWORD =
      Pattern.compile("(?i)(\\bpassword\\s*=\\s*)('(?:[^'\\\\]|\\\\.|'')*'|[^\\s'][^\\s]*)");
  private static final Pattern SQL_PASSWORD =
      Pattern.compile("(?i)(\\bpassword\\s+)(E?'(?:[^']|'')*')");
  private static final Pattern VERIFIER =
      Pattern.compile("SCRAM-SHA-256\\$[^\\s'\"]+|\\bmd5[0-9a-f]{32}\\b");

  /** Passwords shorter than this are left alone: masking "a" would mask every "a". */
  private static final int SHORTEST_MASKED = 4;

  private Redaction() {}

  /** {@code text} with every known password, and everything that looks like one, masked. */
  public static String redact(String text, Collection<String> knownPasswords) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String password : knownPasswords) {
      if (password != null && password.length() >= SHORTEST_MASKED) {
        out = out.replace(password, MASK);
      }
    }
    out = URI_PASSWORD.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "@");
    out = KEYWORD_PASSWORD.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(MASK));
    out = SQL_PASSWORD.matcher(out).replaceAll("$1'" + Matcher.quoteReplacement(MASK) + "'");
    return VERIFIER.matcher(out).replaceAll(Matcher.quoteReplacement(MASK));
  }
}
