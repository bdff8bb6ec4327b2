package fr.cantou.platform;

import fr.cantou.platform.db.PipelinedTransaction;
import fr.cantou.platform.db.RateLimitStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Uses counted after the thing limited was done, far from every limit ({@link RateLimits.Admission}):
 * gathered for {@link #GATHERED}, then written by one statement for all their keys. Written one
 * at a time, every booking from one address (a France Services house behind one public address,
 * a load test) updated the same row and waited, holding a pool connection, for the one before it
 * to commit: bookings queued on that row (issue 10's bench, pg_stat_statements: 2.5 ms of
 * PostgreSQL per booking in that upsert, most of it waiting for its lock). The uses gathered here
 * are added to what the database says when the next request asks how far it is from its limit.
 *
 * <p>One timer per node, set by {@link #start} on the node's own context and cancelled by {@link #stop}, which then
 * writes what is left: it was set by whichever HTTP server's request counted first, on that server's context, and
 * Vert.x cancels a verticle's timers when it is undeployed (docs/operations.md).
 */
final class LaterCounts {
  /** How long uses wait before they are written: at most this much of counting is lost if the node dies. */
  static final Duration GATHERED = Duration.ofMillis(100);
  private static final long RETRY_AFTER_FAILURE_NANOS = Duration.ofSeconds(5).toNanos();
  /**
   * How long one write may run, its waits for rows and a connection included: past it the statement is
   * cancelled and its uses given back to the next batch. Writes go one after another, and the node's stop
   * writes the last ones after them: one statement waiting without end (a row held by a transaction left
   * open) stopped every later write, and the node's stop with them.
   */
  static final Duration WRITE_WITHIN = Duration.ofSeconds(5);
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LaterCounts.class);

  private record Pending(Duration window, int count) {}

  private final Platform platform;
  private final RateLimitStore store;
  private final Duration gathered;
  private final Duration writeWithin;
  private Map<String, Pending> pending = new HashMap<>();
  /** The batch whose statement runs now. */
  private Map<String, Pending> inFlight = Map.of();
  private Future<Void> writes = Future.succeededFuture();
  /** The node's timer; -1 before {@link #start} and after {@link #stop}. */
  private long timer = -1;
  /** A write of the timer's has not ended yet: the next tick lets it be. */
  private boolean timedWriteUnderWay;
  /** After a failed write, no timed write before this ({@link System#nanoTime}): the database refused or was away. */
  private long quietUntil = System.nanoTime();
  private boolean stopped;
  private int dropped;

  /**
   * {@code gathered}: {@link #GATHERED}; a test gives longer, and writes with {@link #flush}. {@code writeWithin}:
   * {@link #WRITE_WITHIN}.
   */
  LaterCounts(Platform platform, RateLimitStore store, Duration gathered, Duration writeWithin) {
    this.platform = platform;
    this.store = store;
    this.gathered = gathered;
    this.writeWithin = writeWithin;
  }

  // The monitor is held for a map update or a swap only (never across I/O, the write runs after it is
  // released): event loops calling add and notWritten never wait more than such an update.

  /**
   * The node's timer, on the caller's context (the node's start, never an HTTP server's request): every
   * {@link #GATHERED} it writes what was gathered, if any.
   */
  synchronized void start() {
    if (timer < 0 && !stopped) {
      timer = platform.vertx().setPeriodic(gathered.toMillis(), id -> writeIfDue());
    }
  }

  /** One more use of every key, written within {@link #GATHERED}; once stopped, dropped (and said in the log). */
  void add(List<RateLimits.Limit> limits, Duration window) {
    List<String> keys = limits.stream().map(RateLimits.Limit::key).distinct().toList();
    synchronized (this) {
      if (!stopped) {
        keys.forEach(key -> pending.merge(key, new Pending(window, 1), LaterCounts::sum));
        return;
      }
      dropped += keys.size();
    }
    LOG.warn("event=rate_limit_counts_dropped uses={} reason=\"counted after the node's stop\"", keys.size());
  }

  private static Pending sum(Pending a, Pending b) {
    return new Pending(a.window(), a.count() + b.count());
  }

  /** The uses of this key not written yet (gathered, or in a statement not committed yet). */
  synchronized int notWritten(String key) {
    return count(pending, key) + count(inFlight, key);
  }

  /** Uses of keys dropped since the node's stop began: not written, and said in the log. */
  synchronized int dropped() {
    return dropped;
  }

  private static int count(Map<String, Pending> uses, String key) {
    Pending p = uses.get(key);
    return p == null ? 0 : p.count();
  }

  /** Writes what was gathered, after the write under way if any; done when written. */
  Future<Void> flush() {
    // One write at a time: a batch is taken only once the one before is written (or given back). Chained outside the
    // monitor: a write that starts at once (none under way) runs its first steps on this thread.
    Promise<Void> mine = Promise.promise();
    Future<Void> before;
    synchronized (this) {
      before = writes;
      writes = mine.future();
    }
    before.transform(ended -> writeOnce()).onComplete(mine);
    return mine.future();
  }

  /**
   * The node stopping: the timer cancelled, what was gathered written after the write under way; what the database
   * still refuses, and any use counted from now on, dropped and said in the log. Never fails.
   */
  Future<Void> stop() {
    synchronized (this) {
      stopped = true;
      if (timer >= 0) {
        platform.vertx().cancelTimer(timer);
        timer = -1;
      }
    }
    return flush().transform(written -> {
      dropLeft();
      return Future.succeededFuture();
    });
  }

  private void dropLeft() {
    int uses;
    synchronized (this) {
      uses = pending.values().stream().mapToInt(Pending::count).sum();
      pending = new HashMap<>();
      dropped += uses;
    }
    if (uses > 0) {
      LOG.warn("event=rate_limit_counts_dropped uses={} reason=\"not written before the node's stop\"", uses);
    }
  }

  private void writeIfDue() {
    synchronized (this) {
      if (pending.isEmpty() || timedWriteUnderWay || System.nanoTime() - quietUntil < 0) {
        return;
      }
      timedWriteUnderWay = true;
    }
    flush().onComplete(done -> {
      synchronized (this) {
        timedWriteUnderWay = false;
        if (done.failed()) {
          // The database refused or was away: tried again, not every 100 ms.
          quietUntil = System.nanoTime() + Math.max(gathered.toNanos(), RETRY_AFTER_FAILURE_NANOS);
        }
      }
    });
  }

  private Future<Void> writeOnce() {
    Map<String, Pending> taken;
    synchronized (this) {
      taken = pending;
      pending = new HashMap<>();
      inFlight = taken;
    }
    return writeAll(taken).transform(written -> {
      synchronized (this) {
        inFlight = Map.of();
        if (written.failed()) {
          // Given back, to be written with the next batch: still counted by this node meanwhile.
          taken.forEach((key, p) -> pending.merge(key, p, LaterCounts::sum));
        }
      }
      return written.succeeded() ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(written.cause());
    });
  }

  private Future<Void> writeAll(Map<String, Pending> taken) {
    if (taken.isEmpty()) {
      return Future.succeededFuture();
    }
    // Windows in one order, keys sorted in each: every writer of every node locks rows in one order.
    Map<Duration, TreeMap<String, Integer>> byWindow = new TreeMap<>();
    taken.forEach((key, p) -> byWindow.computeIfAbsent(p.window(), w -> new TreeMap<>()).put(key, p.count()));
    Instant now = platform.clock().instant();
    int uses = taken.values().stream().mapToInt(Pending::count).sum();
    // Its connection within writeWithin too: a connection the pool never hands over would hold every later write.
    return PipelinedTransaction.run(platform.vertx(), platform.pool(), writeWithin, tx -> {
      List<Future<Void>> statements = new ArrayList<>();
      statements.add(store.statementsEndWithin(tx, writeWithin));
      byWindow.forEach((window, counts) -> statements.add(store.add(tx, List.copyOf(counts.keySet()),
          List.copyOf(counts.values()), now, now.minus(window))));
      return Future.all(statements).<Void>mapEmpty();
    }).onFailure(e -> {
      LOG.warn("event=rate_limit_count_failed uses={} reason=\"{}\"", uses, e.getMessage());
      if (RateLimitStore.ranTooLong(e)) {
        // What held it, for whoever reads the log: the transaction left open, and what it ran last.
        store.waits(platform.pool()).onSuccess(waits -> waits.forEach(w -> LOG.warn("event=rate_limit_count_waited {}", w)));
      }
    });
  }
}
