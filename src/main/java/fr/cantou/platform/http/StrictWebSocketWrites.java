package fr.cantou.platform.http;

import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Vert.x's strict thread mode ({@link HttpServers#options}) for the WebSockets too.
 *
 * <p>Vert.x 5.0.10 stops the strict mode at the upgrade. The connection it makes for a WebSocket
 * always gets a queue for writes that may come from any thread. That queue is a 1,024-slot MPSC
 * array (4.1 KiB) and its padded queue (0.6 KiB), kept for the socket's whole life: almost half of
 * an idle socket's heap (docs/benchmarks.md, session 20). Cantou writes to a socket on its own
 * event loop only (every field of {@code ClientSession} is touched on its context), which is what
 * the strict mode asks of an HTTP connection. So the socket's connection gets the writer Vert.x
 * gives a strict HTTP connection: it writes straight to the channel.
 *
 * <p>This reaches into Vert.x's internals, so it is checked once, at class load. If they have
 * changed, nothing is swapped (the socket keeps Vert.x's queue, which works just as well) and one
 * warning says so; {@code StrictWebSocketWritesTest} fails on such an upgrade of Vert.x.
 */
public final class StrictWebSocketWrites {
  private static final Logger LOG = LoggerFactory.getLogger(StrictWebSocketWrites.class);
  private static final String CONNECTION = "io.vertx.core.net.impl.VertxConnection";
  private static final AtomicBoolean WARNED = new AtomicBoolean();
  private static final Internals INTERNALS = Internals.find();
  private static final Field WRAPPED = wrappedField();

  private StrictWebSocketWrites() {}

  /**
   * Gives this socket, just upgraded, the direct writer. Call it on the socket's event loop, in an
   * event-loop context, before anything is written to it, and write to it from there only.
   *
   * @return the handler context of the socket's connection, where frames already encoded may be
   *     written in order with the socket's own writes; null when the socket keeps Vert.x's queue
   *     (called elsewhere, or Vert.x's internals are not the ones this was written for)
   */
  public static ChannelHandlerContext install(ServerWebSocket socket) {
    Context context = Vertx.currentContext();
    if (INTERNALS == null || context == null || !context.isEventLoopContext()) {
      return null;
    }
    try {
      Object unwrapped = INTERNALS.unwrap(socket);
      if (!(unwrapped instanceof WebSocketInternal internal) || !INTERNALS.socket.isInstance(unwrapped)) {
        refused("not Vert.x's WebSocket: " + unwrapped.getClass().getName());
        return null;
      }
      ChannelHandlerContext handler = internal.channelHandlerContext();
      if (!handler.executor().inEventLoop()) {
        return null;
      }
      Object connection = INTERNALS.connection.get(unwrapped);
      if (!INTERNALS.owner.isInstance(connection)) {
        refused("not Vert.x's connection: " + connection.getClass().getName());
        return null;
      }
      INTERNALS.writer.set(connection, INTERNALS.direct.newInstance(connection));
      return handler;
    } catch (ReflectiveOperationException | RuntimeException e) {
      refused(e.toString());
      return null;
    }
  }

  /**
   * The handler context of this socket's connection, whatever its writer: where {@link PingGuard} goes. It needs only
   * Vert.x's public internal interface of a WebSocket and the field of Vert.x Web's wrapper that holds it, not the
   * writer's internals {@link #install} swaps: a socket that kept Vert.x's queue (refused, or
   * {@code realtime.directWrites} off) is guarded too. Null when even that is not found (said by {@link #install}'s
   * warning on such a Vert.x).
   */
  public static ChannelHandlerContext connectionOf(ServerWebSocket socket) {
    try {
      Object unwrapped = socket;
      while (!(unwrapped instanceof WebSocketInternal) && WRAPPED != null && WRAPPED.getDeclaringClass().isInstance(unwrapped)) {
        unwrapped = WRAPPED.get(unwrapped);
      }
      return unwrapped instanceof WebSocketInternal internal ? internal.channelHandlerContext() : null;
    } catch (IllegalAccessException | RuntimeException e) {
      return null;
    }
  }

  /** Vert.x Web's wrapper of a router's socket: its field holding Vert.x's socket, found apart from the writer's internals. */
  private static Field wrappedField() {
    try {
      Field wrapped = Class.forName("io.vertx.ext.web.impl.ServerWebSocketWrapper").getDeclaredField("delegate");
      wrapped.setAccessible(true);
      return wrapped;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** Said once at WARN (every socket would say the same), then at DEBUG. */
  private static void refused(String reason) {
    if (WARNED.compareAndSet(false, true)) {
      LOG.warn("event=ws_direct_writes_failed reason=\"{}\" detail=\"each WebSocket keeps Vert.x's write queue (about 4.7 KiB)\"", reason);
    } else {
      LOG.debug("event=ws_direct_writes_failed reason=\"{}\"", reason);
    }
  }

  /** The writer this socket's connection has now: for tests. */
  static String writerOf(ServerWebSocket socket) throws ReflectiveOperationException {
    return INTERNALS.writer.get(INTERNALS.connection.get(INTERNALS.unwrap(socket))).getClass().getName();
  }

  /** True when this Vert.x has the internals {@link #install} uses. */
  static boolean available() {
    return INTERNALS != null;
  }

  /**
   * @param socket Vert.x's own socket class
   * @param wrapped the field of Vert.x Web's wrapper of it (a router's {@code toWebSocket()} gives one) that holds the socket
   */
  private record Internals(Class<?> socket, Field wrapped, Class<?> owner, Field connection, Field writer, Constructor<?> direct) {
    static Internals find() {
      try {
        Class<?> socket = Class.forName("io.vertx.core.http.impl.WebSocketImplBase");
        Field wrapped = Class.forName("io.vertx.ext.web.impl.ServerWebSocketWrapper").getDeclaredField("delegate");
        Class<?> owner = Class.forName(CONNECTION);
        Field connection = socket.getDeclaredField("conn");
        Field writer = owner.getDeclaredField("outboundMessageQueue");
        Constructor<?> direct = Class.forName(CONNECTION + "$DirectOutboundMessageQueue").getDeclaredConstructor(owner);
        wrapped.setAccessible(true);
        connection.setAccessible(true);
        writer.setAccessible(true);
        direct.setAccessible(true);
        if (!writer.getType().isAssignableFrom(direct.getDeclaringClass())) {
          throw new NoSuchFieldException("outboundMessageQueue does not take a DirectOutboundMessageQueue");
        }
        return new Internals(socket, wrapped, owner, connection, writer, direct);
      } catch (ReflectiveOperationException | RuntimeException e) {
        LOG.warn("event=ws_direct_writes_unavailable reason=\"{}\" detail=\"each WebSocket keeps Vert.x's write queue (about 4.7 KiB)\"",
            e.toString());
        return null;
      }
    }

    /** Vert.x's socket under Vert.x Web's wrappers. */
    Object unwrap(ServerWebSocket given) throws IllegalAccessException {
      Object socket = given;
      while (!this.socket.isInstance(socket) && wrapped.getDeclaringClass().isInstance(socket)) {
        socket = wrapped.get(socket);
      }
      return socket;
    }
  }
}
