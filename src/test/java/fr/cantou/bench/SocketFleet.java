package fr.cantou.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many WebSockets held by the generator, speaking one of three protocols (Cantou's hello, a bare
 * server's, socket.io's engine.io v4 frames), each reporting when a frame carrying a marker
 * {@code bench~<seq>~} arrives. Frames are scanned, not parsed: the generator must cost far
 * less than the servers it measures.
 */
final class SocketFleet {
  static final String MARKER = "bench~";

  /** How one server is spoken to. */
  enum Protocol { CANTOU, BARE, SOCKETIO }

  /** Told of every marked frame: which sequence number, when it arrived (nanoTime). */
  interface Receiver {
    void received(long seq, long nanos);
  }

  private final Vertx vertx;
  private final List<WebSocketClient> clients = new ArrayList<>();
  private final List<WebSocket> sockets = new ArrayList<>();
  private final AtomicInteger closed = new AtomicInteger();
  private volatile Receiver receiver = (seq, nanos) -> { };
  private volatile String sample;

  SocketFleet(Vertx vertx, List<String> localAddresses) {
    this.vertx = vertx;
    for (String address : localAddresses) {
      // Each loopback source address gives another ~28,000 ephemeral ports towards one server port.
      clients.add(vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress(address)
          .setMaxConnections(1_000_000).setMaxMessageSize(16 * 1024 * 1024).setMaxFrameSize(16 * 1024 * 1024)
          .setConnectTimeout(30_000)));
    }
  }

  void receiver(Receiver receiver) {
    this.receiver = receiver;
  }

  int open() {
    return sockets.size();
  }

  int closed() {
    return closed.get();
  }

  /** The first marked frame seen: the baselines broadcast the same bytes. */
  String sample() {
    return sample;
  }

  /**
   * Opens {@code count} sockets, at most {@code window} handshakes at a time, each ready once
   * the server has greeted it (Cantou: its snapshot). Gives how many are ready; stops trying
   * after {@code seconds}.
   */
  Future<JsonObject> connect(Protocol protocol, int port, String uri, String token, int count, int window, double seconds) {
    Promise<JsonObject> done = Promise.promise();
    AtomicInteger started = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    AtomicLong failures = new AtomicLong();
    List<String> errors = new ArrayList<>();
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    long begin = System.nanoTime();
    Runnable[] next = new Runnable[1];
    next[0] = () -> {
      int i = started.getAndIncrement();
      if (i >= count || System.nanoTime() > deadline) {
        if (finished.incrementAndGet() == window) {
          done.complete(new JsonObject().put("ready", sockets.size()).put("failed", failures.get())
              .put("seconds", (System.nanoTime() - begin) / 1e9).put("errors", List.copyOf(errors.subList(0, Math.min(3, errors.size())))));
        }
        return;
      }
      WebSocketClient client = clients.get(i % clients.size());
      client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri))
          .compose(ws -> greet(protocol, ws, token))
          .onComplete(ar -> {
            if (ar.succeeded()) {
              synchronized (sockets) {
                sockets.add(ar.result());
              }
            } else {
              failures.incrementAndGet();
              synchronized (errors) {
                errors.add(String.valueOf(ar.cause().getMessage()));
              }
            }
            next[0].run();
          });
    };
    for (int w = 0; w < window; w++) {
      vertx.runOnContext(v -> next[0].run());
    }
    return done.future();
  }

  private Future<WebSocket> greet(Protocol protocol, WebSocket ws, String token) {
    Promise<WebSocket> ready = Promise.promise();
    ws.closeHandler(v -> {
      closed.incrementAndGet();
      ready.tryFail("closed " + ws.closeStatusCode() + " " + ws.closeReason());
    });
    ws.exceptionHandler(e -> ready.tryFail(e));
    ws.handler(frame -> onFrame(protocol, ws, frame, ready));
    if (protocol == Protocol.BARE) {
      ws.writeTextMessage(hello(token));
      ready.tryComplete(ws);
    } else if (protocol == Protocol.CANTOU) {
      ws.writeTextMessage(hello(token));
    }
    // A server that never greets would keep the handshake window; give up on it after 30 s.
    long timer = vertx.setTimer(30_000, id -> ready.tryFail("no greeting in 30 s"));
    return ready.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  private static String hello(String token) {
    return new JsonObject().put("type", "hello").put("token", token).encode();
  }

  /** When the last frame of any kind arrived (System.nanoTime). */
  private volatile long lastFrameNanos = System.nanoTime();

  /** Completes once no frame has arrived for {@code quietMs}, or after {@code atMostMs} whatever comes. */
  io.vertx.core.Future<Void> quiet(long quietMs, long atMostMs) {
    Promise<Void> done = Promise.promise();
    long until = System.nanoTime() + atMostMs * 1_000_000;
    long[] timer = new long[1];
    timer[0] = vertx.setPeriodic(100, id -> {
      long now = System.nanoTime();
      if (now - lastFrameNanos >= quietMs * 1_000_000 || now >= until) {
        vertx.cancelTimer(timer[0]);
        done.tryComplete();
      }
    });
    return done.future();
  }

  private void onFrame(Protocol protocol, WebSocket ws, Buffer frame, Promise<WebSocket> ready) {
    long now = System.nanoTime();
    lastFrameNanos = now;
    String text = frame.toString(StandardCharsets.UTF_8);
    // A snapshot may list earlier marked items: it only says the socket is ready.
    int at = text.startsWith("{\"type\":\"snapshot\"") ? -1 : text.indexOf(MARKER);
    if (at >= 0) {
      int end = text.indexOf('~', at + MARKER.length());
      receiver.received(Long.parseLong(text, at + MARKER.length(), end, 10), now);
      if (sample == null) {
        sample = text;
      }
      return;
    }
    switch (protocol) {
      case CANTOU -> {
        if (text.contains("\"snapshot\"") || text.contains("\"resumed\":true")) {
          ready.tryComplete(ws);
        }
      }
      case SOCKETIO -> {
        if (text.startsWith("0{")) {
          ws.writeTextMessage("40");
        } else if (text.startsWith("40")) {
          ready.tryComplete(ws);
        } else if (text.equals("2")) {
          ws.writeTextMessage("3");
        }
      }
      case BARE -> { }
    }
  }

  Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    synchronized (sockets) {
      sockets.forEach(ws -> closing.add(ws.close().recover(e -> Future.succeededFuture())));
      sockets.clear();
    }
    return Future.all(closing).compose(v -> Future.all(clients.stream().map(WebSocketClient::close).toList())).mapEmpty();
  }
}
