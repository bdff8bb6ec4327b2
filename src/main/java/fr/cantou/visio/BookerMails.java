package fr.cantou.visio;

import fr.cantou.notify.MailMessage;
import fr.cantou.platform.text.DateWords;
import fr.cantou.platform.text.QuotedText;

import java.net.URI;
import java.time.Instant;
import java.util.Locale;

/**
 * The mail to the mediator who booked for someone with neither phone nor e-mail ({@link MailSchedule#toBooker}). When
 * her administration cancelled or moved that appointment, nothing else reaches her, and she may travel to a France
 * Services house for nothing: it says what changed and asks him to tell her. When she did it herself with her
 * convocation's link, he was to be beside her at the old time: it tells him. Each gives his page.
 */
final class BookerMails {
  private final String site;

  BookerMails(URI publicUrl) {
    this.site = publicUrl.toString().replaceAll("/$", "");
  }

  /** {@code previousStart}: for a change, the start he last heard of (null for messages before it was kept). */
  MailMessage compose(String kind, Appointment a, String address, Instant previousStart) {
    String when = DateWords.dayAndTimeWithYear(a.start(), Locale.FRENCH);
    String where = VisioMails.place(a, "en visio, depuis chez elle");
    boolean byHer = kind.endsWith(MailSchedule.BY_HER);
    boolean cancelled = switch (byHer ? kind.substring(0, kind.length() - MailSchedule.BY_HER.length()) : kind) {
      case "cancellation" -> true;
      case "change" -> false;
      default -> throw new IllegalArgumentException(kind);
    };
    String subject;
    StringBuilder text = new StringBuilder(QuotedText.GREETING);
    if (byHer) {
      subject = (cancelled ? "Rendez-vous " + a.reference() + " du " + when + " annulé"
          : "Rendez-vous " + a.reference() + " déplacé au " + when) + " par la personne elle-même";
      text.append("La personne pour qui vous avez pris ce rendez-vous l'a ").append(cancelled ? "annulé" : "déplacé")
          .append(" elle-même, avec le lien de sa convocation.")
          .append(cancelled ? " Si vous deviez être à ses côtés, vous n'avez plus à l'être.\n\n"
              : " Si vous deviez être à ses côtés, notez la nouvelle date.\n\n");
    } else if (cancelled) {
      subject = a.administration() + " a annulé le rendez-vous " + a.reference() + " du " + when;
      text.append(a.administration()).append(" a annulé un rendez-vous que vous avez pris pour une personne qui n'a ")
          .append("donné ni téléphone ni adresse e-mail : elle ne peut l'apprendre que par vous. Prévenez-la pour ")
          .append(a.pointName() == null ? "qu'elle ne l'attende pas pour rien.\n\n" : "qu'elle ne se déplace pas pour rien.\n\n");
    } else {
      subject = a.administration() + " a déplacé le rendez-vous " + a.reference() + " au " + when;
      text.append(a.administration()).append(" a déplacé un rendez-vous que vous avez pris pour une personne qui n'a ")
          .append("donné ni téléphone ni adresse e-mail : elle ne peut l'apprendre que par vous. Prévenez-la de la ")
          .append("nouvelle date : sa convocation porte l'ancienne (son lien, lui, reste le même).\n\n");
    }
    if (a.citizen() != null && a.citizen().name() != null) {
      text.append(QuotedText.line("Nom indiqué", a.citizen().name()));
    }
    text.append("Service : ").append(a.serviceName()).append(" (").append(a.administration()).append(")\n")
        .append(cancelled ? "Date prévue : " : "Nouvelle date : ").append(when)
        .append(VisioMails.zoneWords(a.timeZone())).append('\n');
    if (!cancelled && previousStart != null) {
      // The date on her printed convocation, by which he knows which of his bookings it is.
      text.append("Ancienne date, qui n'est plus valable : ").append(VisioMails.dayAndTimeOf(previousStart, a)).append('\n');
    }
    text.append("Lieu : ").append(where).append('\n')
        .append("Référence : ").append(a.reference()).append("\n\n")
        .append(cancelled ? "Vous pouvez lui prendre un autre rendez-vous depuis votre page :\n"
            : "Le rendez-vous est à jour sur votre page :\n")
        .append(site).append("/mediateur.html\n\nCantou — visio-accueil\n");
    return new MailMessage(address, subject, text.toString(), null);
  }
}
