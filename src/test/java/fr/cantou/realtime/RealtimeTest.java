package fr.cantou.realtime;

import fr.cantou.support.CareTerritory;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/** The WebSocket of the contract, as pages use it. */
class RealtimeTest {
  static TestNode node;
  static CareTerritory care;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    care = new CareTerritory(node);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  int port() {
    return node.port();
  }

  /** A geriatrician of its own, so that tests never share an open teleconsultation. */
  static String freshGeriatrician(String name) {
    return care.token(care.user(name + "@ch.test", "doctor", "Dr " + name, null, new io.vertx.core.json.JsonArray().add("geriatrie")));
  }

  @Test
  void hello_is_answered_with_welcome_then_a_snapshot() {
    try (WsClient nurse = WsClient.connect(port())) {
      nurse.send(new JsonObject().put("type", "hello").put("token", care.nurse));
      JsonObject welcome = nurse.next(m -> "welcome".equals(m.getString("type")));
      assertThat(welcome.getJsonObject("viewer").getString("role")).isEqualTo("nurse");
      assertThat(welcome.getBoolean("resumed")).isFalse();
      assertThat(welcome.getLong("heartbeatSeconds")).isEqualTo(20);
      JsonObject snapshot = nurse.next(m -> "snapshot".equals(m.getString("type")));
      assertThat(snapshot.getLong("lastEventId")).isNotNull();
      assertThat(snapshot.getJsonArray("teleconsultations")).isNotNull();
      assertThat(snapshot.getJsonArray("presence")).isNotNull();
    }
  }

  @Test
  void a_flood_of_messages_is_ignored_past_a_budget_and_the_socket_goes_on() {
    try (WsClient nurse = WsClient.hello(port(), care.nurse, null)) {
      nurse.next(m -> "snapshot".equals(m.getString("type")));
      int sent = 300;
      for (int i = 0; i < sent; i++) {
        nurse.send(new JsonObject().put("type", "ping"));
      }
      java.util.concurrent.atomic.AtomicLong pongs = new java.util.concurrent.atomic.AtomicLong();
      JsonObject error = nurse.next(m -> {
        if ("pong".equals(m.getString("type"))) {
          pongs.incrementAndGet();
        }
        return "error".equals(m.getString("type"));
      });
      assertThat(error.getString("detail")).contains("Too many messages");
      pongs.addAndGet(nurse.drain(Duration.ofMillis(500)).stream().filter(m -> "pong".equals(m.getString("type"))).count());
      assertThat(pongs.get()).as("most of the flood was dropped").isLessThan(sent / 2);

      nurse.send(new JsonObject().put("type", "ping"));
      assertThat(nurse.next(m -> "pong".equals(m.getString("type")))).as("still open, within its budget again").isNotNull();
    }
  }

