package fr.cantou.platform.db;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Asks the database every {@link #PROBE_EVERY_MS} whether it answers (the question /ready
 * asks), and tells its listeners once when it stops answering and once when it is back, so
 * that the node's sockets can say so to the people in front of the pages. A busy pool is no
 * outage: a probe is judged only by a failure that means "unreachable" ({@link DatabaseUnavailable})
 * or by no answer within {@link #PROBE_TIMEOUT_MS}. Every field is touched on one context.
 */
public final class DatabaseWatch {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseWatch.class);
  /** A stopped database refuses at once: two probes in a row tell it within about 1 s. */
  static final long PROBE_EVERY_MS = 500;
  static final long PROBE_TIMEOUT_MS = 1_500;
  /**
   * Failed probes in a row before the sockets are told: one probe stuck behind a pool saturated
   * by a burst says nothing, and the pages would flash "perturbée" on and off with it.
   */
  static final int FAILURES_TO_TELL = 2;

  private final Vertx vertx;
  private final Pool pool;
  private final List<Consumer<Boolean>> listeners;
  private Context context;
  private boolean up = true;
  private boolean probing;
  private int failuresInARow;
  private long timer = -1;

  /** Each listener is told {@code false} when the database stops answering, {@code true} when it is back. */
  public DatabaseWatch(Vertx vertx, Pool pool, List<Consumer<Boolean>> listeners) {
    this.vertx = vertx;
    this.pool = pool;
    this.listeners = List.copyOf(listeners);
  }

  public void start() {
    context = vertx.getOrCreateContext();
    timer = vertx.setPeriodic(PROBE_EVERY_MS, id -> context.runOnContext(v -> probe()));
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void probe() {
    if (probing) {
      return;
    }
    probing = true;
    pool.query("SELECT 1").execute()
        .timeout(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onComplete(ar -> context.runOnContext(v -> {
          probing = false;
          if (ar.succeeded()) {
            failuresInARow = 0;
            changed(true);
          } else if (DatabaseUnavailable.is(ar.cause()) || ar.cause() instanceof java.util.concurrent.TimeoutException) {
            if (++failuresInARow >= FAILURES_TO_TELL) {
              changed(false);
            }
          }
        }));
  }

  private void changed(boolean nowUp) {
    if (nowUp == up) {
      return;
    }
    up = nowUp;
    LOG.warn("event={}", nowUp ? "database_back" : "database_unreachable");
    for (Consumer<Boolean> listener : listeners) {
      try {
        listener.accept(nowUp);
      } catch (RuntimeException e) {
        LOG.error("event=database_watch_listener_failed", e);
      }
    }
  }
}
