package fr.cantou.realtime;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Consumer;

/**
 * Follows the outbox on this node: LISTENs on the channel (one dedicated connection that
 * reconnects by itself) and, on each notification, reads every event after the last one it
 * dispatched, in id order. Notifications only say "look"; the table is the truth, so a lost
 * notification is caught up at the next one, at a reconnect, or by the periodic safety net.
 */
public final class EventListener {
  private static final Logger LOG = LoggerFactory.getLogger(EventListener.class);
  private static final int BATCH = 500;
  private static final long SAFETY_NET_MS = 5_000;

  private final Vertx vertx;
  private final Pool pool;
  private final EventStore store;
  private final List<Consumer<EventRecord>> sinks;
  private final PgSubscriber subscriber;
  private long lastDispatched;
  private boolean reading;
  private boolean readAgain;
  private long timer = -1;
  /** Every callback runs on this one context, so the fields above need no locking. */
  private io.vertx.core.Context context;

  public EventListener(Vertx vertx, Pool pool, PgConnectOptions connectOptions, EventStore store,
                       List<Consumer<EventRecord>> sinks) {
    this.vertx = vertx;
    this.pool = pool;
    this.store = store;
    this.sinks = List.copyOf(sinks);
    this.subscriber = PgSubscriber.subscriber(vertx, connectOptions)
        .reconnectPolicy(attempt -> Math.min(5_000L, 200L * (attempt + 1)));
  }

  /** Starts after the newest event: what happened before this node started is not pushed. */
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    return store.latestId(pool).compose(latest -> {
      lastDispatched = latest;
      subscriber.channel(EventOutbox.CHANNEL)
          .subscribeHandler(v -> context.runOnContext(x -> poll()))
          .handler(payload -> context.runOnContext(x -> poll()));
      timer = vertx.setPeriodic(SAFETY_NET_MS, id -> context.runOnContext(x -> poll()));
      return subscriber.connect();
    }).onSuccess(v -> LOG.info("event=listening channel={} after={}", EventOutbox.CHANNEL, lastDispatched));
  }

  public long lastDispatched() {
    return lastDispatched;
  }

  /** Coalesces bursts: one read at a time, and one more if notified meanwhile. */
  void poll() {
    if (reading) {
      readAgain = true;
      return;
    }
    reading = true;
    readAgain = false;
    store.after(pool, lastDispatched, BATCH)
        .onSuccess(this::dispatch)
        .onFailure(e -> LOG.warn("event=outbox_read_failed reason=\"{}\"", e.getMessage()))
        .onComplete(ar -> {
          reading = false;
          boolean full = ar.succeeded() && ar.result().size() == BATCH;
          if (readAgain || full) {
            poll();
          }
        });
  }

  private void dispatch(List<EventRecord> events) {
    for (EventRecord event : events) {
      if (event.id() > lastDispatched) {
        lastDispatched = event.id();
        // Each sink gets every event, whatever another one did with it.
        for (Consumer<EventRecord> sink : sinks) {
          try {
            sink.accept(event);
          } catch (RuntimeException e) {
            LOG.error("event=dispatch_failed id={} kind={}", event.id(), event.kind(), e);
          }
        }
      }
    }
  }

  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return subscriber.close();
  }
}
