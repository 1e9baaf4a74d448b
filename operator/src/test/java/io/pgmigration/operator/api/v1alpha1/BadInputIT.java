package io.pgmigration.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pgmigration.operator.testing.KubeApiServers;
import io.pgmigration.operator.testing.Manifests;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input table (docs/security.md): a careless spec that the API server refuses before the
 * operator sees it, each refusal naming the field. The quickstart's migration is changed in one
 * place per case and sent as JSON, so values the Java model cannot hold are tried too.
 */
class BadInputIT {
  private static final String NS = "bad-input";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static KubernetesClient client;
  private static int count;

  @BeforeAll
  static void install() {
    client = KubeApiServers.client();
    KubeApiServers.installCrd(client);
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .serverSideApply();
  }

  private static Arguments bad(String what, Consumer<ObjectNode> edit, String... refusal) {
    return Arguments.of(what, edit, refusal);
  }

  private static ObjectNode at(ObjectNode spec, String... path) {
    ObjectNode node = spec;
    for (String p : path) {
      node = node.path(p).isObject() ? (ObjectNode) node.get(p) : node.putObject(p);
    }
    return node;
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        bad(
            "destination is the source",
            s -> at(s, "destination", "connectionSecret").put("name", "postgresql-clean-29349"),
            "spec.destination.connectionSecret",
            "destination must differ from source"),
        bad(
            "destroySource confirms another name",
            s -> at(s, "destroySource").put("confirm", "example-app"),
            "spec.destroySource.confirm",
            "must be empty or equal to source.connectionSecret.name"),
        bad(
            "readyWindow is not a duration",
            s -> s.put("readyWindow", "tomorrow"),
            "spec.readyWindow"),
        bad(
            "copy.activeDeadline is not a duration",
            s -> at(s, "copy").put("activeDeadline", "6 hours"),
            "spec.copy.activeDeadline"),
        bad(
            "drainTimeout is negative",
            s -> at(s, "app", "maintenance").put("drainTimeout", "-5m"),
            "spec.app.maintenance.drainTimeout"),
        bad(
            "a copy deadline too short for any copy",
            s -> at(s, "copy").put("activeDeadline", "500ms"),
            "spec.copy.activeDeadline",
            "activeDeadline must be at least 1m"),
        bad(
            "a drain that cannot wait for any pod",
            s -> at(s, "app", "maintenance").put("drainTimeout", "0s"),
            "spec.app.maintenance.drainTimeout",
            "drainTimeout must be at least 5s"),
        bad(
            "a ready window that expires at once",
            s -> s.put("readyWindow", "10s"),
            "spec.readyWindow",
            "readyWindow must be at least 1m"),
        bad("no parallelism", s -> at(s, "copy").put("parallelism", 0), "spec.copy.parallelism"),
        bad(
            "too much parallelism",
            s -> at(s, "copy").put("parallelism", 65),
            "spec.copy.parallelism"),
        bad("no copy pods", s -> at(s, "copy").put("workers", 0), "spec.copy.workers"),
        bad("too many copy pods", s -> at(s, "copy").put("workers", 33), "spec.copy.workers"),
        bad("no app", s -> s.remove("app"), "spec.app: Required value"),
        bad("no source", s -> s.remove("source"), "spec.source: Required value"),
        bad(
            "no source Secret",
            s -> at(s, "source").remove("connectionSecret"),
            "spec.source.connectionSecret: Required value"),
        bad(
            "an empty Secret name",
            s -> at(s, "source", "connectionSecret").put("name", ""),
            "spec.source.connectionSecret.name"),
        bad(
            "a Secret name that is no DNS name",
            s -> at(s, "source", "connectionSecret").put("name", "Bad_Name"),
            "spec.source.connectionSecret.name",
            "should match"),
        bad(
            "a Secret name of 254 characters",
            s -> at(s, "destination", "connectionSecret").put("name", "d".repeat(254)),
            "spec.destination.connectionSecret.name"),
        bad(
            "a Secret key with a space",
            s -> at(s, "destination", "connectionSecret").put("key", "DATABASE URL"),
            "spec.destination.connectionSecret.key"),
        bad(
            "an app Secret key with a slash",
            s -> at(s, "app", "databaseUrlSecret").put("key", "a/b"),
            "spec.app.databaseUrlSecret.key"),
        bad(
            "an app Secret that is no DNS name",
            s -> at(s, "app", "databaseUrlSecret").put("name", "app config"),
            "spec.app.databaseUrlSecret.name"),
        bad(
            "a follower key that is the URL key",
            s -> at(s, "app").putArray("followerUrlKeys").add("DATABASE_URL"),
            "spec.app.followerUrlKeys",
            "must not include databaseUrlSecret.key"),
        bad(
            "a follower key that is the alias key",
            s -> at(s, "app").putArray("followerUrlKeys").add("DATABASE_URL_PREVIOUS"),
            "spec.app.followerUrlKeys",
            "must not include the alias key"),
        bad(
            "the same follower key twice",
            s -> {
              ArrayNode keys = at(s, "app").putArray("followerUrlKeys");
              keys.add("FOLLOWER_URL").add("FOLLOWER_URL");
            },
            "spec.app.followerUrlKeys",
            "must be distinct"),
        bad(
            "a follower key that is no Secret key",
            s -> at(s, "app").putArray("followerUrlKeys").add("follower url!"),
            "spec.app.followerUrlKeys[0]",
            "should match"),
        bad(
            "an empty selector",
            s -> at(s, "app", "maintenance").putObject("selector"),
            "spec.app.maintenance.selector",
            "must select something"),
        bad(
            "a selector with empty labels",
            s -> at(s, "app", "maintenance", "selector").putObject("matchLabels"),
            "spec.app.maintenance.selector",
            "must select something"),
        bad(
            "a workload name that is no DNS name",
            s -> {
              ObjectNode w = at(s, "source", "workload");
              w.put("kind", "StatefulSet");
              w.put("name", "UPPER");
            },
            "spec.source.workload.name"),
        bad(
            "a workload kind the operator does not know",
            s -> {
              ObjectNode w = at(s, "source", "workload");
              w.put("kind", "DaemonSet");
              w.put("name", "db");
            },
            "spec.source.workload.kind",
            "Unsupported value"),
        bad(
            "a workload without a kind",
            s -> at(s, "destination", "workload").put("name", "db").remove("kind"),
            "spec.destination.workload.kind: Required value"),
        bad(
            "an unknown method",
            s -> s.put("method", "Logical"),
            "spec.method",
            "Unsupported value"),
        bad(
            "an unknown verification",
            s -> s.put("verification", "Eyeball"),
            "spec.verification",
            "Unsupported value"),
        bad(
            "an unknown ownership",
            s -> s.put("ownership", "Nobody"),
            "spec.ownership",
            "Unsupported value"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void isRefusedNamingTheField(String what, Consumer<ObjectNode> edit, String[] refusal)
      throws Exception {
    PostgresMigration m = Manifests.quickstartMigration();
    m.getMetadata().setNamespace(NS);
    m.getMetadata().setName("bad-" + ++count);
    ObjectNode tree = (ObjectNode) JSON.valueToTree(m);
    tree.remove("status");
    edit.accept((ObjectNode) tree.get("spec"));
    GenericKubernetesResource r =
        JSON.treeToValue((JsonNode) tree, GenericKubernetesResource.class);
    assertThatThrownBy(() -> client.resource(r).create())
        .as(what)
        .isInstanceOf(KubernetesClientException.class)
        .message()
        .contains(refusal);
  }
}
