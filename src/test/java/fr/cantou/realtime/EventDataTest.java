package fr.cantou.realtime;

import com.fasterxml.jackson.annotation.JsonValue;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An event's data is a JSON object, which every node's listener reads back as one: a value that
 * Jackson writes as anything else (a string, a list) is refused before a statement is sent, so
 * the transaction fails instead of committing a row no listener could read.
 */
class EventDataTest {
  /** A record written as a bare string. */
  record Code(String value) {
    @JsonValue
    String json() {
      return value;
    }
  }

  @Test
  void a_value_not_written_as_a_json_object_is_refused_before_any_statement() {
    // No database: a statement sent would fail with a NullPointerException instead.
    Future<Long> appended = new EventOutbox().appendValue(null, "test.code", Audience.none(), new Code("A-1"));

    assertThat(appended.failed()).isTrue();
    assertThat(appended.cause()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSON object");
  }
}
