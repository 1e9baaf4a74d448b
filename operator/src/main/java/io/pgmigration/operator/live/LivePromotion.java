package io.pgmigration.operator.live;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.api.v1alpha1.CloudNativePgDestination;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.api.v1alpha1.PostgresMigrationStatus.RecordedWorkload;
import io.pgmigration.operator.api.v1alpha1.SecretKeyRef;
import io.pgmigration.operator.k8s.SecretPromotion;
import io.pgmigration.operator.phase.port.Promotion;
import io.pgmigration.operator.secrets.SecretData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The app's Secret rewritten ({@link SecretPromotion}), its readers restarted, the source gone. */
record LivePromotion(
    KubernetesClient client, MigrationSecrets secrets, Workloads workloads, DatabaseServers servers)
    implements Promotion {
  @Override
  public String promoteSecret(PostgresMigration m) {
    String ns = m.getMetadata().getNamespace();
    SecretKeyRef app = m.getSpec().app.databaseUrlSecret;
    Secret secret = secrets.secret(ns, app.name);
    if (secret == null) {
      throw new IllegalStateException("the app's Secret " + app.name + " does not exist");
    }
    // A CloudNativePG destination: the app gets the -rw Service, followers -ro (or -rw without
    // replicas), as its appRole says (the source's role, or the Cluster's owner); the copy's own
    // login (the superuser's, or the owner's) is the connection Secret's DATABASE_URL.
    var destination = m.destinationDatabase().connectionSecret;
    boolean cnpg = m.getSpec().destination.isCloudNativePg();
    String destinationUrl =
        secrets.required(
            ns,
            cnpg
                ? new SecretKeyRef(destination.name, CloudNativePgDestination.APP_KEY)
                : destination);
    String followerUrl =
        cnpg
            ? secrets.required(
                ns, new SecretKeyRef(destination.name, CloudNativePgDestination.FOLLOWER_KEY))
            : destinationUrl;
    Map<String, String> data = SecretData.of(secret);
    Map<String, String> annotations =
        secret.getMetadata().getAnnotations() == null
            ? new LinkedHashMap<>()
            : new LinkedHashMap<>(secret.getMetadata().getAnnotations());
    String uid = m.getMetadata().getUid();
    SecretPromotion.Result result =
        SecretPromotion.promote(
            data,
            app.key,
            destinationUrl,
            followerUrl,
            m.getSpec().app.followerUrlKeys == null ? List.of() : m.getSpec().app.followerUrlKeys,
            annotations.get(SecretPromotion.MARKER),
            uid);
    String marker = SecretPromotion.marker(uid, result);
    if (!result.data().equals(data) || !marker.equals(annotations.get(SecretPromotion.MARKER))) {
      Map<String, String> encoded = new LinkedHashMap<>();
      result.data().forEach((k, v) -> encoded.put(k, SecretData.encode(v)));
      annotations.put(SecretPromotion.MARKER, marker);
      secret.setData(encoded);
      secret.setStringData(null);
      secret.getMetadata().setAnnotations(annotations);
      // Carries the resourceVersion read above: a concurrent change makes this fail, not lose.
      client.secrets().inNamespace(ns).resource(secret).update();
    }
    return result.aliasKey();
  }

  @Override
  public boolean secretPromoted(PostgresMigration m) {
    Secret secret =
        secrets.secret(m.getMetadata().getNamespace(), m.getSpec().app.databaseUrlSecret.name);
    var annotations = secret == null ? null : secret.getMetadata().getAnnotations();
    return annotations != null
        && SecretPromotion.promotedBy(
            annotations.get(SecretPromotion.MARKER), m.getMetadata().getUid());
  }

  @Override
  public List<String> restartSecretReaders(
      PostgresMigration m, List<RecordedWorkload> stopped, String stamp) {
    return workloads.restartSecretReaders(m, stopped, stamp);
  }

  @Override
  public String destroySource(PostgresMigration m) {
    return workloads.destroySource(m);
  }

  @Override
  public String destroyRefusal(PostgresMigration m) {
    var ref = m.getSpec().source.workload;
    var workload = workloads.get(m, ref.kind.name(), ref.name);
    if (workload == null) {
      return null;
    }
    String ns = m.getMetadata().getNamespace();
    var source = secrets.uri(ns, m.getSpec().source.connectionSecret);
    if (!source.ok()) {
      return "the source's Secret cannot be read (" + source.problem() + ")";
    }
    return servers.destroyRefusal(ns, workload, source.value());
  }
}
