package fr.cantou.notify;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A calendar file written the fast way (its zone's VTIMEZONE kept from an earlier file, its dates' TZID resolved by
 * {@link OneZone}) is the file ical4j writes whole, on its own.
 */
class CalendarInviteTest {
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

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

  /** DTSTAMP is the time the file was made: the one line two writings of one event may differ by. */
  private static String withoutStamp(byte[] file) {
    return new String(file, StandardCharsets.UTF_8).replaceAll("DTSTAMP:[0-9TZ]+\r\n", "");
  }
}
