package io.pgmigration.operator.e2e;

import static io.pgmigration.operator.e2e.QuickstartInstance.DESTINATION;
import static io.pgmigration.operator.e2e.QuickstartInstance.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgmigration.operator.api.v1alpha1.Phase;
import io.pgmigration.operator.api.v1alpha1.PostgresMigration;
import io.pgmigration.operator.testing.Manifests;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * deploy/namespaced/ on the local cluster, installed in place of the cluster-wide operator and put
 * back afterwards: the operator serves the namespace it is given, with rights bound there alone,
 * and does not see a migration anywhere else.
 */
class NamespacedInstallE2E {
  private static final String WATCHED = "e2e-namespaced";
  private static final String ELSEWHERE = "e2e-not-watched";
  private static final String SERVICE_ACCOUNT =
      "system:serviceaccount:" + LocalCluster.OPERATOR_NS + ":pg-migration-operator";

  private static final KubernetesClient client = LocalCluster.client();

  @Test
  void theNamespacedOperatorServesItsNamespaceAndNoOther() throws Exception {
    try (QuickstartInstance q = QuickstartInstance.create(client, WATCHED, x -> {})) {
      try {
        LocalCluster.installOverlay("hack/overlays/local-namespaced");
        client
            .rbac()
            .clusterRoleBindings()
            .withName("pg-migration-operator")
            .withTimeout(1, TimeUnit.MINUTES)
            .delete();
        LocalCluster.awaitNewLeader(client);
        assertThat(may("get", "secrets", ELSEWHERE)).as("no Secret elsewhere").isFalse();
        assertThat(may("get", "secrets", WATCHED)).as("Secrets where it serves").isTrue();

        // A migration in a namespace the operator does not serve is not seen at all.
        client
            .resource(
                new NamespaceBuilder().withNewMetadata().withName(ELSEWHERE).endMetadata().build())
            .serverSideApply();
        PostgresMigration unseen = Manifests.quickstartMigration();
        unseen.getMetadata().setNamespace(ELSEWHERE);
        client.resource(unseen).create();

        q.applyMigration(m -> m.getSpec().start = true);
        PostgresMigration done = q.awaitPhase(Phase.Completed, Duration.ofMinutes(6));
        assertThat(done.getStatus().verification.mismatches).isEmpty();
        assertThat(q.appRows(DESTINATION)).containsAll(q.appRows(SOURCE));
        assertThat(
                client
                    .resources(PostgresMigration.class)
                    .inNamespace(ELSEWHERE)
                    .withName(unseen.getMetadata().getName())
                    .get()
                    .getStatus())
            .as("a migration the namespaced operator does not serve")
            .isNull();
      } finally {
        client.namespaces().withName(ELSEWHERE).delete();
        LocalCluster.installOverlay("hack/overlays/local");
        client.rbac().clusterRoleBindings().withName("pg-migration-operator-namespaces").delete();
        client.rbac().clusterRoles().withName("pg-migration-operator-namespaces").delete();
        client
            .rbac()
            .roleBindings()
            .inNamespace(LocalCluster.OPERATOR_NS)
            .withName("pg-migration-operator")
            .delete();
        LocalCluster.awaitNewLeader(client);
        assertThat(may("get", "secrets", ELSEWHERE)).as("cluster-wide again").isTrue();
      }
    }
  }

  /** Whether the operator's service account may {@code verb} {@code resource} in {@code ns}. */
  private static boolean may(String verb, String resource, String ns) {
    SubjectAccessReview review =
        new SubjectAccessReviewBuilder()
            .withNewSpec()
            .withUser(SERVICE_ACCOUNT)
            .withGroups("system:serviceaccounts", "system:authenticated")
            .withNewResourceAttributes()
            .withVerb(verb)
            .withResource(resource)
            .withNamespace(ns)
            .endResourceAttributes()
            .endSpec()
            .build();
    return client
        .authorization()
        .v1()
        .subjectAccessReview()
        .create(review)
        .getStatus()
        .getAllowed();
  }
}
