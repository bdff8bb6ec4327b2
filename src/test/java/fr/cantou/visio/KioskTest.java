package fr.cantou.visio;

import fr.cantou.support.Api;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The screen of a point visio-accueil: paired by staff with a code shown once, it gets a device
 * token with the rights of its point and nothing more — the day's appointments there (time,
 * initial, service), a citizen's check-in (the agent sees her waiting), and the way into the room
 * of an appointment checked in there while the room is open. Revoked, the token opens nothing at once.
 */
class KioskTest extends VisioNodeTest {
  private String otherPointId;
  private String mediatorOrganisation;

  /** Monday 30 November 2026 (Paris), the day of the clock. */
  static String today(String time) {
    return "2026-11-30T" + time + ":00+01:00";
  }

  @BeforeEach
  void secondPoint() {
    mediatorOrganisation = node.api.get("/api/me", visio.mediator).json().getString("organisationId");
    otherPointId = secondPoint(node, visio);
  }

  /** A second point (Maurs, mornings), run by the mediator's organisation: its id. */
  static String secondPoint(fr.cantou.support.TestNode node, VisioTerritory visio) {
    String organisation = node.api.get("/api/me", visio.mediator).json().getString("organisationId");
    JsonArray mornings = new JsonArray();
    for (int day = 1; day <= 5; day++) {
      mornings.add(new JsonObject().put("weekday", day).put("start", "09:00").put("end", "12:00"));
    }
    Api.Response created = node.api.post("/api/visio/points", visio.admin, new JsonObject().put("name", "France Services de Maurs")
        .put("commune", "Maurs").put("kind", "france_services").put("organisationId", organisation).put("hours", mornings));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return created.json().getString("id");
  }

  /** Today at {@code time}, at the territory's point, booked by its mediator for {@code name}. */
  static JsonObject bookAtPoint(fr.cantou.support.TestNode node, VisioTerritory visio, String time, String name) {
    JsonObject body = VisioTerritory.booking(visio.serviceId, today(time)).put("pointId", visio.pointId);
    body.getJsonObject("citizen").put("name", name);
    Api.Response booked = node.api.post("/api/visio/appointments", visio.mediator, body);
    assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
    return booked.json();
  }

  @Test
  void a_code_shown_once_pairs_one_screen_which_then_sees_its_points_day_with_initials_only() {
    JsonObject jeanne = book("09:00", visio.pointId, "Jeanne Vidal");
    book("09:30", visio.pointId, "Émile Lacoste");
    book("10:00", otherPointId, "Rose Vermenouze");
    book("10:30", null, "Paul Chazal");

    JsonObject pairing = created(node.api.post("/api/visio/points/" + visio.pointId + "/kiosks", visio.admin,
        new JsonObject().put("label", "Accueil de la mairie")));
    assertThat(pairing.getString("code")).matches("[A-HJKMNP-Z2-9]{5}-[A-HJKMNP-Z2-9]{5}");
    Api.Response listed = node.api.get("/api/visio/points/" + visio.pointId + "/kiosks", visio.admin);
    assertThat(listed.body()).as("the list never shows a code").doesNotContain(pairing.getString("code").substring(0, 5));

    // Typed as people type it: lower case, without its dash.
    Api.Response paired = pair(pairing.getString("code").toLowerCase().replace("-", " "));
    assertThat(paired.status()).as(paired.toString()).isEqualTo(201);
    assertThat(paired.headers().firstValue("Cache-Control")).hasValue("no-store");
    String token = paired.json().getString("token");
    assertThat(pair(pairing.getString("code")).status()).as("a code pairs once").isEqualTo(404);

    Api.Response day = kiosk("GET", "/api/visio/kiosk", token, null);
    assertThat(day.status()).as(day.toString()).isEqualTo(200);
    assertThat(day.headers().firstValue("Cache-Control")).hasValue("no-store");
    JsonArray appointments = day.json().getJsonArray("appointments");
    assertThat(appointments).hasSize(2);
    assertThat(appointments.getJsonObject(0).getString("initial")).isEqualTo("J.");
    assertThat(appointments.getJsonObject(1).getString("initial")).isEqualTo("É.");
    assertThat(appointments.getJsonObject(0).getString("id")).isEqualTo(jeanne.getString("id"));
    assertThat(day.json().getInteger("resetSeconds")).isEqualTo(180);
    assertThat(day.body()).as("nothing of the citizens but their initial").doesNotContain("Jeanne", "Vidal", "Émile", "Lacoste",
        "example.fr", jeanne.getString("reference"), "Rose", "Paul");

    JsonArray screens = node.api.get("/api/visio/points/" + visio.pointId + "/kiosks", visio.admin).array();
    assertThat(screens).hasSize(1);
    assertThat(screens.getJsonObject(0).getString("pairedAt")).isNotNull();
  }

