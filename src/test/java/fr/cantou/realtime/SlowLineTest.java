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

  private Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void an_event_behind_a_large_snapshot_waits_for_the_line_and_the_client_stays() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    CompletableFuture<ClientSession> greeted = new CompletableFuture<>();
    var server = vertx.createHttpServer(new HttpServerOptions().setStrictThreadMode(true).setHost("127.0.0.1"));
    // Upgraded as the gateway does it, once the handshake is done.
    server.requestHandler(request -> request.toWebSocket().onSuccess(socket -> {
      ClientSession session = new ClientSession(socket, Vertx.currentContext(), LIMIT, PushObserver.NONE, "192.0.2.1");
      session.wire = StrictWebSocketWrites.install(socket);
      session.sharedFrames = session.wire != null;
      session.caughtUp();
      greeted.complete(session);
    }));
    int port = server.listen(0).toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS).actualPort();
    List<String> received = new CopyOnWriteArrayList<>();
    CompletableFuture<Short> closed = new CompletableFuture<>();
    // Referred to until the end: a client nothing refers to is closed once collected, its sockets with it.
    WebSocketClient clients = vertx.createWebSocketClient(new WebSocketClientOptions());
    WebSocket client = clients.connect(port, "127.0.0.1", "/ws").toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    client.textMessageHandler(received::add);
    client.closeHandler(v -> closed.complete(client.closeStatusCode()));
    client.pause(); // the line carries nothing for now
    ClientSession session = greeted.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(session.wire).as("the socket writes straight to its channel").isNotNull();

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
    clients.close();
  }
}
