package fr.cantou.visio;

import fr.cantou.notify.SmsText;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every SMS of an appointment fits in two GSM segments, even with very long names, and keeps its reference and link whole. */
class VisioSmsTest {
  private final VisioSms sms = new VisioSms(URI.create("https://rendez-vous.cantou.cantal.fr/"), Duration.ofMinutes(10));
  private static final List<String> KINDS = List.of("confirmation", "change", "reminder_24h", "reminder_1h", "cancellation",
      "new_link");
  private static final String LINK = "https://rendez-vous.cantou.cantal.fr/r/PREF-7K3Q9.abcdefghijklmnopqrst";

  static Appointment appointment(String service, String administration, String point, String commune) {
    OffsetDateTime start = OffsetDateTime.parse("2026-08-12T10:00:00+02:00");
    return new Appointment("5f0c6f7e-0000-4000-8000-000000000001", "PREF-7K3Q9", "s", service, administration, "o", start,
        start.plusMinutes(30), "booked", point == null ? null : "p", point, commune, null,
        new Appointment.Citizen("Odette Lafon", null, "06 12 34 56 78"), null, List.of(), "a", "Agent", null, false, false, null, null, null, null,
        start.minusMinutes(10), Instant.parse("2026-08-01T08:00:00Z"), "Europe/Paris", 0);
  }

  @Test
  void every_kind_fits_two_gsm_segments_and_says_the_essentials() {
    Appointment a = appointment("Titre de séjour", "Préfecture du Cantal", "Mairie de Riom-ès-Montagnes", "Riom-ès-Montagnes");
    for (String kind : KINDS) {
      String text = sms.compose(kind, a, LINK);
      assertFitsTwoGsmSegments(kind, text);
      assertThat(text).as(kind).contains("PREF-7K3Q9").contains("Préfecture du Cantal");
      if (!"cancellation".equals(kind)) {
        assertThat(text).as(kind).contains(LINK);
      }
    }
    assertThat(sms.compose("confirmation", a, LINK)).contains("Titre de séjour").contains("mercredi 12 août à 10 h".replace("û", "u"))
        .contains("au point visio-accueil Mairie de Riom-ès-Montagnes, Riom-ès-Montagnes");
  }

  @Test
  void names_typed_by_an_admin_stay_on_one_line_in_the_gsm_alphabet() {
    Appointment a = appointment("Aide)\n\nURGENT: payez sur http://evil.ex (", "Conseil\u00B7départemental", "Salle \u0149", "Ytrac \u0149");
    for (String kind : KINDS) {
      String text = sms.compose(kind, a, LINK);
      assertFitsTwoGsmSegments(kind, text);
      assertThat(text).as(kind).doesNotContain("\n");
    }
  }

  @Test
  void very_long_names_are_dropped_or_cut_never_the_reference_nor_the_link() {
    String longName = "Direction de la solidarité départementale, de l’autonomie et de l’insertion — accueil des publics";
    Appointment a = appointment(longName + " : demandes d’aide sociale à l’enfance et de revenu de solidarité active",
        longName, "Tiers-lieu intercommunal du pays de Saint-Flour Margeride, salle de la médiathèque", "Saint-Flour");
    for (String kind : KINDS) {
      String text = sms.compose(kind, a, LINK);
      assertThat(SmsText.segments(text)).as(kind + ": " + text).isLessThanOrEqualTo(2);
      assertThat(text).as(kind).contains("PREF-7K3Q9");
      if (!"cancellation".equals(kind)) {
        assertThat(text).as(kind).endsWith(LINK);
      }
    }
  }

  @Test
  void the_room_opening_is_said_from_the_setting() {
    Appointment a = appointment("Titre de séjour", "Préfecture du Cantal", null, null);
    assertThat(new VisioSms(URI.create("https://x.fr"), Duration.ofMinutes(25)).compose("reminder_1h", a, LINK))
        .contains("La salle ouvre 25 minutes avant").contains("en visio depuis chez vous");
    assertThat(new VisioSms(URI.create("https://x.fr"), Duration.ZERO).compose("reminder_1h", a, LINK))
        .contains("La salle ouvre à l'heure du rendez-vous");
  }

  private static void assertFitsTwoGsmSegments(String kind, String text) {
    assertThat(SmsText.isGsm(text)).as(kind + ": " + text).isTrue();
    assertThat(SmsText.segments(text)).as(kind + ": " + text).isLessThanOrEqualTo(2);
  }
}
