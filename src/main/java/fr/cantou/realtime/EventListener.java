package fr.cantou.realtime;

import fr.cantou.platform.Futures;
import io.vertx.core.Context;
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
 * Follows the outbox on this node and hands every event, once and in id order, to its sinks.
 *
 * <p>Wake-ups: when this node commits an event it reads at once, and tells the other nodes with
 * one NOTIFY sent outside any transaction, coalesced (at most one per {@link #NOTIFY_COALESCE_MS}),
 * whose payload names the node and the newest event it committed. Another node's NOTIFY wakes
 * this one (dedicated LISTEN connection that reconnects by itself). An event known to be
 * committed — by this node, or named by another's NOTIFY — that is still held below the horizon
 * by an older transaction open somewhere is read again with a growing delay, by every node
 * itself: none waits for the writer to tell it again. A lost wake-up only delays: the periodic
 * safety net reads the table anyway. The safety net's reads, and the first after the database is back, also check that
 * the database is still the one followed ({@link FollowedDatabase}): when not, the node starts again after the new
 * one's newest event.
 */
public final class EventListener {
  private static final Logger LOG = LoggerFactory.getLogger(EventListener.class);
  private static final int BATCH = 500;
  /** Another server's events forgotten per transaction (see {@link EventStore#forgetAnotherServersEvents}). */
  private static final int FORGET_BATCH = 1_000;
  /** Each NOTIFY is a commit of its own (the notification queue's lock, a WAL flush): at most 100 a second per node. */
  static final long NOTIFY_COALESCE_MS = 10;
  /**
   * What holds an event back is mostly a short write of a few milliseconds (a request, a batch
   * of push audits): read again after 1 ms, doubling, and never wait more than 20 ms between
   * reads (at most 50 empty reads a second per node while a long transaction runs).
   */
  private static final long HELD_FIRST_RETRY_MS = 1;
  private static final long HELD_LAST_RETRY_MS = 20;
  private static final long ELSEWHERE_PATIENCE_NS = 1_000_000_000L;

  private final Vertx vertx;
  private final Pool pool;
  private final EventStore store;
  private final String nodeId;
  private final List<Consumer<EventRecord>> sinks;
  private final FollowedDatabase followed;
  private final PgSubscriber subscriber;
  private final long safetyNetMs;
  /** Every field below is touched on this one context only. */
  private Context context;
  private long lastDispatched;
  /** The next read checks the database's stream too (the safety net's, the first after the database is back). */
  private boolean checkPending;
  /** The newest event this node committed: until it is dispatched, something older holds it back. */
  private long newestCommittedHere;
  /** The newest event another node's NOTIFY said it committed (written here, read by {@link #heardOf()} anywhere). */
  private volatile long newestCommittedElsewhere;
  private long awaitingElsewhereSince;
  private boolean reading;
  private boolean readAgain;
  private boolean notifyPending;
  private long lastNotifiedAt = System.nanoTime() - NOTIFY_COALESCE_MS * 1_000_000;
  private long heldRetryMs;
  private boolean heldRetryScheduled;
  /** One of our events was held back: the other nodes are woken again once it shows. */
  private boolean ownWasHeld;
  private long timer = -1;

  public EventListener(Vertx vertx, Pool pool, PgConnectOptions connectOptions, EventStore store, EventOutbox outbox,
                       String nodeId, List<Consumer<EventRecord>> sinks, List<Runnable> forgetters,
                       java.time.Duration safetyNet) {
    this.vertx = vertx;
    this.safetyNetMs = safetyNet.toMillis();
    this.pool = pool;
    this.store = store;
    this.nodeId = nodeId;
    this.sinks = List.copyOf(sinks);
    this.followed = new FollowedDatabase(forgetters);
    this.subscriber = PgSubscriber.subscriber(vertx, connectOptions)
        .reconnectPolicy(attempt -> Math.min(5_000L, 200L * (attempt + 1)));
    outbox.onCommitted(this::committedHere);
  }

  /** Starts after the newest final event ({@link #fromTheNewest}): what happened before this node started is not pushed. */
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    return fromTheNewest().compose(position -> {
      followed.follow(position.stream());
      subscriber.channel(EventOutbox.CHANNEL)
          // (Re)connected: maybe to another database, a failover's.
          .subscribeHandler(v -> context.runOnContext(x -> checkAndPoll()))
          .handler(payload -> {
            WakeUp wakeUp = WakeUp.parse(payload);
            if (!nodeId.equals(wakeUp.nodeId())) {
              context.runOnContext(x -> {
                if (wakeUp.eventId() > newestCommittedElsewhere) {
                  if (newestCommittedElsewhere <= lastDispatched) {
                    awaitingElsewhereSince = System.nanoTime();
                  }
                  newestCommittedElsewhere = wakeUp.eventId();
                }
                poll();
              });
            }
          });
      timer = vertx.setPeriodic(safetyNetMs, id -> context.runOnContext(x -> checkAndPoll()));
      return subscriber.connect();
    }).onSuccess(v -> LOG.info("event=listening channel={} after={}", EventOutbox.CHANNEL, lastDispatched));
  }

  public long lastDispatched() {
    return lastDispatched;
  }

  /** The newest event another node said it committed: this node delivers it once the horizon passes it. */
  public long heardOf() {
    return newestCommittedElsewhere;
  }

  /**
   * Reads at once (the database is back: what other nodes committed since shows without waiting for the safety net),
   * checking that it is the same database (a failover is an outage first).
   */
  public void readNow() {
    Context ctx = context;
    if (ctx != null) {
      ctx.runOnContext(v -> checkAndPoll());
    }
  }

  private void checkAndPoll() {
    checkPending = true;
    poll();
  }

  /** This node's transaction that wrote event {@code id} has committed (any thread). */
  void committedHere(long id) {
    Context ctx = context;
    if (ctx == null) {
      return;
    }
    ctx.runOnContext(v -> {
      newestCommittedHere = Math.max(newestCommittedHere, id);
      poll();
      notifyOthers();
    });
  }

  /**
   * One NOTIFY, outside any transaction: at once when none went in the last
   * {@link #NOTIFY_COALESCE_MS}, else one at the end of that window for all the commits made
   * meanwhile.
   */
  private void notifyOthers() {
    if (notifyPending) {
      return;
    }
    long sinceLastMs = (System.nanoTime() - lastNotifiedAt) / 1_000_000;
    if (sinceLastMs >= NOTIFY_COALESCE_MS) {
      sendNotify();
      return;
    }
    notifyPending = true;
    vertx.setTimer(NOTIFY_COALESCE_MS - sinceLastMs, t -> context.runOnContext(v -> {
      notifyPending = false;
      sendNotify();
    }));
  }

  private void sendNotify() {
    lastNotifiedAt = System.nanoTime();
    store.notifyNodes(pool, EventOutbox.CHANNEL, new WakeUp(nodeId, newestCommittedHere).payload())
        .onFailure(e -> LOG.debug("event=notify_failed reason=\"{}\"", e.getMessage()));
  }

  /** Coalesces bursts: one read at a time, and one more if woken meanwhile. */
  void poll() {
    if (reading) {
      readAgain = true;
      return;
    }
    reading = true;
    readAgain = false;
    boolean checking = checkPending;
    checkPending = false;
    Future<List<EventRecord>> read = checking
        ? store.checkedAfter(pool, lastDispatched, BATCH).compose(this::ofTheFollowedDatabase)
        : store.after(pool, lastDispatched, BATCH);
    read.onSuccess(this::dispatch)
        .onFailure(e -> {
          checkPending |= checking;
          LOG.warn("event=outbox_read_failed reason=\"{}\"", e.getMessage());
        })
        .onComplete(ar -> {
          reading = false;
          boolean full = ar.succeeded() && ar.result().size() == BATCH;
          if (readAgain || full) {
            poll();
          } else {
            watchHeldBack();
          }
        });
  }

  /**
   * A committed event not readable yet (ours, or one another node named) means an older
   * transaction is still open somewhere: read again soon (1 ms, doubling up to 20 ms). Once it
   * shows, wake the other nodes again too: a node of an older version waits for that.
   */
  private void watchHeldBack() {
    boolean ownHeld = lastDispatched < newestCommittedHere;
    if (lastDispatched < newestCommittedElsewhere && System.nanoTime() - awaitingElsewhereSince > safetyNetMs * 1_000_000) {
      // Named by a NOTIFY and still not readable after a whole safety net: its periodic read will find it.
      newestCommittedElsewhere = lastDispatched;
    }
    if (!ownHeld && lastDispatched >= newestCommittedElsewhere) {
      heldRetryMs = 0;
      if (ownWasHeld) {
        ownWasHeld = false;
        notifyOthers();
      }
      return;
    }
    ownWasHeld |= ownHeld;
    if (heldRetryScheduled) {
      return;
    }
    heldRetryMs = heldRetryMs == 0 ? HELD_FIRST_RETRY_MS : Math.min(HELD_LAST_RETRY_MS, heldRetryMs * 2);
    heldRetryScheduled = true;
    // Only another node's word for it, and still not visible after a second: read once a second from then on (a
    // NOTIFY naming an id that never comes — any database role may send one — costs no more than that).
    long delay = !ownHeld && System.nanoTime() - awaitingElsewhereSince > ELSEWHERE_PATIENCE_NS ? 1_000 : heldRetryMs;
    vertx.setTimer(delay, t -> context.runOnContext(v -> {
      heldRetryScheduled = false;
      poll();
    }));
  }

  /**
   * Follows from the newest final event on. Events of another server (a restored dump: ids ahead of every transaction
   * of this one) are forgotten first, before any is read.
   */
  private Future<EventStore.Position> fromTheNewest() {
    return Futures.inBatches(() -> store.forgetAnotherServersEvents(pool, FORGET_BATCH), FORGET_BATCH, Integer.MAX_VALUE)
        .onSuccess(forgotten -> {
          if (forgotten > 0) {
            LOG.warn("event=events_of_another_server_forgotten count={} detail=\"ids ahead of every transaction of this "
                + "database (restored from a dump?): resumes from before get a snapshot\"", forgotten);
          }
        })
        .compose(forgotten -> store.position(pool))
        .onSuccess(position -> lastDispatched = position.latestId());
  }

  /**
   * The events read, or none when they come from another database than the one followed: that one is then followed as
   * from a start ({@link #fromTheNewest}), its events before were another history (the pages come back for a snapshot).
   */
  private Future<List<EventRecord>> ofTheFollowedDatabase(EventStore.Checked read) {
    if (followed.stillFollowed(read, lastDispatched)) {
      return Future.succeededFuture(read.events());
    }
    long before = lastDispatched;
    return fromTheNewest().map(position -> {
      // Ids of the other database: waiting for them to show would read every 20 ms until this one's reach them.
      newestCommittedHere = lastDispatched;
      newestCommittedElsewhere = lastDispatched;
      followed.replacedBy(position, before);
      return List.of();
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
