package fr.cantou.realtime;

import fr.cantou.support.CareTerritory;
import fr.cantou.support.Eventually;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A page that stops reading (a frozen tab, a link gone silent) is not kept at the node's
 * expense: once the frames it has not taken reach what the node allows
 * ({@code realtime.maxQueuedFrames}), its socket is closed with 4408, while the other pages go on
 * receiving; opened again with {@code since}, it gets every event it missed, once, in order.
 */
class SlowReaderTest {
  private static final String TOKEN = "a-metrics-token-long-enough-for-prometheus";
  /** Far more than two small kernel buffers and 128 frames hold: a node that never drops fails here. */
  private static final int MOST_CREATES = 1_000;

  @Test
  void a_socket_that_stops_reading_is_closed_with_4408_and_misses_nothing_when_it_comes_back() throws Exception {
    Vertx clients = Vertx.vertx();
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_REALTIME_MAX_QUEUED_FRAMES", "128", "CANTOU_HTTP_SEND_BUFFER_BYTES", "16384",
        "CANTOU_METRICS_TOKEN", TOKEN,
        // The frozen socket writes nothing for a while: not closed as idle (without its 4408) on a slow machine.
        "CANTOU_HTTP_IDLE_TIMEOUT_SECONDS", "600"), Clock.systemUTC())) {
      CareTerritory care = new CareTerritory(node);
      Frozen frozen = Frozen.greeted(clients, node, care.nurse);
      try (WsClient steady = WsClient.hello(node.port(), care.nurse, null)) {
        frozen.socket.pause();
        List<String> created = new ArrayList<>();
        while (created.size() % 10 != 0 || dropped(node) == 0) { // the metric read every 10 creates
          assertThat(created).as("creates before the frozen socket was dropped").hasSizeLessThan(MOST_CREATES);
          created.add(care.create(request("geriatrie", "normal")).getString("id"));
        }
        // Reading again at once: its connection is cut 10 s after the 4408 whether it read its close or not.
        frozen.socket.resume();
        assertThat(TestNode.await(Future.fromCompletionStage(frozen.closed))).isEqualTo(ClientSession.CLOSE_TOO_SLOW);
        // The steady page had every one of them, in order, the last one included.
        for (String id : created) {
          assertThat(steady.nextEvent("teleconsultation.queued").getJsonObject("data").getString("id")).isEqualTo(id);
        }
        List<String> taken = frozen.events.stream().map(e -> e.getJsonObject("data").getString("id")).toList();
        assertThat(taken).as("what the frozen page had before it was dropped, in order")
            .isEqualTo(created.subList(0, taken.size())).hasSizeLessThan(created.size());

        long lastId = frozen.events.isEmpty() ? frozen.snapshotLastId() : frozen.events.get(frozen.events.size() - 1).getLong("id");
        try (WsClient back = WsClient.hello(node.port(), care.nurse, lastId)) {
          for (String id : created.subList(taken.size(), created.size())) {
            assertThat(back.nextEvent("teleconsultation.queued").getJsonObject("data").getString("id")).isEqualTo(id);
          }
        }
      }
    } finally {
      TestNode.await(clients.close());
    }
  }

  /**
   * Dropped with 4408, a page that never reads again never reads its close frame either, which
   * waits behind its unread frames: its connection ends after the closing timeout (10 s), not
   * after the idle timeout (here 600 s), with the frames and buffers it held.
   */
  @Test
  void a_dropped_socket_that_never_reads_again_is_let_go_after_the_closing_timeout() throws Exception {
    Vertx clients = Vertx.vertx();
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_REALTIME_MAX_QUEUED_FRAMES", "128",
        "CANTOU_HTTP_SEND_BUFFER_BYTES", "16384", "CANTOU_METRICS_TOKEN", TOKEN,
        "CANTOU_REALTIME_HEARTBEAT_SECONDS", "300", "CANTOU_HTTP_IDLE_TIMEOUT_SECONDS", "600"), Clock.systemUTC())) {
      CareTerritory care = new CareTerritory(node);
      Frozen frozen = Frozen.greeted(clients, node, care.nurse);
      try (WsClient steady = WsClient.hello(node.port(), care.nurse, null)) {
        frozen.socket.pause();
        int created = 0;
        while (created % 10 != 0 || dropped(node) == 0) {
          assertThat(created).as("creates before the frozen socket was dropped").isLessThan(MOST_CREATES);
          care.create(request("geriatrie", "normal"));
          created++;
        }
        assertThat(connections(node)).as("the frozen page's connection, still open just after its 4408").isEqualTo(2);
        fr.cantou.support.Eventually.until("the frozen page's connection ended", java.time.Duration.ofSeconds(25),
            () -> connections(node) == 1);
        // Reading again, it finds its connection gone (its client's own close would wait for it).
        frozen.socket.resume();
        TestNode.await(Future.fromCompletionStage(frozen.closed));
      }
    } finally {
      TestNode.await(clients.close());
    }
  }

  private static double connections(TestNode node) {
    return counter(node, "cantou_websocket_connections ");
  }

  /**
   * A tab that stops reading in the middle of its replay holds no greeting place: with one place
   * (a pool of two connections), another page is greeted while the frozen tab's replay still
   * waits for it, and the frozen tab, reading again, gets its whole replay, in order.
   */
  @Test
  void a_tab_frozen_in_its_replay_does_not_hold_the_other_pages_greetings() {
    Vertx clients = Vertx.vertx();
    try (TestNode node = TestNode.start(TestDatabase.fresh(), frozenReplaySettings(Map.of("CANTOU_DATABASE_POOL_SIZE", "2")),
        Clock.systemUTC())) {
      CareTerritory care = new CareTerritory(node);
      Frozen frozen = frozenInItsReplay(clients, node, care.nurse);

      try (WsClient other = WsClient.hello(node.port(), care.otherNurse, null)) {
        assertThat(frozen.events).as("the frozen tab read nothing meanwhile").isEmpty();
      }
      frozen.socket.resume();
      Eventually.until("the frozen tab's whole replay", () -> frozen.events.size() == 900);
      assertThat(frozen.events).extracting(e -> e.getJsonObject("data").getInteger("n"))
          .isEqualTo(java.util.stream.IntStream.rangeClosed(1, 900).boxed().toList());
    } finally {
      TestNode.await(clients.close());
    }
  }

  /**
   * A replay is judged resumable when it starts (none of what it misses purged yet), then read batch
   * by batch as the tab takes them: the retention's purge may pass it meanwhile. A tab frozen in its
   * replay while the purge removes what it has not read yet is closed, so that it says hello again
   * and gets a snapshot, never welcomed on with a hole in its events. (Found by the outside review of
   * 6 December 2026: the replay went on after the purge and the tab got the next live event as if
   * nothing were missing.)
   */
  @Test
  void a_tab_whose_replay_the_retention_overtakes_is_closed_and_gets_a_snapshot_never_a_gap() {
    Vertx clients = Vertx.vertx();
    try (TestNode node = TestNode.start(TestDatabase.fresh(), frozenReplaySettings(Map.of()), Clock.systemUTC())) {
      CareTerritory care = new CareTerritory(node);
      Frozen frozen = frozenInItsReplay(clients, node, care.nurse);

      // The retention's run, a week later by its clock: every event so far goes, those the tab has yet to read included.
      int purged = TestNode.await(new EventRetention(node.node().platform().pool(), new EventStore(),
          Clock.offset(Clock.systemUTC(), java.time.Duration.ofDays(8)), java.time.Duration.ofDays(7)).run());
      assertThat(purged).as("events purged").isGreaterThanOrEqualTo(900);
      RawEvents.forNurses(node, "test.after", "jsonb_build_object('n', 901)", 1);
      frozen.socket.resume();
      Eventually.until("the frozen tab closed, or given the event after the purge",
          () -> frozen.closed.isDone() || frozen.events.stream().anyMatch(e -> "test.after".equals(e.getString("kind"))));
      assertThat(frozen.closed).as("the tab whose replay the purge overtook (it has " + frozen.events.size()
          + " of the 900 events; given the next one, it would never know of the others)").isDone();

      long last = frozen.events.isEmpty() ? frozen.since : frozen.events.get(frozen.events.size() - 1).getLong("id");
      try (WsClient again = WsClient.hello(node.port(), care.nurse, last)) {
        // Not resumed from before what was purged: a snapshot (a resume would send none).
        assertThat(again.next(m -> "snapshot".equals(m.getString("type"))).getLong("lastEventId")).isGreaterThan(last);
      }
    } finally {
      TestNode.await(clients.close());
    }
  }

  /** A node whose frozen tab neither its silence nor its idleness ends while the test runs, and these settings. */
  private static Map<String, String> frozenReplaySettings(Map<String, String> more) {
    Map<String, String> all = new java.util.HashMap<>(Map.of("CANTOU_HTTP_SEND_BUFFER_BYTES", "16384",
        "CANTOU_REALTIME_MAX_QUEUED_FRAMES", "100000", "CANTOU_METRICS_TOKEN", TOKEN,
        "CANTOU_REALTIME_HEARTBEAT_SECONDS", "300", "CANTOU_HTTP_IDLE_TIMEOUT_SECONDS", "600"));
    all.putAll(more);
    return all;
  }

  /**
   * A tab that resumes from before 900 events for the nurses (about 240 kB: far more than the two kernel buffers and a
   * batch in the node hold) and reads nothing: its replay has begun, past its first batch, and stops where the buffers
   * are full.
   */
  private static Frozen frozenInItsReplay(Vertx clients, TestNode node, String token) {
    long before;
    try (WsClient first = WsClient.hello(node.port(), token, null)) {
      before = first.next(m -> "snapshot".equals(m.getString("type"))).getLong("lastEventId");
    }
    RawEvents.forNurses(node, "test.filler", "jsonb_build_object('n', g, 'pad', repeat('x', 200))", 900);
    double deliveredBefore = delivered(node);
    Frozen frozen = Frozen.connected(clients, node);
    frozen.since = before;
    frozen.socket.writeTextMessage(new JsonObject().put("type", "hello").put("token", token).put("since", before).encode());
    frozen.socket.pause();
    Eventually.until("the frozen tab's replay under way", () -> delivered(node) - deliveredBefore > 150);
    return frozen;
  }

  /** Events handed to sockets (its metric). */
  private static double delivered(TestNode node) {
    return counter(node, "cantou_events_delivered_total ");
  }

  /** A page on a Vert.x client, so that it can stop reading (pause) over a small receive window. */
  private static final class Frozen {
    /**
     * Its client, held for as long as the page: a Vert.x 5 WebSocket client nobody refers to is closed by the garbage
     * collector's cleaner, its sockets with it.
     */
    final WebSocketClient client;
    final WebSocket socket;
    final List<JsonObject> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    final ConcurrentLinkedQueue<JsonObject> greeting = new ConcurrentLinkedQueue<>();
    final CompletableFuture<Short> closed = new CompletableFuture<>();
    /** The id its hello resumed from, if it did. */
    long since;

    /** Over a small receive window of its own (grown by the kernel, it would hold megabytes first). */
    static Frozen connected(Vertx clients, TestNode node) {
      WebSocketClient client = clients.createWebSocketClient(new WebSocketClientOptions().setReceiveBufferSize(8192));
      return new Frozen(client, TestNode.await(client.connect(node.port(), "127.0.0.1", "/ws")));
    }

    Frozen(WebSocketClient client, WebSocket socket) {
      this.client = client;
      this.socket = socket;
      socket.textMessageHandler(text -> {
        JsonObject message = new JsonObject(text);
        if ("event".equals(message.getString("type"))) {
          events.add(message);
        } else {
          greeting.add(message);
        }
      });
      socket.closeHandler(v -> closed.complete(socket.closeStatusCode()));
    }

    /** Connected over small kernel buffers on both sides (grown by the kernel, they would hold megabytes first), greeted. */
    static Frozen greeted(Vertx clients, TestNode node, String token) {
      Frozen frozen = connected(clients, node);
      frozen.hello(token);
      return frozen;
    }

    /** Says hello and waits for the snapshot: every change after it comes as an event. */
    void hello(String token) {
      socket.writeTextMessage(new JsonObject().put("type", "hello").put("token", token).encode());
      Eventually.until("the frozen page's snapshot", () -> greeting.stream().anyMatch(m -> "snapshot".equals(m.getString("type"))));
    }

    long snapshotLastId() {
      return greeting.stream().filter(m -> "snapshot".equals(m.getString("type"))).findFirst().orElseThrow().getLong("lastEventId");
    }
  }

  /** Frames the node did not write because their client was too slow (its metric). */
  private static double dropped(TestNode node) {
    return counter(node, "cantou_events_dropped_total ");
  }

  private static double counter(TestNode node, String series) {
    return node.api.get("/metrics", TOKEN).body().lines().filter(line -> line.startsWith(series))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length()).trim())).findFirst().orElse(0);
  }
}