  @Test
  void sockets_are_not_compressed_so_that_one_event_is_not_deflated_once_per_socket() throws Exception {
    try (java.net.Socket raw = new java.net.Socket("127.0.0.1", port())) {
      raw.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: cantou\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      var in = new java.io.BufferedReader(new java.io.InputStreamReader(raw.getInputStream(),
          java.nio.charset.StandardCharsets.US_ASCII));
      List<String> head = new java.util.ArrayList<>();
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        head.add(line.toLowerCase(java.util.Locale.ROOT));
      }
      assertThat(head.get(0)).contains("101");
      assertThat(head).noneMatch(h -> h.startsWith("sec-websocket-extensions"));
    }
  }

  /**
   * A socket's writes go straight to its channel (StrictWebSocketWrites): Vert.x 5.0.10 would give
   * it a queue for writes from any thread, 4.7 KiB of heap for its whole life; and its live events
   * go as views of a frame encoded once (SharedFrame). With the router's wrapped socket, it could
   * not until 5 December 2026.
   */
  @Test
  void a_greeted_socket_writes_straight_to_its_channel_and_gets_shared_frames() {
    List<ch.qos.logback.classic.Logger> loggers = List.of(
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(fr.cantou.platform.http.StrictWebSocketWrites.class),
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(WebSocketGateway.class));
    var lines = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
    List<ch.qos.logback.classic.Level> levels = loggers.stream().map(ch.qos.logback.classic.Logger::getLevel).toList();
    lines.start();
    loggers.forEach(logger -> {
      logger.setLevel(ch.qos.logback.classic.Level.DEBUG);
      logger.addAppender(lines);
    });
    try (WsClient nurse = WsClient.hello(port(), care.nurse, null)) {
      nurse.send(new JsonObject().put("type", "ping"));
      assertThat(nurse.next(m -> "pong".equals(m.getString("type")))).isNotNull();
      List<String> said = fr.cantou.support.LogLines.messages(lines);
      assertThat(said).contains("event=ws_writes direct=true shared_frames=true");
      assertThat(said).noneMatch(line -> line.startsWith("event=ws_direct_writes"));
    } finally {
      for (int i = 0; i < loggers.size(); i++) {
        loggers.get(i).detachAppender(lines);
        loggers.get(i).setLevel(levels.get(i));
      }
    }
  }

  @Test
  void a_second_hello_sent_before_the_first_is_answered_is_refused() {
    try (WsClient nurse = WsClient.connect(port())) {
      nurse.send(new JsonObject().put("type", "hello").put("token", care.nurse));
      nurse.send(new JsonObject().put("type", "hello").put("token", care.geriatrician));
      // The refusal may come before or after the first hello's answer: gather both, in any order.
      List<JsonObject> seen = new java.util.ArrayList<>();
      nurse.next(m -> {
        seen.add(m);
        return seen.stream().anyMatch(x -> "error".equals(x.getString("type")))
            && seen.stream().anyMatch(x -> "snapshot".equals(x.getString("type")));
      });
      assertThat(seen.stream().filter(m -> "error".equals(m.getString("type"))).findFirst().orElseThrow().getString("detail"))
          .contains("Already greeted");
      assertThat(seen.stream().filter(m -> "welcome".equals(m.getString("type"))))
          .singleElement().satisfies(w -> assertThat(w.getJsonObject("viewer").getString("role"))
              .as("the first hello decides who this is").isEqualTo("nurse"));
      nurse.send(new JsonObject().put("type", "ping"));
      nurse.next(m -> "pong".equals(m.getString("type")));
      assertThat(nurse.drain(java.time.Duration.ofMillis(300))).as("one welcome, one snapshot, nothing after the pong")
          .noneMatch(m -> "welcome".equals(m.getString("type")) || "snapshot".equals(m.getString("type")));
    }
  }

  @Test
  void a_bad_token_closes_the_socket_with_4401() {
    try (WsClient stranger = WsClient.connect(port())) {
      stranger.send(new JsonObject().put("type", "hello").put("token", "not-a-token"));
      assertThat(stranger.awaitClose()).isEqualTo(4401);
    }
  }

  @Test
  void bad_json_and_unknown_types_get_an_error_frame_and_the_socket_stays_open() {
    try (WsClient nurse = WsClient.hello(port(), care.nurse, null)) {
      nurse.sendRaw("{not json");
      assertThat(nurse.next(m -> "error".equals(m.getString("type"))).getString("detail")).contains("JSON");
      nurse.send(new JsonObject().put("type", "dance"));
      assertThat(nurse.next(m -> "error".equals(m.getString("type"))).getString("detail")).contains("dance");
      nurse.send(new JsonObject().put("type", "ping"));
      assertThat(nurse.next(m -> "pong".equals(m.getString("type")))).isNotNull();
    }
  }

  /**
   * Call messages write lines: their budget is the person's, shared by all her sockets on the
   * node (each socket keeps its own budget of frames besides). Two sockets of one doctor, each
   * far under a socket's budget, together exceed hers; another doctor is not touched by it.
   */
  @Test
  void call_messages_are_budgeted_per_person_whatever_her_number_of_sockets() {
    String doctor = freshGeriatrician("budget-one");
    String colleague = freshGeriatrician("budget-two");
    try (WsClient first = WsClient.hello(port(), doctor, null); WsClient second = WsClient.hello(port(), doctor, null);
         WsClient other = WsClient.hello(port(), colleague, null)) {
      // Each socket: 8 calls, well under the 30 frames a socket may send at once; together 16, over her 10.
      int perSocket = 8;
      assertThat(perSocket).isLessThan(30).isGreaterThan(10 / 2);
      boolean refused = false;
      for (WsClient socket : List.of(first, second)) {
        for (int i = 0; i < perSocket; i++) {
          socket.send(call(java.util.UUID.randomUUID().toString()));
        }
        refused |= refusedBeforePong(socket);
      }
      assertThat(refused).as("her calls over her budget, across her two sockets").isTrue();

      other.send(call(java.util.UUID.randomUUID().toString()));
      assertThat(refusedBeforePong(other)).as("her colleague's call").isFalse();
    }
  }

  private static JsonObject call(String teleconsultationId) {
    return new JsonObject().put("type", "call").put("teleconsultationId", teleconsultationId).put("event", "left");
  }

  /**
   * Whether the socket was told "too many messages" before the pong of a ping sent now: a socket's
   * messages are judged in order, and a refusal is said at once, so it comes before the pong.
   */
  private static boolean refusedBeforePong(WsClient socket) {
    socket.send(new JsonObject().put("type", "ping"));
    boolean[] refused = new boolean[1];
    socket.next(m -> {
      if ("error".equals(m.getString("type")) && m.getString("detail").startsWith("Too many messages")) {
        refused[0] = true;
      }
      return "pong".equals(m.getString("type"));
    });
    return refused[0];
  }

  @Test
  void error_messages_speak_the_language_of_the_upgrade_or_of_the_hello() {
    try (WsClient nurse = WsClient.hello(port(), care.nurse, null, java.util.Map.of("Accept-Language", "fr-FR,fr;q=0.9,en;q=0.5"))) {
      nurse.sendRaw("{not json");
      assertThat(nurse.next(m -> "error".equals(m.getString("type"))).getString("detail")).isEqualTo("Un message doit être un objet JSON.");
      nurse.send(new JsonObject().put("type", "dance"));
      assertThat(nurse.next(m -> "error".equals(m.getString("type"))).getString("detail")).isEqualTo("Type de message inconnu : « dance ».");
    }
    try (WsClient before = WsClient.connect(port())) {
      before.send(new JsonObject().put("type", "ping"));
      assertThat(before.next(m -> "error".equals(m.getString("type"))).getString("detail"))
          .as("no Accept-Language: English, the API's language").startsWith("Say hello first");
    }
    // The page's English switch says so in its hello, over the browser's French Accept-Language.
    try (WsClient nurse = new WsClientHello(port(), care.nurse, "en", java.util.Map.of("Accept-Language", "fr")).client) {
      nurse.send(new JsonObject().put("type", "dance"));
      assertThat(nurse.next(m -> "error".equals(m.getString("type"))).getString("detail")).isEqualTo("Unknown message type 'dance'.");
      nurse.send(new JsonObject().put("type", "call").put("teleconsultationId", "not-an-id").put("event", "joined"));
      assertThat(nurse.next(m -> "error".equals(m.getString("type"))).getString("detail")).doesNotContain("Champ");
    }
    try (WsClient nurse = new WsClientHello(port(), care.nurse, "fr", java.util.Map.of()).client) {
      nurse.send(new JsonObject().put("type", "hello").put("token", care.nurse));
      assertThat(nurse.next(m -> "error".equals(m.getString("type"))).getString("detail"))
          .isEqualTo("Déjà identifié ; reconnectez-vous pour changer d’identité.");
    }
  }

  /** A hello carrying "lang". */
  private record WsClientHello(WsClient client) {
    WsClientHello(int port, String token, String lang, java.util.Map<String, String> headers) {
      this(WsClient.connectWith(port, headers));
      client.send(new JsonObject().put("type", "hello").put("token", token).put("lang", lang));
      client.next(m -> "welcome".equals(m.getString("type")));
    }
  }

  @Test
  void a_new_request_appears_live_for_the_doctors_of_its_specialty_and_for_nobody_else() {
    try (WsClient geriatrician = WsClient.hello(port(), care.geriatrician, null);
         WsClient cardiologist = WsClient.hello(port(), care.cardiologist, null);
         WsClient otherNurse = WsClient.hello(port(), care.otherNurse, null);
         WsClient nurse = WsClient.hello(port(), care.nurse, null)) {
      String id = care.create(request("geriatrie", "urgent")).getString("id");

      JsonObject seen = geriatrician.nextEvent("teleconsultation.queued");
      assertThat(seen.getJsonObject("data").getString("id")).isEqualTo(id);
      assertThat(seen.getJsonObject("data").getString("reason")).isNotBlank();
      assertThat(nurse.nextEvent("teleconsultation.queued").getJsonObject("data").getString("id")).isEqualTo(id);

      List<JsonObject> strangers = cardiologist.drain(Duration.ofMillis(500));
      strangers.addAll(otherNurse.drain(Duration.ofMillis(100)));
      assertThat(strangers).noneMatch(m -> "event".equals(m.getString("type")) && m.encode().contains(id));
    }
  }

  @Test
  void once_taken_the_pool_learns_only_that_it_is_gone_and_the_nurse_sees_the_report_live() {
    String other = freshGeriatrician("bystander");
    String treating = freshGeriatrician("mercier");
    try (WsClient nurse = WsClient.hello(port(), care.nurse, null);
         WsClient bystander = WsClient.hello(port(), other, null)) {
      String id = care.create(request("geriatrie", "normal")).getString("id");
      assertThat(node.api.post("/api/teleconsultations/" + id + "/claim", treating, null).status()).isEqualTo(200);
      JsonObject gone = bystander.nextEvent("teleconsultation.assigned").getJsonObject("data");
      assertThat(gone.getString("status")).isEqualTo("assigned");
      assertThat(gone.containsKey("patient")).as("no patient data for doctors not treating").isFalse();

      assertThat(nurse.nextEvent("teleconsultation.assigned").getJsonObject("data").getString("doctorName")).isEqualTo("Dr mercier");
      node.api.post("/api/teleconsultations/" + id + "/complete", treating,
          new JsonObject().put("report", "Antibiothérapie locale.").put("outcome", "prescription_sent"));
      JsonObject done = nurse.nextEvent("teleconsultation.completed").getJsonObject("data");
      assertThat(done.getString("report")).isEqualTo("Antibiothérapie locale.");
      assertThat(bystander.drain(Duration.ofMillis(500))).noneMatch(m -> m.encode().contains("Antibiothérapie"));
    }
  }

  @Test
  void a_client_that_reconnects_gets_what_it_missed_in_order_without_duplicates() {
    long lastSeen;
    try (WsClient doctor = WsClient.hello(port(), care.geriatrician, null)) {
      care.create(request("geriatrie", "normal"));
      lastSeen = doctor.nextEvent("teleconsultation.queued").getLong("id");
    }
    String missed1 = care.create(request("geriatrie", "normal")).getString("id");
    String missed2 = care.create(request("geriatrie", "urgent")).getString("id");

    try (WsClient doctor = WsClient.connect(port())) {
      doctor.send(new JsonObject().put("type", "hello").put("token", care.geriatrician).put("since", lastSeen));
      assertThat(doctor.next(m -> "welcome".equals(m.getString("type"))).getBoolean("resumed")).isTrue();
      List<JsonObject> events = doctor.drain(Duration.ofMillis(700)).stream()
          .filter(m -> "event".equals(m.getString("type"))).toList();
      assertThat(events.stream().map(e -> e.getJsonObject("data").getString("id"))).containsExactly(missed1, missed2);
      assertThat(events.get(0).getLong("id")).isGreaterThan(lastSeen);
      assertThat(events.get(1).getLong("id")).isGreaterThan(events.get(0).getLong("id"));
      assertThat(events).noneMatch(m -> "snapshot".equals(m.getString("type")));
    }
  }

  @Test
  void a_long_resume_is_replayed_in_full_and_not_taken_for_a_slow_client() {
    String doctor = freshGeriatrician("longresume");
    long lastSeen;
    try (WsClient socket = WsClient.hello(node.port(), doctor, null)) {
      lastSeen = socket.next(m -> "snapshot".equals(m.getString("type"))).getLong("lastEventId");
    }
    int missed = 300;
    for (int i = 0; i < missed; i++) {
      care.create(request("geriatrie", "normal"));
    }
    try (WsClient socket = WsClient.connect(node.port())) {
      socket.send(new JsonObject().put("type", "hello").put("token", doctor).put("since", lastSeen));
      assertThat(socket.next(m -> "welcome".equals(m.getString("type"))).getBoolean("resumed")).isTrue();
      List<JsonObject> events = socket.drain(Duration.ofSeconds(2)).stream()
          .filter(m -> "event".equals(m.getString("type"))).toList();
      assertThat(events).hasSize(missed);
      assertThat(events.stream().map(e -> e.getLong("id")).distinct()).hasSize(missed);
    }
  }

  @Test
  void a_client_too_far_behind_gets_a_fresh_snapshot() {
    try (WsClient doctor = WsClient.connect(port())) {
      doctor.send(new JsonObject().put("type", "hello").put("token", care.geriatrician).put("since", Long.MAX_VALUE / 2));
      assertThat(doctor.next(m -> "welcome".equals(m.getString("type"))).getBoolean("resumed")).isFalse();
      assertThat(doctor.next(m -> "snapshot".equals(m.getString("type")))).isNotNull();
    }
  }

  @Test
  void the_call_reported_by_both_pages_starts_it() {
    String treating = freshGeriatrician("caller");
    String id = care.create(request("geriatrie", "normal")).getString("id");
    assertThat(node.api.post("/api/teleconsultations/" + id + "/claim", treating, null).status()).isEqualTo(200);
    try (WsClient nurse = WsClient.hello(port(), care.nurse, null);
         WsClient doctor = WsClient.hello(port(), treating, null)) {
      nurse.send(new JsonObject().put("type", "call").put("teleconsultationId", id).put("event", "joined"));
      assertThat(doctor.nextEvent("teleconsultation.call").getJsonObject("data").getString("status")).isEqualTo("assigned");
      doctor.send(new JsonObject().put("type", "call").put("teleconsultationId", id).put("event", "joined"));
      JsonObject started = nurse.nextEvent("teleconsultation.in_call").getJsonObject("data");
      assertThat(started.getString("status")).isEqualTo("in_call");
      assertThat(started.getString("startedAt")).isNotNull();
    }
    try (WsClient stranger = WsClient.hello(port(), care.otherNurse, null)) {
      stranger.send(new JsonObject().put("type", "call").put("teleconsultationId", id).put("event", "joined"));
      assertThat(stranger.next(m -> "error".equals(m.getString("type"))).getString("detail")).contains("Only");
    }
  }
}
