package io.pgmigration.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgmigration.operator.cli.prompt.SelectPrompt;
import io.pgmigration.operator.cli.prompt.SelectPrompt.Choice;
import io.pgmigration.operator.cli.view.Style;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelectPromptTest {
  private SelectPrompt<String> menu() {
    return new SelectPrompt<>(
        "What do you want to do?",
        List.of(
            Choice.of("Configure a database migration", "configure"),
            new Choice<>("Start a migration", "start", "no ready migrations"),
            Choice.of("Cancel a migration", "cancel"),
            Choice.separator(),
            Choice.of("Exit", "exit")));
  }

  @Test
  void rendersLikeHerokusMenuWithDisabledChoicesAndTheirReason() {
    assertThat(menu().render(Style.PLAIN))
        .containsExactly(
            "? What do you want to do? (Use arrow keys)",
            "❯ Configure a database migration",
            "- Start a migration (no ready migrations)",
            "  Cancel a migration",
            "  ──────────────",
            "  Exit");
  }

  @Test
  void arrowsSkipDisabledChoicesAndSeparatorsAndWrapAround() {
    SelectPrompt<String> p = menu();
    p.down();
    assertThat(p.selected().value()).isEqualTo("cancel");
    p.down();
    assertThat(p.selected().value()).isEqualTo("exit");
    p.down();
    assertThat(p.selected().value()).isEqualTo("configure");
    p.up();
    assertThat(p.selected().value()).isEqualTo("exit");
    assertThat(p.answered(Style.PLAIN)).isEqualTo("? What do you want to do? Exit");
  }

  @Test
  void startsOnTheFirstChoiceThatCanBeTaken() {
    SelectPrompt<String> p =
        new SelectPrompt<>(
            "Select",
            List.of(new Choice<>("a", "a", "busy"), Choice.separator(), Choice.of("b", "b")));
    assertThat(p.selected().value()).isEqualTo("b");
    assertThatThrownBy(() -> new SelectPrompt<>("Select", List.of(new Choice<>("a", "a", "busy"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aLongChoiceCanBeAnsweredWithAShortWord() {
    SelectPrompt<String> p =
        new SelectPrompt<>(
            "Select the migration method:",
            List.of(
                Choice.of("Snapshot: the app is down for the whole copy", "s", "Snapshot"),
                Choice.of("Streaming", "t")));
    assertThat(p.render(Style.PLAIN)).contains("❯ Snapshot: the app is down for the whole copy");
    assertThat(p.answered(Style.PLAIN)).isEqualTo("? Select the migration method: Snapshot");
    p.down();
    assertThat(p.answered(Style.PLAIN)).isEqualTo("? Select the migration method: Streaming");
  }
}