  /**
   * The screen's pairing, its answer lost on a weak link, sent again with its Idempotency-Key: the code is spent, yet the
   * same code and key pair the same screen again (one screen listed), with a new token in place of the lost one, which
   * opens nothing any more; the code without the key, or with another key, gets 404 and no token; past 15 minutes after
   * the pairing, the key pairs nothing (without the key's look-up: 404 at the retry, watched).
   */
  @Test
  void a_pairing_sent_again_with_its_key_pairs_the_same_screen_and_no_one_else_gets_a_token() {
    String code = created(node.api.post("/api/visio/points/" + visio.pointId + "/kiosks", visio.admin,
        new JsonObject().put("label", "Accueil"))).getString("code");
    Api.Response lost = pair(code, "screen-key-0001");
    assertThat(lost.status()).as(lost.toString()).isEqualTo(201);

    Api.Response again = pair(code.toLowerCase(), "screen-key-0001");
    assertThat(again.status()).as(again.toString()).isEqualTo(201);
    assertThat(again.json().getJsonObject("point")).isEqualTo(lost.json().getJsonObject("point"));
    String token = again.json().getString("token");
    assertThat(token).isNotEqualTo(lost.json().getString("token"));
    assertThat(kiosk("GET", "/api/visio/kiosk", token, null).status()).isEqualTo(200);
    assertThat(kiosk("GET", "/api/visio/kiosk", lost.json().getString("token"), null).status())
        .as("the lost token replaced").isEqualTo(401);
    assertThat(node.api.get("/api/visio/points/" + visio.pointId + "/kiosks", visio.admin).array()).as("one screen").hasSize(1);

    for (Api.Response other : java.util.List.of(pair(code), pair(code, "someone-else-0001"))) {
      assertThat(other.status()).as("the code without its key").isEqualTo(404);
      assertThat(other.body()).doesNotContain("token");
    }
    assertThat(kiosk("GET", "/api/visio/kiosk", token, null).status()).as("still the screen's").isEqualTo(200);

    clock.advance(java.time.Duration.ofMinutes(16));
    assertThat(pair(code, "screen-key-0001").status()).as("past the code's life").isEqualTo(404);
    assertThat(kiosk("GET", "/api/visio/kiosk", token, null).status()).isEqualTo(200);
  }

  /**
   * The admin's creation of a screen, its answer lost on a weak link, sent again with its Idempotency-Key: the same
   * screen is answered (one listed) with a new code in place of the lost one, which pairs nothing any more; the new one
   * pairs it. Two sent at once make one screen. Another name, or another person, under the key is another screen; the
   * key's hash goes once the screen is paired, and a day after its creation (a job). Without the key's look-up: two
   * screens at the retry (watched).
   */
  @Test
  void a_screens_creation_sent_again_with_its_key_answers_the_same_screen_with_a_code_that_pairs() throws Exception {
    String path = "/api/visio/points/" + visio.pointId + "/kiosks";
    JsonObject hall = new JsonObject().put("label", "Hall");
    JsonObject lost = created(node.api.post(path, visio.admin, hall, "admin-screen-key-01"));
    JsonObject again = created(node.api.post(path, visio.admin, hall, "admin-screen-key-01"));
    assertThat(again.getString("id")).isEqualTo(lost.getString("id"));
    assertThat(again.getString("label")).isEqualTo("Hall");
    assertThat(again.getString("code")).isNotEqualTo(lost.getString("code"));
    assertThat(node.api.get(path, visio.admin).array()).as("one screen").hasSize(1);
    assertThat(pair(lost.getString("code")).status()).as("the lost code replaced").isEqualTo(404);
    assertThat(pair(again.getString("code")).status()).as("the code answered pairs").isEqualTo(201);
    assertThat(node.api.get(path, visio.admin).array()).as("still one screen").hasSize(1);

    // Paired, its key is forgotten: sent again (no page does), it is a new screen, never the paired one's new code.
    assertThat(created(node.api.post(path, visio.admin, hall, "admin-screen-key-01")).getString("id"))
        .isNotEqualTo(lost.getString("id"));

    java.util.List<Api.Response> atOnce = concurrently(2, i -> node.api.post(path, visio.admin,
        new JsonObject().put("label", "Entrée"), "admin-screen-key-02"));
    assertThat(atOnce).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(201));
    assertThat(atOnce.get(1).json().getString("id")).as("sent at once: one screen").isEqualTo(atOnce.get(0).json().getString("id"));

