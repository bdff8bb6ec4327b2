package fr.cantou.realtime;

import fr.cantou.identity.AccountEvents;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The sockets of this node, by event loop, and what reaches all of them: the outbox's events
 * (a deactivation or a manage link's change closing the sockets it ends), the database's state,
 * the heartbeats. Each crosses to each loop once, and runs there for the loop's sockets.
 */
final class LocalSessions {
  /**
   * The sockets of each event loop (its thread): an event crosses to each loop once, not once
   * per socket. Requests run on duplicated contexts, so the loop is known by its thread, and any
   * context of that loop carries work to it.
   */
  private final Map<Thread, Loop> sessionsByLoop = new ConcurrentHashMap<>();
  /** How many loops hold each signed-in person's sockets: see {@link LiveReads#heldElsewhereToo}. */
  private final Map<UUID, LoopReads.HerLoops> loopsByPerson = new ConcurrentHashMap<>();

  /**
   * The sockets of one event loop: all of them (read by any thread for the counts), and the greeted
   * ones by their viewers' scopes (its thread only), to which its events go.
   */
  static final class Loop {
    private final Context context;
    private final Thread thread;
    private final Set<ClientSession> sessions = ConcurrentHashMap.newKeySet();
    private final AudienceIndex greeted;

    private Loop(Context context, Thread thread, Map<UUID, LoopReads.HerLoops> loopsByPerson) {
      this.context = context;
      this.thread = thread;
      this.greeted = new AudienceIndex(loopsByPerson);
    }

    /** Its viewer is known: the events its audience names reach it from now on (on the loop's thread). */
    void greeted(ClientSession session) {
      assert onItsThread();
      greeted.add(session);
    }

    /** Closing from this side (on the loop's thread): no event reaches it any more; it stays counted until closed. */
    void ended(ClientSession session) {
      assert onItsThread();
      greeted.remove(session);
    }

    /** Closed (on the loop's thread). */
    void remove(ClientSession session) {
      assert onItsThread();
      sessions.remove(session);
      greeted.remove(session);
    }

    /** The index has no lock: touched from another thread, it would lose or misdirect the loop's events (checked in tests). */
    private boolean onItsThread() {
      if (Thread.currentThread() != thread) {
        throw new IllegalStateException("a loop's sockets touched from " + Thread.currentThread().getName() + ", not " + thread.getName());
      }
      return true;
    }
  }
  /** What the node's database watch said last: false while the database does not answer. */
  private volatile boolean databaseUp = true;
  private final TokenExpiry expiry;
  private final PushObserver pushes;

  LocalSessions(TokenExpiry expiry, PushObserver pushes) {
    this.expiry = expiry;
    this.pushes = pushes;
  }

  /** A new socket, on the event loop of {@code loop}; the loop it joined (it leaves it when closed). */
  Loop add(ClientSession session, Context loop) {
    Loop joined = sessionsByLoop.computeIfAbsent(Thread.currentThread(), thread -> new Loop(loop, thread, loopsByPerson));
    joined.sessions.add(session);
    return joined;
  }

  /** What the database watch said last. */
  boolean databaseUp() {
    return databaseUp;
  }

  int connected() {
    return sessionsByLoop.values().stream().mapToInt(loop -> loop.sessions.size()).sum();
  }

  /** How many event loops hold at least one socket. */
  int loopsInUse() {
    return (int) sessionsByLoop.values().stream().filter(loop -> !loop.sessions.isEmpty()).count();
  }

  /** Runs the action for every session, on each session's own event loop, one hop per loop. */
  void onEveryLoop(java.util.function.Consumer<ClientSession> action) {
    eachLoop(loop -> loop.sessions.forEach(action));
  }

  /** Runs the action once per event loop, on that loop. */
  private void eachLoop(java.util.function.Consumer<Loop> action) {
    sessionsByLoop.forEach((thread, loop) -> {
      if (thread == Thread.currentThread()) {
        action.accept(loop);
      } else {
        loop.context.runOnContext(v -> action.accept(loop));
      }
    });
  }

  /** Every loop closes those of its sockets whose token or manage link has ended (see {@link TokenExpiry}). */
  void sweep(TokenExpiry expiry) {
    eachLoop(loop -> expiry.sweep(loop.sessions));
  }

  /** Hands an event from the outbox to every local session, on each session's event loop. */
  void dispatch(EventRecord event) {
    if (AccountEvents.DEACTIVATED.equals(event.kind())) {
      closeSessionsOf(event.data().getString("userId"));
    }
    if (AccountEvents.SESSION_ENDED.equals(event.kind())) {
      sessionEnded(event.data().getString("sessionId"));
    }
    if (ManageLinkEvents.CHANGED.equals(event.kind())) {
      linksChanged(event.data());
    }
    if (DeviceEvents.REVOKED.equals(event.kind())) {
      deviceRevoked(event.data().getString("deviceId"));
    }
    eachLoop(loop -> loop.greeted.offer(event, pushes));
  }

  /**
   * The database stopped answering ({@code false}) or is back ({@code true}): every greeted
   * socket of this node is told, {@code {"type":"service","state":"degraded"|"ok"}}, so that
   * the pages say why nothing moves, and that it moves again (events resume from where they stopped).
   */
  void databaseAnswers(boolean up) {
    databaseUp = up;
    JsonObject message = service(up);
    onEveryLoop(session -> {
      if (session.viewer != null) {
        session.send(message);
      }
    });
  }

  static JsonObject service(boolean up) {
    return new JsonObject().put("type", "service").put("state", up ? "ok" : "degraded");
  }

  /**
   * Applies a check that may close sockets to every greeted socket of this node, on its loop. A
   * socket whose hello is being checked keeps the check and applies it once its viewer is known
   * ({@link #viewerKnown}): its token, account, link or device may have been read from the
   * database a moment before the change committed.
   */
  private void toEveryViewer(Consumer<ClientSession> check) {
    onEveryLoop(session -> {
      if (session.viewer != null) {
        check.accept(session);
      } else if (session.greeting) {
        if (session.heardWhileGreeting == null) {
          session.heardWhileGreeting = new ArrayList<>(1);
        }
        session.heardWhileGreeting.add(check);
      }
    });
  }

  /** The socket's viewer is known: what was heard while its hello was checked is applied now (it may end it). */
  void viewerKnown(ClientSession session) {
    if (session.heardWhileGreeting != null) {
      session.heardWhileGreeting.forEach(check -> check.accept(session));
      session.heardWhileGreeting = null;
    }
  }

  /** A deactivated account stops receiving at once, on every node (its next hello is refused too). */
  private void closeSessionsOf(String userId) {
    toEveryViewer(session -> {
      Viewer viewer = session.viewer;
      if (viewer.principal() != null && viewer.principal().userId().toString().equals(userId)) {
        session.end(ClientSession.CLOSE_UNAUTHORIZED, "account deactivated");
      }
    });
  }

  /** A session ended (signed out, a refresh token used twice): the sockets its access tokens opened close, on every node. */
  private void sessionEnded(String sessionId) {
    toEveryViewer(session -> {
      if (session.signedInSession != null && session.signedInSession.toString().equals(sessionId)) {
        session.end(ClientSession.CLOSE_UNAUTHORIZED, "session ended");
      }
    });
  }

  /**
   * An appointment's manage links were renewed or their validity moved, on whatever node: its
   * sockets opened with an older version close (4401), the others end at the new validity.
   */
  private void linksChanged(JsonObject change) {
    toEveryViewer(session -> applyLinkChange(session, change));
  }

  /** A revoked device stops receiving at once, on every node: its sockets close (4401). */
  private void deviceRevoked(String deviceId) {
    toEveryViewer(session -> applyRevocation(session, deviceId));
  }

  /** Closes the socket when it is the revoked device's. */
  private void applyRevocation(ClientSession session, String deviceId) {
    if (session.viewer.device() != null && session.viewer.device().toString().equals(deviceId)) {
      session.end(ClientSession.CLOSE_UNAUTHORIZED, "device revoked");
    }
  }

  /** A manage link's change, for one greeted socket: closed when its link is older, else its end moved. */
  private void applyLinkChange(ClientSession session, JsonObject change) {
    Identified.Link link = session.link;
    if (link == null || !change.getString("appointmentId").equals(String.valueOf(session.viewer.appointmentId()))) {
      return;
    }
    int version = change.getInteger("version");
    if (link.version() < version) {
      session.end(ClientSession.CLOSE_UNAUTHORIZED, "manage link renewed");
    } else if (link.version() == version) {
      expiry.linkChanged(session, new Identified.Link(version, java.time.Instant.parse(change.getString("validUntil"))));
    }
  }

  /** A silent socket closed (three beats without an answer), the others pinged. */
  void heartbeat(Duration beat) {
    long silentLimit = TimeUnit.MILLISECONDS.toNanos(beat.toMillis() * 3);
    onEveryLoop(session -> {
      if (System.nanoTime() - session.lastHeard > silentLimit) {
        session.end(ClientSession.CLOSE_SILENT, "no answer to heartbeats");
      } else if (!session.ended()) {
        session.socket.writePing(Buffer.buffer("hb"));
      }
    });
  }
}
