package io.pgmigration.operator.k8s;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.pgmigration.operator.api.v1alpha1.CloudNativePgCluster;
import io.pgmigration.operator.api.v1alpha1.CloudNativePgDestination;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.secrets.PostgresUri;
import io.pgmigration.operator.secrets.SecretData;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CloudNativePG objects a migration creates, as pure builders: the Cluster (with the source's
 * database and role as its bootstrap database and owner, so the app connects as it did), the
 * owner's credentials for its bootstrap, and the URIs the migration's connection Secret holds.
 */
public final class CloudNativePgClusters {
  /** The label and annotation that mark a Cluster as a migration's. */
  public static final String MIGRATION_LABEL = "pgmigration.io/migration";

  public static final String MIGRATION_UID = "pgmigration.io/migration-uid";

  /** The default operand image, {@code {major}} replaced by the PostgreSQL major version. */
  public static final String DEFAULT_IMAGE = "ghcr.io/cloudnative-pg/postgresql:{major}";

  private static final long GI = 1L << 30;

  private CloudNativePgClusters() {}

  /**
   * What the source tells about the Cluster to create.
   *
   * @param major its PostgreSQL major version
   * @param sizeBytes its database's size
   * @param uri its URI as its Secret holds it: the role and database the app uses
   */
  public record Source(int major, long sizeBytes, PostgresUri uri) {}

  /** The storage for a source of {@code sizeBytes}: twice its size, at least 1Gi, in whole Gi. */
  public static String storageFor(long sizeBytes) {
    long gi = Math.max(1, (2 * sizeBytes + GI - 1) / GI);
    return gi + "Gi";
  }

  /** The operand image for {@code major} from {@code template} ({@code {major}} replaced). */
  public static String imageFor(String template, int major) {
    return (template == null || template.isBlank() ? DEFAULT_IMAGE : template)
        .replace("{major}", Integer.toString(major));
  }

  /** The major version to create: the asked one, or the source's. */
  public static int majorFor(CloudNativePgCluster create, Source source) {
    return create.postgresVersion != null ? create.postgresVersion : source.major();
  }

  /** The database migrated into when the migration creates the Cluster: the source's name. */
  public static String databaseFor(CloudNativePgDestination d, Source source) {
    return d.database != null ? d.database : source.uri().database();
  }

  /**
   * The Secret holding the bootstrap owner's credentials when the app keeps its source role: the
   * source's role and password.
   */
  public static String bootstrapSecretName(CloudNativePgDestination d) {
    return d.cluster + "-owner";
  }

  /** The owner's credentials, for CloudNativePG's {@code bootstrap.initdb.secret}. */
  public static Secret ownerSecret(
      String ns, CloudNativePgDestination d, String migration, Source source) {
    return new SecretBuilder()
        .withMetadata(
            new ObjectMetaBuilder()
                .withNamespace(ns)
                .withName(bootstrapSecretName(d))
                .withLabels(Map.of(MIGRATION_LABEL, migration, "cnpg.io/reload", "true"))
                .build())
        .withType("kubernetes.io/basic-auth")
        .withData(
            Map.of(
                "username", SecretData.encode(source.uri().user()),
                "password", SecretData.encode(source.uri().password())))
        .build();
  }

  /** The Cluster to create. */
  public static GenericKubernetesResource cluster(
      String ns,
      CloudNativePgDestination d,
      String migration,
      String uid,
      Source source,
      String imageTemplate) {
    CloudNativePgCluster c = d.create;
    Map<String, Object> storage = new LinkedHashMap<>();
    storage.put("size", c.storage != null ? c.storage : storageFor(source.sizeBytes()));
    if (c.storageClass != null) {
      storage.put("storageClass", c.storageClass);
    }
    Map<String, Object> initdb = new LinkedHashMap<>();
    initdb.put("database", databaseFor(d, source));
    if (d.appRole == CloudNativePgDestination.AppRole.Owner) {
      // CloudNativePG's app role, its password generated into the Secret <cluster>-app.
      initdb.put("owner", "app");
    } else {
      initdb.put("owner", source.uri().user());
      initdb.put("secret", Map.of("name", bootstrapSecretName(d)));
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("instances", c.instances);
    spec.put(
        "imageName",
        c.imageName != null ? c.imageName : imageFor(imageTemplate, majorFor(c, source)));
    spec.put("enableSuperuserAccess", true);
    spec.put("storage", storage);
    spec.put("bootstrap", Map.of("initdb", initdb));
    if (c.resources != null) {
      spec.put("resources", c.resources);
    }
    GenericKubernetesResource cluster = new GenericKubernetesResource();
    cluster.setApiVersion(CloudNativePgDestination.API_VERSION);
    cluster.setKind(CloudNativePgDestination.KIND);
    cluster.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(ns)
            .withName(d.cluster)
            .withLabels(Map.of(MIGRATION_LABEL, migration))
            .withAnnotations(Map.of(MIGRATION_UID, uid))
            .build());
    cluster.setAdditionalProperty("spec", spec);
    return cluster;
  }

  /** A role and its password. */
  public record Login(String user, String password) {}

  /**
   * The URIs of the migration's connection Secret.
   *
   * @param copy who the copy and the checks connect as: the superuser, or the owner
   * @param app who the app connects as: the source's role, or the owner
   * @param database the database migrated into
   * @param followers whether the Cluster has replicas: follower keys get -ro, else -rw
   */
  public static Map<String, String> connection(
      CloudNativePgDestination d, Login copy, Login app, String database, boolean followers) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(CloudNativePgDestination.COPY_KEY, uri(copy, d.writeService(), database));
    data.put(CloudNativePgDestination.APP_KEY, uri(app, d.writeService(), database));
    data.put(
        CloudNativePgDestination.FOLLOWER_KEY,
        uri(app, followers ? d.readService() : d.writeService(), database));
    return data;
  }

  private static String uri(Login login, String host, String database) {
    return new PostgresUri(
            host, CloudNativePgDestination.PORT, database, login.user(), login.password(), Map.of())
        .format();
  }

  /**
   * The migration's connection Secret holding {@code uris}: owned by the migration, so deleted with
   * it, and labelled as the operator's.
   */
  public static Secret connectionSecret(PostgresMigration m, Map<String, String> uris) {
    Map<String, String> data = new LinkedHashMap<>();
    uris.forEach((k, v) -> data.put(k, SecretData.encode(v)));
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace(m.getMetadata().getNamespace())
        .withName(CloudNativePgDestination.connectionSecretOf(m.getMetadata().getName()))
        .withLabels(
            Map.of(
                "app.kubernetes.io/managed-by",
                "pg-migration-operator",
                MIGRATION_LABEL,
                m.getMetadata().getName()))
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion(m.getApiVersion())
                .withKind(m.getKind())
                .withName(m.getMetadata().getName())
                .withUid(m.getMetadata().getUid())
                .build())
        .endMetadata()
        .withType("Opaque")
        .withData(data)
        .build();
  }
}
