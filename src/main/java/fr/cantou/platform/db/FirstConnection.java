package fr.cantou.platform.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * A starting node's first connection, waited for longer than a request waits for one. The pool gives a waiter 3 s (a
 * request then answers 503); a node starting beside a database slow to answer (just started, its disk cold) or on a
 * loaded machine (the node's own classes loading on its loop) failed its start on that, "Timeout waiting for
 * connection", and exited. The connection being made goes on meanwhile: asked again, the pool hands it over.
 */
public final class FirstConnection {
  private static final Logger LOG = LoggerFactory.getLogger(FirstConnection.class);
  /** Between two asks after a refusal (a database still starting answers at once). */
  private static final long PAUSE_MS = 200;
  /** Said at the first failure, then at most this often: a database refusing for a minute is not 300 lines. */
  private static final long SAY_EVERY_NANOS = 5_000_000_000L;

  private FirstConnection() {}

  /** Succeeds once the pool answered a query; fails with the last failure once {@code patience} has passed. */
  public static Future<Void> within(Vertx vertx, Pool pool, Duration patience) {
    long since = System.nanoTime();
    return ask(vertx, pool, since, since + patience.toNanos(), since - SAY_EVERY_NANOS);
  }

  private static Future<Void> ask(Vertx vertx, Pool pool, long since, long deadline, long lastSaid) {
    return pool.query("SELECT 1").execute().<Void>mapEmpty().recover(e -> {
      long now = System.nanoTime();
      if (!DatabaseUnavailable.is(e) || now - deadline > 0) {
        return Future.failedFuture(e);
      }
      boolean say = now - lastSaid >= SAY_EVERY_NANOS;
      if (say) {
        LOG.warn("event=database_slow_at_start waitedMs={} reason=\"{}\" detail=\"the start waits for its first"
            + " connection\"", (now - since) / 1_000_000, e.getMessage());
      }
      return vertx.timer(PAUSE_MS).compose(t -> ask(vertx, pool, since, deadline, say ? now : lastSaid));
    });
  }
}
