package fr.cantou.realtime;

import io.vertx.core.Vertx;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Ends a socket when its access token expires (code 4401): the page refreshes its token and
 * resumes with {@code since}. The delay is computed from the clock the token was verified by,
 * and checked again when the timer fires, so a timer that fires early (or a clock moved back)
 * waits again.
 */
final class TokenExpiry {
  private final Vertx vertx;
  private final Clock clock;

  TokenExpiry(Vertx vertx, Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
  }

  /** Call on the session's context; {@code expiresAt} null (a manage token) means never. */
  void watch(ClientSession session, Instant expiresAt) {
    if (expiresAt == null || session.socket.isClosed()) {
      return;
    }
    long delay = Math.max(1, Duration.between(clock.instant(), expiresAt).toMillis());
    session.expiryTimer = vertx.setTimer(delay, id -> {
      if (clock.instant().isBefore(expiresAt)) {
        watch(session, expiresAt);
      } else {
        session.socket.close(ClientSession.CLOSE_UNAUTHORIZED, "access token expired");
      }
    });
  }

  void cancel(ClientSession session) {
    if (session.expiryTimer >= 0) {
      vertx.cancelTimer(session.expiryTimer);
    }
  }
}
