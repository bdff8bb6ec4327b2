package fr.cantou.visio;

import fr.cantou.notify.MailMessage;
import fr.cantou.platform.Platform;
import io.vertx.core.Future;

import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;
import fr.cantou.platform.text.DateWords;
import fr.cantou.platform.text.QuotedText;
import java.util.Locale;
import java.util.UUID;

/**
 * The mail of an offer from the waiting list, in plain French: what is held, until when, the
 * link to take it or leave it to the next person, and the link to leave the list (every message
 * of the waiting list carries it). {@link #text} is the message without its greeting and
 * signature: what a short channel (SMS) would send.
 */
final class OfferMails {

  private final Platform platform;
  private final WaitingListStore store;
  private final ManageTokens tokens;
  private final String site;

  OfferMails(Platform platform, WaitingListStore store, ManageTokens tokens, URI publicUrl) {
    this.platform = platform;
    this.store = store;
    this.tokens = tokens;
    this.site = publicUrl.toString().replaceAll("/$", "");
  }

  /** Her page on the waiting list: the offer, take or decline, leave. */
  String link(String token) {
    return site + "/liste-attente.html#" + token;
  }

  /** The same page, opened on "Ne plus être sur la liste d'attente". */
  String leaveLink(String token) {
    return site + "/liste-attente.html?quitter=1#" + token;
  }

  Future<MailMessage> compose(Appointment a) {
    return store.entryOfOffer(platform.pool(), UUID.fromString(a.id()))
        .compose(entry -> entry.isEmpty() ? Future.failedFuture(new IllegalStateException("the offer was let go"))
            : store.view(platform.pool(), entry.get()).map(view -> {
              String token = tokens.issueWaiting(entry.get());
              WaitingListStore.Offer offer = view.orElseThrow().offer();
              String subject = "Une place s'est libérée : " + a.administration() + ", " + DateWords.dayAndTime(a.start(), Locale.FRENCH);
              String text = QuotedText.GREETING + QuotedText.line("Nom indiqué", a.citizen().name()) + "\n" + text(a, offer, token)
                  + "\nBesoin d'aide ? Un conseiller France Services peut vous accompagner.\n\nCantou — visio-accueil\n";
              return new MailMessage(a.citizen().email(), subject, text, null);
            }));
  }

  /** What the offer says, whatever the channel. */
  String text(Appointment a, WaitingListStore.Offer offer, String token) {
    ZoneId zone = ZoneId.of(a.timeZone());
    String where = VisioMails.place(a, "en visio, depuis chez vous");
    long minutes = minutesLeft(platform.clock().instant(), offer.expiresAt());
    return "Vous êtes sur la liste d'attente du service « " + a.serviceName() + " » (" + a.administration()
        + "). Une place s'est libérée et elle vous est réservée :\n\n"
        + "Date : " + DateWords.dayAndTime(a.start(), Locale.FRENCH) + VisioMails.zoneWords(zone.getId()) + "\n"
        + "Lieu : " + where + "\n\n"
        + "Pour la prendre, ouvrez ce lien avant " + DateWords.time(offer.expiresAt().atZone(zone), Locale.FRENCH) + " (dans "
        + Durations.inWords(minutes) + ") :\n" + link(token) + "\n\n"
        + "Si elle ne vous convient pas, vous pouvez la laisser à la personne suivante depuis ce même lien : "
        + "vous gardez votre place sur la liste. Sans réponse à temps, elle sera proposée à la personne suivante.\n\n"
        + "Ne plus être sur la liste d'attente : " + leaveLink(token) + "\n";
  }

  /** Whole minutes from now to then, rounded up (at least 1). */
  static long minutesLeft(java.time.Instant now, java.time.Instant then) {
    long seconds = Duration.between(now, then).getSeconds();
    return Math.max(1, (seconds + 59) / 60);
  }

  /** Minutes said as a person would. */
  static final class Durations {
    private Durations() {}

    static String inWords(long minutes) {
      long hours = minutes / 60;
      long rest = minutes % 60;
      String h = hours == 0 ? "" : hours + (hours == 1 ? " heure" : " heures");
      String m = rest == 0 ? "" : rest + (rest == 1 ? " minute" : " minutes");
      return h.isEmpty() ? m : m.isEmpty() ? h : h + " " + m;
    }
  }
}
