package fr.cantou.platform.text;

import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** The server writes days and times as the pages do (js/i18n.js: formatWhen, formatClock): one way for a person to read them. */
class DateWordsTest {
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  private static final ZonedDateTime FIRST_AT_TEN = ZonedDateTime.of(2026, 12, 1, 10, 0, 0, 0, PARIS);
  private static final ZonedDateTime HALF_PAST_FOUR = ZonedDateTime.of(2026, 12, 2, 16, 30, 0, 0, PARIS);

  @Test
  void a_time_is_written_as_said_the_hour_alone_on_the_hour() {
    assertThat(DateWords.time(FIRST_AT_TEN, Locale.FRENCH)).isEqualTo("10 h");
    assertThat(DateWords.time(HALF_PAST_FOUR, Locale.FRENCH)).isEqualTo("16 h 30");
    assertThat(DateWords.time(FIRST_AT_TEN.withHour(9).withMinute(5), Locale.FRENCH)).isEqualTo("9 h 05");
    assertThat(DateWords.time(FIRST_AT_TEN.withHour(0), Locale.FRENCH)).isEqualTo("0 h");
    assertThat(DateWords.time(HALF_PAST_FOUR, Locale.ENGLISH)).isEqualTo("16:30");
    assertThat(DateWords.time(FIRST_AT_TEN.withHour(9), Locale.ENGLISH)).isEqualTo("09:00");
  }

  @Test
  void a_day_and_time_in_words_with_1er_for_the_first_of_the_month() {
    assertThat(DateWords.dayAndTime(FIRST_AT_TEN, Locale.FRENCH)).isEqualTo("mardi 1er décembre à 10 h");
    assertThat(DateWords.dayAndTime(HALF_PAST_FOUR, Locale.FRENCH)).isEqualTo("mercredi 2 décembre à 16 h 30");
    assertThat(DateWords.dayAndTimeWithYear(FIRST_AT_TEN, Locale.FRENCH)).isEqualTo("mardi 1er décembre 2026 à 10 h");
    assertThat(DateWords.dateAndTime(HALF_PAST_FOUR, Locale.FRENCH)).isEqualTo("2 décembre 2026 à 16 h 30");
    assertThat(DateWords.dateAndTime(FIRST_AT_TEN.withHour(9).withMinute(50), Locale.FRENCH)).isEqualTo("1er décembre 2026 à 9 h 50");
    assertThat(DateWords.dayAndTime(FIRST_AT_TEN, Locale.ENGLISH)).isEqualTo("Tuesday 1 December at 10:00");
    assertThat(DateWords.dateAndTime(FIRST_AT_TEN, Locale.ENGLISH)).isEqualTo("1 December 2026 at 10:00");
  }

  @Test
  void each_moment_is_written_in_its_own_zone() {
    ZonedDateTime reunion = ZonedDateTime.of(2026, 12, 1, 9, 0, 0, 0, ZoneId.of("Indian/Reunion"));
    assertThat(DateWords.dayAndTime(reunion, Locale.FRENCH)).isEqualTo("mardi 1er décembre à 9 h");
    assertThat(DateWords.dayAndTime(OffsetDateTime.parse("2026-12-01T23:30:00Z"), Locale.FRENCH))
        .isEqualTo("mardi 1er décembre à 23 h 30");
    assertThat(DateWords.dayAndTime(OffsetDateTime.parse("2026-12-01T23:30:00Z").atZoneSameInstant(PARIS), Locale.FRENCH))
        .isEqualTo("mercredi 2 décembre à 0 h 30");
  }
}
