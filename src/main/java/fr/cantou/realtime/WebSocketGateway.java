package fr.cantou.realtime;

import fr.cantou.identity.Authenticator;
import fr.cantou.platform.http.ClientAddress;
import fr.cantou.platform.Platform;
import fr.cantou.platform.config.CantouConfig;
import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.ProblemTexts;
import fr.cantou.platform.http.PingGuard;
import fr.cantou.platform.http.StrictWebSocketWrites;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
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
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one WebSocket endpoint, /ws. First frame: hello with a token (never in the URL); then a
 * snapshot, or the events missed since the id the client names; then live events its viewer
 * may see. Heartbeats find dead peers; a client that cannot keep up is dropped and resumes.
 * A socket's life is here (hello, catch-up, messages, close); what reaches every socket of the
 * node (events, heartbeats, the database's state) is {@link LocalSessions}'; the parts that stand
 * alone are ClientSession, TokenExpiry, GreetingGate and MessageBudget.
 */
public final class WebSocketGateway implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketGateway.class);
  private static final long HELLO_TIMEOUT_MS = 10_000;
  /** A client that goes on sending this many messages over its budget is closed (1008). */
  private static final int MAX_DROPPED_IN_A_ROW = 500;

  private final Vertx vertx;
  private final CantouConfig.Realtime settings;
  private final Authenticator authenticator;
  private final ClientAddress addresses;
  private final List<ViewerResolver> resolvers;
  private final Map<String, ClientMessageHandler> handlers;
  private final List<ConnectionObserver> observers;
  private final PushObserver pushes;
  private final TokenExpiry expiry;
  /** The features' messages (calls), budgeted per person on this node, whatever her number of sockets. */
  private final PersonBudgets personBudgets = new PersonBudgets();
  /** Greetings reading the database at once: half the pool, the rest for requests. */
  private final GreetingGate greetings;
  /** This node's sockets, by event loop, and what reaches all of them. */
  private final LocalSessions sessions;
  private final CatchUp catchUp;
  private long heartbeatTimer = -1;
  private long expiryTimer = -1;
  public WebSocketGateway(Platform platform, Authenticator authenticator, ClientAddress addresses, EventStore events,
                          List<SnapshotSource> snapshots, List<ReplayCheck> replayChecks, List<ViewerResolver> resolvers,
                          List<ClientMessageHandler> handlers, List<ConnectionObserver> observers,
                          PushObserver pushes) {
    this.vertx = platform.vertx();
    this.settings = platform.config().realtime();
    this.authenticator = authenticator;
    this.addresses = addresses;
    this.resolvers = List.copyOf(resolvers);
    this.handlers = handlers.stream().collect(Collectors.toUnmodifiableMap(ClientMessageHandler::type, Function.identity()));
    this.observers = List.copyOf(observers);
    this.pushes = pushes;
    // Access tokens are verified (Vert.x JWT) against the system clock, so their end is timed by
    // it too: a node clock moved days ahead by a test must not end a socket whose token still holds.
    // Manage links are checked by the node's clock (ManageTokens), so their end is timed by it.
    this.expiry = new TokenExpiry(Clock.systemUTC(), platform.clock());
    this.greetings = new GreetingGate(platform.config().database().poolSize() / 2);
    this.sessions = new LocalSessions(expiry, pushes);
    this.catchUp = new CatchUp(platform, events, snapshots, replayChecks, sessions, greetings);
  }

  public void start() {
    heartbeatTimer = vertx.setPeriodic(settings.heartbeat().toMillis(), id -> {
      personBudgets.forgetIdle(System.nanoTime());
      sessions.heartbeat(settings.heartbeat());
    });
    expiryTimer = vertx.setPeriodic(TokenExpiry.SWEEP_MILLIS, id -> sessions.sweep(expiry));
  }

  public void stop() {
    // Not started: -1 names no timer, and cancelling it does nothing.
    vertx.cancelTimer(heartbeatTimer);
    vertx.cancelTimer(expiryTimer);
    sessions.onEveryLoop(session -> session.end((short) 1001, "server stopping"));
  }

  public int connected() {
    return sessions.connected();
  }

  /** How many event loops hold at least one socket. */
  public int loopsInUse() {
    return sessions.loopsInUse();
  }

  /** Hands an event from the outbox to every socket of this node. */
  public void dispatch(EventRecord event) {
    sessions.dispatch(event);
  }

  /** The node's database is another one (a failover, a restore): every socket comes back for a snapshot of it. */
  public void databaseReplaced() {
    sessions.onEveryLoop(session -> session.end(ClientSession.CLOSE_RECONNECT, "another database: reconnect"));
  }

  /** The node's database watch: every greeted socket is told when the database stops answering, and when it is back. */
  public void databaseAnswers(boolean up) {
    sessions.databaseAnswers(up);
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
    // RFC 6455's framing (13; 7 and 8 were its drafts): the frames written already encoded are in it.
    boolean rfc6455 = List.of("13", "8", "7").contains(String.valueOf(ctx.request().getHeader("Sec-WebSocket-Version")));
    ctx.request().toWebSocket().onSuccess(socket -> {
      // Written on this loop only (ClientSession): no write queue for other threads (4.7 KiB a socket).
      io.netty.channel.ChannelHandlerContext wire = settings.directWrites() ? StrictWebSocketWrites.install(socket) : null;
      // A peer's pings are answered outside any budget: not while its buffer is full (a flood it never reads). Whatever
      // the socket's writer: Vert.x's own queue keeps every pong just the same.
      PingGuard.install(wire != null ? wire : StrictWebSocketWrites.connectionOf(socket));
      LOG.debug("event=ws_writes direct={} shared_frames={}", wire != null, wire != null && rfc6455);
      forgetHandshakeHeaders(socket, ctx);
      accept(socket, wire, rfc6455, address, language);
    }).onFailure(ctx::fail);
  }

  /**
   * Once the 101 is written, the upgrade's headers have said all they had to (the address and
   * language above; nothing reads {@code socket.headers()} after), but Vert.x 5.0.10 keeps the
   * request's and the 101's maps for the socket's whole life (the WebSocket's handler keeps the
   * handshake that made it). Emptied, they cost two small maps instead of every header's entry and
   * text: a browser behind nginx sends a kilobyte or so of them (User-Agent, Accept-*, Origin, X-Forwarded-*).
   */
  private static void forgetHandshakeHeaders(ServerWebSocket socket, RoutingContext ctx) {
    socket.headers().clear();
    ctx.response().headers().clear();
  }

  private void accept(ServerWebSocket socket, io.netty.channel.ChannelHandlerContext wire, boolean rfc6455, String address,
      java.util.Locale language) {
    Context loop = Vertx.currentContext();
    ClientSession session = new ClientSession(socket, loop,
        new ClientSession.QueueLimits(settings.maxQueuedFrames(), settings.maxQueuedBytes()), pushes, address);
    session.wire = wire;
    session.sharedFrames = wire != null && rfc6455;
    session.language = language;
    session.loop = sessions.add(session, loop);
    long helloTimer = vertx.setTimer(HELLO_TIMEOUT_MS, id -> {
      if (session.viewer == null && !session.greeting) {
        session.end(ClientSession.CLOSE_UNAUTHORIZED, "hello expected");
      }
    });
    socket.textMessageHandler(text -> onMessage(session, text));
    socket.pongHandler(pong -> session.lastHeard = System.nanoTime());
    socket.exceptionHandler(e -> LOG.debug("event=ws_error reason=\"{}\"", e.getMessage()));
    socket.closeHandler(v -> {
      vertx.cancelTimer(helloTimer);
      session.loop.remove(session);
      if (session.viewer != null) {
        observers.forEach(o -> o.closed(session.viewer));
      }
    });
  }

  private void onMessage(ClientSession session, String text) {
    session.lastHeard = System.nanoTime();
    if (!session.budget.take(session.lastHeard)) {
      session.droppedInARow++;
      if (session.droppedInARow == 1) {
        session.error(new ProblemTexts.Phrase("Too many messages: slow down; messages over the limit are ignored."));
      } else if (session.droppedInARow >= MAX_DROPPED_IN_A_ROW) {
        session.end(ClientSession.CLOSE_FLOODING, "too many messages");
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
      session.end(ClientSession.CLOSE_UNAUTHORIZED, "token missing");
      return;
    }
    if (since != null && !(since instanceof Number n && n.longValue() >= 0)) {
      session.greeting = false;
      session.error(new ProblemTexts.Phrase("'since' must be the id of the last event received."));
      return;
    }
    Object stream = message.getValue("stream");
    if (stream != null && !(stream instanceof String)) {
      session.greeting = false;
      session.error(new ProblemTexts.Phrase("'stream' must be the stream of the welcome that event came after."));
      return;
    }
    greetings.run(session.context, () -> session.ended() ? Future.succeededFuture() : resolve(t, session.address).compose(found -> {
      if (found.isEmpty() || found.get().passwordToReplace()) {
        session.end(found.isEmpty() ? ClientSession.CLOSE_UNAUTHORIZED : ClientSession.CLOSE_PASSWORD_TO_REPLACE, "refused");
        return Future.succeededFuture();
      }
      if (session.ended()) {
        return Future.succeededFuture();
      }
      session.viewer = found.get().viewer();
      session.signedInSession = found.get().session();
      expiry.watch(session, found.get());
      // A deactivation, renewal or revocation heard while the token was being checked: one read just before it ends now.
      sessions.viewerKnown(session);
      if (session.ended()) {
        return Future.succeededFuture();
      }
      session.loop.greeted(session);
      observers.forEach(o -> o.opened(session.viewer));
      Long resumeFrom = since == null ? null : ((Number) since).longValue();
      return catchUp.greet(session, resumeFrom, (String) stream);
    }));
  }

  private Future<Optional<Identified>> resolve(String token, String address) {
    Future<Optional<Identified>> result = authenticator.signIn(token)
        .map(s -> Optional.of(new Identified(Viewer.of(s.principal().from(address)), s.expiresAt(), null, s.sessionId())));
    for (ViewerResolver resolver : resolvers) {
      result = result.recover(e -> resolver.resolve(token));
      result = result.compose(found -> found.isPresent() ? Future.succeededFuture(found)
          : Future.failedFuture("not this resolver"));
    }
    return result.recover(e -> Future.succeededFuture(Optional.empty()));
  }
}
