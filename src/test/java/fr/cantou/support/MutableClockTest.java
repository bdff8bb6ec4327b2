package fr.cantou.support;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

class MutableClockTest {
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  @Test
  void seen_in_paris_it_gives_paris_s_date_and_moves_with_the_clock() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-04T23:30:00Z"));
    Clock paris = clock.withZone(PARIS);

    assertThat(LocalDate.now(clock)).isEqualTo(LocalDate.parse("2026-12-04"));
    assertThat(LocalDate.now(paris)).isEqualTo(LocalDate.parse("2026-12-05"));

    clock.advance(Duration.ofDays(1));
    assertThat(paris.instant()).isEqualTo(Instant.parse("2026-12-05T23:30:00Z"));
    assertThat(LocalDate.now(paris.withZone(ZoneId.of("UTC")))).isEqualTo(LocalDate.parse("2026-12-05"));
  }
}
