package fr.cantou.platform.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The access line's duration: milliseconds with three decimals, as operators' log queries read it. */
class RequestLogTest {
  @Test
  void a_duration_is_written_in_milliseconds_with_three_decimals() {
    assertThat(RequestLog.millis(0)).isEqualTo("0.000");
    assertThat(RequestLog.millis(7)).isEqualTo("0.007");
    assertThat(RequestLog.millis(45)).isEqualTo("0.045");
    assertThat(RequestLog.millis(12_345)).isEqualTo("12.345");
    assertThat(RequestLog.millis(3_000_100)).isEqualTo("3000.100");
  }
}
