package fr.cantou.visio;

import fr.cantou.identity.AccountMails;
import fr.cantou.identity.PasswordLinks;
import fr.cantou.notify.MailMessage;
import fr.cantou.platform.text.DateWords;
import fr.cantou.platform.text.QuotedText;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.net.URI;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * A staff member's mails about her own account, on the queue's channel {@link MailStore#ACCOUNT}: queued in the
 * transaction of the change ({@link AccountMails}), composed and sent by the mail job with its retries. The queue is
 * visio's, the one the project has; identity, below the flows, knows only the interface.
 *
 * <p>Such a mail never holds a password or a link that signs in: one who reads her mailbox learns that the password
 * changed, and when; the one exception is the link to choose a new one, which she asked for (her mailbox is the proof),
 * valid an hour and once.
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

  @Override
  public Future<Void> passwordLink(SqlClient tx, UUID userId, UUID linkId, Instant at) {
    return store.scheduleAccountLink(tx, userId, PASSWORD_LINK, linkId, at);
  }

  @Override
  public Future<Integer> forgetEnded(SqlClient db, Instant before, int batch) {
    return store.forgetAccountMails(db, before, batch);
  }

  /**
   * The mail of {@code kind} to {@code to}, its times in her organisation's zone, else {@code defaultZone}; a link's
   * token made now ({@link PasswordLinks#issue}). Empty when it has nothing to tell any more: its link spent, void or
   * expired, or her account deactivated, since it was asked for.
   */
  static Future<Optional<MailMessage>> compose(SqlClient db, String kind, MailStore.AccountMail to, ZoneId defaultZone,
                                               URI site, Instant now) {
    ZoneId zone = ZoneId.of(to.zone() == null ? defaultZone.getId() : to.zone());
    return switch (kind) {
      case PASSWORD_CHANGED -> Future.succeededFuture(Optional.of(changed(to, zone)));
      case PASSWORD_LINK -> PasswordLinks.issue(db, to.linkId(), now)
          .map(issued -> issued.map(link -> link(to.email(), zone, site, link)));
      default -> Future.failedFuture(new IllegalArgumentException(kind));
    };
  }

  private static String when(Instant at, ZoneId zone) {
    return DateWords.dayAndTimeWithYear(at.atZone(zone), Locale.FRENCH) + VisioMails.zoneWords(zone.getId());
  }

  private static MailMessage changed(MailStore.AccountMail to, ZoneId zone) {
    return new MailMessage(to.email(), "Le mot de passe de votre compte Cantou a été changé",
        QuotedText.GREETING
            + "Le mot de passe de votre compte Cantou a été changé le " + when(to.changedAt(), zone) + ".\n"
            + "Les sessions ouvertes avant ce changement ont été fermées, sur tous les appareils.\n\n"
            + "C'est vous ? Vous n'avez rien à faire.\n\n"
            + "Ce n'est pas vous ? Prévenez tout de suite votre administrateur Cantou (le département) : quelqu'un "
            + "d'autre a peut-être utilisé votre session ou connaît votre mot de passe.\n\n"
            + "Ce message ne contient ni mot de passe ni lien de connexion, et Cantou ne vous demandera jamais votre "
            + "mot de passe par e-mail.\n\nCantou\n", null);
  }

  /**
   * The link puts its token in the fragment (after #): a browser sends it to no server, so it is in no access log, no
   * proxy's and no Referer; the page reads it and takes it out of the address bar at once.
   */
  private static MailMessage link(String email, ZoneId zone, URI site, PasswordLinks.Issued link) {
    String url = site.toString().replaceAll("/$", "") + "/nouveau-mot-de-passe.html#" + link.token();
    String subject = switch (link.purpose()) {
      case PasswordLinks.INVITATION -> "Votre compte Cantou : choisissez votre mot de passe";
      case PasswordLinks.BY_ADMIN -> "Choisir votre mot de passe Cantou";
      default -> "Choisir un nouveau mot de passe Cantou";
    };
    String why = switch (link.purpose()) {
      case PasswordLinks.INVITATION -> "Un compte Cantou vient d'être ouvert pour vous par l'administrateur de Cantou (le "
          + "département). Pour commencer, choisissez votre mot de passe : lui-même ne le connaîtra pas.\n\n";
      case PasswordLinks.BY_ADMIN -> "L'administrateur de Cantou (le département) vous envoie un lien pour choisir le mot "
          + "de passe de votre compte Cantou : lui-même ne le connaîtra pas.\n\n";
      default -> "Quelqu'un, sans doute vous, a demandé à choisir un nouveau mot de passe pour votre compte Cantou.\n\n";
    };
    return new MailMessage(email, subject,
        QuotedText.GREETING + why
            + "Pour le choisir, ouvrez ce lien :\n" + url + "\n\n"
            + "Il sert une seule fois, jusqu'au " + when(link.expiresAt(), zone) + ". Passé ce délai, demandez-en un "
            + "nouveau depuis la page de connexion (« Mot de passe oublié ? »).\n\n"
            + (PasswordLinks.INVITATION.equals(link.purpose())
                ? "Vous ne vous attendiez pas à ce message ? Ignorez-le : sans ce lien, personne ne peut utiliser ce compte. "
                : "Vous n'avez rien demandé ? Ignorez ce message : votre mot de passe n'a pas changé, et personne ne peut le "
                    + "changer sans ce lien. ")
            + "Ne le transférez à personne.\n\n"
            + "Cantou ne vous demandera jamais votre mot de passe par e-mail.\n\nCantou\n", null);
  }
}
