package fr.cantou.realtime;

/**
 * How many messages a client may send: a token bucket (a burst, then a steady rate). A page
 * sends a ping every 20 s and a call message when Jitsi says so; a flood (thousands of "call
 * left") is dropped instead of reaching the database. Touched on the socket's event loop only.
 */
final class MessageBudget {
  static final int BURST = 30;
  static final double PER_SECOND = 10;

  private double tokens = BURST;
  private long refilledAt;

  MessageBudget(long nowNanos) {
    this.refilledAt = nowNanos;
  }

  /** Takes one message's worth; false when the client is over its budget. */
  boolean take(long nowNanos) {
    tokens = Math.min(BURST, tokens + (nowNanos - refilledAt) / 1e9 * PER_SECOND);
    refilledAt = nowNanos;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
