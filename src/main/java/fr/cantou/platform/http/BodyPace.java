package fr.cantou.platform.http;

import io.vertx.ext.web.RoutingContext;

import java.time.Duration;

/**
 * How slowly a streamed body (a photo, a document, a camera frame) may come: its deadline is {@code grace} after its
 * reading began, plus one second for each {@code minBytesPerSecond} received — Apache's mod_reqtimeout
 * ({@code body=grace,MinRate=rate}). Past its deadline the body is cut (408) and what it held is given back. The idle
 * timeout alone never fires for a sender that drips a byte before each of its ends, so a handful of such bodies held
 * the node's upload places for ever (review r21). What a slow line sent ahead counts: a 60 kbit/s line (7.5 kB/s)
 * sending over a floor of 1 kB/s earns 6.5 s of slack a second, and a stall late in a long upload is forgiven.
 */
public record BodyPace(Duration grace, long minBytesPerSecond) {
  private static final String KEY = "cantou.bodyPace";

  public BodyPace {
    if (grace.isNegative() || grace.isZero() || minBytesPerSecond < 1) {
      throw new IllegalArgumentException("a body pace needs a grace and a floor above zero");
    }
  }

  /** The moment (System.nanoTime's scale) a body whose reading began at {@code startNanos} must have sent more by. */
  long deadlineNanos(long startNanos, long received) {
    return startNanos + grace.toNanos() + Math.multiplyExact(received, 1_000_000_000L) / minBytesPerSecond;
  }

  static ApiException tooSlow() {
    return new ApiException(408, "The sending came too slowly and was stopped: check the connection and send it again.");
  }

  /** Set by {@link RequestBodies} on the requests whose body is streamed. */
  void attachTo(RoutingContext ctx) {
    ctx.put(KEY, this);
  }

  static BodyPace of(RoutingContext ctx) {
    BodyPace pace = ctx.get(KEY);
    if (pace == null) {
      throw new IllegalStateException("a streamed body is read behind RequestBodies, which sets its pace");
    }
    return pace;
  }
}
