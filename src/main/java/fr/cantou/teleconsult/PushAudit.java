package fr.cantou.teleconsult;

import fr.cantou.platform.Platform;
import fr.cantou.platform.db.DatabaseErrors;
import fr.cantou.identity.Principal;
import fr.cantou.realtime.EventRecord;
import fr.cantou.realtime.LiveReads;
import fr.cantou.realtime.PushObserver;
import fr.cantou.realtime.Viewer;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A teleconsultation pushed with its patient data to a user is health data read: audited like an
 * HTTP read, a line of the trail per reader with the socket's address. Not with a database round
 * trip per push, on the push path: the pushes are collected and written every {@value #FLUSH_MS}
 * ms, or as soon as {@value #BATCH} wait, by one insert of a {@code health_data_push} row per
 * event naming its readers (up to {@value #READERS_PER_ROW} a row). A row per reader bounded the
 * fan-out of a request to 1,000 doctors by the database's work of writing them (docs/benchmarks.md).
 * The price: if the node crashes, the pushes still waiting go unaudited — the last window, or, while
 * the database refuses the audit's inserts, up to {@value #MAX_WAITING} reads (past that, and at a
 * stop the database still refuses, each read is said at ERROR: the log holds the line).
 *
 * <p>One event reaching several sockets of one person at one address (her tabs, her devices
 * behind one box) is one access, one reader of the event's row: the same data read once, at once. Counting sockets
 * instead made the audit the node's and the database's main work of a fan-out (a row per socket,
 * inserted while every node's events wait behind the insert's transaction). Her tabs on one event
 * loop are one read there ({@link LiveReads}); her tabs on several loops, and a catch-up's resend
 * a moment later, are compared with the event's other reads ({@link RecentReads}).
 *
 * <p>Long because the promise (every push a line, none lost to a hiccup, the memory bounded) is
 * kept in one place: collecting, judging, writing, writing again and stopping share the queue of
 * reads and the one flag that lets one insert run at a time.
 */
public final class PushAudit implements PushObserver {
  private static final Logger LOG = LoggerFactory.getLogger(PushAudit.class);
  static final long FLUSH_MS = 100;
  /** How often the readers' index's pending list is merged (V75). */
  static final long MERGE_INDEX_MS = 1_000;
  /** Reads written by one insert (more when one loop's reads of an event are more). */
  static final int BATCH = 2_000;
  /** As V74's check allows (AuditStore.PUSH_LINES). */
  static final int READERS_PER_ROW = 1_000;
  /**
   * Reads waiting for the database, at most: past it (the audit's inserts refused for a while
   * as the events flow on) each read is said at ERROR instead, not kept until the heap is gone.
   * A million reads hold about 20 MB; it is 11 s of the benchmark's 1,000-doctor fan-out.
   */
  static final int MAX_WAITING = 1_000_000;
  /** Reads of one event a second apart or more are rows of their own: each row's time is its reads' to the second. */
  private static final long SAME_ROW_MS = 1_000;
  /** Between two tries at stop when the database refused the last: it may be back a moment later. */
  private static final long STOP_RETRY_MS = 100;

  /** A row to write: reads of one event of an item, at most {@value #READERS_PER_ROW}, at its first's time (the others' within a second). */
  record Row(UUID teleconsultationId, Instant at, List<UUID> readers, List<String> addresses) {}

  /**
   * Reads of one event heard on a loop (or a catch-up's resend to one socket), judged at the
   * flush; {@code compare} marks the readers held on another loop too (null: none).
   */
  private record Heard(long eventId, UUID teleconsultationId, Instant at, UUID[] readers, String[] addresses, BitSet compare,
                       boolean resent) {}

  private final Platform platform;
  private final HealthDataAccessStore store;
  private final Queue<Heard> waiting = new ConcurrentLinkedQueue<>();
  /**
   * Rows the database could not take: written first at the next flush (their reads were judged
   * already). Taken whole by whoever takes them (a flush, or the stop that says them), never both.
   */
  private final AtomicReference<List<Row>> refused = new AtomicReference<>(List.of());
  /** The reads written (or being written) lately; touched by the flush only, one flush at a time ({@link #writing}). */
  private final RecentReads recent = new RecentReads();
  /** The node follows another database: the next flush forgets {@link #recent} before it judges (it alone touches it). */
  private volatile boolean databaseReplaced;
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicBoolean writing = new AtomicBoolean();
  /** Stopped: nothing is written any more, every read still here or heard later is said at ERROR. */
  private volatile boolean stopped;
  /** The rows of the insert running, and those of it a stop said at ERROR before it ended. */
  private volatile List<Row> inFlight = List.of();
  private volatile List<Row> saidInFlight = List.of();
  private long timer = -1;
  private long mergeTimer = -1;
  /** A merge is running: the next tick does not start another (it would wait for its lock, holding a connection). */
  private final AtomicBoolean merging = new AtomicBoolean();
  /** The merge was refused to the node's role: said once at WARN, since the inserts then merge the list themselves again. */
  private final AtomicBoolean mergeFailureSaid = new AtomicBoolean();

  /** How long a stop tries to write what waits while the database refuses it; what is left then is said at ERROR. */
  private final Duration stopPatience;
  private final int maxWaiting;

  public PushAudit(Platform platform, HealthDataAccessStore store) {
    // Within the 10 s Main gives the node's stop beyond the requests' grace.
    this(platform, store, Duration.ofSeconds(5), MAX_WAITING);
  }

  PushAudit(Platform platform, HealthDataAccessStore store, Duration stopPatience, int maxWaiting) {
    this.platform = platform;
    this.store = store;
    this.stopPatience = stopPatience;
    this.maxWaiting = maxWaiting;
  }

  public void start() {
    timer = platform.vertx().setPeriodic(FLUSH_MS, id -> flush());
    mergeTimer = platform.vertx().setPeriodic(MERGE_INDEX_MS, id -> mergeReadersIndex());
  }

  /**
   * Writes everything that waits (batch after batch), the insert in flight included, before the
   * pool closes; what the database still refuses after {@link #stopPatience} is said at ERROR,
   * read by read, the trail the log then holds.
   */
  public Future<Void> stop() {
    if (timer >= 0) {
      platform.vertx().cancelTimer(timer);
      platform.vertx().cancelTimer(mergeTimer);
    }
    return drain(System.nanoTime() + stopPatience.toNanos());
  }

  /**
   * The readers' index takes the rows' readers into a pending list; merged here, apart from the
   * inserts, which would otherwise merge it themselves now and then, for up to hundreds of
   * milliseconds, while every event committed meanwhile waits for them (V75).
   */
  Future<Long> mergeReadersIndex() {
    if (!merging.compareAndSet(false, true)) {
      return Future.succeededFuture(0L);
    }
    return store.mergeReadersIndex(platform.pool())
        .onComplete(ar -> merging.set(false))
        .onFailure(e -> {
          // A database away is said by the node's database watch; a role that may not merge, here, once.
          if (DatabaseErrors.notAllowed(e) && mergeFailureSaid.compareAndSet(false, true)) {
            LOG.warn("event=push_index_merge_failed reason=\"{}\" hint=\"the node's database role must own"
                + " health_data_push_readers; until merged, the audit's inserts merge it themselves and hold events\"",
                e.getMessage());
          } else {
            LOG.debug("event=push_index_merge_failed reason=\"{}\"", e.getMessage());
          }
        });
  }

  private Future<Void> drain(long deadline) {
    if ((waiting.isEmpty() && refused.get().isEmpty() && !writing.get()) || System.nanoTime() - deadline > 0) {
      stopWriting();
      return Future.succeededFuture();
    }
    if (writing.get()) {
      return platform.vertx().timer(10).compose(t -> drain(deadline));
    }
    return flush().compose(v -> refused.get().isEmpty() ? drain(deadline)
        : platform.vertx().timer(STOP_RETRY_MS).compose(t -> drain(deadline)));
  }

  /**
   * The end: no insert starts any more, and every read not written is said at ERROR — those of an
   * insert still running too (it may yet end written: a line more in the log, never one fewer).
   */
  private void stopWriting() {
    stopped = true;
    if (!writing.compareAndSet(false, true)) {
      List<Row> flying = inFlight;
      saidInFlight = flying;
      sayRows(flying, "its insert had not ended when the node stopped");
    }
    sayLeft();
  }

  /** Once stopped: the rows refused and the reads waiting, said (each taken by one sayer only). */
  private void sayLeft() {
    sayRows(refused.getAndSet(List.of()), "not written before the stop");
    sayWaiting();
  }

  private void sayWaiting() {
    Heard heard;
    while ((heard = waiting.poll()) != null) {
      size.addAndGet(-heard.readers().length);
      for (int i = 0; i < heard.readers().length; i++) {
        dropped(heard.teleconsultationId(), heard.readers()[i], heard.at(), heard.addresses()[i], "not written before the stop");
      }
    }
  }

  private static void sayRows(List<Row> rows, String reason) {
    for (Row row : rows) {
      for (int i = 0; i < row.readers().size(); i++) {
        dropped(row.teleconsultationId(), row.readers().get(i), row.at(), row.addresses().get(i), reason);
      }
    }
  }

  private static void dropped(Object item, UUID reader, Instant at, String address, String reason) {
    LOG.error("event=push_audit_dropped item={} user={} at={} address={} reason=\"{}\"", item, reader, at, address, reason);
  }

  /**
   * The node follows another database (a failover, a restore): its event ids start again, and an id remembered here
   * may be another item's there. Forgotten before the next reads are judged; a read heard before and judged after is
   * at worst a line more, never one fewer.
   */
  public void databaseReplaced() {
    databaseReplaced = true;
  }

  /** On a loop: the event's reads there, copied into one queued batch (judged at the flush). */
  @Override
  public void offeredToAll(EventRecord event, int pushed, LiveReads reads) {
    int count = reads.count();
    if (count == 0 || !withPatientData(event)) {
      return;
    }
    UUID[] readers = new UUID[count];
    String[] addresses = new String[count];
    BitSet compare = null;
    for (int i = 0; i < count; i++) {
      Principal reader = reads.reader(i);
      readers[i] = reader.userId();
      addresses[i] = reader.address();
      if (reads.heldElsewhereToo(i)) {
        compare = compare == null ? new BitSet(count) : compare;
        compare.set(i);
      }
    }
    heard(event, readers, addresses, compare, false);
  }

  /** On a loop: a catch-up sent the event to one socket; the same read as a live push a moment ago is not audited twice. */
  @Override
  public void replayed(Viewer viewer, EventRecord event) {
    if (viewer.principal() == null || !withPatientData(event)) {
      return;
    }
    heard(event, new UUID[] {viewer.principal().userId()}, new String[] {viewer.principal().address()}, null, true);
  }

  private static boolean withPatientData(EventRecord event) {
    return event.kind().startsWith("teleconsultation.") && event.data().containsKey("patient");
  }

  /**
   * Queued for the flush. Told once the frames are written: nothing here may throw, or the pushes
   * would go unaudited; an item id that is no UUID (never written so by Cantou) puts each read in
   * an ERROR line instead.
   */
  private void heard(EventRecord event, UUID[] readers, String[] addresses, BitSet compare, boolean resent) {
    Instant at = platform.clock().instant();
    UUID item;
    try {
      item = UUID.fromString(String.valueOf(event.data().getValue("id")));
    } catch (IllegalArgumentException e) {
      for (int i = 0; i < readers.length; i++) {
        dropped(event.data().getValue("id"), readers[i], at, addresses[i], "the item's id is no UUID");
      }
      return;
    }
    if (size.get() >= maxWaiting) {
      for (int i = 0; i < readers.length; i++) {
        dropped(item, readers[i], at, addresses[i], maxWaiting + " reads wait for the database already");
      }
      return;
    }
    waiting.add(new Heard(event.id(), item, at, readers, addresses, compare, resent));
    if (stopped) {
      // Heard as the node stops: no insert will take it.
      size.addAndGet(readers.length);
      sayWaiting();
      return;
    }
    if (size.addAndGet(readers.length) >= BATCH) {
      platform.vertx().runOnContext(v -> flush());
    }
  }

  /**
   * One insert at a time, of the reads that are no read already written lately. Rows that failed
   * are written first at the next tick (the audit is not dropped on a database hiccup), as they
   * were; the new reads get rows of their own. A batch the database refuses for its data would be
   * refused for ever, and stop every later push's audit behind it: its rows are written one by
   * one, and a row refused alone is dropped, its reads said at ERROR. A full batch waiting after a
   * write is written at once. Nothing in the judging can throw (the ids were parsed on the loop),
   * so {@link #writing} is always given back.
   */
  Future<Void> flush() {
    if (stopped || (waiting.isEmpty() && refused.get().isEmpty()) || !writing.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    if (stopped) {
      // The stop came between the two checks: what is left is said here, and the flag kept.
      sayLeft();
      return Future.succeededFuture();
    }
    if (databaseReplaced) {
      databaseReplaced = false;
      recent.forgetAll();
    }
    List<Row> rows = new ArrayList<>(refused.getAndSet(List.of()));
    Map<Long, Row> open = new HashMap<>();
    // Rows written again count: a database away for minutes must not make one insert of all that came meanwhile.
    int taken = rows.stream().mapToInt(row -> row.readers().size()).sum();
    Heard next;
    while (taken < BATCH && (next = waiting.poll()) != null) {
      size.addAndGet(-next.readers().length);
      taken += next.readers().length;
      BitSet fresh = recent.take(next.eventId(), next.readers(), next.addresses(), next.compare(), next.resent(),
          next.at().toEpochMilli());
      for (int i = 0; i < next.readers().length; i++) {
        if (fresh == null || fresh.get(i)) {
          Row row = open.get(next.eventId());
          if (row == null || row.readers().size() == READERS_PER_ROW
              || Math.abs(next.at().toEpochMilli() - row.at().toEpochMilli()) >= SAME_ROW_MS) {
            row = new Row(next.teleconsultationId(), next.at(), new ArrayList<>(), new ArrayList<>());
            open.put(next.eventId(), row);
            rows.add(row);
          }
          row.readers().add(next.readers()[i]);
          row.addresses().add(next.addresses()[i]);
        }
      }
    }
    if (rows.isEmpty()) {
      writing.set(false);
      return Future.succeededFuture();
    }
    inFlight = rows;
    return store.auditPushes(platform.pool(), rows)
        .recover(e -> DatabaseErrors.refusedForGood(e) ? eachRowAlone(rows) : Future.failedFuture(new NotWritten(rows, e)))
        .onFailure(e -> {
          NotWritten left = (NotWritten) e;
          LOG.warn("event=push_audit_failed rows={} reason=\"{}\"", left.rows().size(), left.getMessage());
          if (!stopped) {
            refused.set(left.rows());
            if (stopped) {
              // The stop came meanwhile: it may have taken what was refused before these.
              sayLeft();
            }
          } else if (saidInFlight != rows) {
            sayRows(left.rows(), "not written before the stop");
          }
        })
        .eventually(() -> {
          inFlight = List.of();
          if (!stopped) {
            writing.set(false);
          }
          return Future.succeededFuture();
        })
        .onSuccess(v -> {
          if (size.get() >= BATCH) {
            platform.vertx().runOnContext(x -> flush());
          }
        })
        .recover(e -> Future.succeededFuture());
  }

  /** Rows the database could not take now, to write first at the next flush. */
  private static final class NotWritten extends RuntimeException {
    private final transient List<Row> rows;

    NotWritten(List<Row> rows, Throwable cause) {
      super(cause.getMessage(), cause, false, false);
      this.rows = rows;
    }

    List<Row> rows() {
      return rows;
    }
  }

  /**
   * Rows refused for their data: each written alone, so that one row the database refuses does
   * not take the others with it. A row refused alone is dropped, each of its reads said at ERROR
   * (who, which item, when, from where: the audit line the log then holds); rows that failed
   * otherwise are written at the next flush.
   */
  private Future<Void> eachRowAlone(List<Row> rows) {
    List<Row> notWritten = new ArrayList<>();
    Throwable[] why = {null};
    Future<Void> all = Future.succeededFuture();
    for (Row row : rows) {
      all = all.compose(v -> store.auditPushes(platform.pool(), List.of(row)).recover(e -> {
        if (DatabaseErrors.refusedForGood(e)) {
          for (int i = 0; i < row.readers().size(); i++) {
            dropped(row.teleconsultationId(), row.readers().get(i), row.at(), row.addresses().get(i), e.getMessage());
          }
        } else {
          notWritten.add(row);
          why[0] = e;
        }
        return Future.succeededFuture();
      }));
    }
    return all.compose(v -> notWritten.isEmpty() ? Future.succeededFuture()
        : Future.failedFuture(new NotWritten(notWritten, why[0])));
  }
}
