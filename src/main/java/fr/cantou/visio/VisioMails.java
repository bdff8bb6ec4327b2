package fr.cantou.visio;

import fr.cantou.notify.CalendarInvite;
import fr.cantou.notify.MailMessage;

import java.net.URI;
import fr.cantou.platform.text.DateWords;
import fr.cantou.platform.text.QuotedText;
import java.time.Instant;
import java.util.Locale;

/** The citizen's mails, in plain French: what, when, where, what to bring, and the link to manage it. */
final class VisioMails {

  private final URI publicUrl;
  private final URI organizer;
  private final java.time.Duration joinOpensBefore;

  VisioMails(URI publicUrl, String from, java.time.Duration joinOpensBefore) {
    this.publicUrl = publicUrl;
    this.joinOpensBefore = joinOpensBefore;
    // "Cantou <ne-pas-repondre@…>" → mailto:ne-pas-repondre@…
    String address = from.contains("<") ? from.substring(from.indexOf('<') + 1, from.indexOf('>')) : from.trim();
    this.organizer = URI.create("mailto:" + address);
  }

  /** The citizen's page for this appointment; without a token (staff's copies), the sign-in page. */
  URI manageLink(String manageToken) {
    String site = publicUrl.toString().replaceAll("/$", "");
    return URI.create(manageToken == null ? site + "/connexion.html" : site + BookingPage.manageLink(manageToken));
  }

  /** {@code previousStart}: for a change, the start she last heard of (null for messages before it was kept). */
  MailMessage compose(String kind, Appointment a, VisioRecords.Service service, String manageToken, Instant previousStart) {
    String when = DateWords.dayAndTimeWithYear(a.start(), Locale.FRENCH);
    String before = previousStart == null || !"change".equals(kind) ? null : dayAndTimeOf(previousStart, a);
    String where = place(a, "en visio, depuis chez vous");
    URI link = manageLink(manageToken);
    StringBuilder text = new StringBuilder(QuotedText.GREETING);
    String subject;
    boolean calendar = true;
    switch (kind) {
      case "confirmation" -> {
        subject = "Votre rendez-vous " + a.administration() + " du " + when + " est confirmé";
        text.append("Votre rendez-vous en visio avec ").append(a.administration()).append(" est confirmé.\n\n");
      }
      case "change" -> {
        subject = "Votre rendez-vous " + a.administration() + " a changé : " + when;
        text.append(before == null ? "Votre rendez-vous a été déplacé. Voici la nouvelle date.\n\n"
            : "Votre rendez-vous du " + before + " a été déplacé. Voici la nouvelle date.\n\n");
      }
      case "reminder_24h" -> {
        subject = "Rappel : rendez-vous " + a.administration() + " demain, " + when;
        text.append("Nous vous rappelons votre rendez-vous de demain.\n\n");
        calendar = false;
      }
      case "reminder_1h" -> {
        subject = "Rappel : rendez-vous " + a.administration() + " dans une heure";
        text.append("Votre rendez-vous commence dans une heure. ").append(roomOpens(joinOpensBefore)).append(".\n\n");
        calendar = false;
      }
      case "cancellation" -> {
        subject = "Votre rendez-vous " + a.administration() + " du " + when + " est annulé";
        text.append("Votre rendez-vous a été annulé. Vous pouvez en prendre un autre quand vous le souhaitez.\n\n");
      }
      case "new_link" -> {
        subject = "Votre nouveau lien pour le rendez-vous " + a.administration() + " du " + when;
        text.append("Voici un nouveau lien pour votre rendez-vous : l'ancien ne fonctionne plus.\n\n");
        calendar = false;
      }
      default -> throw new IllegalArgumentException(kind);
    }
    // Her name as data, not in a sentence: what she typed never reads as the administration's words.
    text.append(QuotedText.line("Nom indiqué", a.citizen().name()))
        .append("Service : ").append(a.serviceName()).append('\n')
        .append(before == null ? "Date : " : "Nouvelle date : ").append(when).append(zoneWords(a.timeZone())).append('\n');
    if (before != null) {
      text.append("Ancienne date, qui n'est plus valable : ").append(before).append('\n');
    }
    text.append("Lieu : ").append(where).append('\n')
        .append("Référence : ").append(a.reference()).append("\n\n");
    if (!"cancellation".equals(kind) && !service.documents().isEmpty()) {
      text.append("Pièces à apporter :\n");
      service.documents().forEach(d -> text.append("  - ").append(d).append('\n'));
      text.append('\n');
    }
    if (!"cancellation".equals(kind)) {
      text.append("Pour rejoindre la visio, changer ou annuler votre rendez-vous, ouvrez ce lien :\n")
          .append(link).append("\n\n")
          .append("Gardez ce lien pour vous : il donne accès à votre rendez-vous.\n\n");
    }
    text.append("Besoin d'aide ? Un conseiller France Services peut vous accompagner.\n\nCantou — visio-accueil\n");
    byte[] ics = calendar ? invite(a, kind, manageToken) : null;
    return new MailMessage(a.citizen().email(), subject, text.toString(), ics);
  }

  /** Where the appointment is held, as the mails say it; {@code fromHome} when it is held from home. */
  static String place(Appointment a, String fromHome) {
    return a.pointName() == null ? fromHome : "au point visio-accueil « " + a.pointName() + " », " + a.pointCommune();
  }

  /** A moment of an appointment's life as the mails say it, in its zone: "mardi 1er décembre 2026 à 10 h". */
  static String dayAndTimeOf(Instant at, Appointment a) {
    return DateWords.dayAndTimeWithYear(at.atZone(java.time.ZoneId.of(a.timeZone())), Locale.FRENCH);
  }

  /** The time zone its times are given in, as the mails say it: " (heure de Paris)". */
  static String zoneWords(String zone) {
    return " (heure de " + (zone.equals("Europe/Paris") ? "Paris" : zone) + ")";
  }

  /** When the room opens, as every message says it (visio.joinOpensMinutesBefore). */
  static String roomOpens(java.time.Duration before) {
    long minutes = before.toMinutes();
    return minutes == 0 ? "La salle ouvre à l'heure du rendez-vous"
        : "La salle ouvre " + minutes + (minutes == 1 ? " minute" : " minutes") + " avant";
  }

  /** The calendar file of the appointment (a later kind replaces an earlier one in the citizen's calendar). */
  byte[] invite(Appointment a, String kind, String manageToken) {
    URI link = manageLink(manageToken);
    java.time.ZoneId zone = java.time.ZoneId.of(a.timeZone());
    String where = a.pointName() == null ? "Visio" : a.pointName() + ", " + a.pointCommune();
    return CalendarInvite.of(new CalendarInvite.Event(a.id() + "@cantou", sequence(kind),
        a.start().atZoneSameInstant(zone), a.end().atZoneSameInstant(zone),
        "Rendez-vous " + a.administration() + " — " + a.serviceName(),
        "Référence " + a.reference() + ". Rejoindre ou gérer : " + link, where, link,
        "cancellation".equals(kind), organizer));
  }

  /** A later version of the same event replaces the earlier one in the citizen's calendar. */
  private static int sequence(String kind) {
    return switch (kind) {
      case "change" -> 1;
      case "cancellation" -> 2;
      default -> 0;
    };
  }
}
