package io.pgmigration.operator.k8s;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The promotion's edit of the app's Secret, as a pure function of its data: the URL key now holds
 * the destination, the previous value stays under an alias key in the same Secret (as Heroku keeps
 * {@code HEROKU_POSTGRESQL_<COLOR>_URL}), and follower keys point to the destination. Nothing is
 * ever removed, and applying the edit to its own result changes nothing, so a promotion that is
 * interrupted and resumed ends in the same state.
 */
public final class SecretPromotion {
  private SecretPromotion() {}

  /**
   * The result of a promotion.
   *
   * @param data the Secret's new data (decoded values)
   * @param aliasKey the key that holds the previous URL
   */
  public record Result(Map<String, String> data, String aliasKey) {}

  /**
   * Promotes {@code destinationUrl} to {@code key} of {@code data}.
   *
   * @param data the Secret's current data (decoded values)
   * @param key the app's URL key, e.g. DATABASE_URL
   * @param sourceUrl the URL the key held when the migration started
   * @param destinationUrl the URL to promote
   * @param followerKeys keys to point at the destination as well
   * @throws IllegalStateException when the key holds neither the source nor the destination URL:
   *     someone changed it during the migration, and guessing would lose their value
   */
  public static Result promote(
      Map<String, String> data,
      String key,
      String sourceUrl,
      String destinationUrl,
      List<String> followerKeys) {
    String current = data.get(key);
    if (current != null && !current.equals(sourceUrl) && !current.equals(destinationUrl)) {
      throw new IllegalStateException(
          key + " changed during the migration; it holds neither the source nor the destination");
    }
    Map<String, String> next = new LinkedHashMap<>(data);
    String alias = aliasHolding(data, key, sourceUrl);
    if (alias == null) {
      alias = freeAlias(data, key);
      next.put(alias, sourceUrl);
    }
    next.put(key, destinationUrl);
    for (String follower : followerKeys) {
      next.put(follower, destinationUrl);
    }
    return new Result(next, alias);
  }

  /** An alias key that already holds the source URL (a resumed promotion), or null. */
  private static String aliasHolding(Map<String, String> data, String key, String sourceUrl) {
    for (int n = 1; ; n++) {
      String candidate = aliasName(key, n);
      if (!data.containsKey(candidate)) {
        return null;
      }
      if (sourceUrl.equals(data.get(candidate))) {
        return candidate;
      }
    }
  }

  /** DATABASE_URL_PREVIOUS, or _PREVIOUS_2, _3 … when an earlier migration took it. */
  private static String freeAlias(Map<String, String> data, String key) {
    for (int n = 1; ; n++) {
      if (!data.containsKey(aliasName(key, n))) {
        return aliasName(key, n);
      }
    }
  }

  private static String aliasName(String key, int n) {
    return key + "_PREVIOUS" + (n == 1 ? "" : "_" + n);
  }
}
