package fr.cantou.realtime;

import fr.cantou.platform.Futures;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.time.Clock;
import java.time.Duration;

/**
 * Keeps the outbox from growing for ever: deletes events older than the retention, a small
 * batch per short transaction (a long one would hold every node's delivery back, since
 * readers wait for the oldest open transaction), a bounded number of batches per run.
 */
public final class EventRetention {
  static final int BATCH = 1_000;
  private static final int MAX_BATCHES_PER_RUN = 50;

  private final Pool pool;
  private final EventStore store;
  private final Clock clock;
  private final Duration retention;

  public EventRetention(Pool pool, EventStore store, Clock clock, Duration retention) {
    this.pool = pool;
    this.store = store;
    this.clock = clock;
    this.retention = retention;
  }

  /** Returns how many events went. */
  public Future<Integer> run() {
    java.time.Instant before = clock.instant().minus(retention);
    return Futures.inBatches(() -> store.purgeBatch(pool, before, BATCH), BATCH, MAX_BATCHES_PER_RUN);
  }
}
