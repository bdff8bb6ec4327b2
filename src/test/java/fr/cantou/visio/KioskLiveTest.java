package fr.cantou.visio;

import fr.cantou.support.Api;
import fr.cantou.support.Eventually;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A point's screen on the WebSocket, and its lines in the audit trail. The screen says hello with
 * its device token and hears only the appointments it checked in, in the variant its GET shows
 * (time, initial, service, status: never a name, a contact or a reference); revoked, its socket
 * closes at once (4401). Whatever it does is a line naming it, not "a citizen".
 */
class KioskLiveTest extends VisioNodeTest {
  /** What the screen's GET of an appointment answers: the only keys its events may carry. */
  private static final Set<String> KIOSK_FIELDS = Set.of("id", "start", "end", "timeZone", "initial", "serviceName",
      "administration", "status", "checkedIn", "joinOpensAt", "joinClosesAt");

  @Test
  void a_screen_hears_live_only_the_appointments_it_checked_in_as_its_get_shows_them() {
    String jeanne = book("09:00", "Jeanne Vidal").getString("id");
    String emile = book("09:30", "Émile Lacoste").getString("id");
    String token = screen("Accueil de la mairie").getString("token");

    try (WsClient screen = WsClient.hello(node.port(), token, null)) {
      JsonObject snapshot = screen.next(m -> "snapshot".equals(m.getString("type")));
      assertThat(snapshot.getJsonArray("kioskAppointments")).isEmpty();
      assertThat(snapshot.containsKey("appointments")).as("no agent's or citizen's view").isFalse();

      // Émile's appointment changes: not checked in here, the screen hears nothing of it (the next event it gets is Jeanne's).
      assertThat(node.api.post("/api/visio/appointments/" + emile + "/cancel", visio.mediator, null).status()).isEqualTo(200);
      assertThat(kiosk("POST", "/api/visio/kiosk/check-in", token, new JsonObject().put("appointmentId", jeanne)).status())
          .isEqualTo(200);
      JsonObject waiting = screen.next(m -> "event".equals(m.getString("type")));
      assertThat(waiting.getString("kind")).isEqualTo("kiosk.appointment");
      assertShownAsTheScreenSeesIt(waiting.getJsonObject("data"), jeanne, "booked");
      assertThat(waiting.getJsonObject("data").getBoolean("checkedIn")).isTrue();

      // The agent joins: the screen hears it at once, and only in its variant.
      clock.advance(Duration.ofMinutes(115));
      assertThat(node.api.post("/api/visio/appointments/" + jeanne + "/presence", visio.agent,
          new JsonObject().put("state", "joined")).status()).isEqualTo(200);
      JsonObject inCall = screen.next(m -> "event".equals(m.getString("type")) && "in_call".equals(
          m.getJsonObject("data").getString("status")));
      assertThat(inCall.getString("kind")).isEqualTo("kiosk.appointment");
      assertShownAsTheScreenSeesIt(inCall.getJsonObject("data"), jeanne, "in_call");
      assertThat(inCall.encode()).doesNotContain("Jeanne", "Vidal", "06 ", "@");

      // A new socket of the screen is shown her appointment first.
      try (WsClient again = WsClient.hello(node.port(), token, null)) {
        JsonArray shown = again.next(m -> "snapshot".equals(m.getString("type"))).getJsonArray("kioskAppointments");
        assertThat(shown).hasSize(1);
        assertShownAsTheScreenSeesIt(shown.getJsonObject(0), jeanne, "in_call");
      }

      // Another screen of the point hears nothing of her.
      String other = screen("Salle du fond").getString("token");
      try (WsClient elsewhere = WsClient.hello(node.port(), other, null)) {
        assertThat(elsewhere.next(m -> "snapshot".equals(m.getString("type"))).getJsonArray("kioskAppointments")).isEmpty();
        assertThat(node.api.post("/api/visio/appointments/" + jeanne + "/complete", visio.agent, null).status()).isEqualTo(200);
        assertThat(screen.next(m -> "event".equals(m.getString("type"))).getJsonObject("data").getString("status"))
            .isEqualTo("completed");
        // The other screen's next event is one of its own: her check-in there.
        String rose = book("11:00", "Rose Vermenouze").getString("id");
        kiosk("POST", "/api/visio/kiosk/check-in", other, new JsonObject().put("appointmentId", rose));
        assertThat(elsewhere.next(m -> "event".equals(m.getString("type"))).getJsonObject("data").getString("id")).isEqualTo(rose);
      }
    }
  }

