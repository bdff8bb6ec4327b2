package fr.cantou.realtime;

import fr.cantou.platform.http.HttpServers;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One WebSocket. All its fields are touched on its own context only. While it catches up
 * (snapshot or replay), live events are held back and sent after, skipping what it has.
 */
final class ClientSession {
  static final short CLOSE_UNAUTHORIZED = 4401;
  static final short CLOSE_PASSWORD_TO_REPLACE = 4403;
  static final short CLOSE_TOO_SLOW = 4408;
  static final short CLOSE_SILENT = 4000;
  static final short CLOSE_FLOODING = 1008;
  /** Come back: the next hello, naming the last event's stream, is answered by a snapshot (or the missed events). */
  static final short CLOSE_RECONNECT = 1011;
  /** Vert.x's own closing timeout for a WebSocket (10 s), after which a closed socket's connection ends. */
  static final long CLOSING_TIMEOUT_MS = io.vertx.core.http.HttpServerOptions.DEFAULT_WEBSOCKET_CLOSING_TIMEOUT * 1000L;

  final ServerWebSocket socket;
  final Context context;
  /** What may wait for it in its connection's buffer before it is dropped (4408). */
  final QueueLimits limits;
  /** The client's address, as the upgrade request gave it (see {@link fr.cantou.platform.http.ClientAddress}). */
  final String address;
  private final PushObserver pushes;
  /** The event loop it joined, set once at the upgrade. */
  LocalSessions.Loop loop;
  Viewer viewer;
  /** When its access token ends, by the system clock (epoch milliseconds; none: never). See {@link TokenExpiry}. */
  long expiresAtMillis = Long.MAX_VALUE;
  /** For a manage token: the version of its appointment's links and their end (see {@link TokenExpiry}). */
  Identified.Link link;
  /** The session of the access token it said hello with (null: none), whose end closes it. */
  java.util.UUID signedInSession;
  /**
   * What may close sockets (a deactivation, a renewed link, a revoked device), heard while the
   * hello was being checked: applied once its viewer is known; null when none (see {@link LocalSessions}).
   */
  List<java.util.function.Consumer<ClientSession>> heardWhileGreeting;
  /** Messages refused in a row by the person's budget (see {@link PersonBudgets}): the first says why. */
  int refusedByPersonInARow;
  long lastSentId;
  long lastHeard = System.nanoTime();
  final MessageBudget budget = new MessageBudget(lastHeard);
  /** Messages dropped in a row for being over budget; a client that keeps flooding is closed. */
  int droppedInARow;
  private boolean catchingUp = true;
  /** The language of its error messages: the upgrade's Accept-Language, or the hello's "lang". */
  java.util.Locale language = java.util.Locale.ENGLISH;
  /** A hello is being checked (or was): the next one is refused. */
  boolean greeting;
  /** Events heard while catching up; null once caught up (an idle socket keeps no list). */
  private List<EventRecord> heldBack = new ArrayList<>();
  private int pendingWrites;
  /**
   * What its catch-up left in its connection's buffer, at its end, lowered to what the buffer holds whenever it holds
   * less (a catch-up's bytes leave first): not counted against {@link QueueLimits#bytes}, so a snapshot larger than
   * the bound, on a slow line, does not close the socket at the first event after it (it would be sent again, for ever).
   */
  private long catchUpBytes;
  /** The last event its loop's {@link AudienceIndex} reached it with (one offer per event, whatever the scopes matched). */
  long reachedBy = Long.MIN_VALUE;
  /** Shared by its person's sockets on its loop (null for a manage link or a device): see {@link LoopReads.SameReader}. */
  LoopReads.SameReader reader;
  /** Closed from this side: sent nothing more (see {@link #end}). */
  private boolean ended;
  /**
   * The handler context of its connection, whose writer writes straight to the channel (see
   * {@link fr.cantou.platform.http.StrictWebSocketWrites}): where frames already encoded go, in order
   * with the socket's own writes; null when the socket kept Vert.x's write queue.
   */
  io.netty.channel.ChannelHandlerContext wire;
  /** Its live events go as views of a frame encoded once ({@link SharedFrame}): a direct writer, and RFC 6455's framing. */
  boolean sharedFrames;
  /** Its loop's thread, the only one that writes to the socket (see {@link #write}). */
  private final Thread thread = Thread.currentThread();

