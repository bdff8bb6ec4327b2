package fr.cantou.notify;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A calendar file says the appointment's local time in its zone, with that zone's VTIMEZONE; written the fast way
 * (the VTIMEZONE kept from an earlier file, the dates' TZID resolved by {@link OneZone}), a file of Europe/Paris is
 * the file ical4j writes whole, on its own.
 */
class CalendarInviteTest {
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

  @Test
  void a_file_with_its_zone_written_once_is_the_file_written_whole() {
    for (int i = 0; i < 3; i++) {
      CalendarInvite.Event event = new CalendarInvite.Event("a" + i + "@cantou", i,
          ZonedDateTime.of(2026, 12, 1 + i, 10, 0, 0, 0, PARIS), ZonedDateTime.of(2026, 12, 1 + i, 10, 30, 0, 0, PARIS),
          "Rendez-vous CAF du Cantal — Dossier " + i,
          "Référence CAF-2026-" + i + ". BEGIN:VEVENT dans un texte, puis une ligne assez longue pour être pliée en deux "
              + "par l'écriture du fichier.", i == 1 ? null : "Mairie de Riom-ès-Montagnes",
          URI.create("https://cantou.example/rdv#t=" + i), i == 2, URI.create("mailto:ne-pas-repondre@cantal.test"));
      String kept = withoutStamp(CalendarInvite.of(event));
      assertThat(kept).contains("BEGIN:VTIMEZONE").contains("TZID:Europe/Paris");
      assertThat(kept).isEqualTo(withoutStamp(CalendarInvite.writtenWhole(event)));
    }
  }

  /**
   * Checked against the JDK, not against ical4j: summer and winter, the days the clocks change, zones whose definitions
   * in ical4j are an hour off at these times (America/Miquelon the week after 7 March 2027), zones ical4j files under
   * another id (Indian/Reunion under Asia/Dubai, US/Eastern) and an offset it has no zone for, told in UTC: the dates'
   * TZID is always the file's VTIMEZONE, and the time the appointment's own.
   */
  @Test
  void the_start_and_end_are_the_local_times_of_the_appointment_in_the_zone_the_file_holds() {
    List<ZonedDateTime> starts = List.of(
        ZonedDateTime.of(2026, 7, 15, 14, 0, 0, 0, PARIS),
        ZonedDateTime.of(2027, 3, 28, 3, 30, 0, 0, PARIS),
        ZonedDateTime.of(2026, 10, 25, 2, 30, 0, 0, PARIS),
        ZonedDateTime.of(2027, 3, 9, 10, 0, 0, 0, ZoneId.of("America/Miquelon")),
        ZonedDateTime.of(2027, 6, 1, 16, 45, 0, 0, ZoneId.of("Asia/Tokyo")),
        ZonedDateTime.of(2027, 1, 12, 9, 0, 0, 0, ZoneId.of("Indian/Reunion")),
        ZonedDateTime.of(2027, 4, 2, 11, 0, 0, 0, ZoneId.of("US/Eastern")),
        ZonedDateTime.of(2027, 4, 2, 11, 0, 0, 0, ZoneOffset.ofHours(2)));
    for (ZonedDateTime start : starts) {
      ZonedDateTime end = start.plusMinutes(30);
      String file = new String(CalendarInvite.of(new CalendarInvite.Event("z@cantou", 0, start, end, "Rendez-vous",
          "Un rendez-vous.", null, null, false, URI.create("mailto:ne-pas-repondre@cantal.test"))), StandardCharsets.UTF_8);
      Matcher zoneOfFile = Pattern.compile("BEGIN:VTIMEZONE\r\nTZID:([^\r]+)\r\n").matcher(file);
      assertThat(zoneOfFile.find()).as(start + ": a VTIMEZONE\n" + file).isTrue();
      ZoneId zone = ZoneId.of(zoneOfFile.group(1));
      // The same instants: the same rules, or UTC for an offset.
      assertThat(zone.getId().equals(start.getZone().getId())
          || zone.getRules().getOffset(start.toInstant()).equals(start.getOffset()) || zone.getId().equals("Etc/UTC"))
          .as(start + " in " + zone).isTrue();
      assertThat(file).as(start.toString())
          .contains("DTSTART;TZID=" + zone.getId() + ":" + LOCAL.format(start.withZoneSameInstant(zone)) + "\r\n")
          .contains("DTEND;TZID=" + zone.getId() + ":" + LOCAL.format(end.withZoneSameInstant(zone)) + "\r\n");
      if (!(start.getZone() instanceof ZoneOffset)) {
        assertThat(LOCAL.format(start.withZoneSameInstant(zone))).as("the appointment's own local time")
            .isEqualTo(LOCAL.format(start));
      }
    }
  }

  /** DTSTAMP is the time the file was made: the one line two writings of one event may differ by. */
  private static String withoutStamp(byte[] file) {
    return new String(file, StandardCharsets.UTF_8).replaceAll("DTSTAMP:[0-9TZ]+\r\n", "");
  }
}
