package fr.cantou.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** For what another node learns through the outbox: true within a few seconds, or the test fails. */
public final class Eventually {
  private static final Duration LIMIT = Duration.ofSeconds(10);

  private Eventually() {}

  public static void until(String what, BooleanSupplier condition) {
    until(what, LIMIT, condition);
  }

  /** For what takes longer by design (a timeout of the node's own): true within {@code limit}. */
  public static void until(String what, Duration limit, BooleanSupplier condition) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("still not true after " + limit.toSeconds() + " s: " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for: " + what, e);
      }
    }
  }
}
