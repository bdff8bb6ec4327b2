package fr.cantou.visio;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

class FrenchHolidaysTest {

  @Test
  void easter_is_computed_for_known_years() {
    assertThat(FrenchHolidays.easterSunday(2024)).isEqualTo(LocalDate.of(2024, 3, 31));
    assertThat(FrenchHolidays.easterSunday(2025)).isEqualTo(LocalDate.of(2025, 4, 20));
    assertThat(FrenchHolidays.easterSunday(2026)).isEqualTo(LocalDate.of(2026, 4, 5));
    assertThat(FrenchHolidays.easterSunday(2027)).isEqualTo(LocalDate.of(2027, 3, 28));
    assertThat(FrenchHolidays.easterSunday(2038)).isEqualTo(LocalDate.of(2038, 4, 25));
  }

  @Test
  void the_eleven_public_holidays_of_2026() {
    assertThat(FrenchHolidays.of(2026)).containsExactlyInAnyOrder(
        LocalDate.of(2026, 1, 1), LocalDate.of(2026, 4, 6), LocalDate.of(2026, 5, 1), LocalDate.of(2026, 5, 8),
        LocalDate.of(2026, 5, 14), LocalDate.of(2026, 5, 25), LocalDate.of(2026, 7, 14), LocalDate.of(2026, 8, 15),
        LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 11), LocalDate.of(2026, 12, 25));
  }

  @Test
  void an_ordinary_day_is_no_holiday() {
    assertThat(FrenchHolidays.isHoliday(LocalDate.of(2026, 11, 23))).isFalse();
    assertThat(FrenchHolidays.isHoliday(LocalDate.of(2026, 11, 11))).isTrue();
  }
}
