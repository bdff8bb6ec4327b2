package fr.cantou.teleconsult;

import fr.cantou.platform.Platform;
import fr.cantou.realtime.EventRecord;
import fr.cantou.realtime.PushObserver;
import fr.cantou.realtime.Viewer;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A teleconsultation pushed with its patient data to a user is health data read: audited in
 * {@code health_data_access} (action {@code push}, with the socket's address) like an HTTP read. Not with a database round
 * trip per push, on the push path: the pairs (item, user) are collected and written by one
 * multi-row insert every {@value #FLUSH_MS} ms, or as soon as {@value #BATCH} wait. The price:
 * if the node crashes, the pushes of that last window go unaudited (a stop writes them first).
 *
 * <p>One event reaching several sockets of one person at one address (her tabs, her devices
 * behind one box) is one access, one row: the same data read once, at once. Counting sockets
 * instead made the audit the node's and the database's main work of a fan-out (a row per socket,
 * inserted while every node's events wait behind the insert's transaction).
 */
public final class PushAudit implements PushObserver {
  private static final Logger LOG = LoggerFactory.getLogger(PushAudit.class);
  static final long FLUSH_MS = 100;
  static final int BATCH = 500;

  record Push(UUID teleconsultationId, UUID userId, Instant at, String address) {}

  /** One access: an event, to a person, at an address. */
  private record Access(long eventId, UUID userId, String address) {}

  private final Platform platform;
  private final HealthDataAccessStore store;
  private final Queue<Push> waiting = new ConcurrentLinkedQueue<>();
  /**
   * The accesses already queued or written lately: the sockets of one event are written to
   * within milliseconds, on every loop; remembering an access 10 s also covers a loop that a busy
   * machine starved between two of them, and a flush that fell between them.
   */
  private final Cache<Access, Boolean> recent;
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicBoolean writing = new AtomicBoolean();
  private long timer = -1;

  public PushAudit(Platform platform, HealthDataAccessStore store) {
    this.platform = platform;
    this.store = store;
    // Its 10 s on the node's clock (tests move it).
    this.recent = Caffeine.newBuilder().ticker(() -> platform.clock().millis() * 1_000_000L)
        .expireAfterWrite(Duration.ofSeconds(10)).maximumSize(100_000).build();
  }

  public void start() {
    timer = platform.vertx().setPeriodic(FLUSH_MS, id -> flush());
  }

  /** Writes everything that waits (batch after batch), before the pool closes. */
  public Future<Void> stop() {
    if (timer >= 0) {
      platform.vertx().cancelTimer(timer);
    }
    return drain(0);
  }

  private Future<Void> drain(int round) {
    if (waiting.isEmpty() || round > 1_000) {
      return Future.succeededFuture();
    }
    return writing.get() ? drainLater(round) : flush().compose(v -> drain(round + 1));
  }

  private Future<Void> drainLater(int round) {
    return platform.vertx().timer(10).compose(t -> drain(round + 1));
  }

  /** On the socket's event loop: only a queue insertion. */
  @Override
  public void pushed(Viewer viewer, EventRecord event, Delivery delivery) {
    // Her other tabs on this loop had it a moment ago: the same read, known without the shared cache.
    if (delivery == Delivery.LIVE_TO_SAME_READER || viewer.principal() == null
        || !event.kind().startsWith("teleconsultation.") || !event.data().containsKey("patient")) {
      return;
    }
    Access access = new Access(event.id(), viewer.principal().userId(), viewer.principal().address());
    if (recent.asMap().putIfAbsent(access, Boolean.TRUE) != null) {
      return;
    }
    waiting.add(new Push(UUID.fromString(event.data().getString("id")), access.userId(),
        platform.clock().instant(), access.address()));
    if (size.incrementAndGet() >= BATCH) {
      platform.vertx().runOnContext(v -> flush());
    }
  }

  /**
   * One insert at a time. A failed batch goes back in the queue for the next tick (the audit is
   * not dropped on a database hiccup); a full batch waiting after a write is written at once.
   */
  Future<Void> flush() {
    if (waiting.isEmpty() || !writing.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    List<Push> batch = new ArrayList<>();
    Push next;
    while (batch.size() < BATCH && (next = waiting.poll()) != null) {
      batch.add(next);
    }
    size.addAndGet(-batch.size());
    return store.auditPushes(platform.pool(), batch)
        .onFailure(e -> {
          LOG.warn("event=push_audit_failed rows={} reason=\"{}\"", batch.size(), e.getMessage());
          waiting.addAll(batch);
          size.addAndGet(batch.size());
        })
        .eventually(() -> {
          writing.set(false);
          return Future.succeededFuture();
        })
        .onSuccess(v -> {
          if (size.get() >= BATCH) {
            platform.vertx().runOnContext(x -> flush());
          }
        })
        .recover(e -> Future.succeededFuture());
  }
}
