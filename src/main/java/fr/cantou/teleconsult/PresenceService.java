package fr.cantou.teleconsult;

import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.platform.Futures;
import fr.cantou.platform.Platform;
import fr.cantou.realtime.ConnectionObserver;
import fr.cantou.realtime.EventOutbox;
import fr.cantou.realtime.Viewer;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * available / busy / offline: said by the doctor, busy during a call, and offline when no
 * console of hers has been connected, on any node, for the grace period.
 */
public final class PresenceService implements ConnectionObserver {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceService.class);
  /** A node that has not said it lives for this long is taken as gone. */
  static final Duration NODE_SILENCE = Duration.ofSeconds(30);
  /** A count closed (or of a dead node) this long ago is deleted: every request its doctor held was judged long before. */
  static final Duration FORGET_CONNECTIONS_AFTER = Duration.ofDays(1);
  /** Doctors turned offline per transaction. */
  static final int OFFLINE_BATCH = 50;

  private final Platform platform;
  private final PresenceStore store;
  private final EventOutbox outbox;
  private final String nodeId;
  /** A doctor whose every connection closed is offline after this (teleconsult.presenceGraceSeconds). */
  private final Duration grace;
  /**
   * This node's doctors' open consoles, as its sockets say. Each opening and closing is also sent
   * at once as a change of the stored count, but such a write can be lost (a pool too busy in a
   * reconnect storm) or land before the one it follows: every heartbeat writes these counts whole,
   * so a lost one is put right within a job period instead of yanking a connected doctor's request.
   */
  private final Map<UUID, Integer> consoles = new ConcurrentHashMap<>();
  /**
   * Since when every heartbeat of this node has been written (null after a failed one). Until it
   * has for {@link #NODE_SILENCE}, the silence of the other nodes may be the database's (an outage
   * that stopped every node's heartbeat) or this node's own start, not their death: no doctor is
   * judged gone meanwhile.
   */
  private volatile Instant steadySince;

  public PresenceService(Platform platform, PresenceStore store, EventOutbox outbox, String nodeId, Duration grace) {
    this.platform = platform;
    this.grace = grace;
    this.store = store;
    this.outbox = outbox;
    this.nodeId = nodeId;
  }

  public Future<List<DoctorPresence>> all() {
    return store.all(platform.pool());
  }

  public Future<DoctorPresence> set(Principal doctor, String status) {
    Instant now = platform.clock().instant();
    return platform.pool().withTransaction(tx -> store.set(tx, doctor.userId(), status, now)
            .compose(changed -> changed ? announce(tx, doctor.userId()) : Future.succeededFuture()))
        .compose(v -> store.of(platform.pool(), doctor.userId()))
        .map(found -> found.orElseThrow());
  }

  Future<Void> callStarted(SqlClient tx, UUID doctorId) {
    return store.setIf(tx, doctorId, "available", "busy", platform.clock().instant())
        .compose(changed -> changed ? announce(tx, doctorId) : Future.succeededFuture());
  }

  Future<Void> callEnded(SqlClient tx, UUID doctorId) {
    return store.setIf(tx, doctorId, "busy", "available", platform.clock().instant())
        .compose(changed -> changed ? announce(tx, doctorId) : Future.succeededFuture());
  }

  private Future<Void> announce(SqlClient tx, UUID doctorId) {
    // Presence is no health data: the care side sees it, by the rule the GET uses too.
    return store.of(tx, doctorId).compose(found -> found.isEmpty() ? Future.succeededFuture()
        : outbox.appendValue(tx, TeleconsultEvents.PRESENCE_CHANGED, TeleconsultVisibility.presence(), found.get())
            .mapEmpty());
  }

  @Override
  public void opened(Viewer viewer) {
    count(viewer, +1);
  }

  @Override
  public void closed(Viewer viewer) {
    count(viewer, -1);
  }

  private void count(Viewer viewer, int delta) {
    if (viewer.principal() == null || viewer.principal().role() != Role.DOCTOR) {
      return;
    }
    consoles.merge(viewer.principal().userId(), delta, (was, change) -> was + change > 0 ? was + change : null);
    store.connections(platform.pool(), nodeId, viewer.principal().userId(), delta, platform.clock().instant())
        .onFailure(e -> LOG.warn("event=presence_count_failed reason=\"{}\"", e.getMessage()));
  }

  /** The periodic part: this node lives; doctors gone for longer than the grace are offline. */
  Future<Void> sweep() {
    Instant now = platform.clock().instant();
    return alive()
        .compose(v -> !judgesSilence(now) ? Future.<Void>succeededFuture()
            // A node that dies with a thousand consoles: an event each, in short transactions (every node's delivery waits
            // for the oldest one still open), all in this sweep.
            : Futures.inBatches(() -> platform.pool().withTransaction(tx -> store.offlineUnconnected(tx, now.minus(grace),
                    now.minus(NODE_SILENCE), now, OFFLINE_BATCH)
                .compose(gone -> Futures.sequence(gone, id -> announce(tx, id)).map(gone.size()))), OFFLINE_BATCH, 100)
                .<Void>mapEmpty())
        .compose(v -> store.forgetOldConnections(platform.pool(), now.minus(FORGET_CONNECTIONS_AFTER), now.minus(NODE_SILENCE)));
  }

  /**
   * Says that this node lives, with the count of each of its doctors' consoles (at start, then at
   * every sweep).
   */
  public Future<Void> alive() {
    Instant now = platform.clock().instant();
    Map<UUID, Integer> counts = Map.copyOf(consoles);
    return platform.pool().withTransaction(tx -> store.nodeAlive(tx, nodeId, now)
            .compose(v -> store.consolesOfNode(tx, nodeId, counts, now)))
        .onSuccess(v -> {
          if (steadySince == null) {
            steadySince = now;
          }
        })
        .onFailure(e -> steadySince = null);
  }

  /** Whether this node's own heartbeat has been steady long enough to take another node's silence for its death. */
  boolean judgesSilence(Instant now) {
    Instant since = steadySince;
    return since != null && !now.isBefore(since.plus(NODE_SILENCE));
  }

  public Future<Void> leave() {
    return store.nodeGone(platform.pool(), nodeId, platform.clock().instant());
  }
}
