package fr.cantou.visio;

import fr.cantou.notify.SmsText;

import java.net.URI;
import java.time.Duration;
import fr.cantou.platform.text.DateWords;
import java.util.List;
import java.util.Locale;

/**
 * The citizen's SMS, in plain French: what, when, where, the reference and a short link
 * ({@code /r/REFERENCE.code}) to join, change or cancel. Each stays within two segments in the
 * GSM 7-bit alphabet (306 characters): when a long service or place name would make it longer,
 * the service's name goes first, then the place is cut to its commune, then names are cut; the
 * reference and the link are always whole.
 */
final class VisioSms {
  static final int MAX_SEGMENTS = 2;

  private final String site;
  private final Duration joinOpensBefore;

  VisioSms(URI publicUrl, Duration joinOpensBefore) {
    this.site = publicUrl.toString().replaceAll("/$", "");
    this.joinOpensBefore = joinOpensBefore;
  }

  /** The short link of a manage link, for an SMS. */
  String shortLink(String reference, String code) {
    return site + "/r/" + reference + "." + code;
  }

  /** The text of an SMS of this kind, in the GSM alphabet where possible, within {@link #MAX_SEGMENTS}. */
  String compose(String kind, Appointment a, String link) {
    return compose(kind, a, link, null);
  }

  /** {@code heldUntil}: for an offer of the waiting list, until when the slot is held for her. */
  String compose(String kind, Appointment a, String link, java.time.Instant heldUntil) {
    String longest = null;
    for (Detail detail : List.of(Detail.ALL, Detail.NO_SERVICE, Detail.COMMUNE_ONLY)) {
      String text = SmsText.gsm(text(kind, a, link, heldUntil, detail, Integer.MAX_VALUE));
      if (SmsText.segments(text) <= MAX_SEGMENTS) {
        return text;
      }
      longest = text;
    }
    // Names so long that even the shortest wording is too long: cut them.
    for (int names = 40; names >= 10; names -= 10) {
      String text = SmsText.gsm(text(kind, a, link, heldUntil, Detail.COMMUNE_ONLY, names));
      if (SmsText.segments(text) <= MAX_SEGMENTS) {
        return text;
      }
      longest = text;
    }
    return longest;
  }

  private enum Detail { ALL, NO_SERVICE, COMMUNE_ONLY }

  private String text(String kind, Appointment a, String link, java.time.Instant heldUntil, Detail detail, int names) {
    String who = cut(a.administration(), names) + (detail == Detail.ALL ? " (" + cut(a.serviceName(), names) + ")" : "");
    String where = a.pointName() == null ? "en visio depuis chez vous"
        : detail == Detail.COMMUNE_ONLY ? "au point visio-accueil de " + cut(a.pointCommune(), names)
        : "au point visio-accueil " + cut(a.pointName(), names) + ", " + cut(a.pointCommune(), names);
    String when = DateWords.dayAndTime(a.start(), Locale.FRENCH);
    String ref = "Réf. " + a.reference() + ".";
    String opens = VisioMails.roomOpens(joinOpensBefore);
    return switch (kind) {
      case "confirmation" -> "Cantou : votre RDV " + who + " est confirmé le " + when + ", " + where + ". " + ref
          + " Pour le rejoindre, le changer ou l'annuler : " + link;
      case "change" -> "Cantou : votre RDV " + who + " est déplacé au " + when + ", " + where + ". " + ref
          + " Pour le rejoindre, le changer ou l'annuler : " + link;
      case "reminder_24h" -> "Cantou : rappel, RDV " + who + " demain, " + when + ", " + where + ". " + ref + " "
          + opens + " : " + link;
      case "reminder_1h" -> "Cantou : votre RDV " + who + " commence dans une heure, à " + DateWords.time(a.start(), Locale.FRENCH) + ", " + where
          + ". " + ref + " " + opens + " : " + link;
      case "cancellation" -> "Cantou : votre RDV " + who + " du " + when + " est annulé. " + ref
          + " Pour en prendre un autre : " + site + "/rendez-vous.html";
      case "new_link" -> "Cantou : voici le nouveau lien de votre RDV " + who + " du " + when
          + " (l'ancien ne marche plus). " + ref + " " + link;
      // The same link takes it, lets it go to the next person or leaves the list (every message of the list says how).
      case "offer" -> "Cantou, liste d'attente : une place s'est libérée pour vous, RDV " + who + " le " + when + ", " + where
          + ". Réservée jusqu'à " + DateWords.time(heldUntil.atZone(java.time.ZoneId.of(a.timeZone())), Locale.FRENCH) + ". La prendre, la laisser ou quitter"
          + " la liste : " + link;
      default -> throw new IllegalArgumentException(kind);
    };
  }

  /**
   * A name typed by an admin (service, administration, point, commune), on one line and in the
   * GSM alphabet, cut to {@code most} characters: a line break or a sign outside the alphabet
   * must neither shape the text like another message nor double its segments.
   */
  private static String cut(String typed, int most) {
    if (typed == null) {
      return null;
    }
    String name = SmsText.gsm(typed.replaceAll("\\s+", " ").strip()).chars()
        .mapToObj(c -> SmsText.isGsm(String.valueOf((char) c)) ? String.valueOf((char) c) : " ")
        .collect(java.util.stream.Collectors.joining()).replaceAll(" {2,}", " ").strip();
    return name.length() <= most ? name : name.substring(0, most - 1).trim() + ".";
  }
}
