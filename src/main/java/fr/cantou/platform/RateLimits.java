package fr.cantou.platform;

import fr.cantou.platform.db.RateLimitStore;
import fr.cantou.platform.http.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Fixed-window limits shared by every node (counted in PostgreSQL): at most {@code limit}
 * uses of a key per {@code window}; past it, 429 with Retry-After until the window ends.
 */
public final class RateLimits {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RateLimits.class);
  public record Limit(String key, int max) {}

  private final Platform platform;
  private final RateLimitStore store = new RateLimitStore();
  private final LaterCounts later;

  public RateLimits(Platform platform) {
    this(platform, LaterCounts.GATHERED, LaterCounts.WRITE_WITHIN);
  }

  /**
   * {@code gathered}: how long uses counted after the fact wait before they are written; {@code writeWithin}: how long
   * one write of them may wait ({@link LaterCounts}).
   */
  RateLimits(Platform platform, Duration gathered, Duration writeWithin) {
    this.platform = platform;
    this.later = new LaterCounts(platform, store, gathered, writeWithin);
  }

  /**
   * Uses taken by {@link #take}: given back with {@link #giveBack} when the thing limited was not done after all (those
   * of {@link #takeIn} roll back with their transaction).
   */
  public record Taken(Map<String, Instant> windows) {}

  /**
   * Takes one use of every key at once, or none: counted in one transaction whose upserts lock
   * the keys' rows (in one order), so parallel requests cannot all pass a check made before any
   * of them counted. Refused with {@code refusal} (a 429, and when to try again) when any key is
   * over its maximum; the transaction then rolls back and nothing is taken.
   */
  public Future<Taken> take(List<Limit> limits, Duration window, ApiException refusal) {
    return platform.pool().withTransaction(tx -> counted(tx, limits, window, refusal))
        .recover(e -> Future.failedFuture(RateLimitStore.lockWaitedTooLong(e) ? refusal.retryAfter(1) : e));
  }

  /**
   * The same, in the caller's transaction {@code tx}, once it has written what is limited: rolled back with it when
   * it fails (nothing to give back). A request sent again with an Idempotency-Key whose first sending is still being
   * written waits for it at the key's unique index before it comes here: it is answered as a retry, never counted nor
   * refused by a limit that the first sending's own use filled (two tabs, a page resending on a weak link).
   */
  public Future<Taken> takeIn(SqlClient tx, List<Limit> limits, Duration window, ApiException refusal) {
    if (limits.isEmpty()) {
      return Future.succeededFuture(new Taken(Map.of()));
    }
    // The short wait for the keys' rows is for this statement only: the rest of the caller's transaction waits as before.
    // Here a key's row is held until another write commits (its events, its audit, its fsync), so a wait past it says
    // "busy", not "too many": two people booking at once behind one address (a town hall's Wi-Fi, a mobile carrier's
    // shared address) are under their limit, and are told to try again in a moment, not that they booked too much.
    return counted(tx, limits, window, refusal).compose(taken -> store.lockWaitAsUsual(tx).map(taken))
        .recover(e -> Future.failedFuture(RateLimitStore.lockWaitedTooLong(e) ? busy() : e));
  }

  private static ApiException busy() {
    return new ApiException(503, "Other requests from your connection are being written at this instant; please try "
        + "again in a moment.").retryAfter(1);
  }

  private Future<Taken> counted(SqlClient tx, List<Limit> limits, Duration window, ApiException refusal) {
    Instant now = platform.clock().instant();
    // Parallel requests for one key queue on its row: none waits long holding a pool connection
    // (a flood from one address must not take the pool from everyone); past the wait, 429.
    return store.lockWaitAtMost(tx, LOCK_WAIT)
        .compose(v -> store.count(tx, keys(limits), now, now.minus(window))).compose(counted -> {
      long wait = 0;
      for (Limit limit : limits) {
        RateLimitStore.Counter c = counted.get(limit.key());
        if (c.count() > limit.max()) {
          wait = Math.max(wait, (Duration.between(now, c.windowStart().plus(window)).toMillis() + 999) / 1000);
        }
      }
      if (wait > 0) {
        return Future.failedFuture(refusal.retryAfter(wait));
      }
      Map<String, Instant> windows = new java.util.HashMap<>();
      counted.forEach((key, c) -> windows.put(key, c.windowStart()));
      return Future.succeededFuture(new Taken(Map.copyOf(windows)));
    });
  }

  private static final Duration LOCK_WAIT = Duration.ofMillis(200);

  /**
   * How far below every limit a key must be for its use to be counted after the thing is done
   * rather than taken in its write: more than the requests one node can have in flight (its pool and
   * their wait queue), so that even all of them at once cannot pass the limit (with several
   * nodes a limit above this could be passed by the others' share: the limits that stop abuse,
   * a few an hour, are always taken). Far from it (a load test's limits, or a new address) a
   * booking costs one read and no queue on the key's row (its use is written a moment later with
   * others, and counted meanwhile from memory: {@link LaterCounts}); near it, uses are taken one at
   * a time, in the write's transaction (see {@link #takeIn}).
   */
  private static final int FAR_FROM_THE_LIMIT = 1_100;

  /** What {@link #admit} let through: to be taken in the write (near a limit), or counted once done (far from every limit). */
  public final class Admission {
    private final List<Limit> limits;
    private final Duration window;
    private final ApiException refusal;
    private final boolean near;

    private Admission(List<Limit> limits, Duration window, ApiException refusal, boolean near) {
      this.limits = limits;
      this.window = window;
      this.refusal = refusal;
      this.near = near;
    }

    /**
     * In the transaction {@code tx} that has just written the thing limited: near a limit, its use taken there (refused
     * with the admission's 429 when over it, and rolled back with the write); far from every limit, nothing.
     */
    public Future<Void> inWrite(SqlClient tx) {
      return near ? takeIn(tx, limits, window, refusal).mapEmpty() : Future.succeededFuture();
    }

    /** The thing limited was done: counted (within {@link LaterCounts#GATHERED}) if it was not taken in its write. */
    public Future<Void> done() {
      if (!near) {
        later.add(limits, window);
      }
      return Future.succeededFuture();
    }

    /** Whether the use is taken in the write (near a limit), not counted after it. */
    boolean takenInWrite() {
      return near;
    }
  }

  /**
   * Lets a request through the limits, exactly: far from every limit (by {@link #FAR_FROM_THE_LIMIT})
   * one read and the use counted once done; nearer, the use taken in the write's transaction, after what it wrote
   * ({@link Admission#inWrite}), refused at once here when already over a limit. So parallel requests never pass a
   * limit, a request sent again while its first sending is being written meets it at its key before any limit, and
   * the common case never queues on a key's row.
   */
  public Future<Admission> admit(List<Limit> limits, Duration window, ApiException refusal) {
    Instant now = platform.clock().instant();
    return store.current(platform.pool(), keys(limits), now.minus(window)).compose(counted -> {
      boolean far = limits.stream().allMatch(limit -> (counted.containsKey(limit.key()) ? counted.get(limit.key()).count() : 0)
          + later.notWritten(limit.key()) + FAR_FROM_THE_LIMIT <= limit.max());
      long wait = far ? 0 : secondsUntilUnder(limits, counted, window, now);
      return wait > 0 ? Future.failedFuture(refusal.retryAfter(wait))
          : Future.succeededFuture(new Admission(limits, window, refusal, !far));
    });
  }

  /** How long until every key is under its maximum again, from its count committed (0: under it now). */
  private static long secondsUntilUnder(List<Limit> limits, Map<String, RateLimitStore.Counter> counted, Duration window,
                                        Instant now) {
    long wait = 0;
    for (Limit limit : limits) {
      RateLimitStore.Counter c = counted.get(limit.key());
      if (c != null && c.count() >= limit.max()) {
        wait = Math.max(wait, (Duration.between(now, c.windowStart().plus(window)).toMillis() + 999) / 1000);
      }
    }
    return wait;
  }

  /** The node's one timer that writes the uses counted after the fact ({@link LaterCounts}): at the node's start. */
  public void start() {
    later.start();
  }

  /** Writes the uses counted but not written yet, after the write under way if any (tests write when they say). */
  public Future<Void> flush() {
    return later.flush().recover(e -> Future.succeededFuture());
  }

  /**
   * The node stopping, once its servers have stopped: the timer cancelled and the uses counted but not written yet
   * written; what cannot be written then is dropped and said in the log ({@link #dropped}), and the stop goes on.
   */
  public Future<Void> stop() {
    return later.stop();
  }

  /** Uses counted after the fact but dropped at the node's stop, never written (each said in the log). */
  public int dropped() {
    return later.dropped();
  }

  /** Gives back the uses taken (of the same windows only: a window begun since is not touched). */
  public Future<Void> giveBack(Taken taken) {
    return store.giveBack(platform.pool(), taken.windows())
        .onFailure(e -> LOG.warn("event=rate_limit_give_back_failed reason=\"{}\"", e.getMessage()));
  }

  private static List<String> keys(List<Limit> limits) {
    return limits.stream().map(Limit::key).distinct().sorted().toList();
  }

  /** Forgets counters whose window ended long ago, a batch at a time (a periodic job). */
  public Future<Integer> forgetOld(Duration longestWindow) {
    return store.forget(platform.pool(), platform.clock().instant().minus(longestWindow.multipliedBy(2)), 1_000);
  }
}
