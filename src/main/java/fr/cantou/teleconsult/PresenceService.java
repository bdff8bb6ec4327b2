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
import java.util.UUID;

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

  private final Platform platform;
  private final PresenceStore store;
  private final EventOutbox outbox;
  private final String nodeId;
  /** A doctor whose every connection closed is offline after this (teleconsult.presenceGraceSeconds). */
  private final Duration grace;

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
        : outbox.append(tx, TeleconsultEvents.PRESENCE_CHANGED, TeleconsultVisibility.presence(),
            TeleconsultEvents.data(found.get())).mapEmpty());
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
    store.connections(platform.pool(), nodeId, viewer.principal().userId(), delta, platform.clock().instant())
        .onFailure(e -> LOG.warn("event=presence_count_failed reason=\"{}\"", e.getMessage()));
  }

  /** The periodic part: this node lives; doctors gone for longer than the grace are offline. */
  Future<Void> sweep() {
    Instant now = platform.clock().instant();
    return alive()
        .compose(v -> platform.pool().withTransaction(tx -> store.offlineUnconnected(tx, now.minus(grace),
                now.minus(NODE_SILENCE), now)
            .compose(gone -> Futures.sequence(gone, id -> announce(tx, id)))))
        .compose(v -> store.forgetOldConnections(platform.pool(), now.minus(FORGET_CONNECTIONS_AFTER), now.minus(NODE_SILENCE)));
  }

  /** Says that this node lives (at start, then at every sweep): its consoles count. */
  public Future<Void> alive() {
    return store.nodeAlive(platform.pool(), nodeId, platform.clock().instant());
  }

  public Future<Void> leave() {
    return store.nodeGone(platform.pool(), nodeId, platform.clock().instant());
  }
}
