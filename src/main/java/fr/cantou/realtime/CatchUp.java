package fr.cantou.realtime;

import fr.cantou.platform.Platform;
import fr.cantou.platform.config.CantouConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A greeted socket catches up: its welcome, then either the events it missed since the id its
 * hello names (replayed in batches, each written before the next, when there are at most
 * realtime.maxReplayEvents of them, less those the features' {@link ReplayCheck}s say the viewer
 * may no longer see) or a snapshot of what its viewer sees, the features' parts merged; live
 * events follow.
 */
final class CatchUp {
  private static final Logger LOG = LoggerFactory.getLogger(CatchUp.class);
  /** Replayed events go out in batches, each written before the next, so a long resume is no slow client. */
  private static final int REPLAY_BATCH = 100;

  private final Platform platform;
  private final CantouConfig.Realtime settings;
  private final EventStore events;
  private final List<SnapshotSource> snapshots;
  private final List<ReplayCheck> checks;
  private final LocalSessions sessions;
  private final GreetingGate greetings;

  CatchUp(Platform platform, EventStore events, List<SnapshotSource> snapshots, List<ReplayCheck> checks,
          LocalSessions sessions, GreetingGate greetings) {
    this.platform = platform;
    this.settings = platform.config().realtime();
    this.events = events;
    this.snapshots = List.copyOf(snapshots);
    this.checks = List.copyOf(checks);
    this.sessions = sessions;
    this.greetings = greetings;
  }

  /**
   * The welcome, then the events missed since {@code since} when they are few enough, else a
   * snapshot. Called in a greeting's place ({@link GreetingGate}), which the returned future
   * frees once the database has answered the first step — not once the client has read it all:
   * a client that stops reading in the middle of its replay holds no place meanwhile (its later
   * batches take a place each), so a few such tabs cannot stop every other hello of the node.
   */
  Future<Void> greet(ClientSession session, Long since, String stream) {
    Promise<Void> placeFree = Promise.promise();
    events.position(platform.pool()).compose(position -> resumable(position, since, stream).compose(resume -> {
      session.send(welcome(session.viewer, resume, position.stream()));
      if (resume) {
        session.lastSentId = since;
        return replay(session, since, placeFree);
      }
      return snapshot(session, position.latestId());
    })).onSuccess(v -> {
      session.caughtUp();
      if (!sessions.databaseUp()) {
        session.send(LocalSessions.service(false));
      }
    }).onFailure(e -> {
      if (e instanceof Overtaken) {
        // Closed, not finished: its next hello, with the last id it got, is answered by a snapshot.
        LOG.info("event=ws_replay_overtaken");
        session.end((short) 1011, "events purged meanwhile: reconnect");
      } else {
        LOG.warn("event=ws_greet_failed reason=\"{}\"", e.getMessage());
        session.end((short) 1011, "try again");
      }
    }).onComplete(ar -> placeFree.tryComplete());
    return placeFree.future();
  }

  /**
   * Whether the events after {@code since} can be replayed: an id of this stream (a hello naming another stream, from
   * another database, gets a snapshot; one naming none, a client of before the streams, is trusted as it was), not
   * ahead of it, and few enough events after it, none purged.
   */
  private Future<Boolean> resumable(EventStore.Position position, Long since, String stream) {
    if (since == null || (stream != null && !stream.equals(position.stream())) || since > position.latestId()) {
      return Future.succeededFuture(false);
    }
    return events.countAfter(platform.pool(), since, settings.maxReplayEvents() + 1)
        .map(count -> count.isPresent() && count.get() <= settings.maxReplayEvents());
  }

  /** The events of a batch the checks let through, whether more may follow, and where the next batch starts. */
  private record Batch(List<EventRecord> shown, boolean full, long last) {}

  /**
   * Batch by batch, each written before the next is read: the first read in the greeting's place
   * ({@code placeFree} then frees it), the next ones each in a place of its own ({@link #nextBatches}).
   */
  private Future<Void> replay(ClientSession session, long after, Promise<Void> placeFree) {
    Future<Batch> first = batch(session.viewer, after);
    first.onComplete(ar -> placeFree.tryComplete());
    return first.compose(batch -> written(session, batch));
  }

  /** A later batch, in a place of its own before the hellos that wait (none for a socket ended meanwhile). */
  private Future<Void> nextBatches(ClientSession session, long after) {
    return greetings.callNext(session.context, () -> session.ended()
            ? Future.succeededFuture(new Batch(List.of(), false, after)) : batch(session.viewer, after))
        .compose(batch -> written(session, batch));
  }

  /** The batch written to the socket, then the next one read if this one was full. */
  private Future<Void> written(ClientSession session, Batch batch) {
    return Future.all(batch.shown().stream().map(session::deliver).toList())
        .compose(all -> batch.full() && !session.ended() ? nextBatches(session, batch.last()) : Future.succeededFuture());
  }

  /**
   * A batch read, shown to the features' checks; failed with {@link Overtaken} when the retention purge has removed
   * some of it since the replay was judged possible (a replay goes at the client's pace: a frozen tab's for minutes).
   */
  private Future<Batch> batch(Viewer viewer, long after) {
    return events.replayAfter(platform.pool(), after, REPLAY_BATCH).compose(found -> found.isEmpty()
        ? Future.failedFuture(new Overtaken())
        : withheld(viewer, found.get()).map(withheld -> new Batch(
            found.get().stream().filter(event -> !withheld.contains(event.id())).toList(),
            found.get().size() == REPLAY_BATCH, found.get().isEmpty() ? after : found.get().get(found.get().size() - 1).id())));
  }

  /** The purge passed a replay under way: going on would leave a hole the client could not see. */
  private static final class Overtaken extends RuntimeException {
    Overtaken() {
      super("events purged during the replay", null, false, false);
    }
  }

  private Future<Set<Long>> withheld(Viewer viewer, List<EventRecord> batch) {
    if (batch.isEmpty() || checks.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    return Future.all(checks.stream().map(check -> check.withheld(viewer, batch)).toList()).map(all -> {
      Set<Long> union = new HashSet<>();
      for (int i = 0; i < all.size(); i++) {
        union.addAll(all.<Set<Long>>resultAt(i));
      }
      return union;
    });
  }

  /** lastEventId is read first (with the stream): events after it are delivered after the snapshot even if it already shows them. */
  private Future<Void> snapshot(ClientSession session, long latest) {
    return Future.all(snapshots.stream().map(source -> source.snapshot(session.viewer)).toList())
        .map(all -> {
          JsonObject snapshot = new JsonObject().put("type", "snapshot").put("lastEventId", latest);
          for (int i = 0; i < all.size(); i++) {
            snapshot.mergeIn(all.resultAt(i));
          }
          session.lastSentId = latest;
          session.send(snapshot);
          return null;
        });
  }

  private JsonObject welcome(Viewer viewer, boolean resumed, String stream) {
    JsonObject who = viewer.principal() != null
        ? new JsonObject().put("kind", "user").put("userId", viewer.principal().userId().toString())
            .put("role", viewer.principal().role().code()).put("displayName", viewer.principal().displayName())
            .put("organisationId", viewer.principal().organisationId() == null ? null
                : viewer.principal().organisationId().toString())
        : viewer.device() != null ? new JsonObject().put("kind", "device").put("deviceId", viewer.device().toString())
        : new JsonObject().put("kind", "appointment").put("appointmentId", viewer.appointmentId().toString());
    return new JsonObject().put("type", "welcome").put("viewer", who).put("resumed", resumed)
        .put("stream", stream).put("heartbeatSeconds", settings.heartbeat().toSeconds());
  }
}