  /**
   * Frames and bytes that may wait in its connection's buffer ({@code realtime.maxQueuedFrames},
   * {@code realtime.maxQueuedBytes}): frames alone let a socket fed large items (a request's whole exchange, up to
   * a few hundred kilobytes each) hold tens of megabytes before it reached its 256th.
   */
  record QueueLimits(int frames, long bytes) {}

  ClientSession(ServerWebSocket socket, Context context, QueueLimits limits, PushObserver pushes, String address) {
    this.socket = socket;
    this.address = address;
    this.context = context;
    this.limits = limits;
    this.pushes = pushes;
  }

  boolean ready() {
    return viewer != null && !catchingUp;
  }

  /**
   * Closes it from this side. A close frame only asks the peer to close: until it answers, or
   * the closing timeout (10 s) ends the connection, the socket is still open, and a peer that
   * never answers would go on receiving events (a revoked device, an expired token). So it leaves
   * its loop's audiences and is sent nothing from now on, then the close frame goes.
   */
  void end(short code, String reason) {
    if (ended) {
      return;
    }
    ended = true;
    if (loop != null) {
      loop.ended(this);
    }
    socket.close(code, reason);
    if (wire != null) {
      // Vert.x starts its closing timeout once the close frame is written. Behind the frames of a peer
      // that reads nothing (the 4408 case) it never is, and Vert.x ignores any later close of a
      // connection whose close it has begun: the connection, its frames and buffers stayed until the
      // idle timeout. So the channel is closed after that same timeout, answered or not, below Vert.x's
      // handler (as Vert.x's own idle close does); the task goes as soon as the channel closes.
      io.netty.channel.Channel channel = wire.channel();
      io.netty.channel.ChannelHandlerContext below = wire;
      io.netty.util.concurrent.ScheduledFuture<?> cut = channel.eventLoop().schedule(() -> {
        if (channel.isOpen()) {
          below.close();
        }
      }, CLOSING_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
      channel.closeFuture().addListener(closed -> cut.cancel(false));
    }
  }

  /** Closed, or closing from this side: nothing is sent to it any more. */
  boolean ended() {
    return ended || socket.isClosed();
  }

  /**
   * A live event its viewer may see: its loop's {@link AudienceIndex} chose it by the event's
   * audience (and tells the observers who read it there), and gives its frame encoded once for the
   * loop's sockets. True when it went to the socket (not held back, not had already).
   */
  boolean offer(EventRecord event, SharedFrame shared) {
    if (ended) {
      return false;
    }
    if (catchingUp) {
      if (heldBack.size() >= limits.frames()) {
        // Not reading its catch-up: dropped like any slow client, it resumes from its last id.
        pushes.dropped(heldBack.size() + 1);
        end(CLOSE_TOO_SLOW, "too slow: reconnect and resume");
        return false;
      }
      heldBack.add(event);
      return false;
    }
    if (event.id() <= lastSentId) {
      return false;
    }
    lastSentId = event.id();
    if (sharedFrames && shared.fits()) {
      writeShared(shared);
    } else {
      write(event.frame());
    }
    return true;
  }

  /** Ends the catch-up: sends the held-back events this client has not seen yet, in order. */
  void caughtUp() {
    catchingUp = false;
    io.netty.channel.ChannelOutboundBuffer buffered = buffered();
    catchUpBytes = buffered == null ? 0 : buffered.totalPendingWriteBytes();
    List<EventRecord> held = heldBack;
    heldBack = null;
    held.sort((a, b) -> Long.compare(a.id(), b.id()));
    for (EventRecord event : held) {
      deliver(event);
    }
  }

  /** Sends the event if this client may see it and has not had it; the future completes when written. */
  Future<Void> deliver(EventRecord event) {
    if (!ended && event.id() > lastSentId && viewer.admits(event.audience())) {
      lastSentId = event.id();
      // Told when handed to the socket, not when written: an audit may count a push the peer missed, never the reverse.
      pushes.replayed(viewer, event);
      return write(event.frame());
    }
    return Future.succeededFuture();
  }

  Future<Void> send(JsonObject message) {
    return write(message.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** A client that cannot keep up is dropped; it resumes from its last event id. */
  private Future<Void> write(byte[] frame) {
    if (Thread.currentThread() != thread) {
      return writeOnItsLoop(frame);
    }
    if (ended()) {
      return Future.succeededFuture();
    }
    if (tooSlow()) {
      return Future.succeededFuture();
    }
    pendingWrites++;
    return textFrame(frame).onComplete(ar -> pendingWrites--);
  }

  /** A live event's frame, encoded once for the loop: a view of it goes to the channel as it is. */
  private void writeShared(SharedFrame shared) {
    if (Thread.currentThread() != thread) {
      throw new IllegalStateException("a socket written from " + Thread.currentThread().getName() + ", not its loop " + thread.getName());
    }
    if (ended() || tooSlow()) {
      return;
    }
    // The channel's own void promise says nothing of a failed write: the frames stuck on a socket
    // dropped for being slow fail when it closes, and each would be an exception through the pipeline.
    wire.writeAndFlush(shared.forOneSocket(), wire.channel().unsafe().voidPromise());
  }

  /**
   * Dropped (4408) when the frames it has not taken reach the limit: counted by the futures of
   * this session's writes, and by its channel's buffer, which also holds the shared frames written
   * without a future; or when the bytes of that buffer do, less what its catch-up left. A few frames over the buffer's high-water mark are no reason: one snapshot of
   * a hundred kilobytes on a slow rural line passes it for seconds, and an event coming meanwhile
   * would close a healthy client. On a socket that kept Vert.x's write queue (no {@link #wire}),
   * that queue saying it is full counts too, as before.
   */
  private boolean tooSlow() {
    io.netty.channel.ChannelOutboundBuffer buffered = buffered();
    int inFlight = Math.max(pendingWrites, buffered == null ? 0 : buffered.size());
    if (inFlight >= limits.frames() || (buffered != null && !catchingUp && liveBytesQueued(buffered) >= limits.bytes())
        || (wire == null && inFlight > 0 && socket.writeQueueFull())) {
      pushes.dropped(1);
      end(CLOSE_TOO_SLOW, "too slow: reconnect and resume");
      return true;
    }
    return false;
  }

  /** Its connection's buffer (what waits once the kernel's send buffer is full); null without the direct writer. */
  private io.netty.channel.ChannelOutboundBuffer buffered() {
    return wire == null ? null : wire.channel().unsafe().outboundBuffer();
  }

  /**
   * The bytes waiting in its connection's buffer, less what its catch-up left there. Not judged during the catch-up
   * itself: it goes batch by batch, each written before the next is read (at most a batch waits).
   */
  private long liveBytesQueued(io.netty.channel.ChannelOutboundBuffer buffered) {
    long queued = buffered.totalPendingWriteBytes();
    catchUpBytes = Math.min(catchUpBytes, queued);
    return queued - catchUpBytes;
  }

  /**
   * The socket writes straight to its channel, which is safe on its loop's thread only
   * ({@link fr.cantou.platform.http.StrictWebSocketWrites}). Nothing writes from elsewhere today;
   * should a feature's future complete on another thread, the frame still goes from the loop. The
   * tests run with assertions on, so such a path fails them instead of going unnoticed.
   */
  private Future<Void> writeOnItsLoop(byte[] frame) {
    assert false : "a socket written from " + Thread.currentThread().getName() + ", not its loop " + thread.getName();
    Promise<Void> written = Promise.promise();
    context.runOnContext(v -> write(frame).onComplete(written));
    return written.future();
  }

  /**
   * A text frame of these UTF-8 bytes, wrapped, not copied: an event's bytes are written once and
   * go to every socket as they are (writeTextMessage would encode the text again for each socket,
   * a kilobyte of garbage per socket and event). A message too long for one frame goes in several.
   */
  private Future<Void> textFrame(byte[] utf8) {
    return utf8.length <= HttpServers.MAX_WEBSOCKET_FRAME_BYTES
        ? socket.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8, true))
        : socket.writeTextMessage(new String(utf8, StandardCharsets.UTF_8));
  }

  /** An error message, in the client's language (French or English). */
  void error(fr.cantou.platform.http.ProblemTexts.Phrase detail) {
    send(new JsonObject().put("type", "error").put("detail",
        fr.cantou.platform.http.ProblemTexts.render(language, detail.pattern(), detail.args())));
  }
}
