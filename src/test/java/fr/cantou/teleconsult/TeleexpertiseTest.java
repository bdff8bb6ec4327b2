package fr.cantou.teleconsult;

import fr.cantou.platform.http.HttpServers;
import fr.cantou.platform.http.Idempotent;
import fr.cantou.support.CareNodeTest;
import fr.cantou.support.Eventually;
import fr.cantou.support.SentTwiceAtOnce;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Téléexpertise: a request for a written opinion goes through the same queue and claim as a
 * teleconsultation, then nurse and doctor write to each other, live, and the doctor closes it
 * with her opinion, or turns it into a video call.
 */
class TeleexpertiseTest extends CareNodeTest {
  private JsonObject opinion() {
    return care.create(request("geriatrie", "normal").put("kind", "opinion"));
  }

  private String path(JsonObject item, String suffix) {
    return "/api/teleconsultations/" + item.getString("id") + suffix;
  }

  private JsonObject claimed(JsonObject item) {
    var claim = node.api.post(path(item, "/claim"), care.geriatrician, null);
    assertThat(claim.status()).isEqualTo(200);
    return claim.json();
  }

  private static JsonObject text(String text) {
    return new JsonObject().put("text", text);
  }

  @Test
  void a_written_exchange_longer_than_one_websocket_frame_reaches_the_page_whole() {
    JsonObject item = opinion();
    claimed(item);
    // Accented text (two bytes a letter in UTF-8): nine messages of 4,000 letters, some 72 kB. The page's client
    // refuses frames over 64 kB, as the node's own setting (a browser has no such limit): the node must split it.
    String long1 = "é".repeat(3_999) + "1";
    Vertx client = Vertx.vertx();
    // Held until the end: a Vert.x 5 WebSocket client nobody refers to is closed by the garbage collector's cleaner,
    // its sockets with it (a handshake in progress then fails: "Connection closed while handshake in process").
    WebSocketClient sockets = client.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(HttpServers.MAX_WEBSOCKET_FRAME_BYTES).setMaxMessageSize(1 << 20));
    try {
      List<JsonObject> heard = new CopyOnWriteArrayList<>();
      WebSocket page = TestNode.await(sockets.connect(node.port(), "127.0.0.1", "/ws"));
      page.textMessageHandler(text -> heard.add(new JsonObject(text)));
      page.writeTextMessage(new JsonObject().put("type", "hello").put("token", care.nurse).encode());
      Eventually.until("the page's snapshot", () -> heard.stream().anyMatch(m -> "snapshot".equals(m.getString("type"))));
      for (int i = 1; i <= 9; i++) {
        assertThat(node.api.post(path(item, "/messages"), care.geriatrician, text(long1)).status()).isEqualTo(200);
        int count = i;
        Eventually.until("message " + i + " heard", () -> heard.stream().filter(m -> "teleconsultation.message".equals(m.getString("kind")))
            .count() == count);
      }
      JsonObject last = heard.get(heard.size() - 1);
      assertThat(last.encode().getBytes(StandardCharsets.UTF_8).length)
          .isGreaterThan(HttpServers.MAX_WEBSOCKET_FRAME_BYTES);
      JsonArray messages = last.getJsonObject("data").getJsonArray("messages");
      assertThat(messages).hasSize(9);
      assertThat(messages.getJsonObject(8).getString("text")).isEqualTo(long1);
      assertThat(page.isClosed()).isFalse();
    } finally {
      TestNode.await(sockets.close());
      TestNode.await(client.close());
    }
  }

  @Test
  void an_opinion_is_written_live_on_both_sides_and_closed_with_the_doctors_opinion_without_a_call() {
    JsonObject item = opinion();
    assertThat(item.getString("kind")).isEqualTo("opinion");
    assertThat(node.api.get("/api/teleconsultations?status=queued", care.geriatrician).array().getJsonObject(0)
        .getString("kind")).as("the queue says which kind it is").isEqualTo("opinion");
    claimed(item);
    var join = node.api.get(path(item, "/join"), care.geriatrician);
    assertThat(join.status()).as("no room for a written opinion").isEqualTo(409);

    try (WsClient nurse = WsClient.hello(node.port(), care.nurse, null);
         WsClient doctor = WsClient.hello(node.port(), care.geriatrician, null)) {
      nurse.next(m -> "snapshot".equals(m.getString("type")));
      doctor.next(m -> "snapshot".equals(m.getString("type")));
      clock.advance(Duration.ofMinutes(2));
      assertThat(node.api.post(path(item, "/messages"), care.geriatrician,
          text("Pouvez-vous photographier la plaie avec une règle à côté ?")).status()).isEqualTo(200);
      JsonObject heard = nurse.nextEvent("teleconsultation.message").getJsonObject("data");
      JsonObject message = heard.getJsonArray("messages").getJsonObject(0);
      assertThat(message.getString("side")).isEqualTo("doctor");
      assertThat(message.getString("text")).isEqualTo("Pouvez-vous photographier la plaie avec une règle à côté ?");
      assertThat(message.getString("authorName")).isNotBlank();

      assertThat(node.api.post(path(item, "/messages"), care.nurse, text("  Plaie de 3 cm, fond propre, pas d'odeur.  "))
          .status()).isEqualTo(200);
      // Her own message came back to her too (first); then the nurse's answer.
      JsonArray both = doctor.next(m -> "teleconsultation.message".equals(m.getString("kind"))
          && m.getJsonObject("data").getJsonArray("messages").size() == 2).getJsonObject("data").getJsonArray("messages");
      assertThat(both.getJsonObject(1).getString("side")).isEqualTo("nurse");
      assertThat(both.getJsonObject(1).getString("text")).as("trimmed").isEqualTo("Plaie de 3 cm, fond propre, pas d'odeur.");
    }

    var done = node.api.post(path(item, "/complete"), care.geriatrician,
        new JsonObject().put("report", "Soins locaux, pansement hydrocolloïde, revoir à 7 jours.").put("outcome", "advice_given"));
    assertThat(done.status()).isEqualTo(200);
    assertThat(done.json().getString("status")).isEqualTo("completed");
    JsonArray timeline = node.api.get(path(item, "/timeline"), care.nurse).array();
    assertThat(timeline.encode()).as("who wrote, not what").contains("\"message\"").doesNotContain("règle");
    assertThat(node.api.post(path(item, "/messages"), care.nurse, text("Merci")).status())
        .as("closed: no more messages").isEqualTo(409);
  }

  @Test
  void only_the_care_homes_nurses_and_the_doctor_who_took_it_write_and_only_once_taken() {
    JsonObject item = opinion();
    assertThat(node.api.post(path(item, "/messages"), care.nurse, text("Précision")).status())
        .as("nobody took it yet").isEqualTo(409);
    claimed(item);
    assertThat(node.api.post(path(item, "/messages"), care.otherNurse, text("Bonjour")).status()).isEqualTo(403);
    assertThat(node.api.post(path(item, "/messages"), care.cardiologist, text("Bonjour")).status()).isEqualTo(403);
    assertThat(node.api.post(path(item, "/messages"), care.nurse, text("   ")).status()).isEqualTo(400);
    assertThat(node.api.get(path(item, ""), care.nurse).json().getJsonArray("messages")).isEmpty();
  }

  /**
   * The doctor's completion is being written (its transaction open); a message sent meanwhile
   * waits for it and is refused: nothing is written on a closed request.
   */
  @Test
  void a_message_sent_while_the_doctor_closes_the_request_is_refused() {
    JsonObject item = opinion();
    claimed(item);
    UUID id = UUID.fromString(item.getString("id"));
    SqlConnection other = TestNode.await(node.node().platform().pool().getConnection());
    try {
      Transaction open = TestNode.await(other.begin());
      assertThat(TestNode.await(new TeleconsultStore().complete(other, id, UUID.fromString(care.geriatricianId),
          "Avis donné.", "advice_given", clock.instant()))).isTrue();
      CompletableFuture<Integer> late = CompletableFuture.supplyAsync(() ->
          node.api.post(path(item, "/messages"), care.nurse, text("Encore une précision.")).status());
      Eventually.until("the message waits for the completion or is answered",
          () -> late.isDone() || VitalSignsTest.waitsOnALock(node));
      TestNode.await(open.commit());
      assertThat(late.join()).isEqualTo(409);
    } finally {
      other.close();
    }
    assertThat(node.api.get(path(item, ""), care.nurse).json().getJsonArray("messages")).isEmpty();
  }

  /**
   * "Envoyer" again after the answer was lost (a weak link; the page keeps the message's key): the message is in the
   * record once, its timeline line and its event made once; the event of a later message comes right after the first's.
   */
  @Test
  void a_message_sent_again_with_its_key_is_written_and_told_once() {
    JsonObject item = opinion();
    claimed(item);
    try (WsClient doctor = WsClient.hello(node.port(), care.geriatrician, null)) {
      doctor.next(m -> "snapshot".equals(m.getString("type")));
      var first = node.api.post(path(item, "/messages"), care.nurse, text("Tension 15/9 ce matin."), "message-key-0001");
      var again = node.api.post(path(item, "/messages"), care.nurse, text("Tension 15/9 ce matin."), "message-key-0001");
      assertThat(first.status()).isEqualTo(200);
      assertThat(again.status()).as(again.toString()).isEqualTo(200);
      assertThat(again.json()).isEqualTo(first.json());
      assertThat(node.api.post(path(item, "/messages"), care.nurse, text("Elle a mangé."), "message-key-0002").status())
          .isEqualTo(200);

      assertThat(doctor.nextEvent("teleconsultation.message").getJsonObject("data").getJsonArray("messages")).hasSize(1);
      assertThat(doctor.nextEvent("teleconsultation.message").getJsonObject("data").getJsonArray("messages"))
          .as("the next event is the later message's").hasSize(2);
    }
    assertThat(node.api.get(path(item, ""), care.nurse).json().getJsonArray("messages")).hasSize(2);
    JsonArray timeline = node.api.get(path(item, "/timeline"), care.nurse).array();
    assertThat(timeline.stream().map(JsonObject.class::cast).filter(l -> "message".equals(l.getString("action")))).hasSize(2);
  }

  /** The same key with another text: refused in French, nothing written. */
  @Test
  void the_same_key_with_another_message_is_refused_and_writes_nothing() {
    JsonObject item = opinion();
    claimed(item);
    assertThat(node.api.post(path(item, "/messages"), care.nurse, text("Bonjour."), "message-key-0003").status())
        .isEqualTo(200);
    var retyped = node.api.post(path(item, "/messages"), care.nurse, text("Bonjour docteur."), "message-key-0003");
    assertThat(retyped.status()).as(retyped.toString()).isEqualTo(422);
    assertThat(retyped.detail()).contains("a servi à un autre message");
    assertThat(node.api.get(path(item, ""), care.nurse).json().getJsonArray("messages")).hasSize(1);
  }

  /**
   * The retry sent while the first send was still being written (its transaction open, the item locked as the
   * service locks it) waits for it, then meets its row at the unique index: answered with the item, not a 500.
   */
  @Test
  void the_same_key_sent_twice_at_once_writes_one_message() {
    JsonObject item = opinion();
    claimed(item);
    UUID id = UUID.fromString(item.getString("id"));
    UUID nurseId = UUID.fromString(node.api.get("/api/me", care.nurse).json().getString("id"));
    var answered = SentTwiceAtOnce.retryAnswer(node, tx -> new ExchangeStore().add(tx, id, nurseId, "nurse", "Bonjour.",
            clock.instant(), Idempotent.of("message-key-0004", List.of(id, "Bonjour."))),
        () -> node.api.post(path(item, "/messages"), care.nurse, text("Bonjour."), "message-key-0004"));
    assertThat(answered.status()).as(answered.toString()).isEqualTo(200);
    assertThat(answered.json().getJsonArray("messages")).hasSize(1);
    assertThat(node.api.get(path(item, ""), care.nurse).json().getJsonArray("messages")).hasSize(1);
  }

  @Test
  void a_doctor_who_gave_the_request_back_no_longer_writes_on_it() {
    JsonObject item = opinion();
    claimed(item);
    node.api.post(path(item, "/release"), care.geriatrician, null);
    assertThat(node.api.post(path(item, "/messages"), care.geriatrician, text("Je reprends.")).status()).isEqualTo(403);
  }

  /**
   * The doctor's message was written, its answer lost; she gave the request back, then sent the message again with its
   * key: told that her message was sent and the request is no longer hers (409) — not "you may not write" (403), which
   * said it failed — and given nothing of the item (its health data are no longer hers to see). Another message under a
   * new key is refused as before.
   */
  @Test
  void a_doctor_who_gave_the_request_back_and_sends_her_written_message_again_is_told_it_was_sent_without_the_item() {
    JsonObject item = opinion();
    claimed(item);
    assertThat(node.api.post(path(item, "/messages"), care.geriatrician, text("Je regarde la photo."), "doctor-key-0001")
        .status()).isEqualTo(200);
    node.api.post(path(item, "/release"), care.geriatrician, null);

    var again = node.api.post(path(item, "/messages"), care.geriatrician, text("Je regarde la photo."), "doctor-key-0001");
    assertThat(again.status()).as(again.toString()).isEqualTo(409);
    assertThat(again.detail()).isEqualTo("Votre message est bien parti : il a été écrit avant que vous ne rendiez cette demande. "
        + "Elle n'est plus la vôtre, elle ne vous est donc plus montrée.");
    assertThat(again.json().fieldNames()).as("a problem, not the item").doesNotContain("patient", "messages", "reason");
    assertThat(node.api.get(path(item, ""), care.nurse).json().getJsonArray("messages")).as("written once").hasSize(1);

    assertThat(node.api.post(path(item, "/messages"), care.geriatrician, text("Je regarde la photo."), "doctor-key-0002")
        .status()).as("a new message: not hers to write").isEqualTo(403);
    assertThat(node.api.post(path(item, "/messages"), care.geriatrician, text("Autre chose."), "doctor-key-0001")
        .status()).as("another message under her key").isEqualTo(403);
  }

  @Test
  void a_message_of_control_characters_or_invisible_spaces_is_refused_in_words() {
    JsonObject item = opinion();
    claimed(item);
    for (String typed : List.of("a\u0000b", "\u0001\u0002", "\u00a0", "\u200b")) {
      var refused = node.api.post(path(item, "/messages"), care.nurse, text(typed));
      assertThat(refused.status()).as(typed).isEqualTo(400);
      assertThat(refused.json().getString("field")).isEqualTo("text");
    }
    assertThat(node.api.post(path(item, "/messages"), care.nurse, text("Ligne 1\nLigne 2\tfin")).status()).isEqualTo(200);
  }

  @Test
  void nobody_joining_does_not_send_an_opinion_back_to_the_queue_but_does_once_it_became_a_call() {
    JsonObject item = opinion();
    claimed(item);
    clock.advance(Duration.ofMinutes(30));
    TestNode.await(node.node().runJobs());
    assertThat(node.api.get(path(item, ""), care.nurse).json().getString("status")).isEqualTo("assigned");

    var video = node.api.post(path(item, "/video"), care.geriatrician, null);
    assertThat(video.status()).isEqualTo(200);
    assertThat(video.json().getString("kind")).isEqualTo("video");
    assertThat(node.api.get(path(item, "/join"), care.nurse).status()).as("the room opens to both").isEqualTo(200);
    // The join timeout (10 min) counts from the switch, not from the claim half an hour ago.
    clock.advance(Duration.ofMinutes(9));
    TestNode.await(node.node().runJobs());
    assertThat(node.api.get(path(item, ""), care.nurse).json().getString("status")).isEqualTo("assigned");
    clock.advance(Duration.ofMinutes(2));
    TestNode.await(node.node().runJobs());
    assertThat(node.api.get(path(item, ""), care.nurse).json().getString("status")).isEqualTo("queued");
  }

  @Test
  void only_the_doctor_who_holds_an_opinion_turns_it_into_a_call() {
    JsonObject item = opinion();
    assertThat(node.api.post(path(item, "/video"), care.geriatrician, null).status()).as("not taken yet").isEqualTo(403);
    claimed(item);
    assertThat(node.api.post(path(item, "/video"), care.nurse, null).status()).isEqualTo(403);
    assertThat(node.api.post(path(item, "/video"), care.cardiologist, null).status()).isEqualTo(403);
    assertThat(node.api.post(path(item, "/video"), care.geriatrician, null).status()).isEqualTo(200);
    assertThat(node.api.post(path(item, "/video"), care.geriatrician, null).status()).as("already a call").isEqualTo(409);
  }

  @Test
  void the_wait_estimate_of_each_kind_comes_from_the_handling_time_of_its_kind() {
    JsonObject first = opinion();
    claimed(first);
    clock.advance(Duration.ofMinutes(4));
    node.api.post(path(first, "/complete"), care.geriatrician,
        new JsonObject().put("report", "Avis donné.").put("outcome", "advice_given"));
    assertThat(node.api.post("/api/presence", care.geriatrician, new JsonObject().put("status", "available")).status())
        .isEqualTo(200);

    JsonObject waitingOpinion = opinion();
    clock.advance(Duration.ofMinutes(1));
    JsonObject waitingCall = care.create(request("geriatrie", "normal"));
    // One doctor available: an opinion waits 1 × 4 min (the median of opinions); the call, second
    // in line, 2 × 15 min (no call completed yet: the default).
    assertThat(node.api.get(path(waitingOpinion, ""), care.nurse).json().getInteger("waitEstimateMinutes")).isEqualTo(4);
    assertThat(node.api.get(path(waitingCall, ""), care.nurse).json().getInteger("waitEstimateMinutes")).isEqualTo(30);
    JsonArray queue = node.api.get("/api/teleconsultations?status=queued", care.nurse).array();
    assertThat(queue.stream().map(i -> ((JsonObject) i).getInteger("waitEstimateMinutes"))).containsExactly(4, 30);
  }

  @Test
  void the_statistics_count_each_kind_apart_as_the_nurse_asked_it() {
    JsonObject first = opinion();
    claimed(first);
    // Turned into a call: the queue and the page follow the call, the statistics what was asked.
    assertThat(node.api.post(path(first, "/video"), care.geriatrician, new JsonObject()).status()).isEqualTo(200);
    care.create(request("geriatrie", "normal"));
    care.create(request("geriatrie", "normal"));
    String day = java.time.LocalDate.ofInstant(clock.instant(), java.time.ZoneId.of("Europe/Paris")).toString();
    JsonObject stats = node.api.get("/api/stats/overview?from=" + day + "&to=" + day, node.adminToken()).json();
    JsonArray byKind = stats.getJsonObject("teleconsultations").getJsonArray("byKind");
    assertThat(byKind.stream().map(k -> ((JsonObject) k).getString("kind") + "=" + ((JsonObject) k).getLong("count")
        + " turned " + ((JsonObject) k).getLong("turnedIntoCall")))
        .containsExactly("video=2 turned 0", "opinion=1 turned 1");
    String csv = node.api.get("/api/stats/export.csv?from=" + day + "&to=" + day, node.adminToken()).body();
    assertThat(csv).contains("\"avis écrits devenus appels vidéo\",\"avis écrit (téléexpertise)\",\"1\"");
  }

  @Test
  void retention_erases_the_messages_with_the_patient_fields() {
    JsonObject item = opinion();
    claimed(item);
    node.api.post(path(item, "/messages"), care.nurse, text("Résident diabétique."));
    node.api.post(path(item, "/complete"), care.geriatrician,
        new JsonObject().put("report", "Avis donné.").put("outcome", "advice_given"));
    clock.advance(Duration.ofDays(91));
    TestNode.await(node.node().runJobs());
    JsonObject erased = node.api.get(path(item, ""), care.nurse).json();
    assertThat(erased.getString("erasedAt")).isNotBlank();
    assertThat(erased.getJsonArray("messages")).isEmpty();
  }
}
