package fr.cantou.realtime;

import io.vertx.core.Vertx;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Ends a socket when its token stops holding (code 4401). An access token ends at its
 * {@code exp}: the page refreshes its token and resumes with {@code since}. A manage token ends
 * when its appointment's links stop being valid ({@code visio.manageLinkDaysAfterEnd} after the
 * appointment's end, moved with the appointment), by the node's clock. The delay is computed from
 * the clock the token was checked by, and checked again when the timer fires, so a timer that
 * fires early (or a clock moved back) waits again; the heartbeat checks the links' end too, so
 * that a node's clock moved ahead (as tests move it) ends them as well.
 */
final class TokenExpiry {
  private final Vertx vertx;
  /** The clock access tokens are verified by (Vert.x JWT: the system clock). */
  private final Clock clock;
  /** The clock manage links are checked by (the node's). */
  private final Clock linkClock;

  TokenExpiry(Vertx vertx, Clock clock, Clock linkClock) {
    this.vertx = vertx;
    this.clock = clock;
    this.linkClock = linkClock;
  }

  /** Call on the session's context, once its viewer is set. */
  void watch(ClientSession session, Identified who) {
    if (who.expiresAt() != null) {
      session.expiryTimer = schedule(session, clock, who.expiresAt(), "access token expired");
    }
    if (who.link() != null) {
      linkChanged(session, who.link());
    }
  }

  /** The socket's manage link is valid until another time (its appointment moved); on its context. */
  void linkChanged(ClientSession session, Identified.Link link) {
    cancelLink(session);
    session.link = link;
    session.linkTimer = schedule(session, linkClock, link.validUntil(), "manage link expired");
  }

  /** At every heartbeat, on the session's context: a link whose end the node's clock has passed closes its socket. */
  void check(ClientSession session) {
    Identified.Link link = session.link;
    if (link != null && !linkClock.instant().isBefore(link.validUntil())) {
      session.socket.close(ClientSession.CLOSE_UNAUTHORIZED, "manage link expired");
    }
  }

  private long schedule(ClientSession session, Clock by, Instant end, String reason) {
    if (session.socket.isClosed()) {
      return -1;
    }
    long delay = Math.max(1, Duration.between(by.instant(), end).toMillis());
    return vertx.setTimer(delay, id -> {
      if (by.instant().isBefore(end)) {
        long again = schedule(session, by, end, reason);
        if (by == linkClock) {
          session.linkTimer = again;
        } else {
          session.expiryTimer = again;
        }
      } else {
        session.socket.close(ClientSession.CLOSE_UNAUTHORIZED, reason);
      }
    });
  }

  void cancel(ClientSession session) {
    if (session.expiryTimer >= 0) {
      vertx.cancelTimer(session.expiryTimer);
    }
    cancelLink(session);
  }

  private void cancelLink(ClientSession session) {
    if (session.linkTimer >= 0) {
      vertx.cancelTimer(session.linkTimer);
      session.linkTimer = -1;
    }
  }
}
