package fr.cantou.realtime;

/**
 * How many messages a client may send: a token bucket (a burst, then a steady rate). A page
 * sends a ping every 20 s and a call message when Jitsi says so; a flood (thousands of "call
 * left") is dropped instead of reaching the database. A socket's own budget is touched on its
 * event loop only; a person's, shared by her sockets, under {@link PersonBudgets}' lock.
 */
final class MessageBudget {
  static final int BURST = 30;
  static final double PER_SECOND = 10;

  private final int burst;
  private final double perSecond;
  private double tokens;
  private long refilledAt;

  MessageBudget(long nowNanos) {
    this(nowNanos, BURST, PER_SECOND);
  }

  MessageBudget(long nowNanos, int burst, double perSecond) {
    this.burst = burst;
    this.perSecond = perSecond;
    this.tokens = burst;
    this.refilledAt = nowNanos;
  }

  /** Takes one message's worth; false when the client is over its budget. */
  boolean take(long nowNanos) {
    refill(nowNanos);
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }

  /** Whether the bucket is full again: forgetting it changes nothing. */
  boolean full(long nowNanos) {
    refill(nowNanos);
    return tokens >= burst;
  }

  private void refill(long nowNanos) {
    tokens = Math.min(burst, tokens + (nowNanos - refilledAt) / 1e9 * perSecond);
    refilledAt = nowNanos;
  }
}
