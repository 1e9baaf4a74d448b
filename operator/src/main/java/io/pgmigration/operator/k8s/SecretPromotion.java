package io.pgmigration.operator.k8s;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The promotion's edit of the app's Secret, as a pure function of its data: the URL key now holds
 * the destination, the previous value stays under an alias key in the same Secret (as Heroku keeps
 * {@code HEROKU_POSTGRESQL_<COLOR>_URL}), and follower keys point to the destination. Nothing is
 * ever removed.
 *
 * <p>The Secret is annotated with a marker naming the migration and the alias it chose, written in
 * the same update as the data. A promotion interrupted after that update and run again finds the
 * marker and changes nothing, instead of aliasing the destination URL it wrote itself.
 */
public final class SecretPromotion {
  /** Annotation on the app's Secret: which migration promoted it, and the alias it chose. */
  public static final String MARKER = "pgmigration.io/promoted-by";

  private SecretPromotion() {}

  /**
   * The result of a promotion.
   *
   * @param data the Secret's new data (decoded values)
   * @param aliasKey the key that holds the previous URL, or null when the key held none
   */
  public record Result(Map<String, String> data, String aliasKey) {}

  /**
   * Promotes {@code destinationUrl} to {@code key} of {@code data}.
   *
   * @param data the Secret's current data (decoded values)
   * @param key the app's URL key, e.g. DATABASE_URL
   * @param destinationUrl the URL to promote
   * @param followerUrl the URL follower keys get: the destination's, or its read replicas'
   * @param followerKeys keys to point at the destination as well
   * @param marker the Secret's {@link #MARKER} annotation, or null
   * @param migrationUid the promoting migration's uid
   */
  public static Result promote(
      Map<String, String> data,
      String key,
      String destinationUrl,
      String followerUrl,
      List<String> followerKeys,
      String marker,
      String migrationUid) {
    Map<String, String> next = new LinkedHashMap<>(data);
    String alias;
    Marker done = marker == null ? null : Serialization.unmarshal(marker, Marker.class);
    if (done != null && migrationUid.equals(done.migration)) {
      alias = done.aliasKey;
    } else if (data.get(key) == null) {
      alias = null;
    } else {
      alias = freeAlias(data, key);
      next.put(alias, data.get(key));
    }
    next.put(key, destinationUrl);
    for (String follower : followerKeys) {
      next.put(follower, followerUrl);
    }
    return new Result(next, alias);
  }

  /**
   * Whether {@code marker} (a Secret's {@link #MARKER} annotation, or null) is this migration's.
   */
  public static boolean promotedBy(String marker, String migrationUid) {
    return marker != null
        && migrationUid.equals(Serialization.unmarshal(marker, Marker.class).migration);
  }

  /** The {@link #MARKER} annotation's value for {@code result}. */
  public static String marker(String migrationUid, Result result) {
    Marker m = new Marker();
    m.migration = migrationUid;
    m.aliasKey = result.aliasKey();
    return Serialization.asJson(m);
  }

  /** DATABASE_URL_PREVIOUS, or _PREVIOUS_2, _3 … when an earlier migration took it. */
  private static String freeAlias(Map<String, String> data, String key) {
    for (int n = 1; ; n++) {
      String candidate = key + "_PREVIOUS" + (n == 1 ? "" : "_" + n);
      if (!data.containsKey(candidate)) {
        return candidate;
      }
    }
  }

  /** The marker's content. */
  public static class Marker {
    public String migration;
    public String aliasKey;
  }
}
