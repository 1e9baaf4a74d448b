package io.pgmigration.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgmigration.operator.cli.prompt.InputPrompt;
import io.pgmigration.operator.cli.prompt.InputPrompt.Answer;
import io.pgmigration.operator.cli.view.Style;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The typed questions of "Create a new database": their defaults and what they refuse. */
class InputPromptTest {
  @Test
  void rendersTheDefaultInBracketsAndTheAnswerOnceTaken() {
    InputPrompt<String> p =
        new InputPrompt<>(
            "Name of the new CloudNativePG Cluster:",
            "orders-cnpg",
            typed -> DestinationPrompts.name(typed.isEmpty() ? "orders-cnpg" : typed, Set.of()));
    assertThat(p.render(Style.PLAIN))
        .isEqualTo("? Name of the new CloudNativePG Cluster: (orders-cnpg) ");
    Answer<String> enter = p.answer("");
    assertThat(enter.value()).isEqualTo("orders-cnpg");
    assertThat(p.answered(enter, Style.PLAIN))
        .isEqualTo("? Name of the new CloudNativePG Cluster: orders-cnpg");
    assertThat(p.answer("  billing  ").value()).isEqualTo("billing");
    Answer<String> bad = p.answer("Billing");
    assertThat(bad.problem()).startsWith("lowercase letters");
    assertThat(p.problem(bad, Style.PLAIN)).startsWith(">> lowercase letters");
  }

  @Test
  void aTakenNameIsRefused() {
    assertThat(DestinationPrompts.name("orders", Set.of("orders")).problem())
        .isEqualTo("a CloudNativePG Cluster orders exists, or is being created: name another");
  }

  @Test
  void instancesAreAWholeNumberShownWithItsFollowers() {
    Answer<Integer> two = DestinationPrompts.instances("2");
    assertThat(two.value()).isEqualTo(2);
    assertThat(two.shown()).isEqualTo("2 (a leader and 1 follower)");
    assertThat(DestinationPrompts.instances("1").shown()).isEqualTo("1 (a leader, no followers)");
    assertThat(DestinationPrompts.instances("two").problem())
        .isEqualTo("expected 1 to 9: a leader and up to 8 followers");
    assertThat(DestinationPrompts.instances("10").problem()).isNotNull();
  }

  @Test
  void storageIsSizedFromTheSourceUnlessGiven() {
    Answer<String> enter = DestinationPrompts.storage("");
    assertThat(enter.value()).isNull();
    assertThat(enter.shown()).isEqualTo("sized from the source");
    assertThat(DestinationPrompts.storage("20Gi").value()).isEqualTo("20Gi");
    assertThat(DestinationPrompts.storage("20GB").problem())
        .isEqualTo("expected a size in Mi, Gi or Ti, e.g. 20Gi");
  }
}
