package fr.cantou.teleconsult;

import fr.cantou.platform.Platform;
import fr.cantou.platform.db.DatabaseErrors;
import fr.cantou.realtime.EventRecord;
import fr.cantou.realtime.PushObserver;
import fr.cantou.realtime.Viewer;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A teleconsultation pushed with its patient data to a user is health data read: audited like an
 * HTTP read, a line of the trail per reader with the socket's address. Not with a database round
 * trip per push, on the push path: the pushes are collected and written every {@value #FLUSH_MS}
 * ms, or as soon as {@value #BATCH} wait, by one insert of a {@code health_data_push} row per
 * event naming its readers (up to {@value #READERS_PER_ROW} a row). A row per reader bounded the
 * fan-out of a request to 1,000 doctors by the database's work of writing them (docs/benchmarks.md).
 * The price: if the node crashes, the pushes of that last window go unaudited (a stop writes them first).
 *
 * <p>One event reaching several sockets of one person at one address (her tabs, her devices
 * behind one box) is one access, one reader of the event's row: the same data read once, at once. Counting sockets
 * instead made the audit the node's and the database's main work of a fan-out (a row per socket,
 * inserted while every node's events wait behind the insert's transaction).
 */
public final class PushAudit implements PushObserver {
  private static final Logger LOG = LoggerFactory.getLogger(PushAudit.class);
  static final long FLUSH_MS = 100;
  static final int BATCH = 2_000;
  /** As V74's check allows (AuditStore.PUSH_LINES). */
  static final int READERS_PER_ROW = 1_000;
  static final long REMEMBER_MS = 10_000;
  static final int MAX_REMEMBERED = 100_000;

  /** A push to write; the pushes of one {@code group} are one row. */
  record Push(int group, UUID teleconsultationId, UUID userId, Instant at, String address) {}

  /** One access: an event, to a person, at an address. */
  private record Access(long eventId, UUID userId, String address) {}

  /** A push heard on a loop, judged at the flush. */
  private record Pending(Access access, UUID teleconsultationId, Instant at) {}

  private final Platform platform;
  private final HealthDataAccessStore store;
  private final Queue<Pending> waiting = new ConcurrentLinkedQueue<>();
  /** A batch the database refused: written first at the next flush (its rows were judged already). */
  private volatile List<Push> refused = List.of();
  /**
   * The accesses written (or being written) in the last {@value #REMEMBER_MS} ms, oldest first: the
   * sockets of one event are written to within milliseconds, on every loop; remembering an access
   * 10 s also covers a loop that a busy machine starved between two of them, and a flush that fell
   * between them. Touched by the flush only, one flush at a time ({@link #writing}): judging here,
   * on one thread, costs a map's insertion where a concurrent cache on every loop cost the fan-out's
   * loops a third of their time when each socket was a doctor of her own.
   */
  private final Map<Access, Long> recent = new LinkedHashMap<>(1024, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Access, Long> eldest) {
      return size() > MAX_REMEMBERED;
    }
  };
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicBoolean writing = new AtomicBoolean();
  private long timer = -1;

  public PushAudit(Platform platform, HealthDataAccessStore store) {
    this.platform = platform;
    this.store = store;
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
    if ((waiting.isEmpty() && refused.isEmpty()) || round > 1_000) {
      return Future.succeededFuture();
    }
    return writing.get() ? drainLater(round) : flush().compose(v -> drain(round + 1));
  }

  private Future<Void> drainLater(int round) {
    return platform.vertx().timer(10).compose(t -> drain(round + 1));
  }

  /** On the socket's event loop: only a queue insertion (judged at the flush). */
  @Override
  public void pushed(Viewer viewer, EventRecord event, Delivery delivery) {
    // Her other tabs on this loop had it a moment ago: the same read, not even queued.
    if (delivery == Delivery.LIVE_TO_SAME_READER || viewer.principal() == null
        || !event.kind().startsWith("teleconsultation.") || !event.data().containsKey("patient")) {
      return;
    }
    waiting.add(new Pending(new Access(event.id(), viewer.principal().userId(), viewer.principal().address()),
        UUID.fromString(event.data().getString("id")), platform.clock().instant()));
    if (size.incrementAndGet() >= BATCH) {
      platform.vertx().runOnContext(v -> flush());
    }
  }

  /**
   * One insert at a time, of the pushes that are no access already written lately. A failed batch
   * is written first at the next tick (the audit is not dropped on a database hiccup), its rows
   * as they were, the new pushes' numbered after them. A batch the database refuses for its data
   * would be refused for ever, and stop every later push's audit behind it: its rows are written
   * one by one, and a row refused alone is dropped, its pushes said at ERROR. A full batch waiting
   * after a write is written at once. Nothing in the judging can throw (the ids were parsed on the
   * loop), so {@link #writing} is always given back.
   */
  Future<Void> flush() {
    if ((waiting.isEmpty() && refused.isEmpty()) || !writing.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    List<Push> batch = new ArrayList<>(refused);
    refused = List.of();
    long now = platform.clock().millis();
    forgetBefore(now - REMEMBER_MS);
    EventRows rows = new EventRows(batch.stream().mapToInt(Push::group).max().orElse(-1) + 1);
    Pending next;
    while (batch.size() < BATCH && (next = waiting.poll()) != null) {
      size.decrementAndGet();
      if (recent.putIfAbsent(next.access(), now) == null) {
        batch.add(new Push(rows.of(next.access().eventId()), next.teleconsultationId(), next.access().userId(), next.at(),
            next.access().address()));
      }
    }
    if (batch.isEmpty()) {
      writing.set(false);
      return Future.succeededFuture();
    }
    return store.auditPushes(platform.pool(), batch)
        .recover(e -> DatabaseErrors.refusedForGood(e) ? eachRowAlone(batch) : Future.failedFuture(new NotWritten(batch, e)))
        .onFailure(e -> {
          NotWritten left = (NotWritten) e;
          LOG.warn("event=push_audit_failed pushes={} reason=\"{}\"", left.pushes().size(), left.getMessage());
          refused = left.pushes();
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

  /** Pushes the database could not take now, to write first at the next flush. */
  private static final class NotWritten extends RuntimeException {
    private final transient List<Push> pushes;

    NotWritten(List<Push> pushes, Throwable cause) {
      super(cause.getMessage(), cause, false, false);
      this.pushes = pushes;
    }

    List<Push> pushes() {
      return pushes;
    }
  }

  /**
   * A batch refused for its data: each of its rows written alone, so that one row the database
   * refuses does not take the others with it. A row refused alone is dropped, each of its pushes
   * said at ERROR (who, which item, when, from where: the audit line the log then holds); rows
   * that failed otherwise are written at the next flush.
   */
  private Future<Void> eachRowAlone(List<Push> batch) {
    Map<Integer, List<Push>> rows = new LinkedHashMap<>();
    batch.forEach(push -> rows.computeIfAbsent(push.group(), g -> new ArrayList<>()).add(push));
    List<Push> notWritten = new ArrayList<>();
    Throwable[] why = {null};
    Future<Void> all = Future.succeededFuture();
    for (List<Push> row : rows.values()) {
      all = all.compose(v -> store.auditPushes(platform.pool(), row).recover(e -> {
        if (DatabaseErrors.refusedForGood(e)) {
          row.forEach(p -> LOG.error("event=push_audit_dropped item={} user={} at={} address={} reason=\"{}\"",
              p.teleconsultationId(), p.userId(), p.at(), p.address(), e.getMessage()));
        } else {
          notWritten.addAll(row);
          why[0] = e;
        }
        return Future.succeededFuture();
      }));
    }
    return all.compose(v -> notWritten.isEmpty() ? Future.succeededFuture()
        : Future.failedFuture(new NotWritten(notWritten, why[0])));
  }

  /** The row of each event's pushes in a batch: a new one when an event's is full. */
  private static final class EventRows {
    private final Map<Long, int[]> open = new HashMap<>();
    private int next;

    EventRows(int first) {
      next = first;
    }

    int of(long eventId) {
      int[] row = open.get(eventId);
      if (row == null || row[1] == READERS_PER_ROW) {
        row = new int[] {next++, 0};
        open.put(eventId, row);
      }
      row[1]++;
      return row[0];
    }
  }

  /** The accesses remembered since before {@code limit} are forgotten (the map is in the order they came). */
  private void forgetBefore(long limit) {
    Iterator<Map.Entry<Access, Long>> oldest = recent.entrySet().iterator();
    while (oldest.hasNext() && oldest.next().getValue() < limit) {
      oldest.remove();
    }
  }
}