  @Test
  void revoking_a_screen_closes_its_socket_at_once_and_refuses_its_next_hello() {
    JsonObject paired = screen("Borne du hall");
    String token = paired.getString("token");
    String kioskId = node.api.get("/api/visio/points/" + visio.pointId + "/kiosks", visio.admin).array().getJsonObject(0)
        .getString("id");
    try (WsClient screen = WsClient.hello(node.port(), token, null)) {
      screen.next(m -> "snapshot".equals(m.getString("type")));
      assertThat(node.api.send("DELETE", "/api/visio/points/" + visio.pointId + "/kiosks/" + kioskId, visio.admin, null,
          Map.of()).status()).isEqualTo(200);
      assertThat(screen.awaitClose()).isEqualTo(4401);
    }
    try (WsClient again = WsClient.connect(node.port())) {
      again.send(new JsonObject().put("type", "hello").put("token", token));
      assertThat(again.awaitClose()).isEqualTo(4401);
    }
  }

  @Test
  void revoked_on_one_node_its_sockets_on_another_close_also_one_whose_hello_read_the_token_before_the_revocation() {
    String token = screen("Borne du hall").getString("token");
    String kioskId = node.api.get("/api/visio/points/" + visio.pointId + "/kiosks", visio.admin).array().getJsonObject(0)
        .getString("id");
    try (TestNode other = TestNode.start(node.database(), settings(), clock);
         WsClient greeted = WsClient.hello(other.port(), token, null);
         WsClient late = WsClient.connect(other.port())) {
      greeted.next(m -> "snapshot".equals(m.getString("type")));
      // Its last visit an hour old: the next hello writes it, and so waits on the row the revocation holds.
      clock.advance(Duration.ofHours(1));
      SqlConnection auditLock = TestNode.await(node.node().platform().pool().getConnection());
      SqlConnection rowLock = TestNode.await(node.node().platform().pool().getConnection());
      try {
        // 1. The revocation (on this node) changes the screen's row, then waits to write its audit line.
        TestNode.await(auditLock.query("BEGIN").execute());
        TestNode.await(auditLock.query("LOCK TABLE kiosk_audit IN EXCLUSIVE MODE").execute());
        var revoked = java.util.concurrent.CompletableFuture.supplyAsync(() -> node.api.send("DELETE",
            "/api/visio/points/" + visio.pointId + "/kiosks/" + kioskId, visio.admin, null, Map.of()).status());
        waitingOn("%INSERT INTO kiosk_audit%");
        // 2. Someone queues for the screen's row behind it, 3. then the late hello reads the token (still valid for
        // it) and queues behind both to write its visit.
        TestNode.await(rowLock.query("BEGIN").execute());
        var held = rowLock.preparedQuery("SELECT id FROM visio_kiosk WHERE id = $1 FOR UPDATE")
            .execute(Tuple.of(java.util.UUID.fromString(kioskId)));
        waitingOn("%FROM visio_kiosk WHERE id = $1 FOR UPDATE%");
        late.send(new JsonObject().put("type", "hello").put("token", token));
        waitingOn("%UPDATE visio_kiosk SET last_seen_at%");
        // 4. The revocation commits: the other node hears it (its greeted socket closes) while the hello still waits.
        TestNode.await(auditLock.query("COMMIT").execute());
        assertThat(revoked.join()).isEqualTo(200);
        assertThat(greeted.awaitClose()).isEqualTo(4401);
        TestNode.await(held);
        // 5. The hello ends with the token it read as valid: the revocation heard meanwhile closes it.
        TestNode.await(rowLock.query("COMMIT").execute());
        assertThat(late.awaitClose()).isEqualTo(4401);
      } finally {
        auditLock.close();
        rowLock.close();
      }
    }
  }

