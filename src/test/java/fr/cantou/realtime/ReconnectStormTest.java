package fr.cantou.realtime;

import fr.cantou.support.CareTerritory;
import fr.cantou.support.Eventually;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * 2,000 sockets of one node drop at once while events are published, and all reconnect at once
 * with {@code since}: each gets exactly the events it missed, once, in order; once they are gone,
 * the node's heap (the node runs in this JVM) comes back near where it was.
 */
class ReconnectStormTest {
  /** The machine's file limit is 20,000 here: 2,000 sockets take 4,000 descriptors in this JVM (both ends). */
  private static final int SOCKETS = 2_000;
  private static final long HEAP_SLACK = 64L << 20;

  @Test
  void two_thousand_sockets_reconnect_at_once_with_since_and_miss_nothing() throws Exception {
    Vertx clients = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));
    try (TestNode node = TestNode.start()) {
      CareTerritory care = new CareTerritory(node);
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      long before = heapAfterGc(memory);

      WebSocketClient client = clients.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(SOCKETS * 2)
          .setConnectTimeout(30_000));
      try (WsClient reference = WsClient.hello(node.port(), care.nurse, null)) {
        List<Socket> sockets = IntStream.range(0, SOCKETS).mapToObj(i -> new Socket()).toList();
        TestNode.await(Future.all(sockets.stream().map(s -> s.open(clients, client, node.port(), care.nurse, null)).toList()));
        String first = care.create(request("geriatrie", "normal")).getString("id");
        Eventually.until("every socket got the first event", () -> sockets.stream().allMatch(s -> s.has(first)));
        long connectedHeap = heapAfterGc(memory);

        // All drop at once; three requests are made while they are away.
        TestNode.await(Future.all(sockets.stream().map(Socket::drop).toList()));
        for (int i = 0; i < 3; i++) {
          care.create(request("geriatrie", "urgent"));
        }
        List<JsonObject> expected = new ArrayList<>();
        Eventually.until("the reference saw the four requests", () -> {
          expected.addAll(reference.drain(Duration.ofMillis(50)).stream().filter(m -> "event".equals(m.getString("type"))).toList());
          return expected.stream().filter(m -> m.getString("kind").equals("teleconsultation.queued")).count() == 4;
        });

        // All come back at once, each from the last id it had.
        TestNode.await(Future.all(sockets.stream().map(s -> s.open(clients, client, node.port(), care.nurse, s.lastId())).toList()));
        long last = expected.get(expected.size() - 1).getLong("id");
        Eventually.until("every socket resumed up to the last event", () -> sockets.stream().allMatch(s -> s.lastId() >= last));
        for (Socket socket : sockets) {
          assertThat(socket.resumed).as("resumed, not a fresh snapshot").isTrue();
          List<Long> want = expected.stream().map(m -> m.getLong("id")).filter(id -> id > socket.sinceOfResume).toList();
          assertThat(socket.eventIdsAfter(socket.sinceOfResume)).as("each missed event once, in order").isEqualTo(want);
          assertThat(want).hasSize(3);
        }
        assertThat(heapAfterGc(memory)).as("2,000 sockets again: about what they took before the storm")
            .isLessThan(connectedHeap + HEAP_SLACK);

        TestNode.await(Future.all(sockets.stream().map(Socket::drop).toList()));
        Eventually.until("the heap back near its level before the sockets",
            () -> heapAfterGc(memory) < before + HEAP_SLACK);
      } finally {
        TestNode.await(client.close());
      }
    } finally {
      TestNode.await(clients.close());
    }
  }

  private static long heapAfterGc(MemoryMXBean memory) {
    memory.gc();
    memory.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** One client socket, reopened with the id of the last event it received. */
  private static final class Socket {
    private final Queue<JsonObject> events = new ConcurrentLinkedQueue<>();
    private volatile WebSocket ws;
    private volatile long lastId;
    private volatile boolean resumed;
    private volatile long sinceOfResume;

    Future<Void> open(Vertx vertx, WebSocketClient client, int port, String token, Long since) {
      Promise<Void> ready = Promise.promise();
      if (since != null) {
        sinceOfResume = since;
      }
      return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"))
          .compose(socket -> {
            ws = socket;
            socket.textMessageHandler(text -> {
              JsonObject message = new JsonObject(text);
              switch (message.getString("type")) {
                case "welcome" -> {
                  resumed = message.getBoolean("resumed", false);
                  if (resumed) {
                    ready.tryComplete();
                  }
                }
                case "snapshot" -> {
                  lastId = message.getLong("lastEventId");
                  ready.tryComplete();
                }
                case "event" -> {
                  events.add(message);
                  lastId = Math.max(lastId, message.getLong("id"));
                }
                default -> { }
              }
            });
            socket.closeHandler(v -> ready.tryFail("closed " + socket.closeStatusCode()));
            JsonObject hello = new JsonObject().put("type", "hello").put("token", token);
            if (since != null) {
              hello.put("since", since);
            }
            socket.writeTextMessage(hello.encode());
            return ready.future();
          });
    }

    Future<Void> drop() {
      return ws.close();
    }

    long lastId() {
      return lastId;
    }

    boolean has(String teleconsultationId) {
      return events.stream().anyMatch(e -> teleconsultationId.equals(e.getJsonObject("data").getString("id")));
    }

    List<Long> eventIdsAfter(long since) {
      return events.stream().map(e -> e.getLong("id")).filter(id -> id > since).toList();
    }
  }
}