    JsonObject other = created(node.api.post(path, visio.admin, new JsonObject().put("label", "Étage"), "admin-screen-key-02"));
    assertThat(other.getString("id")).as("another name under the key").isNotEqualTo(atOnce.get(0).json().getString("id"));
    created(node.api.post("/api/users", visio.admin, new JsonObject().put("email", "admin2@visio.test").put("role", "admin")
        .put("displayName", "Odile Besse").put("password", fr.cantou.support.CareTerritory.TYPED_BY_ADMIN)));
    String otherAdmin = node.api.chooseOwnPassword("admin2@visio.test", fr.cantou.support.CareTerritory.TYPED_BY_ADMIN,
        fr.cantou.support.CareTerritory.PASSWORD);
    assertThat(created(node.api.post(path, otherAdmin, new JsonObject().put("label", "Entrée"), "admin-screen-key-02"))
        .getString("id")).as("another person's key").isNotEqualTo(atOnce.get(0).json().getString("id"));

    clock.advance(Duration.ofHours(25));
    TestNode.await(node.node().runJobs());
    assertThat(TestNode.await(node.node().platform().pool()
        .query("SELECT count(*) FROM visio_kiosk WHERE create_key_hash IS NOT NULL").execute()).iterator().next().getLong(0))
        .as("the keys' hashes a day after").isZero();
  }

  /**
   * A pairing's key hash (V97) pairs its screen again for 15 minutes after the pairing, then can pair nothing: a job
   * clears it then, in short statements (it was kept for ever; without the job, watched: kept). A pairing of 10 minutes
   * ago keeps its hash, and its retry still pairs.
   */
  @Test
  void a_pairings_key_hash_goes_once_it_can_pair_nothing_again() {
    for (int i = 1; i <= 3; i++) {
      String code = created(node.api.post("/api/visio/points/" + visio.pointId + "/kiosks", visio.admin,
          new JsonObject().put("label", "Borne " + i))).getString("code");
      assertThat(pair(code, "old-screen-key-000" + i).status()).isEqualTo(201);
    }
    clock.advance(Duration.ofMinutes(6));
    String recent = created(node.api.post("/api/visio/points/" + visio.pointId + "/kiosks", visio.admin,
        new JsonObject().put("label", "Borne 4"))).getString("code");
    assertThat(pair(recent, "new-screen-key-0001").status()).isEqualTo(201);
    clock.advance(Duration.ofMinutes(10));
    assertThat(pairKeysKept()).isEqualTo(4);

    // One statement clears a batch at most (the job's runs go on while a batch comes back full).
    assertThat(TestNode.await(new KioskStore().forgetKeyHashes(node.node().platform().pool(), KioskStore.KeyHash.PAIRING,
        clock.instant().minus(KioskPairing.CODE_LIFE), 2))).isEqualTo(2);
    TestNode.await(node.node().runJobs());
    assertThat(pairKeysKept()).as("past 15 minutes after their pairing, gone; 10 minutes after, kept").isEqualTo(1);
    assertThat(pair(recent, "new-screen-key-0001").status()).as("its retry still pairs").isEqualTo(201);

    clock.advance(Duration.ofMinutes(6));
    TestNode.await(node.node().runJobs());
    assertThat(pairKeysKept()).isZero();
  }

  private long pairKeysKept() {
    return TestNode.await(node.node().platform().pool()
        .query("SELECT count(*) FROM visio_kiosk WHERE pair_key_hash IS NOT NULL").execute()).iterator().next().getLong(0);
  }

  /**
   * Every pairing code issued is a line of the admin's audit trail: who, when, which screen. A code issued again for a
   * creation sent again with its key wrote none, so the trail showed one code where two could pair the screen in turn
   * (without the retry's line: one line, watched).
   */
  @Test
  void every_code_issued_for_a_screen_is_a_line_of_the_audit_trail_a_code_issued_again_too() {
    String path = "/api/visio/points/" + otherPointId + "/kiosks";
    JsonObject hall = new JsonObject().put("label", "Hall");
    java.time.Instant first = clock.instant();
    String kioskId = created(node.api.post(path, visio.mediator, hall, "mediator-screen-key-01")).getString("id");
    clock.advance(Duration.ofMinutes(3));
    java.time.Instant again = clock.instant();
    assertThat(created(node.api.post(path, visio.mediator, hall, "mediator-screen-key-01")).getString("id")).isEqualTo(kioskId);

    Api.Response trail = node.api.get("/api/admin/audit?limit=200&itemId=" + otherPointId, visio.admin);
    assertThat(trail.status()).as(trail.toString()).isEqualTo(200);
    String mediatorId = node.api.get("/api/me", visio.mediator).json().getString("id");
    java.util.List<String> lines = trail.json().getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(e -> kioskId.equals(e.getString("screenId")))
        .map(e -> e.getString("action") + " by " + e.getString("userId") + " at " + java.time.OffsetDateTime.parse(
            e.getString("at")).toInstant() + " on " + e.getString("itemKind") + " " + e.getString("itemId")).toList();
    assertThat(lines).as("newest first").containsExactly(
        "point.kiosk_code_issued_again by " + mediatorId + " at " + again + " on point " + otherPointId,
        "point.kiosk_created by " + mediatorId + " at " + first + " on point " + otherPointId);
  }

  @Test
  void the_mediator_of_the_organisation_running_a_point_pairs_its_screens_and_no_other_points() {
    assertThat(node.api.post("/api/visio/points/" + otherPointId + "/kiosks", visio.mediator,
        new JsonObject().put("label", "Borne")).status()).isEqualTo(201);
    assertThat(node.api.get("/api/visio/points/" + otherPointId + "/kiosks", visio.mediator).status()).isEqualTo(200);
    assertThat(node.api.post("/api/visio/points/" + visio.pointId + "/kiosks", visio.mediator,
        new JsonObject().put("label", "Borne")).status()).isEqualTo(403);
    assertThat(node.api.post("/api/visio/points/" + visio.pointId + "/kiosks", visio.agent,
        new JsonObject().put("label", "Borne")).status()).isEqualTo(403);
  }

  @Test
  void checking_in_shows_her_waiting_to_the_agent_live_and_opens_the_room_to_the_screen_only_then() {
    JsonObject jeanne = book("09:00", visio.pointId, "Jeanne Vidal");
    String id = jeanne.getString("id");
    String token = screen(visio.pointId);

    try (WsClient agent = WsClient.hello(node.port(), visio.agent, null)) {
      agent.next(m -> "snapshot".equals(m.getString("type")));
      assertThat(kiosk("GET", "/api/visio/kiosk/appointments/" + id + "/join", token, null).status())
          .as("not checked in yet").isEqualTo(409);

      Api.Response in = kiosk("POST", "/api/visio/kiosk/check-in", token, new JsonObject().put("appointmentId", id));
      assertThat(in.status()).as(in.toString()).isEqualTo(200);
      assertThat(in.json().getBoolean("checkedIn")).isTrue();
      JsonObject waiting = agent.nextEvent("appointment.waiting");
      assertThat(waiting.getJsonObject("data").getString("id")).isEqualTo(id);
      assertThat(waiting.getJsonObject("data").getBoolean("citizenWaiting")).isTrue();
    }
    assertThat(node.api.get("/api/visio/appointments/" + id, visio.agent).json().getBoolean("citizenWaiting")).isTrue();
    assertThat(actionsOn("appointment", id)).contains("appointment.checked_in");

    // 8:00: the room opens at 8:50.
    assertThat(kiosk("GET", "/api/visio/kiosk/appointments/" + id + "/join", token, null).status()).isEqualTo(409);
    clock.advance(Duration.ofMinutes(115));
    Api.Response join = kiosk("GET", "/api/visio/kiosk/appointments/" + id + "/join", token, null);
    assertThat(join.status()).as(join.toString()).isEqualTo(200);
    assertThat(join.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(join.json().getJsonObject("jitsi").getBoolean("moderator")).isFalse();
    assertThat(join.json().getJsonObject("jitsi").getString("displayName")).isEqualTo("J. — Mairie de Murat").doesNotContain("Vidal");

    assertThat(kiosk("POST", "/api/visio/kiosk/appointments/" + id + "/leave", token, null).status()).isEqualTo(200);
    assertThat(node.api.get("/api/visio/appointments/" + id, visio.agent).json().getBoolean("citizenWaiting")).isFalse();
  }

  /**
   * The screen's video that cannot open is said to the agent as the point's, with the point's phone (she is there, maybe
   * without a phone of her own); in again, she waits again. Only the screen that checked her in says it.
   */
  @Test
  void a_screen_whose_video_fails_tells_the_agent_to_call_the_point_and_in_again_she_waits_again() {
    JsonObject point = node.api.get("/api/visio/points").array().stream().map(JsonObject.class::cast)
        .filter(p -> p.getString("id").equals(visio.pointId)).findFirst().orElseThrow();
    Api.Response phoned = node.api.send("PUT", "/api/visio/points/" + visio.pointId, visio.admin, new JsonObject()
        .put("name", point.getString("name")).put("commune", point.getString("commune")).put("kind", point.getString("kind"))
        .put("hours", point.getJsonArray("hours")).put("phone", "04.71.20.30.40").encode(), Map.of("Content-Type", "application/json"));
    assertThat(phoned.status()).as(phoned.toString()).isEqualTo(200);
    assertThat(phoned.json().getString("phone")).as("written as the French write it").isEqualTo("04 71 20 30 40");

    String id = book("09:00", visio.pointId, "Jeanne Vidal").getString("id");
    String token = screen(visio.pointId);
    String other = screen(visio.pointId);
    String presence = "/api/visio/kiosk/appointments/" + id + "/presence";
    assertThat(kiosk("POST", "/api/visio/kiosk/check-in", token, new JsonObject().put("appointmentId", id)).status()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(115));
    assertThat(kiosk("POST", presence, other, new JsonObject().put("state", "failed")).status())
        .as("another screen of the point").isEqualTo(409);
    assertThat(node.api.get("/api/visio/appointments/" + id, visio.agent).json().getBoolean("citizenWaiting")).isTrue();

    try (WsClient agent = WsClient.hello(node.port(), visio.agent, null)) {
      agent.next(m -> "snapshot".equals(m.getString("type")));
      Api.Response failed = kiosk("POST", presence, token, new JsonObject().put("state", "failed"));
      assertThat(failed.status()).as(failed.toString()).isEqualTo(200);
      assertThat(failed.headers().firstValue("Cache-Control")).hasValue("no-store");
      JsonObject seen = agent.nextEvent("appointment.waiting").getJsonObject("data");
      assertThat(seen.getBoolean("citizenWaiting")).isFalse();
      assertThat(seen.getString("citizenVideoFailedAt")).isEqualTo("2026-11-30T08:55:00+01:00");
      assertThat(seen.getString("citizenVideoFailedSide")).isEqualTo("screen");
      assertThat(seen.getString("pointPhone")).isEqualTo("04 71 20 30 40");
    }
    assertThat(actionsOn("appointment", id)).contains("appointment.video_failed");

    assertThat(kiosk("POST", presence, token, new JsonObject().put("state", "waiting")).status()).isEqualTo(200);
    JsonObject again = node.api.get("/api/visio/appointments/" + id, visio.agent).json();
    assertThat(again.getBoolean("citizenWaiting")).isTrue();
    assertThat(again.containsKey("citizenVideoFailedAt")).isFalse();
    assertThat(again.containsKey("citizenVideoFailedSide")).isFalse();
    assertThat(kiosk("POST", presence, token, new JsonObject().put("state", "left")).status()).as("leaving is …/leave").isEqualTo(400);
  }

  /**
   * Her appointment moved to another day while she waits at the screen: the screen sees it (to tell her the new day) a
   * few minutes, not until midnight; a leave lost on the weak link, or a copied token that never leaves, then sees it no
   * more, nor a later move's time (V98; without it: 200 with the new time six minutes later, watched).
   */
  @Test
  void a_screen_sees_her_appointment_moved_to_another_day_only_the_time_to_tell_her() {
    JsonObject jeanne = book("09:00", visio.pointId, "Jeanne Vidal");
    String id = jeanne.getString("id");
    String path = "/api/visio/kiosk/appointments/" + id;
    String token = screen(visio.pointId);
    assertThat(kiosk("POST", "/api/visio/kiosk/check-in", token, new JsonObject().put("appointmentId", id)).status()).isEqualTo(200);

    var moved = node.api.post("/api/visio/appointments/" + id + "/reschedule", visio.agent,
        new JsonObject().put("start", "2026-12-01T09:00:00+01:00"));
    assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
    Api.Response told = kiosk("GET", path, token, null);
    assertThat(told.status()).as(told.toString()).isEqualTo(200);
    assertThat(told.json().getString("start")).isEqualTo("2026-12-01T09:00:00+01:00");

    clock.advance(Duration.ofMinutes(6));
    assertThat(kiosk("GET", path, token, null).status()).as("out of its sight once told").isEqualTo(404);
    assertThat(node.api.post("/api/visio/appointments/" + id + "/reschedule", visio.agent,
        new JsonObject().put("start", "2026-12-01T10:00:00+01:00")).status()).isEqualTo(200);
    Api.Response later = kiosk("GET", path, token, null);
    assertThat(later.status()).as("nor a later move's time").isEqualTo(404);
    assertThat(later.body()).doesNotContain("10:00");
  }

  /** She is in the room from her own link too: the screen's failure takes her out of nothing, and is not written down. */
  @Test
  void a_screens_failure_while_her_own_link_holds_her_in_the_room_changes_nothing() {
    JsonObject jeanne = book("09:00", visio.pointId, "Jeanne Vidal");
    String id = jeanne.getString("id");
    String token = screen(visio.pointId);
    assertThat(kiosk("POST", "/api/visio/kiosk/check-in", token, new JsonObject().put("appointmentId", id)).status()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(115));
    assertThat(visio.withToken("POST", "/api/visio/appointments/" + id + "/presence", jeanne.getString("manageToken"),
        new JsonObject().put("state", "waiting")).status()).isEqualTo(200);
    assertThat(kiosk("POST", "/api/visio/kiosk/appointments/" + id + "/presence", token, new JsonObject().put("state", "failed"))
        .status()).isEqualTo(200);
    JsonObject seen = node.api.get("/api/visio/appointments/" + id, visio.agent).json();
    assertThat(seen.getBoolean("citizenWaiting")).isTrue();
    assertThat(seen.containsKey("citizenVideoFailedAt")).isFalse();
    assertThat(actionsOn("appointment", id)).doesNotContain("appointment.video_failed");
  }

  /** Without a phone of its own, a point run by an organisation gives that organisation's. */
  @Test
  void a_point_without_a_phone_of_its_own_gives_the_phone_of_the_organisation_running_it() {
    String house = node.api.get("/api/me", visio.mediator).json().getString("organisationId");
    fr.cantou.support.TestNode.await(node.node().platform().pool().preparedQuery("UPDATE organisation SET phone = $2 WHERE id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(java.util.UUID.fromString(house), "04 71 49 00 00")));
    String id = book("10:00", otherPointId, "Rose Vermenouze").getString("id");
    assertThat(node.api.get("/api/visio/appointments/" + id, visio.agent).json().getString("pointPhone")).isEqualTo("04 71 49 00 00");
    assertThat(node.api.get("/api/visio/appointments/" + book("10:30", visio.pointId, "Paul Chazal").getString("id"), visio.agent)
        .json().containsKey("pointPhone")).as("a mairie without a phone given").isFalse();
  }

  @Test
  void only_an_appointment_of_today_still_to_be_held_is_checked_in() {
    String token = screen(visio.pointId);
    JsonObject tomorrow = created(node.api.post("/api/visio/appointments", visio.mediator,
        VisioTerritory.booking(visio.serviceId, "2026-12-01T09:00:00+01:00").put("pointId", visio.pointId)));
    JsonObject cancelled = book("10:00", visio.pointId, "Rose Vermenouze");
    assertThat(node.api.post("/api/visio/appointments/" + cancelled.getString("id") + "/cancel", visio.mediator, null).status())
        .isEqualTo(200);
    JsonObject over = book("09:00", visio.pointId, "Paul Chazal");

    Api.Response early = kiosk("POST", "/api/visio/kiosk/check-in", token, new JsonObject().put("appointmentId", tomorrow.getString("id")));
    assertThat(early.status()).as("another day's: not the screen's to see").isEqualTo(404);
    assertThat(kiosk("GET", "/api/visio/kiosk/appointments/" + tomorrow.getString("id"), token, null).status()).isEqualTo(404);
    assertThat(kiosk("POST", "/api/visio/kiosk/check-in", token, new JsonObject().put("reference", tomorrow.getString("reference")))
        .status()).as("typed: the same answer as a reference of nobody's").isEqualTo(404);
    assertThat(kiosk("POST", "/api/visio/kiosk/check-in", token, new JsonObject().put("appointmentId", cancelled.getString("id")))
        .status()).isEqualTo(409);
    assertThat(kiosk("GET", "/api/visio/kiosk", token, null).json().getJsonArray("appointments")).hasSize(1);
    clock.advance(Duration.ofHours(3));
    assertThat(kiosk("POST", "/api/visio/kiosk/check-in", token, new JsonObject().put("appointmentId", over.getString("id")))
        .status()).as("over at 9:30").isEqualTo(409);
    assertThat(node.api.get("/api/visio/appointments/" + over.getString("id"), visio.agent).json().getBoolean("citizenWaiting"))
        .isFalse();
  }

  /**
   * The room is the screen's that checked her in, and no other's: another screen of the point (or its token copied
   * elsewhere) neither joins nor un-checks her, and a revoked screen's check-ins go with it (outside review).
   */
  @Test
  void only_the_screen_that_checked_her_in_joins_her_room_or_ends_her_wait() {
    String id = book("09:00", visio.pointId, "Jeanne Vidal").getString("id");
    JsonObject hallScreen = created(node.api.post("/api/visio/points/" + visio.pointId + "/kiosks", visio.admin,
        new JsonObject().put("label", "Hall de la mairie")));
    String hall = created(pair(hallScreen.getString("code"))).getString("token");
    String other = screen(visio.pointId);
    assertThat(kiosk("POST", "/api/visio/kiosk/check-in", hall, new JsonObject().put("appointmentId", id)).status()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(115));
    assertThat(kiosk("GET", "/api/visio/kiosk/appointments/" + id + "/join", other, null).status())
        .as("a screen that did not check her in").isEqualTo(409);
    assertThat(kiosk("POST", "/api/visio/kiosk/appointments/" + id + "/leave", other, null).status()).isEqualTo(200);
    assertThat(node.api.get("/api/visio/appointments/" + id, visio.agent).json().getBoolean("citizenWaiting"))
        .as("still waiting: another screen's leave is nothing").isTrue();
    assertThat(kiosk("GET", "/api/visio/kiosk/appointments/" + id + "/join", hall, null).status()).isEqualTo(200);

    assertThat(node.api.send("DELETE", "/api/visio/points/" + visio.pointId + "/kiosks/" + hallScreen.getString("id"), visio.admin,
        null, Map.of()).status()).isEqualTo(200);
    String next = screen(visio.pointId);
    assertThat(kiosk("GET", "/api/visio/kiosk/appointments/" + id + "/join", next, null).status()).isEqualTo(409);
  }

  @Test
  void her_reference_typed_checks_her_in_at_her_point_only() {
    JsonObject jeanne = book("09:00", visio.pointId, "Jeanne Vidal");
    String here = screen(visio.pointId);
    String elsewhere = screen(otherPointId);
    String typed = jeanne.getString("reference").toLowerCase().replace("-", " ");

    assertThat(kiosk("POST", "/api/visio/kiosk/check-in", elsewhere, new JsonObject().put("reference", typed)).status())
        .as("another point's screen").isEqualTo(404);
    Api.Response in = kiosk("POST", "/api/visio/kiosk/check-in", here, new JsonObject().put("reference", typed));
    assertThat(in.status()).as(in.toString()).isEqualTo(200);
    assertThat(in.json().getString("id")).isEqualTo(jeanne.getString("id"));
  }

  @Test
  void a_screen_of_point_b_neither_sees_nor_acts_on_point_a() {
    String id = book("09:00", visio.pointId, "Jeanne Vidal").getString("id");
    String elsewhere = screen(otherPointId);
    String here = screen(visio.pointId);
    assertThat(kiosk("POST", "/api/visio/kiosk/check-in", here, new JsonObject().put("appointmentId", id)).status()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(115));

    assertThat(kiosk("GET", "/api/visio/kiosk", elsewhere, null).json().getJsonArray("appointments")).isEmpty();
    assertThat(kiosk("GET", "/api/visio/kiosk/appointments/" + id, elsewhere, null).status()).isEqualTo(403);
    assertThat(kiosk("POST", "/api/visio/kiosk/check-in", elsewhere, new JsonObject().put("appointmentId", id)).status())
        .isEqualTo(403);
    assertThat(kiosk("GET", "/api/visio/kiosk/appointments/" + id + "/join", elsewhere, null).status()).isEqualTo(403);
    assertThat(kiosk("POST", "/api/visio/kiosk/appointments/" + id + "/leave", elsewhere, null).status()).isEqualTo(403);
    assertThat(kiosk("GET", "/api/visio/kiosk/appointments/" + id + "/join", here, null).status()).isEqualTo(200);
    // Nor does a device token open anything of staff or citizens.
    assertThat(kiosk("GET", "/api/visio/appointments/" + id, here, null).status()).isEqualTo(401);
  }

  @Test
  void a_revoked_screen_stops_at_once_over_http_and_its_token_never_opens_a_socket() {
    String token = screen(visio.pointId);
    assertThat(kiosk("GET", "/api/visio/kiosk", token, null).status()).isEqualTo(200);
    String kioskId = node.api.get("/api/visio/points/" + visio.pointId + "/kiosks", visio.admin).array().getJsonObject(0)
        .getString("id");

    assertThat(node.api.send("DELETE", "/api/visio/points/" + otherPointId + "/kiosks/" + kioskId, visio.admin, null, Map.of())
        .status()).as("revoked through another point").isEqualTo(404);
    assertThat(node.api.send("DELETE", "/api/visio/points/" + visio.pointId + "/kiosks/" + kioskId, visio.admin, null, Map.of())
        .status()).isEqualTo(200);

    Api.Response after = kiosk("GET", "/api/visio/kiosk", token, null);
    assertThat(after.status()).as(after.toString()).isEqualTo(401);
    assertThat(after.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(node.api.get("/api/visio/points/" + visio.pointId + "/kiosks", visio.admin).array()).isEmpty();
    assertThat(socketClosedFor(token)).isEqualTo(4401);
    assertThat(actionsOn("point", visio.pointId)).as("the audit trail")
        .containsSubsequence("point.kiosk_created", "point.kiosk_paired", "point.kiosk_revoked");
  }

  /** A code never used leaves the point's list once it expired; a withdrawn point gets no new screen (outside review). */
  @Test
  void an_expired_code_leaves_the_list_and_a_withdrawn_point_pairs_no_new_screen() {
    assertThat(node.api.post("/api/visio/points/" + otherPointId + "/kiosks", visio.admin, new JsonObject().put("label", "Borne"))
        .status()).isEqualTo(201);
    assertThat(node.api.get("/api/visio/points/" + otherPointId + "/kiosks", visio.admin).array()).hasSize(1);
    clock.advance(Duration.ofMinutes(16));
    assertThat(node.api.get("/api/visio/points/" + otherPointId + "/kiosks", visio.admin).array()).isEmpty();

    assertThat(node.api.post("/api/visio/points/" + otherPointId + "/withdraw", visio.admin, null).status()).isEqualTo(204);
    Api.Response refused = node.api.post("/api/visio/points/" + otherPointId + "/kiosks", visio.admin,
        new JsonObject().put("label", "Borne"));
    assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
  }

  /** The actions of the audit trail's changes on an item, in their order (a person's, and a screen's or about one). */
  private java.util.List<String> actionsOn(String kind, String id) {
    return fr.cantou.support.TestNode.await(node.node().platform().pool()
        .preparedQuery("SELECT action FROM (SELECT at, id, action FROM change_audit WHERE item_kind = $1 AND item_id = $2"
            + " UNION ALL SELECT at, id, action FROM kiosk_audit WHERE item_kind = $1 AND item_id = $2) t ORDER BY at, id")
        .execute(io.vertx.sqlclient.Tuple.of(kind, id))).stream().map(r -> r.getString("action")).toList();
  }

  /** How the gateway closes a socket that says hello with this token. */
  private int socketClosedFor(String token) {
    try (WsClient socket = WsClient.connect(node.port())) {
      socket.send(new JsonObject().put("type", "hello").put("token", token));
      return socket.awaitClose();
    }
  }

  @Test
  void a_code_revoked_before_use_or_older_than_15_minutes_pairs_nothing_and_guesses_are_limited() {
    String stale = created(node.api.post("/api/visio/points/" + visio.pointId + "/kiosks", visio.admin,
        new JsonObject().put("label", "Borne 1"))).getString("code");
    JsonObject revoked = created(node.api.post("/api/visio/points/" + visio.pointId + "/kiosks", visio.admin,
        new JsonObject().put("label", "Borne 2")));
    node.api.send("DELETE", "/api/visio/points/" + visio.pointId + "/kiosks/" + revoked.getString("id"), visio.admin, null, Map.of());
    assertThat(pair(revoked.getString("code")).status()).isEqualTo(404);
    clock.advance(Duration.ofMinutes(16));
    assertThat(pair(stale).status()).isEqualTo(404);

    for (int i = 0; i < 8; i++) {
      assertThat(pair("AAAAA-AAAAA").status()).isEqualTo(404);
    }
    Api.Response limited = pair("AAAAA-AAAAA");
    assertThat(limited.status()).as(limited.toString()).isEqualTo(429);
  }

  private String screen(String pointId) {
    return screen(node, visio, pointId);
  }

  /** A screen paired with the point by its admin: its device token. */
  static String screen(fr.cantou.support.TestNode node, VisioTerritory visio, String pointId) {
    String code = created(node.api.post("/api/visio/points/" + pointId + "/kiosks", visio.admin,
        new JsonObject().put("label", "Borne"))).getString("code");
    return created(pair(node, code)).getString("token");
  }

  private Api.Response pair(String code) {
    return pair(node, code);
  }

  private static Api.Response pair(fr.cantou.support.TestNode node, String code) {
    return node.api.send("POST", "/api/visio/kiosk/pair", null, new JsonObject().put("code", code).encode(),
        Map.of("Content-Type", "application/json"));
  }

  private Api.Response pair(String code, String key) {
    return node.api.send("POST", "/api/visio/kiosk/pair", null, new JsonObject().put("code", code).encode(),
        Map.of("Content-Type", "application/json", "Idempotency-Key", key));
  }

  private Api.Response kiosk(String method, String path, String token, JsonObject body) {
    return kiosk(node, method, path, token, body);
  }

  /** A request of a screen: its device token in X-Kiosk-Token. */
  static Api.Response kiosk(fr.cantou.support.TestNode node, String method, String path, String token, JsonObject body) {
    Map<String, String> headers = new HashMap<>();
    headers.put("X-Kiosk-Token", token);
    if (body != null) {
      headers.put("Content-Type", "application/json");
    }
    return node.api.send(method, path, null, body == null ? null : body.encode(), headers);
  }

  private JsonObject book(String time, String pointId, String name) {
    JsonObject body = VisioTerritory.booking(visio.serviceId, today(time));
    body.getJsonObject("citizen").put("name", name);
    if (pointId != null) {
      body.put("pointId", pointId);
    }
    return created(node.api.post("/api/visio/appointments", visio.mediator, body));
  }

  private static JsonObject created(Api.Response response) {
    assertThat(response.status()).as(response.toString()).isEqualTo(201);
    return response.json();
  }
}