  /** Until a statement like {@code pattern} waits for a lock in the database. */
  private void waitingOn(String pattern) {
    Eventually.until("a statement waiting: " + pattern, () -> TestNode.await(node.node().platform().pool().preparedQuery(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1")
        .execute(Tuple.of(pattern))).iterator().next().getLong("n") > 0);
  }

  @Test
  void the_audit_trail_names_the_screen_that_paired_checked_her_in_opened_her_call_and_saw_her_leave() {
    String id = book("09:00", "Jeanne Vidal").getString("id");
    String token = screen("Accueil de la mairie").getString("token");
    assertThat(kiosk("POST", "/api/visio/kiosk/check-in", token, new JsonObject().put("appointmentId", id)).status()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(115));
    assertThat(kiosk("GET", "/api/visio/kiosk/appointments/" + id + "/join", token, null).status()).isEqualTo(200);
    assertThat(kiosk("POST", "/api/visio/kiosk/appointments/" + id + "/leave", token, null).status()).isEqualTo(200);

    List<JsonObject> lines = trail("itemId=" + id);
    List<JsonObject> screens = lines.stream().filter(l -> "screen".equals(l.getString("actor"))).toList();
    assertThat(screens).extracting(l -> l.getString("action"))
        .containsExactlyInAnyOrder("appointment.checked_in", "appointment.joined", "appointment.left");
    assertThat(screens).allSatisfy(l -> {
      assertThat(l.getString("screenLabel")).isEqualTo("Accueil de la mairie");
      assertThat(l.getString("screenId")).isNotNull();
      assertThat(l.getString("userId")).isNull();
    });
    assertThat(lines).noneMatch(l -> "citizen".equals(l.getString("actor")));

    String kioskId = screens.get(0).getString("screenId");
    assertThat(node.api.send("DELETE", "/api/visio/points/" + visio.pointId + "/kiosks/" + kioskId, visio.admin, null, Map.of())
        .status()).isEqualTo(200);
    List<JsonObject> point = trail("itemId=" + visio.pointId);
    assertThat(point).filteredOn(l -> "point.kiosk_paired".equals(l.getString("action")))
        .singleElement().satisfies(l -> {
          assertThat(l.getString("actor")).isEqualTo("screen");
          assertThat(l.getString("screenLabel")).isEqualTo("Accueil de la mairie");
        });
    assertThat(point).filteredOn(l -> "point.kiosk_revoked".equals(l.getString("action")))
        .singleElement().satisfies(l -> {
          assertThat(l.getString("actor")).isEqualTo("user");
          assertThat(l.getString("userId")).isNotNull();
          assertThat(l.getString("screenId")).isEqualTo(kioskId);
          assertThat(l.getString("screenLabel")).isEqualTo("Accueil de la mairie");
        });
  }

  private static void assertShownAsTheScreenSeesIt(JsonObject data, String id, String status) {
    assertThat(data.fieldNames()).isSubsetOf(KIOSK_FIELDS);
    assertThat(data.getString("id")).isEqualTo(id);
    assertThat(data.getString("status")).isEqualTo(status);
    assertThat(data.getString("initial")).hasSize(2);
  }

  private List<JsonObject> trail(String query) {
    Api.Response page = node.api.get("/api/admin/audit?" + query, visio.admin);
    assertThat(page.status()).as(page.toString()).isEqualTo(200);
    return page.json().getJsonArray("items").stream().map(JsonObject.class::cast).toList();
  }

  /** A new screen of the point, named so, paired: the pairing answer (its token). */
  private JsonObject screen(String label) {
    Api.Response made = node.api.post("/api/visio/points/" + visio.pointId + "/kiosks", visio.admin,
        new JsonObject().put("label", label));
    assertThat(made.status()).as(made.toString()).isEqualTo(201);
    Api.Response paired = node.api.send("POST", "/api/visio/kiosk/pair", null,
        new JsonObject().put("code", made.json().getString("code")).encode(), Map.of("Content-Type", "application/json"));
    assertThat(paired.status()).as(paired.toString()).isEqualTo(201);
    return paired.json();
  }

  private Api.Response kiosk(String method, String path, String token, JsonObject body) {
    return KioskTest.kiosk(node, method, path, token, body);
  }

  private JsonObject book(String time, String name) {
    return KioskTest.bookAtPoint(node, visio, time, name);
  }
}
