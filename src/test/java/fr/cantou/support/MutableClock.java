package fr.cantou.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock the test moves by hand, to reach timeouts and escalations without waiting. */
public final class MutableClock extends Clock {
  private volatile Instant now;

  public MutableClock(Instant start) {
    this.now = start;
  }

  public static MutableClock startingNow() {
    return new MutableClock(Instant.now());
  }

  public void advance(Duration duration) {
    now = now.plus(duration);
  }

  public void set(Instant instant) {
    now = instant;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** This clock seen in another zone: the same instant, moved with it ("today" in Paris is Paris's date). */
  @Override
  public Clock withZone(ZoneId zone) {
    return new InZone(this, zone);
  }

  private static final class InZone extends Clock {
    private final MutableClock clock;
    private final ZoneId zone;

    InZone(MutableClock clock, ZoneId zone) {
      this.clock = clock;
      this.zone = zone;
    }

    @Override
    public Instant instant() {
      return clock.instant();
    }

    @Override
    public ZoneId getZone() {
      return zone;
    }

    @Override
    public Clock withZone(ZoneId other) {
      return new InZone(clock, other);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof InZone view && view.clock == clock && view.zone.equals(zone);
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(clock) * 31 + zone.hashCode();
    }
  }
}
