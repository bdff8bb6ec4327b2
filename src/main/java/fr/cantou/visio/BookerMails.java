package fr.cantou.visio;

import fr.cantou.notify.MailMessage;
import fr.cantou.platform.text.DateWords;
import fr.cantou.platform.text.QuotedText;

import java.net.URI;
import java.util.Locale;

/**
 * The mail to the mediator who booked for someone with neither phone nor e-mail, when her administration cancelled or
 * moved that appointment ({@link MailSchedule#toBooker}): nothing else reaches her, and she may travel to a France
 * Services house for nothing. It says what changed, asks him to tell her, and gives his page.
 */
final class BookerMails {
  private final String site;

  BookerMails(URI publicUrl) {
    this.site = publicUrl.toString().replaceAll("/$", "");
  }

  MailMessage compose(String kind, Appointment a, String address) {
    String when = DateWords.dayAndTimeWithYear(a.start(), Locale.FRENCH);
    String where = VisioMails.place(a, "en visio, depuis chez elle");
    String subject;
    StringBuilder text = new StringBuilder(QuotedText.GREETING);
    switch (kind) {
      case "cancellation" -> {
        subject = a.administration() + " a annulé le rendez-vous " + a.reference() + " du " + when;
        text.append(a.administration()).append(" a annulé un rendez-vous que vous avez pris pour une personne qui n'a ")
            .append("donné ni téléphone ni adresse e-mail : elle ne peut l'apprendre que par vous. Prévenez-la pour ")
            .append(a.pointName() == null ? "qu'elle ne l'attende pas pour rien.\n\n" : "qu'elle ne se déplace pas pour rien.\n\n");
      }
      case "change" -> {
        subject = a.administration() + " a déplacé le rendez-vous " + a.reference() + " au " + when;
        text.append(a.administration()).append(" a déplacé un rendez-vous que vous avez pris pour une personne qui n'a ")
            .append("donné ni téléphone ni adresse e-mail : elle ne peut l'apprendre que par vous. Prévenez-la de la ")
            .append("nouvelle date : sa convocation porte l'ancienne (son lien, lui, reste le même).\n\n");
      }
      default -> throw new IllegalArgumentException(kind);
    }
    if (a.citizen() != null && a.citizen().name() != null) {
      text.append(QuotedText.line("Nom indiqué", a.citizen().name()));
    }
    text.append("Service : ").append(a.serviceName()).append(" (").append(a.administration()).append(")\n")
        .append("cancellation".equals(kind) ? "Date prévue : " : "Nouvelle date : ").append(when)
        .append(VisioMails.zoneWords(a.timeZone())).append('\n')
        .append("Lieu : ").append(where).append('\n')
        .append("Référence : ").append(a.reference()).append("\n\n")
        .append("cancellation".equals(kind) ? "Vous pouvez lui prendre un autre rendez-vous depuis votre page :\n"
            : "Le rendez-vous est à jour sur votre page :\n")
        .append(site).append("/mediateur.html\n\nCantou — visio-accueil\n");
    return new MailMessage(address, subject, text.toString(), null);
  }
}
