package fr.cantou.platform.text;

import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;

/**
 * Days and times written as the pages write them ({@code formatWhen}, {@code formatClock}, {@code formatDay} of
 * webapp/js/i18n.js), for what the server itself writes to people — mails, SMS, the care report's PDF, problem texts —
 * so a citizen reads the same words in her SMS as on her page: "mardi 1er décembre à 10 h", "16 h 30",
 * "1er décembre 2026 à 9 h 50"; in English "Tuesday 1 December at 10:00", "09:50". Each moment is written in its own
 * zone (a {@code ZonedDateTime} or an {@code OffsetDateTime}: the appointment's, the care home's).
 */
public final class DateWords {
  private static final Locale FRENCH = Locale.FRENCH;
  private static final DateTimeFormatter WEEKDAY_FR = DateTimeFormatter.ofPattern("EEEE", FRENCH);
  private static final DateTimeFormatter MONTH_FR = DateTimeFormatter.ofPattern("MMMM", FRENCH);
  private static final DateTimeFormatter DAY_EN = DateTimeFormatter.ofPattern("EEEE d MMMM", Locale.ENGLISH);
  private static final DateTimeFormatter DATE_EN = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH);

  private DateWords() {}

  /** "10 h", "16 h 30", "9 h 05" in French; "10:00", "16:30" in English. */
  public static String time(TemporalAccessor at, Locale locale) {
    int hour = at.get(ChronoField.HOUR_OF_DAY);
    int minute = at.get(ChronoField.MINUTE_OF_HOUR);
    if (french(locale)) {
      return hour + " h" + (minute == 0 ? "" : String.format(" %02d", minute));
    }
    return String.format("%02d:%02d", hour, minute);
  }

  /** "mardi 1er décembre à 10 h"; "Tuesday 1 December at 10:00". */
  public static String dayAndTime(TemporalAccessor at, Locale locale) {
    if (french(locale)) {
      return WEEKDAY_FR.format(at) + " " + dayOfMonth(at) + " " + MONTH_FR.format(at) + " à " + time(at, locale);
    }
    return DAY_EN.format(at) + " at " + englishHour(at);
  }

  /** "mardi 1er décembre 2026 à 10 h" (a mail kept for later says its year); "Tuesday 1 December 2026 at 10:00". */
  public static String dayAndTimeWithYear(TemporalAccessor at, Locale locale) {
    if (french(locale)) {
      return WEEKDAY_FR.format(at) + " " + dayOfMonth(at) + " " + MONTH_FR.format(at) + " " + at.get(ChronoField.YEAR)
          + " à " + time(at, locale);
    }
    return DAY_EN.format(at) + " " + at.get(ChronoField.YEAR) + " at " + englishHour(at);
  }

  /** "1er décembre 2026 à 9 h 50" (no weekday: a report, a refusal); "1 December 2026 at 09:50". */
  public static String dateAndTime(TemporalAccessor at, Locale locale) {
    if (french(locale)) {
      return dayOfMonth(at) + " " + MONTH_FR.format(at) + " " + at.get(ChronoField.YEAR) + " à " + time(at, locale);
    }
    return DATE_EN.format(at) + " at " + englishHour(at);
  }

  /** "1er" for the first of the month in French, the number otherwise. */
  private static String dayOfMonth(TemporalAccessor at) {
    int day = at.get(ChronoField.DAY_OF_MONTH);
    return day == 1 ? "1er" : String.valueOf(day);
  }

  /** "09:50", as the English problem texts have always said it. */
  private static String englishHour(TemporalAccessor at) {
    return time(at, Locale.ENGLISH);
  }

  private static boolean french(Locale locale) {
    return "fr".equals(locale.getLanguage());
  }
}
