package io.pgmigration.operator.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import org.junit.jupiter.api.Test;

class SecretReadersTest {
  private static PodSpecBuilder pod() {
    return new PodSpecBuilder().addNewContainer().withName("app").endContainer();
  }

  @Test
  void anEnvVarFromTheSecretReadsIt() {
    PodSpec spec =
        new PodSpecBuilder()
            .addNewContainer()
            .withName("app")
            .addNewEnv()
            .withName("DATABASE_URL")
            .withNewValueFrom()
            .withNewSecretKeyRef("DATABASE_URL", "example-app-config", false)
            .endValueFrom()
            .endEnv()
            .endContainer()
            .build();
    assertThat(SecretReaders.reads(spec, "example-app-config")).isTrue();
    assertThat(SecretReaders.reads(spec, "other")).isFalse();
  }

  @Test
  void envFromSecretVolumesAndProjectionsReadIt() {
    assertThat(
            SecretReaders.reads(
                new PodSpecBuilder()
                    .addNewInitContainer()
                    .withName("init")
                    .addNewEnvFrom()
                    .withNewSecretRef("example-app-config", false)
                    .endEnvFrom()
                    .endInitContainer()
                    .addNewContainer()
                    .withName("app")
                    .endContainer()
                    .build(),
                "example-app-config"))
        .isTrue();
    assertThat(
            SecretReaders.reads(
                pod()
                    .addNewVolume()
                    .withName("s")
                    .withNewSecret()
                    .withSecretName("example-app-config")
                    .endSecret()
                    .endVolume()
                    .build(),
                "example-app-config"))
        .isTrue();
    assertThat(
            SecretReaders.reads(
                pod()
                    .addNewVolume()
                    .withName("p")
                    .withNewProjected()
                    .addNewSource()
                    .withNewSecret()
                    .withName("example-app-config")
                    .endSecret()
                    .endSource()
                    .endProjected()
                    .endVolume()
                    .build(),
                "example-app-config"))
        .isTrue();
  }

  @Test
  void aPodWithoutTheSecretDoesNotReadIt() {
    assertThat(SecretReaders.reads(pod().build(), "example-app-config")).isFalse();
    assertThat(SecretReaders.reads(null, "example-app-config")).isFalse();
  }
}
