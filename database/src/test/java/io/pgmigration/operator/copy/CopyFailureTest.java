package io.pgmigration.operator.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class CopyFailureTest {
  private static SQLException server(String state, String message) {
    return new SQLException(message + "\n  Where: COPY t, line 1", state);
  }

  @Test
  void schemaAndDataErrorsWouldFailAgainAndAreNotRetried() {
    // Syntax, undefined function, bad input, duplicate key, a library missing, not supported.
    for (String state : new String[] {"42601", "42883", "22P02", "23505", "58P01", "0A000"}) {
      assertThat(CopyFailure.willFailAgain(server(state, "ERROR: x"))).as(state).isTrue();
    }
    assertThat(CopyFailure.willFailAgain(new CopyFailure.StepFailed("pre-data.sh", 3))).isTrue();
  }

  @Test
  void aServerThatWentAwayMaySucceedLater() {
    for (String state : new String[] {"08006", "57P01", "40001", "53100", "58030", "XX000"}) {
      assertThat(CopyFailure.willFailAgain(server(state, "ERROR: x"))).as(state).isFalse();
    }
    assertThat(CopyFailure.willFailAgain(new CopyFailure.StepFailed("post-data.sh", 1))).isFalse();
    assertThat(CopyFailure.willFailAgain(new IllegalStateException("no SQL state"))).isFalse();
  }

  @Test
  void theMessageNamesTheObjectAndTheErrorWithoutJavaNames() {
    SQLException onItem =
        CopyFailure.on(
            "copying \"public\".\"t\"", server("22P02", "ERROR: invalid input syntax for type x"));
    Exception wrapped = new ExecutionException(new IllegalStateException(onItem));
    assertThat(CopyFailure.describe(wrapped))
        .isEqualTo("copying \"public\".\"t\": ERROR: invalid input syntax for type x");
    assertThat(CopyFailure.willFailAgain(wrapped)).isTrue();
  }
}
