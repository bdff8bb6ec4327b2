package fr.cantou.platform.http;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebSocket upgraded on its event loop writes straight to its channel, as Vert.x's strict
 * thread mode has an HTTP connection do, instead of through a 1,024-slot queue kept for its whole
 * life; and it still delivers every frame in order, fills up for a peer that does not read, and
 * drains when the peer reads again.
 */
class StrictWebSocketWritesTest {
  private static final long WAIT_SECONDS = 20;

  private Vertx vertx;
  private WebSocketClient clients;
  private int port;
  private final CompletableFuture<ServerWebSocket> accepted = new CompletableFuture<>();
  private volatile Consumer<ServerWebSocket> onUpgrade = socket -> {};

  @BeforeEach
  void listen() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setStrictThreadMode(true).setHost("127.0.0.1"));
    // As the node's gateway upgrades (through a router, whose request wraps the socket), and straight from Vert.x.
    Router router = Router.router(vertx);
    router.get("/ws").handler(ctx -> ctx.request().toWebSocket().onSuccess(this::upgraded));
    server.requestHandler(request -> {
      if ("/raw".equals(request.path())) {
        request.toWebSocket().onSuccess(this::upgraded);
      } else {
        router.handle(request);
      }
    });
    port = server.listen(0).toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS).actualPort();
  }

  private void upgraded(ServerWebSocket socket) {
    onUpgrade.accept(socket);
    accepted.complete(socket);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "upgraded at {0}")
  @ValueSource(strings = {"/ws", "/raw"})
  void a_socket_upgraded_on_its_loop_gets_the_direct_writer_instead_of_the_queue(String path) throws Exception {
    assertThat(StrictWebSocketWrites.available()).as("Vert.x's internals are those install() was written for").isTrue();
    CompletableFuture<String> before = new CompletableFuture<>();
    CompletableFuture<io.netty.channel.ChannelHandlerContext> installed = new CompletableFuture<>();
    onUpgrade = socket -> {
      before.complete(writer(socket));
      installed.complete(StrictWebSocketWrites.install(socket));
    };
    connect(path);
    ServerWebSocket socket = accepted.get(WAIT_SECONDS, TimeUnit.SECONDS);

    assertThat(before.get()).as("what Vert.x 5.0.10 gives a WebSocket").endsWith("$InternalMessageChannel");
    assertThat(installed.get()).isNotNull();
    assertThat(writer(socket)).endsWith("$DirectOutboundMessageQueue");
  }

  /** Where {@link PingGuard} goes, found for a socket that keeps Vert.x's queue too: a Vert.x where it is not fails here. */
  @ParameterizedTest(name = "upgraded at {0}")
  @ValueSource(strings = {"/ws", "/raw"})
  void the_connection_of_a_socket_is_found_whatever_its_writer(String path) throws Exception {
    CompletableFuture<io.netty.channel.ChannelHandlerContext> found = new CompletableFuture<>();
    onUpgrade = socket -> found.complete(StrictWebSocketWrites.connectionOf(socket));
    connect(path);
    ServerWebSocket socket = accepted.get(WAIT_SECONDS, TimeUnit.SECONDS);

    assertThat(writer(socket)).as("Vert.x's queue kept").endsWith("$InternalMessageChannel");
    assertThat(found.get()).isNotNull();
    assertThat(found.get().channel().isActive()).isTrue();
  }

  @Test
  void off_an_event_loop_the_socket_keeps_vertx_s_queue() throws Exception {
    connect();
    ServerWebSocket socket = accepted.get(WAIT_SECONDS, TimeUnit.SECONDS);

    assertThat(Context.isOnEventLoopThread()).isFalse();
    assertThat(StrictWebSocketWrites.install(socket)).isNull();
    assertThat(writer(socket)).endsWith("$InternalMessageChannel");
  }

  @Test
  void on_another_event_loop_the_socket_keeps_vertx_s_queue() throws Exception {
    connect();
    ServerWebSocket socket = accepted.get(WAIT_SECONDS, TimeUnit.SECONDS);
    Vertx other = Vertx.vertx();
    try {
      CompletableFuture<io.netty.channel.ChannelHandlerContext> installed = new CompletableFuture<>();
      other.getOrCreateContext().runOnContext(v -> installed.complete(StrictWebSocketWrites.install(socket)));

      assertThat(installed.get(WAIT_SECONDS, TimeUnit.SECONDS)).isNull();
      assertThat(writer(socket)).endsWith("$InternalMessageChannel");
    } finally {
      other.close();
    }
  }

  @Test
  void frames_written_on_the_loop_all_arrive_in_order() throws Exception {
    int frames = 5_000;
    onUpgrade = socket -> {
      StrictWebSocketWrites.install(socket);
      // Once the client listens (asked by its first message): frames before its handler would be lost to the test.
      socket.textMessageHandler(go -> {
        for (int i = 0; i < frames; i++) {
          socket.writeTextMessage(Integer.toString(i));
        }
      });
    };
    List<String> received = new ArrayList<>();
    CompletableFuture<List<String>> all = new CompletableFuture<>();
    WebSocket client = connect();
    client.textMessageHandler(text -> {
      received.add(text);
      if (received.size() == frames) {
        all.complete(received);
      }
    });
    client.writeTextMessage("go");

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < frames; i++) {
      expected.add(Integer.toString(i));
    }
    assertThat(all.get(WAIT_SECONDS, TimeUnit.SECONDS)).containsExactlyElementsOf(expected);
  }

  @Test
  void a_peer_that_stops_reading_fills_the_socket_which_drains_once_it_reads_again() throws Exception {
    Buffer kilobyte = Buffer.buffer(new byte[1024]);
    CompletableFuture<Context> loop = new CompletableFuture<>();
    onUpgrade = socket -> loop.complete(Vertx.currentContext());
    WebSocket client = connect();
    client.pause();
    CompletableFuture<Integer> full = new CompletableFuture<>();
    CompletableFuture<Integer> all = new CompletableFuture<>();
    int[] received = {0};
    client.binaryMessageHandler(bytes -> {
      received[0]++;
      if (full.isDone() && received[0] == full.join()) {
        all.complete(received[0]);
      }
    });
    ServerWebSocket socket = accepted.get(WAIT_SECONDS, TimeUnit.SECONDS);
    Context context = loop.get(WAIT_SECONDS, TimeUnit.SECONDS);
    CompletableFuture<io.netty.channel.ChannelHandlerContext> installed = new CompletableFuture<>();
    context.runOnContext(v -> {
      installed.complete(StrictWebSocketWrites.install(socket));
      writeUntilFull(context, socket, kilobyte, 0, full);
    });
    assertThat(installed.get(WAIT_SECONDS, TimeUnit.SECONDS)).isNotNull();
    int written = full.get(WAIT_SECONDS, TimeUnit.SECONDS);
    CompletableFuture<Void> drained = new CompletableFuture<>();
    context.runOnContext(v -> socket.drainHandler(done -> drained.complete(null)));
    client.resume();

    drained.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(all.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(written);
  }

  /** Writes a batch at a time on the socket's loop, letting the loop run between batches, until the socket says it is full. */
  private static void writeUntilFull(Context loop, ServerWebSocket socket, Buffer frame, int written, CompletableFuture<Integer> full) {
    int count = written;
    for (int i = 0; i < 64 && !socket.writeQueueFull(); i++) {
      socket.writeBinaryMessage(frame);
      count++;
    }
    if (socket.writeQueueFull()) {
      full.complete(count);
    } else if (count > 1_000_000) {
      full.completeExceptionally(new AssertionError("a gigabyte written and the socket never said it was full"));
    } else {
      int sofar = count;
      loop.runOnContext(v -> writeUntilFull(loop, socket, frame, sofar, full));
    }
  }

  private WebSocket connect() throws Exception {
    return connect("/ws");
  }

  private WebSocket connect(String path) throws Exception {
    // Kept for the test's length: a client nothing refers to is closed once collected, its sockets with it.
    clients = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(65_536));
    return clients.connect(port, "127.0.0.1", path).toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private static String writer(ServerWebSocket socket) {
    try {
      return StrictWebSocketWrites.writerOf(socket);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
