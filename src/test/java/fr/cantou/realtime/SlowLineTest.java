package fr.cantou.realtime;

import fr.cantou.platform.http.StrictWebSocketWrites;
import fr.cantou.support.Eventually;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client on a slow line is not taken for a slow reader: a snapshot of a few hundred kilobytes
 * fills its connection's buffer past the high-water mark for as long as the line takes to carry
 * it (seconds, on a rural line), and a live event coming meanwhile waits behind it. Only frames
 * not taken up to the limit (256) make a client too slow (4408). Found by an outside review on
 * 5 December 2026: with the socket's direct writer, "the channel is over its high-water mark"
 * had become a reason, and closed such a client with the first event.
 */
class SlowLineTest {
  private static final long WAIT_SECONDS = 20;
  private static final int LIMIT = 256;
  private static final int BYTES = 1 << 20;

  private Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void an_event_behind_a_large_snapshot_waits_for_the_line_and_the_client_stays() throws Exception {
    Line line = line(0, true);
    List<String> received = new CopyOnWriteArrayList<>();
    CompletableFuture<Short> closed = new CompletableFuture<>();
    WebSocket client = line.client();
    client.textMessageHandler(received::add);
    client.closeHandler(v -> closed.complete(client.closeStatusCode()));
    ClientSession session = line.session();

    // Snapshots of 200 kB (four frames each) until the connection's buffer is over its high-water mark.
    String big = "x".repeat(200_000);
    CompletableFuture<Integer> snapshots = new CompletableFuture<>();
    CompletableFuture<Boolean> endedAfterTheEvent = new CompletableFuture<>();
    Context loop = session.context;
    loop.runOnContext(v -> {
      int sent = 0;
      while (session.wire.channel().isWritable() && sent < 40) {
        session.send(new JsonObject().put("type", "snapshot").put("filler", big));
        sent++;
      }
      snapshots.complete(session.wire.channel().isWritable() ? -1 : sent);
      session.offer(new EventRecord(1, "teleconsultation.created", new JsonObject(), Audience.user(UUID.randomUUID())),
          new SharedFrame(new EventRecord(1, "teleconsultation.created", new JsonObject(), Audience.none()).frame()));
      endedAfterTheEvent.complete(session.ended());
    });
    int sent = snapshots.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(sent).as("the connection's buffer went over its high-water mark").isPositive();
    assertThat(endedAfterTheEvent.get(WAIT_SECONDS, TimeUnit.SECONDS)).as("closed by the event (4408)").isFalse();

    client.resume(); // the line carries it all, in order
    Eventually.until("every snapshot and the event read, or the socket closed", () -> received.size() == sent + 1 || closed.isDone());
    assertThat(closed).as("the client stayed").isNotDone();
    assertThat(received).hasSize(sent + 1);
    assertThat(new JsonObject(received.get(sent)).getString("type")).isEqualTo("event");
    line.clients().close();
  }

  /**
   * A page that reads nothing, fed large items (a request's event carries it whole, its exchange too: tens of
   * kilobytes), was dropped only at its 256th frame waiting: 15 MB held in the node for one socket (found by the review
   * of session 29). The bytes waiting count too ({@code realtime.maxQueuedBytes}): dropped once they reach the bound.
   */
  @Test
  void a_socket_that_reads_nothing_fed_large_items_is_dropped_once_their_bytes_reach_the_bound() throws Exception {
    // Small kernel buffers on both sides: what the peer does not take waits in the node at once.
    Line line = line(4096, true);
    ClientSession session = line.session();
    // Items of 60 kB, each in one frame shared by the loop's sockets, offered until the socket is dropped.
    String item = "x".repeat(60_000);
    CompletableFuture<long[]> offered = new CompletableFuture<>();
    session.context.runOnContext(v -> {
      long mostHeld = 0;
      int count = 0;
      while (!session.ended() && count < 2 * LIMIT) {
        count++;
        EventRecord event = new EventRecord(count, "teleconsultation.updated", new JsonObject().put("report", item),
            Audience.user(UUID.randomUUID()));
        try (SharedFrame frame = new SharedFrame(event.frame())) {
          session.offer(event, frame);
        }
        mostHeld = Math.max(mostHeld, session.wire.channel().unsafe().outboundBuffer() == null ? 0
            : session.wire.channel().unsafe().outboundBuffer().totalPendingWriteBytes());
      }
      offered.complete(new long[] {count, mostHeld, session.ended() ? 1 : 0});
    });
    long[] result = offered.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(result[2]).as("dropped (4408) after %d items", result[0]).isOne();
    assertThat(result[1]).as("bytes held in the node for it before it was dropped")
        .isLessThan(BYTES + 2L * item.length());
    line.clients().close();
  }

