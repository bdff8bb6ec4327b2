package fr.cantou.realtime;

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
    return purge(clock.instant().minus(retention), 0, 0);
  }

  private Future<Integer> purge(java.time.Instant before, int batches, int total) {
    return store.purgeBatch(pool, before, BATCH).compose(n -> n == BATCH && batches + 1 < MAX_BATCHES_PER_RUN
        ? purge(before, batches + 1, total + n) : Future.succeededFuture(total + n));
  }
}
