package fr.cantou.realtime;

import java.time.Clock;

/**
 * Ends a socket when its token stops holding (code 4401). An access token ends at its
 * {@code exp}: the page refreshes its token and resumes with {@code since}. A manage token ends
 * when its appointment's links stop being valid ({@code visio.manageLinkDaysAfterEnd} after the
 * appointment's end, moved with the appointment), by the node's clock.
 * <p>
 * No timer per socket: each event loop sweeps its own sockets every {@link #SWEEP_MILLIS}
 * ({@link LocalSessions#sweep}), reading each clock once, so a socket closes within that time after
 * its end and never before it, whatever its clock did meanwhile (a node clock moved ahead, as
 * tests move it, ends the links it passed at the next sweep). A socket keeps one long and, for a
 * manage token, its link; a timer per socket cost about 200 bytes of heap each (docs/benchmarks.md).
 */
final class TokenExpiry {
  /** How often each loop looks for ended tokens: the most a socket outlives its token by. */
  static final long SWEEP_MILLIS = 1_000;
  /** The clock access tokens are verified by (Vert.x JWT: the system clock). */
  private final Clock clock;
  /** The clock manage links are checked by (the node's). */
  private final Clock linkClock;

  TokenExpiry(Clock clock, Clock linkClock) {
    this.clock = clock;
    this.linkClock = linkClock;
  }

  /** Call on the session's context, once its viewer is set. */
  void watch(ClientSession session, Identified who) {
    if (who.expiresAt() != null) {
      session.expiresAtMillis = who.expiresAt().toEpochMilli();
    }
    if (who.link() != null) {
      linkChanged(session, who.link());
    }
  }

  /** The socket's manage link is valid until another time (its appointment moved); on its context. */
  void linkChanged(ClientSession session, Identified.Link link) {
    session.link = link;
  }

  /** Closes, among one loop's sockets (on that loop), those whose token or link has ended. */
  void sweep(Iterable<ClientSession> sessions) {
    long now = clock.millis();
    long linkNow = linkClock.millis();
    for (ClientSession session : sessions) {
      String ended = now >= session.expiresAtMillis ? "access token expired"
          : session.link != null && linkNow >= session.link.validUntil().toEpochMilli() ? "manage link expired" : null;
      if (ended != null) {
        // Closed once; sent nothing from now on, though it stays in its loop's set until the peer answers the close.
        session.expiresAtMillis = Long.MAX_VALUE;
        session.link = null;
        session.end(ClientSession.CLOSE_UNAUTHORIZED, ended);
      }
    }
  }
}
