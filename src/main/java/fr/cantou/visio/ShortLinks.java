package fr.cantou.visio;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.util.Locale;
import java.util.UUID;

/**
 * Where the short link of an SMS ({@code /r/REFERENCE.code}) leads, always a path of this site:
 * an appointment's manage page with its token after '#'; an offer of the waiting list (the slot
 * held for her) to her place on the list, where she takes it, lets it go or leaves; anything else
 * (a wrong code, a renewed or expired link, an offer gone) to the manage page's "lost link" form.
 */
final class ShortLinks {
  static final String LOST = BookingPage.MANAGE + "#lien-perdu";

  private final Pool pool;
  private final AppointmentService appointments;
  private final WaitingListStore waiting;
  private final ManageTokens tokens;

  ShortLinks(Pool pool, AppointmentService appointments, WaitingListStore waiting, ManageTokens tokens) {
    this.pool = pool;
    this.appointments = appointments;
    this.waiting = waiting;
    this.tokens = tokens;
  }

  Future<String> target(String link) {
    int dot = link == null ? -1 : link.lastIndexOf('.');
    if (dot <= 0 || link.length() > 80) {
      return Future.succeededFuture(LOST);
    }
    String code = link.substring(dot + 1);
    return appointments.byReference(link.substring(0, dot).toUpperCase(Locale.ROOT)).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(LOST);
      }
      Appointment a = found.get();
      UUID id = UUID.fromString(a.id());
      if (!tokens.opensShort(code, id, a.manageTokenVersion(), a.end().toInstant())) {
        return Future.succeededFuture(LOST);
      }
      if (!"offered".equals(a.status())) {
        return Future.succeededFuture(BookingPage.manageLink(tokens.issue(a)));
      }
      return waiting.entryOfOffer(pool, id)
          .map(entry -> entry.map(e -> "/liste-attente.html#" + tokens.issueWaiting(e)).orElse(LOST));
    });
  }
}