  /**
   * A socket that reads nothing, fed first a snapshot larger than the bound on a slow line: what its catch-up left
   * waiting is not counted against the bytes, or the first event after it would close it, and every snapshot after
   * it again (a reconnection for ever).
   */
  @Test
  void a_snapshot_larger_than_the_bound_does_not_close_the_socket_at_the_next_event() throws Exception {
    Line line = line(4096, false);
    ClientSession session = line.session();
    String snapshot = "x".repeat(3 * BYTES);
    CompletableFuture<Boolean> endedAfterTheEvent = new CompletableFuture<>();
    session.context.runOnContext(v -> {
      session.send(new JsonObject().put("type", "snapshot").put("filler", snapshot));
      session.caughtUp();
      EventRecord event = new EventRecord(1, "teleconsultation.queued", new JsonObject(), Audience.user(UUID.randomUUID()));
      try (SharedFrame frame = new SharedFrame(event.frame())) {
        session.offer(event, frame);
      }
      endedAfterTheEvent.complete(session.ended());
    });
    assertThat(endedAfterTheEvent.get(WAIT_SECONDS, TimeUnit.SECONDS)).as("closed by the event (4408)").isFalse();
    line.clients().close();
  }

  /** A socket upgraded as the gateway does it, and its client, paused: the line carries nothing for now. */
  private record Line(ClientSession session, WebSocket client, WebSocketClient clients) {}

  /** {@code kernelBuffer}: both sides' kernel buffers (0: the kernel's); {@code caughtUp}: live from the start. */
  private Line line(int kernelBuffer, boolean caughtUp) throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    CompletableFuture<ClientSession> greeted = new CompletableFuture<>();
    HttpServerOptions options = new HttpServerOptions().setStrictThreadMode(true).setHost("127.0.0.1");
    WebSocketClientOptions clientOptions = new WebSocketClientOptions();
    if (kernelBuffer > 0) {
      options.setSendBufferSize(kernelBuffer);
      clientOptions.setReceiveBufferSize(kernelBuffer);
    }
    var server = vertx.createHttpServer(options);
    // Upgraded as the gateway does it, once the handshake is done.
    server.requestHandler(request -> request.toWebSocket().onSuccess(socket -> {
      ClientSession session = new ClientSession(socket, Vertx.currentContext(), new ClientSession.QueueLimits(LIMIT, BYTES),
          PushObserver.NONE, "192.0.2.1");
      session.wire = StrictWebSocketWrites.install(socket);
      session.sharedFrames = session.wire != null;
      if (caughtUp) {
        session.caughtUp();
      }
      greeted.complete(session);
    }));
    int port = server.listen(0).toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS).actualPort();
    // Referred to until the end: a client nothing refers to is closed once collected, its sockets with it.
    WebSocketClient clients = vertx.createWebSocketClient(clientOptions);
    WebSocket client = clients.connect(port, "127.0.0.1", "/ws").toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    client.pause();
    ClientSession session = greeted.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(session.wire).as("the socket writes straight to its channel").isNotNull();
    return new Line(session, client, clients);
  }
}
