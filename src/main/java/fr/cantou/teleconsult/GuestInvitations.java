package fr.cantou.teleconsult;

import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.notify.MailMessage;
import fr.cantou.notify.Senders;
import fr.cantou.notify.SmsMessage;
import fr.cantou.notify.SmsText;
import fr.cantou.platform.text.QuotedText;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/** A guest's invitation as she receives it, by mail or SMS, in French: who invites her, as whom, and her link. */
final class GuestInvitations {
  private static final Logger LOG = LoggerFactory.getLogger(GuestInvitations.class);
  /** Her role as the mail says it ("comme …"). */
  private static final Map<String, String> ROLE_FR_AS = Map.of("interpreter", "interprète", "family", "membre de la famille",
      "gp", "médecin traitant du résident");

  private final Senders senders;

  GuestInvitations(Senders senders) {
    this.senders = senders;
  }

  /**
   * Sent once the invitation has committed; a failure (no SMTP answer, the SMS provider down) is
   * told in the answer ({@code sent: false}) and the log, the invitation stays: the one who invited
   * removes it and invites again, or reads the link out on the phone.
   */
  Future<Boolean> send(Teleconsultation item, Principal by, String name, String role, boolean bySms, String to,
                               String link) {
    String who = by.displayName() + (by.is(Role.DOCTOR) ? " (médecin, pour " : " (équipe soignante, ") + item.organisationName() + ")";
    Future<Void> sending = bySms
        ? senders.sms().send(new SmsMessage(to, SmsText.gsm("Cantou : " + by.displayName() + " vous invite à une "
            + "téléconsultation (" + item.organisationName() + "). Lien valable pendant l'appel : " + link)))
        : senders.mailer().send(new MailMessage(to, "Invitation à une téléconsultation – " + item.organisationName(),
            QuotedText.GREETING + who + " vous invite à rejoindre une téléconsultation en vidéo, comme "
                + ROLE_FR_AS.getOrDefault(role, role) + ".\n\n" + QuotedText.line("Invitation au nom de", name) + "\n"
                + "Ce lien ne vaut que pour cet appel, pendant qu'il a lieu ; il est personnel, ne le transmettez pas :\n"
                + link + "\n\n"
                + "La page vous permet d'essayer votre micro et votre caméra avant d'entrer. Si l'appel n'a pas encore "
                + "commencé, elle vous le dit et vous laisse entrer dès qu'il commence.\n\n"
                + "Vous n'attendiez pas ce message ? Ignorez-le.\n\nCantou", null));
    return sending.map(true).recover(e -> {
      LOG.warn("event=guest_invitation_not_sent channel={} item={} reason=\"{}\"", bySms ? "sms" : "mail", item.id(),
          String.valueOf(e.getMessage()));
      return Future.succeededFuture(false);
    });
  }
}
