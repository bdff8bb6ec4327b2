package fr.cantou.visio;

import fr.cantou.identity.AccountMails;
import fr.cantou.notify.MailMessage;
import fr.cantou.platform.text.DateWords;
import fr.cantou.platform.text.QuotedText;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.UUID;

/**
 * A staff member's mails about her own account, on the queue's channel {@link MailStore#ACCOUNT}: queued in the
 * transaction of the change ({@link AccountMails}), composed and sent by the mail job with its retries. The queue is
 * visio's, the one the project has; identity, below the flows, knows only the interface.
 *
 * <p>Such a mail never holds a password, a token or a link that signs in: one who reads her mailbox learns only that
 * the password changed, and when.
 */
public final class StaffAccountMails implements AccountMails {
  private final MailStore store;

  StaffAccountMails(MailStore store) {
    this.store = store;
  }

  @Override
  public Future<Void> passwordChanged(SqlClient tx, UUID userId, Instant at) {
    return store.scheduleAccountMail(tx, userId, PASSWORD_CHANGED, at);
  }

  /** The mail of {@code kind} to {@code to}, its times in her organisation's zone, else {@code defaultZone}. */
  static MailMessage compose(String kind, MailStore.AccountMail to, ZoneId defaultZone) {
    if (!PASSWORD_CHANGED.equals(kind)) {
      throw new IllegalArgumentException(kind);
    }
    String zone = to.zone() == null ? defaultZone.getId() : to.zone();
    String when = DateWords.dayAndTimeWithYear(to.changedAt().atZone(ZoneId.of(zone)), Locale.FRENCH)
        + VisioMails.zoneWords(zone);
    return new MailMessage(to.email(), "Le mot de passe de votre compte Cantou a été changé",
        QuotedText.GREETING
            + "Le mot de passe de votre compte Cantou a été changé le " + when + ".\n"
            + "Les sessions ouvertes avant ce changement ont été fermées, sur tous les appareils.\n\n"
            + "C'est vous ? Vous n'avez rien à faire.\n\n"
            + "Ce n'est pas vous ? Prévenez tout de suite votre administrateur Cantou (le département) : quelqu'un "
            + "d'autre a peut-être utilisé votre session ou connaît votre mot de passe.\n\n"
            + "Ce message ne contient ni mot de passe ni lien de connexion, et Cantou ne vous demandera jamais votre "
            + "mot de passe par e-mail.\n\nCantou\n", null);
  }
}
