package fr.cantou.realtime;

import fr.cantou.identity.Authenticator;
import fr.cantou.platform.http.ClientAddress;
import fr.cantou.identity.AccountEvents;
import fr.cantou.platform.Platform;
import fr.cantou.platform.config.CantouConfig;
import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.ProblemTexts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one WebSocket endpoint, /ws. First frame: hello with a token (never in the URL); then a
 * snapshot, or the events missed since the id the client names; then live events its viewer
 * may see. Heartbeats find dead peers; a client that cannot keep up is dropped and resumes.
 * Long because a socket's whole life (hello, catch-up, live events, heartbeats, close) reads
 * best in one place, and the fan-out to every loop's sockets is a few lines beside it; its parts
 * that stand alone already left (ClientSession, TokenExpiry, GreetingGate, MessageBudget).
 */
public final class WebSocketGateway implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketGateway.class);
  private static final long HELLO_TIMEOUT_MS = 10_000;
  /** Replayed events go out in batches, each written before the next, so a long resume is no slow client. */
  private static final int REPLAY_BATCH = 100;
  /** A client that goes on sending this many messages over its budget is closed (1008). */
  private static final int MAX_DROPPED_IN_A_ROW = 500;

  private final Vertx vertx;
  private final Platform platform;
  private final CantouConfig.Realtime settings;
  private final Authenticator authenticator;
  private final ClientAddress addresses;
  private final EventStore events;
  private final List<SnapshotSource> snapshots;
  private final List<ViewerResolver> resolvers;
  private final Map<String, ClientMessageHandler> handlers;
  private final List<ConnectionObserver> observers;
  private final PushObserver pushes;
  private final TokenExpiry expiry;
  /** The features' messages (calls), budgeted per person on this node, whatever her number of sockets. */
  private final PersonBudgets personBudgets = new PersonBudgets();
  /** Greetings reading the database at once: half the pool, the rest for requests. */
  private final GreetingGate greetings;
  /**
   * The sockets of each event loop (its thread): an event crosses to each loop once, not once
   * per socket. Requests run on duplicated contexts, so the loop is known by its thread, and any
   * context of that loop carries work to it.
   */
  private final Map<Thread, Loop> sessionsByLoop = new ConcurrentHashMap<>();

  private record Loop(Context context, Set<ClientSession> sessions) {}
  private long heartbeatTimer = -1;
  /** What the node's database watch said last: false while the database does not answer. */
  private volatile boolean databaseUp = true;

  public WebSocketGateway(Platform platform, Authenticator authenticator, ClientAddress addresses, EventStore events,
                          List<SnapshotSource> snapshots, List<ViewerResolver> resolvers,
                          List<ClientMessageHandler> handlers, List<ConnectionObserver> observers,
                          PushObserver pushes) {
    this.vertx = platform.vertx();
    this.platform = platform;
    this.settings = platform.config().realtime();
    this.authenticator = authenticator;
    this.addresses = addresses;
    this.events = events;
    this.snapshots = List.copyOf(snapshots);
    this.resolvers = List.copyOf(resolvers);
    this.handlers = handlers.stream().collect(Collectors.toUnmodifiableMap(ClientMessageHandler::type, Function.identity()));
    this.observers = List.copyOf(observers);
    this.pushes = pushes;
    // Access tokens are verified (Vert.x JWT) against the system clock, so their end is timed by
    // it too: a node clock moved days ahead by a test must not end a socket whose token still holds.
    // Manage links are checked by the node's clock (ManageTokens), so their end is timed by it.
    this.expiry = new TokenExpiry(vertx, Clock.systemUTC(), platform.clock());
    this.greetings = new GreetingGate(platform.config().database().poolSize() / 2);
  }

  public void start() {
    heartbeatTimer = vertx.setPeriodic(settings.heartbeat().toMillis(), id -> heartbeat());
  }

  public void stop() {
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    onEveryLoop(session -> session.socket.close((short) 1001, "server stopping"));
  }

  public int connected() {
    return sessionsByLoop.values().stream().mapToInt(loop -> loop.sessions().size()).sum();
  }

  /** How many event loops hold at least one socket. */
  public int loopsInUse() {
    return (int) sessionsByLoop.values().stream().filter(loop -> !loop.sessions().isEmpty()).count();
  }

  /** Runs the action for every session, on each session's own event loop, one hop per loop. */
  private void onEveryLoop(java.util.function.Consumer<ClientSession> action) {
    sessionsByLoop.forEach((thread, loop) -> {
      if (thread == Thread.currentThread()) {
        loop.sessions().forEach(action);
      } else {
        loop.context().runOnContext(v -> loop.sessions().forEach(action));
      }
    });
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!ctx.request().canUpgradeToWebSocket()) {
      ctx.fail(ApiException.badRequest("This endpoint speaks WebSocket only."));
      return;
    }
    // Read from the upgrade request (behind a trusted proxy, its X-Forwarded-For): what the audit
    // of this socket's reads and pushes records.
    String address = addresses.of(ctx);
    // Its error messages speak the language of the upgrade's Accept-Language until the hello says another ("lang").
    java.util.Locale language = ProblemTexts.languageOf(ctx);
    ctx.request().toWebSocket().onSuccess(socket -> accept(socket, address, language)).onFailure(ctx::fail);
  }

  private void accept(ServerWebSocket socket, String address, java.util.Locale language) {
    Context loop = Vertx.currentContext();
    ClientSession session = new ClientSession(socket, loop, settings.maxQueuedFrames(), pushes, address);
    session.language = language;
    Set<ClientSession> sessions = sessionsByLoop.computeIfAbsent(Thread.currentThread(),
        thread -> new Loop(loop, ConcurrentHashMap.newKeySet())).sessions();
    sessions.add(session);
    long helloTimer = vertx.setTimer(HELLO_TIMEOUT_MS, id -> {
      if (session.viewer == null && !session.greeting) {
        socket.close(ClientSession.CLOSE_UNAUTHORIZED, "hello expected");
      }
    });
    socket.textMessageHandler(text -> onMessage(session, text));
    socket.pongHandler(pong -> session.lastHeard = System.nanoTime());
    socket.exceptionHandler(e -> LOG.debug("event=ws_error reason=\"{}\"", e.getMessage()));
    socket.closeHandler(v -> {
      vertx.cancelTimer(helloTimer);
      expiry.cancel(session);
      sessions.remove(session);
      if (session.viewer != null) {
        observers.forEach(o -> o.closed(session.viewer));
      }
    });
  }

  /** Hands an event from the outbox to every local session, on each session's event loop. */
  public void dispatch(EventRecord event) {
    if (AccountEvents.DEACTIVATED.equals(event.kind())) {
      closeSessionsOf(event.data().getString("userId"));
    }
    if (ManageLinkEvents.CHANGED.equals(event.kind())) {
      linksChanged(event.data());
    }
    onEveryLoop(session -> session.offer(event));
  }

  /**
   * The database stopped answering ({@code false}) or is back ({@code true}): every greeted
   * socket of this node is told, {@code {"type":"service","state":"degraded"|"ok"}}, so that
   * the pages say why nothing moves, and that it moves again (events resume from where they stopped).
   */
  public void databaseAnswers(boolean up) {
    databaseUp = up;
    JsonObject message = service(up);
    onEveryLoop(session -> {
      if (session.viewer != null) {
        session.send(message);
      }
    });
  }

  private static JsonObject service(boolean up) {
    return new JsonObject().put("type", "service").put("state", up ? "ok" : "degraded");
  }

  /** A deactivated account stops receiving at once, on every node (its next hello is refused too). */
  private void closeSessionsOf(String userId) {
    onEveryLoop(session -> {
      Viewer viewer = session.viewer;
      if (viewer != null && viewer.principal() != null && viewer.principal().userId().toString().equals(userId)) {
        session.socket.close(ClientSession.CLOSE_UNAUTHORIZED, "account deactivated");
      }
    });
  }

  /**
   * An appointment's manage links were renewed or their validity moved, on whatever node: its
   * sockets opened with an older version close (4401), the others end at the new validity. A
   * socket whose hello is being checked keeps the change and applies it once its viewer is known
   * (its token may have been read just before the renewal's commit).
   */
  private void linksChanged(JsonObject change) {
    onEveryLoop(session -> {
      if (session.viewer == null) {
        if (session.greeting) {
          session.linkChangesWhileGreeting.add(change);
        }
      } else {
        applyLinkChange(session, change);
      }
    });
  }

  private void applyLinkChange(ClientSession session, JsonObject change) {
    Identified.Link link = session.link;
    if (link == null || !change.getString("appointmentId").equals(String.valueOf(session.viewer.appointmentId()))) {
      return;
    }
    int version = change.getInteger("version");
    if (link.version() < version) {
      session.socket.close(ClientSession.CLOSE_UNAUTHORIZED, "manage link renewed");
    } else if (link.version() == version) {
      expiry.linkChanged(session, new Identified.Link(version, java.time.Instant.parse(change.getString("validUntil"))));
    }
  }

  private void onMessage(ClientSession session, String text) {
    session.lastHeard = System.nanoTime();
    if (!session.budget.take(session.lastHeard)) {
      session.droppedInARow++;
      if (session.droppedInARow == 1) {
        session.error(new ProblemTexts.Phrase("Too many messages: slow down; messages over the limit are ignored."));
      } else if (session.droppedInARow >= MAX_DROPPED_IN_A_ROW) {
        session.socket.close(ClientSession.CLOSE_FLOODING, "too many messages");
      }
      return;
    }
    session.droppedInARow = 0;
    JsonObject message;
    try {
      message = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      session.error(new ProblemTexts.Phrase("A message must be a JSON object."));
      return;
    }
    String type = message.getValue("type") instanceof String t ? t : "";
    if (session.viewer == null) {
      if ("hello".equals(type) && session.greeting) {
        // A second hello while the first is checked would open the viewer twice.
        session.error(new ProblemTexts.Phrase("Already greeted; reconnect to change identity."));
      } else if ("hello".equals(type)) {
        session.greeting = true;
        hello(session, message);
      } else {
        session.error(new ProblemTexts.Phrase("Say hello first: {\"type\":\"hello\",\"token\":\"…\"}."));
      }
      return;
    }
    switch (type) {
      case "ping" -> session.send(new JsonObject().put("type", "pong"));
      case "hello" -> session.error(new ProblemTexts.Phrase("Already greeted; reconnect to change identity."));
      default -> {
        ClientMessageHandler handler = handlers.get(type);
        if (handler == null) {
          session.error(new ProblemTexts.Phrase("Unknown message type '{0}'.", type));
          return;
        }
        // What a feature handles writes lines: one budget per person, shared by all her sockets.
        if (!personBudgets.take(session.viewer, session.lastHeard)) {
          if (session.refusedByPersonInARow++ == 0) {
            session.error(new ProblemTexts.Phrase("Too many messages: slow down; messages over the limit are ignored."));
          }
          return;
        }
        session.refusedByPersonInARow = 0;
        Future<Void> handled;
        try {
          handled = handler.handle(session.viewer, message);
        } catch (RuntimeException e) {
          handled = Future.failedFuture(e);
        }
        handled.onFailure(e -> session.error(e instanceof ApiException refusal ? refusal.phrase()
            : new ProblemTexts.Phrase("The message could not be handled.")));
      }
    }
  }

  private void hello(ClientSession session, JsonObject message) {
    Object token = message.getValue("token");
    Object since = message.getValue("since");
    // The page's language (its English switch), over the browser's Accept-Language.
    if ("fr".equals(message.getValue("lang")) || "en".equals(message.getValue("lang"))) {
      session.language = "fr".equals(message.getValue("lang")) ? ProblemTexts.FRENCH : java.util.Locale.ENGLISH;
    }
    if (!(token instanceof String t) || t.isBlank()) {
      session.socket.close(ClientSession.CLOSE_UNAUTHORIZED, "token missing");
      return;
    }
    if (since != null && !(since instanceof Number n && n.longValue() >= 0)) {
      session.greeting = false;
      session.error(new ProblemTexts.Phrase("'since' must be the id of the last event received."));
      return;
    }
    greetings.run(session.context, () -> session.socket.isClosed() ? Future.succeededFuture() : resolve(t, session.address).compose(found -> {
      if (found.isEmpty()) {
        session.socket.close(ClientSession.CLOSE_UNAUTHORIZED, "invalid token");
        return Future.succeededFuture();
      }
      if (session.socket.isClosed()) {
        return Future.succeededFuture();
      }
      session.viewer = found.get().viewer();
      expiry.watch(session, found.get());
      // A renewal heard while the token was being checked: a token read just before it is closed now.
      session.linkChangesWhileGreeting.forEach(change -> applyLinkChange(session, change));
      session.linkChangesWhileGreeting.clear();
      if (session.socket.isClosed()) {
        return Future.succeededFuture();
      }
      observers.forEach(o -> o.opened(session.viewer));
      Long resumeFrom = since == null ? null : ((Number) since).longValue();
      return greet(session, resumeFrom);
    }));
  }

  private Future<Optional<Identified>> resolve(String token, String address) {
    Future<Optional<Identified>> result = authenticator.signIn(token)
        .map(s -> Optional.of(new Identified(Viewer.of(s.principal().from(address)), s.expiresAt(), null)));
    for (ViewerResolver resolver : resolvers) {
      result = result.recover(e -> resolver.resolve(token));
      result = result.compose(found -> found.isPresent() ? Future.succeededFuture(found)
          : Future.failedFuture("not this resolver"));
    }
    return result.recover(e -> Future.succeededFuture(Optional.empty()));
  }

  private Future<Void> greet(ClientSession session, Long since) {
    Future<Boolean> resumable = since == null ? Future.succeededFuture(false)
        : events.latestId(platform.pool()).compose(latest -> since > latest ? Future.succeededFuture(false)
            : events.countAfter(platform.pool(), since, settings.maxReplayEvents() + 1)
                .map(count -> count.isPresent() && count.get() <= settings.maxReplayEvents()));
    return resumable.compose(resume -> {
      session.send(welcome(session.viewer, resume));
      if (resume) {
        session.lastSentId = since;
        return replay(session, since);
      }
      return snapshot(session);
    }).onSuccess(v -> {
      session.caughtUp();
      if (!databaseUp) {
        session.send(service(false));
      }
    }).onFailure(e -> {
      LOG.warn("event=ws_greet_failed reason=\"{}\"", e.getMessage());
      session.socket.close((short) 1011, "try again");
    }).otherwiseEmpty();
  }

  private Future<Void> replay(ClientSession session, long after) {
    return events.after(platform.pool(), after, REPLAY_BATCH).compose(batch -> Future.all(batch.stream()
            .map(session::deliver).toList())
        .compose(written -> batch.size() == REPLAY_BATCH && !session.socket.isClosed()
            ? replay(session, batch.get(batch.size() - 1).id()) : Future.succeededFuture()));
  }

  /** lastEventId is read first: events after it are delivered after the snapshot even if it already shows them. */
  private Future<Void> snapshot(ClientSession session) {
    return events.latestId(platform.pool()).compose(latest -> Future.all(snapshots.stream()
            .map(source -> source.snapshot(session.viewer)).toList())
        .map(all -> {
          JsonObject snapshot = new JsonObject().put("type", "snapshot").put("lastEventId", latest);
          for (int i = 0; i < all.size(); i++) {
            snapshot.mergeIn(all.resultAt(i));
          }
          session.lastSentId = latest;
          session.send(snapshot);
          return null;
        }));
  }

  private JsonObject welcome(Viewer viewer, boolean resumed) {
    JsonObject who = viewer.principal() != null
        ? new JsonObject().put("kind", "user").put("userId", viewer.principal().userId().toString())
            .put("role", viewer.principal().role().code()).put("displayName", viewer.principal().displayName())
            .put("organisationId", viewer.principal().organisationId() == null ? null
                : viewer.principal().organisationId().toString())
        : new JsonObject().put("kind", "appointment").put("appointmentId", viewer.appointmentId().toString());
    return new JsonObject().put("type", "welcome").put("viewer", who).put("resumed", resumed)
        .put("heartbeatSeconds", settings.heartbeat().toSeconds());
  }

  private void heartbeat() {
    long silentLimit = TimeUnit.MILLISECONDS.toNanos(settings.heartbeat().toMillis() * 3);
    personBudgets.forgetIdle(System.nanoTime());
    onEveryLoop(session -> {
      expiry.check(session);
      if (System.nanoTime() - session.lastHeard > silentLimit) {
        session.socket.close(ClientSession.CLOSE_SILENT, "no answer to heartbeats");
      } else if (!session.socket.isClosed()) {
        session.socket.writePing(Buffer.buffer("hb"));
      }
    });
  }
}
