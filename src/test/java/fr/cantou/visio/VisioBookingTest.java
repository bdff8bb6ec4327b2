package fr.cantou.visio;

import fr.cantou.support.Api;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static fr.cantou.support.VisioTerritory.booking;
import static org.assertj.core.api.Assertions.assertThat;

/** Booking without an account, no double booking ever, changes, and the meeting. */
class VisioBookingTest extends VisioNodeTest {
  JsonArray slots(String from, String to) {
    return node.api.get("/api/visio/services/" + visio.serviceId + "/slots?from=" + from + "&to=" + to).array();
  }

  @Test
  void services_and_points_are_public_with_what_to_bring() {
    JsonObject service = node.api.get("/api/visio/services").array().getJsonObject(0);
    assertThat(service.getString("administration")).isEqualTo("CAF du Cantal");
    assertThat(service.getInteger("durationMinutes")).isEqualTo(30);
    assertThat(service.getJsonArray("documents").getList()).contains("Votre numéro d'allocataire");
    JsonObject point = node.api.get("/api/visio/points").array().getJsonObject(0);
    assertThat(point.getString("commune")).isEqualTo("Murat");
  }

  @Test
  void slots_are_given_in_paris_time_for_a_range_of_days() {
    JsonArray monday = slots("2026-11-30", "2026-11-30");
    assertThat(monday).hasSize(20);
    assertThat(monday.getJsonObject(0).getString("start")).isEqualTo("2026-11-30T08:00:00+01:00");
    assertThat(monday.getJsonObject(0).getString("end")).isEqualTo("2026-11-30T08:30:00+01:00");
    assertThat(slots("2026-12-05", "2026-12-06")).as("weekend").isEmpty();
    assertThat(slots("2026-12-25", "2026-12-25")).as("Christmas").isEmpty();
    var atPoint = node.api.get("/api/visio/services/" + visio.serviceId + "/slots?from=2026-11-30&to=2026-11-30&pointId="
        + visio.pointId).array();
    assertThat(atPoint).hasSize(6);
  }

  @Test
  void bad_ranges_are_refused_with_the_parameter_named() {
    var reversed = node.api.get("/api/visio/services/" + visio.serviceId + "/slots?from=2026-12-10&to=2026-12-01");
    assertThat(reversed.status()).isEqualTo(400);
    assertThat(reversed.detail()).contains("'to'");
    assertThat(node.api.get("/api/visio/services/" + visio.serviceId + "/slots?from=2026-12-01&to=2027-06-01").status())
        .isEqualTo(400);
    assertThat(node.api.get("/api/visio/services/" + visio.serviceId + "/slots?from=demain&to=2027-06-01").status())
        .isEqualTo(400);
  }

  @Test
  void a_citizen_books_without_an_account_and_opens_it_with_the_manage_token() {
    Api.Response booked = visio.book("2026-12-01T10:00:00+01:00");
    assertThat(booked.status()).isEqualTo(201);
    JsonObject a = booked.json();
    assertThat(a.getString("reference")).matches("CAF-[2-9A-HJKMNP-Z]{5}");
    assertThat(a.getString("status")).isEqualTo("booked");
    assertThat(a.getString("start")).isEqualTo("2026-12-01T10:00:00+01:00");
    assertThat(a.getString("end")).isEqualTo("2026-12-01T10:30:00+01:00");
    String token = a.getString("manageToken");
    assertThat(token).isNotBlank();

    var mine = visio.withToken("GET", "/api/visio/appointments/" + a.getString("id"), token, null);
    assertThat(mine.status()).isEqualTo(200);
    assertThat(mine.json().containsKey("manageToken")).as("the token is given only once").isFalse();
    assertThat(node.api.get("/api/visio/appointments/" + a.getString("id")).status()).isEqualTo(401);

    String other = visio.book("2026-12-01T11:00:00+01:00").json().getString("manageToken");
    assertThat(visio.withToken("GET", "/api/visio/appointments/" + a.getString("id"), other, null).status()).isEqualTo(403);
    assertThat(visio.withToken("GET", "/api/visio/appointments/" + a.getString("id"), token + "x", null).status()).isEqualTo(403);
  }

  @Test
  void a_contact_is_needed() {
    JsonObject body = booking(visio.serviceId, "2026-12-01T10:00:00+01:00");
    body.getJsonObject("citizen").remove("email");
    var refused = node.api.post("/api/visio/appointments", body);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.detail()).contains("citizen");
  }

  /**
   * One mailbox, never a name and an address: the mail library sent "x<victim@example.org>" to victim@example.org,
   * each such spelling a new person for the limits kept per contact (a mailbox bombed past them); a stray ">" failed
   * only when the mail was sent.
   */
  @Test
  void an_email_is_one_mailbox_never_a_display_name_or_a_list() {
    for (String email : List.of("x<victime@example.org>", "victime@example.org>", "a@example.org,victime@example.org",
        "x(commentaire)@example.org", "a\\b@example.org")) {
      JsonObject body = booking(visio.serviceId, "2026-12-01T10:00:00+01:00");
      body.getJsonObject("citizen").put("email", email);
      var refused = node.api.post("/api/visio/appointments", body);
      assertThat(refused.status()).as(email).isEqualTo(400);
      assertThat(refused.detail()).as(email).contains("citizen.email");
    }
    JsonObject quoted = booking(visio.serviceId, "2026-12-01T10:00:00+01:00");
    quoted.getJsonObject("citizen").put("email", "\"jeanne\"@example.fr");
    assertThat(node.api.post("/api/visio/appointments", quoted).status()).as("a quoted local part is one mailbox").isEqualTo(201);
  }

  @Test
  void a_taken_slot_is_a_409_and_a_cancelled_one_is_free_again_at_once() {
    JsonObject first = visio.book("2026-12-01T10:00:00+01:00").json();
    var again = visio.book("2026-12-01T10:00:00+01:00");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.detail()).contains("no longer free");
    assertThat(visio.book("2026-12-01T10:15:00+01:00").status()).as("not a slot").isEqualTo(409);

    var cancelled = visio.withToken("POST", "/api/visio/appointments/" + first.getString("id") + "/cancel",
        first.getString("manageToken"), null);
    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.json().getString("status")).isEqualTo("cancelled");
    assertThat(visio.book("2026-12-01T10:00:00+01:00").status()).isEqualTo(201);
  }

  @Test
  void a_hundred_concurrent_bookings_of_one_slot_make_exactly_one_appointment() throws Exception {
    List<Integer> statuses = concurrently(100, i -> visio.book("2026-12-02T09:00:00+01:00").status());
    assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
    assertThat(statuses).filteredOn(s -> s != 201).allMatch(s -> s == 409);
  }

  @Test
  void a_hundred_concurrent_bookings_of_a_hundred_slots_all_succeed() throws Exception {
    JsonArray week = slots("2026-12-07", "2026-12-11");
    assertThat(week).hasSize(100);
    List<Integer> statuses = concurrently(100, i -> visio.book(week.getJsonObject(i).getString("start")).status());
    assertThat(statuses).allMatch(s -> s == 201);
    assertThat(slots("2026-12-07", "2026-12-11")).isEmpty();
  }

  @Test
  void the_same_idempotency_key_answers_the_same_appointment_and_token() {
    Map<String, String> headers = Map.of("Content-Type", "application/json", "Idempotency-Key", "retry-0000-1111");
    String body = booking(visio.serviceId, "2026-12-01T10:00:00+01:00").encode();
    JsonObject first = node.api.send("POST", "/api/visio/appointments", null, body, headers).json();
    var again = node.api.send("POST", "/api/visio/appointments", null, body, headers);
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.json().getString("id")).isEqualTo(first.getString("id"));
    assertThat(again.json().getString("manageToken")).isEqualTo(first.getString("manageToken"));
  }

  @Test
  void once_the_citizen_asked_for_a_new_link_a_replay_of_the_booking_no_longer_hands_out_a_link() {
    Map<String, String> headers = Map.of("Content-Type", "application/json", "Idempotency-Key", "retry-4444-5555");
    String body = booking(visio.serviceId, "2026-12-01T10:00:00+01:00").encode();
    JsonObject first = node.api.send("POST", "/api/visio/appointments", null, body, headers).json();
    String path = "/api/visio/appointments/" + first.getString("id");
    assertThat(visio.withToken("POST", path + "/manage-link", first.getString("manageToken"), null).status()).isEqualTo(202);

    var again = node.api.send("POST", "/api/visio/appointments", null, body, headers);
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.json().getString("id")).isEqualTo(first.getString("id"));
    assertThat(again.json().getString("manageToken")).as("the renewed link is the citizen's alone").isNull();
    assertThat(visio.withToken("GET", path, first.getString("manageToken"), null).status()).isEqualTo(403);
  }

  @Test
  void an_idempotency_key_sent_again_with_another_booking_is_refused_and_reveals_nothing() {
    Map<String, String> headers = Map.of("Content-Type", "application/json", "Idempotency-Key", "retry-2222-3333");
    JsonObject first = node.api.send("POST", "/api/visio/appointments", null,
        booking(visio.serviceId, "2026-12-01T10:00:00+01:00").encode(), headers).json();
    var other = node.api.send("POST", "/api/visio/appointments", null,
        booking(visio.serviceId, "2026-12-01T11:00:00+01:00").encode(), headers);
    assertThat(other.status()).isEqualTo(422);
    assertThat(other.body()).doesNotContain(first.getString("id")).doesNotContain(first.getString("manageToken"));
  }

  @Test
  void a_mediators_idempotency_key_replayed_by_someone_else_gives_them_nothing_of_hers() {
    Map<String, String> headers = Map.of("Content-Type", "application/json", "Idempotency-Key", "mediator-key-0001");
    String body = booking(visio.serviceId, "2026-12-01T10:00:00+01:00").encode();
    JsonObject hers = node.api.send("POST", "/api/visio/appointments", visio.mediator, body, headers).json();
    var stranger = node.api.send("POST", "/api/visio/appointments", null, body, headers);
    assertThat(stranger.status()).as("a booking of its own, refused: the slot is taken").isEqualTo(409);
    assertThat(stranger.body()).doesNotContain(hers.getString("id")).doesNotContain(hers.getString("manageToken"));
    var again = node.api.send("POST", "/api/visio/appointments", visio.mediator, body, headers);
    assertThat(again.json().getString("id")).as("her own retry still gets hers").isEqualTo(hers.getString("id"));
  }

  @Test
  void a_name_is_one_line_of_letters_not_a_message() {
    for (String name : List.of("Jeanne\nVotre dossier est clos : https://evil.example", "http://evil.example", "<b>Jeanne</b>",
        "Marie. Votre dossier est suspendu. Regularisez sur impots-gouv.fr sous deux jours",
        "Dossier suspendu, voir caf-gouv\uA4F8fr", "Dossier suspendu, voir caf-gouv.\u0301fr")) {
      JsonObject body = booking(visio.serviceId, "2026-12-01T10:00:00+01:00");
      body.getJsonObject("citizen").put("name", name);
      var refused = node.api.post("/api/visio/appointments", body);
      assertThat(refused.status()).as(name).isEqualTo(400);
      assertThat(refused.detail()).contains("citizen.name");
    }
    String[] real = {"Marie-Thérèse O'Neil-Vidal Jr.", "DUPONT, Marie", "Dupont (née Martin)", "Marie\u00A0Curie"};
    for (int i = 0; i < real.length; i++) {
      JsonObject body = booking(visio.serviceId, "2026-12-0" + (i + 1) + "T10:00:00+01:00");
      body.getJsonObject("citizen").put("name", real[i]);
      assertThat(node.api.post("/api/visio/appointments", body).status()).as(real[i]).isEqualTo(201);
    }
  }

  @Test
  void the_calendar_file_staff_download_carries_no_manage_token_and_the_citizens_does() {
    JsonObject booked = visio.book("2026-12-01T10:00:00+01:00").json();
    String path = "/api/visio/appointments/" + booked.getString("id") + "/calendar.ics";
    var agents = node.api.get(path, visio.agent);
    assertThat(agents.status()).isEqualTo(200);
    // Unfolded (RFC 5545 folds long lines), so that a token cut in two would still be found.
    assertThat(agents.body().replace("\r\n ", "")).contains("BEGIN:VCALENDAR").doesNotContain(booked.getString("manageToken"));
    var citizens = visio.withToken("GET", path, booked.getString("manageToken"), null);
    assertThat(citizens.body().replace("\r\n ", "")).contains(booked.getString("manageToken"));
  }

  @Test
  void the_manage_link_works_until_thirty_days_after_the_appointment_then_no_longer() {
    JsonObject booked = visio.book("2026-12-01T10:00:00+01:00").json();
    String path = "/api/visio/appointments/" + booked.getString("id");
    String token = booked.getString("manageToken");
    clock.set(Instant.parse("2026-12-31T09:29:00Z"));
    assertThat(visio.withToken("GET", path, token, null).status()).as("29 days 23 hours after its end").isEqualTo(200);

    clock.set(Instant.parse("2026-12-31T09:31:00Z"));
    assertThat(visio.withToken("GET", path, token, null).status()).as("30 days after its end").isEqualTo(403);
    try (fr.cantou.support.WsClient socket = fr.cantou.support.WsClient.connect(node.port())) {
      socket.send(new JsonObject().put("type", "hello").put("token", token));
      assertThat(socket.awaitClose()).isEqualTo(4401);
    }
    assertThat(node.api.get(path, visio.agent).status()).as("the agent still sees it").isEqualTo(200);
  }

  @Test
  void at_a_point_the_kiosk_takes_one_appointment_at_a_time() {
    JsonObject atPoint = booking(visio.serviceId, "2026-12-01T10:00:00+01:00").put("pointId", visio.pointId);
    assertThat(node.api.post("/api/visio/appointments", atPoint).status()).isEqualTo(201);
    JsonObject afternoon = booking(visio.serviceId, "2026-12-01T15:00:00+01:00").put("pointId", visio.pointId);
    assertThat(node.api.post("/api/visio/appointments", afternoon).status()).as("the point is closed").isEqualTo(409);
  }

  @Test
  void a_mediator_books_for_a_citizen_and_finds_it_in_her_list() {
    var booked = node.api.post("/api/visio/appointments", visio.mediator, booking(visio.serviceId, "2026-12-01T10:00:00+01:00"));
    assertThat(booked.status()).isEqualTo(201);
    assertThat(booked.json().getJsonObject("bookedBy").getString("displayName")).isEqualTo("Inès Falguière");
    JsonArray mine = node.api.get("/api/visio/appointments", visio.mediator).array();
    assertThat(mine.stream().map(a -> ((JsonObject) a).getString("id"))).containsExactly(booked.json().getString("id"));
    assertThat(node.api.get("/api/visio/appointments/" + booked.json().getString("id"), visio.mediator).status()).isEqualTo(200);
  }

  /**
   * Beside someone with no phone and no e-mail, a mediator still books: nothing is sent (nobody to send it to), the
   * appointment is on his page, and the database keeps it held by someone (his name on it) as long as her data is there.
   */
  @Test
  void a_mediator_books_beside_someone_who_has_neither_phone_nor_email() {
    JsonObject body = new JsonObject().put("serviceId", visio.serviceId).put("start", "2026-12-01T11:00:00+01:00")
        .put("citizen", new JsonObject().put("name", "Marcelle Roux"));
    assertThat(node.api.post("/api/visio/appointments", body).status()).as("the public booking").isEqualTo(400);
    assertThat(node.api.post("/api/visio/appointments", visio.agent, body).status()).as("an agent's").isEqualTo(400);
    var booked = node.api.post("/api/visio/appointments", visio.mediator, body);
    assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
    String id = booked.json().getString("id");
    JsonObject seen = node.api.get("/api/visio/appointments/" + id, visio.agent).json();
    assertThat(seen.getJsonObject("citizen").fieldNames()).containsExactly("name");
    assertThat(seen.getJsonObject("bookedBy").getString("displayName")).isEqualTo("Inès Falguière");
    assertThat(seen.getJsonObject("bookedBy").containsKey("phone")).as("his house has no phone yet").isFalse();
    assertThat(node.api.get("/api/visio/appointments", visio.mediator).array().stream()
        .map(a -> ((JsonObject) a).getString("id"))).contains(id);
    var pool = node.node().platform().pool();
    UUID appointment = UUID.fromString(id);
    assertThat(TestNode.await(pool.preparedQuery("SELECT count(*) AS n FROM visio_mail WHERE appointment_id = $1")
        .execute(Tuple.of(appointment))).iterator().next().getLong("n")).as("nobody to send anything to").isZero();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestNode.await(pool.preparedQuery(
            "UPDATE appointment SET booked_by = NULL WHERE id = $1").execute(Tuple.of(appointment))))
        .hasMessageContaining("appointment_reachable_until_erased");
    // The agent reaches her through him: his house's phone comes with his name.
    TestNode.await(pool.preparedQuery("UPDATE organisation SET phone = '04 65 71 20 16' WHERE id = "
        + "(SELECT b.organisation_id FROM appointment a JOIN app_user b ON b.id = a.booked_by WHERE a.id = $1)")
        .execute(Tuple.of(appointment)));
    assertThat(node.api.get("/api/visio/appointments/" + id, visio.agent).json().getJsonObject("bookedBy").getString("phone"))
        .isEqualTo("04 65 71 20 16");
  }

  @Test
  void an_agent_sees_only_its_administration() {
    String id = visio.book("2026-11-30T10:00:00+01:00").json().getString("id");
    JsonArray day = node.api.get("/api/visio/appointments?date=2026-11-30", visio.agent).array();
    assertThat(day).hasSize(1);
    assertThat(day.getJsonObject(0).getString("agentName")).isEqualTo("Karine Lescure");
    assertThat(node.api.get("/api/visio/appointments?date=2026-11-30", visio.otherAgent).array()).isEmpty();
    assertThat(node.api.get("/api/visio/appointments/" + id, visio.otherAgent).status()).isEqualTo(403);
  }

  @Test
  void a_citizen_moves_the_appointment_and_the_old_slot_is_free() {
    JsonObject a = visio.book("2026-12-01T10:00:00+01:00").json();
    var moved = visio.withToken("POST", "/api/visio/appointments/" + a.getString("id") + "/reschedule", a.getString("manageToken"),
        new JsonObject().put("start", "2026-12-01T10:30:00+01:00"));
    assertThat(moved.status()).isEqualTo(200);
    assertThat(moved.json().getString("start")).isEqualTo("2026-12-01T10:30:00+01:00");
    assertThat(visio.book("2026-12-01T10:00:00+01:00").status()).isEqualTo(201);
  }

  @Test
  void the_room_opens_ten_minutes_before_and_the_agent_is_moderator() {
    JsonObject a = visio.book("2026-11-30T10:00:00+01:00").json();
    String path = "/api/visio/appointments/" + a.getString("id") + "/join";
    var early = visio.withToken("GET", path, a.getString("manageToken"), null);
    assertThat(early.status()).isEqualTo(409);
    assertThat(early.detail()).isEqualTo("The room opens on 30 November 2026 at 09:50 (Europe/Paris), "
        + "10 minutes before the appointment.");
    var inFrench = node.api.send("GET", path, null, null, Map.of("X-Manage-Token", a.getString("manageToken"),
        "Accept-Language", "fr-FR,fr;q=0.9,en;q=0.5"));
    assertThat(inFrench.detail()).isEqualTo("La salle ouvrira le 30 novembre 2026 à 9 h 50, 10 minutes avant le rendez-vous.");

    clock.set(Instant.parse("2026-11-30T08:51:00Z"));
    JsonObject citizen = visio.withToken("GET", path, a.getString("manageToken"), null).json().getJsonObject("jitsi");
    JsonObject agent = node.api.get(path, visio.agent).json().getJsonObject("jitsi");
    assertThat(citizen.getString("roomName")).isEqualTo(agent.getString("roomName"));
    assertThat(citizen.getBoolean("moderator")).isFalse();
    assertThat(citizen.getString("displayName")).isEqualTo("Jeanne Vidal");
    assertThat(agent.getBoolean("moderator")).isTrue();
    assertThat(node.api.get(path, visio.otherAgent).status()).isEqualTo(403);

    clock.set(Instant.parse("2026-11-30T10:00:00Z"));
    assertThat(visio.withToken("GET", path, a.getString("manageToken"), null).status()).as("over").isEqualTo(409);
  }

  /**
   * Agents start late: a call still under way at its end can be joined again (her phone reloaded, the video dropped) for
   * half an hour, and so can the room where she still waits; an appointment nobody came to closes at its end.
   */
  @Test
  void a_call_running_past_its_end_can_be_joined_again() {
    JsonObject late = visio.book("2026-11-30T10:00:00+01:00").json();
    JsonObject empty = visio.book("2026-11-30T11:00:00+01:00").json();
    String latePath = "/api/visio/appointments/" + late.getString("id");
    Instant end = java.time.OffsetDateTime.parse(late.getString("end")).toInstant();
    assertThat(late.getString("joinClosesAt")).as("nobody in the room yet").isEqualTo(late.getString("end"));

    clock.set(end.minusSeconds(60));
    assertThat(node.api.post(latePath + "/presence", visio.agent, new JsonObject().put("state", "joined")).status()).isEqualTo(200);
    JsonObject inCall = node.api.get(latePath, visio.agent).json();
    assertThat(java.time.OffsetDateTime.parse(inCall.getString("joinClosesAt")).toInstant()).isEqualTo(end.plus(Duration.ofMinutes(30)));

    clock.set(end.plus(Duration.ofMinutes(10)));
    assertThat(visio.withToken("GET", latePath + "/join", late.getString("manageToken"), null).status()).as("her reload").isEqualTo(200);
    assertThat(node.api.get(latePath + "/join", visio.agent).status()).isEqualTo(200);
    assertThat(visio.withToken("POST", latePath + "/presence", late.getString("manageToken"),
        new JsonObject().put("state", "waiting")).status()).isEqualTo(200);

    Instant emptyEnd = java.time.OffsetDateTime.parse(empty.getString("end")).toInstant();
    clock.set(emptyEnd.plusSeconds(60));
    var closed = visio.withToken("GET", "/api/visio/appointments/" + empty.getString("id") + "/join", empty.getString("manageToken"), null);
    assertThat(closed.status()).as("nobody came: closed at its end").isEqualTo(409);
    assertThat(closed.detail()).isEqualTo("This appointment is over; its room is closed.");

    clock.set(end.plus(Duration.ofMinutes(31)));
    assertThat(node.api.get(latePath + "/join", visio.agent).status()).as("half an hour after its end").isEqualTo(409);
  }

  /**
   * Her press on "Rejoindre" reaches the agent even when her video never comes: the agent sees when she tried, then
   * that the video failed at her end (to call her instead of marking her absent); once she is in, the failure is gone.
   */
  @Test
  void the_agent_sees_that_the_citizen_tried_to_join_and_that_her_video_failed() {
    JsonObject a = visio.book("2026-11-30T10:00:00+01:00").json();
    String id = a.getString("id");
    String token = a.getString("manageToken");
    String path = "/api/visio/appointments/" + id;
    clock.set(Instant.parse("2026-11-30T08:55:00Z"));
    try (WsClient agent = WsClient.hello(node.port(), visio.agent, null)) {
      assertThat(node.api.get(path, visio.agent).json().containsKey("citizenTriedAt")).as("before she tries").isFalse();
      assertThat(node.api.get(path + "/join", visio.agent).status()).isEqualTo(200);
      assertThat(node.api.get(path, visio.agent).json().containsKey("citizenTriedAt")).as("the agent's own join").isFalse();

      clock.set(Instant.parse("2026-11-30T08:57:00Z"));
      assertThat(visio.withToken("GET", path + "/join", token, null).status()).isEqualTo(200);
      JsonObject tried = agent.nextEvent("appointment.waiting").getJsonObject("data");
      assertThat(tried.getString("citizenTriedAt")).isEqualTo("2026-11-30T09:57:00+01:00");
      assertThat(tried.getBoolean("citizenWaiting")).isFalse();
      assertThat(tried.containsKey("citizenVideoFailedAt")).isFalse();

      clock.set(Instant.parse("2026-11-30T08:59:00Z"));
      var failed = visio.withToken("POST", path + "/presence", token, new JsonObject().put("state", "failed"));
      assertThat(failed.status()).isEqualTo(200);
      JsonObject failure = agent.nextEvent("appointment.waiting").getJsonObject("data");
      assertThat(failure.getString("citizenVideoFailedAt")).as("when it failed, not when she asked").isEqualTo("2026-11-30T09:59:00+01:00");
      assertThat(failure.getBoolean("citizenWaiting")).isFalse();

      assertThat(node.api.post(path + "/presence", visio.agent, new JsonObject().put("state", "failed")).status()).isEqualTo(200);
      assertThat(node.api.get(path, visio.agent).json().getString("citizenVideoFailedAt")).as("an agent's failure is not hers")
          .isEqualTo("2026-11-30T09:59:00+01:00");

      // She tries again: her failure is behind her while she tries, and gone once she is in.
      clock.set(Instant.parse("2026-11-30T09:01:00Z"));
      assertThat(visio.withToken("GET", path + "/join", token, null).status()).isEqualTo(200);
      JsonObject again = agent.nextEvent("appointment.waiting").getJsonObject("data");
      assertThat(again.getString("citizenTriedAt")).isEqualTo("2026-11-30T10:01:00+01:00");
      assertThat(again.containsKey("citizenVideoFailedAt")).as("trying again").isFalse();
      visio.withToken("POST", path + "/presence", token, new JsonObject().put("state", "failed"));
      assertThat(agent.nextEvent("appointment.waiting").getJsonObject("data").getString("citizenVideoFailedAt")).isNotNull();
      visio.withToken("POST", path + "/presence", token, new JsonObject().put("state", "waiting"));
      JsonObject in = agent.nextEvent("appointment.waiting").getJsonObject("data");
      assertThat(in.getBoolean("citizenWaiting")).isTrue();
      assertThat(in.containsKey("citizenVideoFailedAt")).as("in the waiting room now").isFalse();
    }
  }

  /**
   * The mediator who booked it joins from his desk while she is in the room from home: his leaving, or his video failing,
   * takes her out of nothing (the agent saw her late and could mark her absent); her own leaving does.
   */
  @Test
  void the_mediators_presence_never_takes_her_out_of_the_room_she_is_in_from_home() {
    JsonObject booked = node.api.post("/api/visio/appointments", visio.mediator, booking(visio.serviceId,
        "2026-11-30T11:00:00+01:00")).json();
    String path = "/api/visio/appointments/" + booked.getString("id");
    String token = booked.getString("manageToken");
    clock.set(Instant.parse("2026-11-30T09:55:00Z"));
    visio.withToken("POST", path + "/presence", token, new JsonObject().put("state", "waiting"));
    assertThat(node.api.get(path, visio.agent).json().getBoolean("citizenWaiting")).isTrue();

    assertThat(node.api.get(path + "/join", visio.mediator).status()).isEqualTo(200);
    assertThat(node.api.post(path + "/presence", visio.mediator, new JsonObject().put("state", "waiting")).status()).isEqualTo(200);
    assertThat(node.api.post(path + "/presence", visio.mediator, new JsonObject().put("state", "left")).status()).isEqualTo(200);
    assertThat(node.api.post(path + "/presence", visio.mediator, new JsonObject().put("state", "failed")).status()).isEqualTo(200);
    JsonObject seen = node.api.get(path, visio.agent).json();
    assertThat(seen.getBoolean("citizenWaiting")).as("the mediator's leaving is not hers").isTrue();
    assertThat(seen.containsKey("citizenVideoFailedAt")).as("nor his video").isFalse();

    visio.withToken("POST", path + "/presence", token, new JsonObject().put("state", "left"));
    assertThat(node.api.get(path, visio.agent).json().getBoolean("citizenWaiting")).as("her own leaving").isFalse();
  }

  @Test
  void the_citizen_waits_live_until_the_agent_joins_then_the_agent_marks_the_outcome() {
    JsonObject a = visio.book("2026-11-30T10:00:00+01:00").json();
    String id = a.getString("id");
    clock.set(Instant.parse("2026-11-30T08:55:00Z"));
    int port = node.port();
    try (WsClient citizen = WsClient.hello(port, a.getString("manageToken"), null);
         WsClient agent = WsClient.hello(port, visio.agent, null)) {
      var waiting = visio.withToken("POST", "/api/visio/appointments/" + id + "/presence", a.getString("manageToken"),
          new JsonObject().put("state", "waiting"));
      assertThat(waiting.status()).isEqualTo(200);
      assertThat(agent.nextEvent("appointment.waiting").getJsonObject("data").getBoolean("citizenWaiting")).isTrue();

      node.api.post("/api/visio/appointments/" + id + "/presence", visio.agent, new JsonObject().put("state", "joined"));
      assertThat(citizen.nextEvent("appointment.in_call").getJsonObject("data").getString("status")).isEqualTo("in_call");
    }
    assertThat(visio.withToken("POST", "/api/visio/appointments/" + id + "/complete", a.getString("manageToken"), null).status())
        .as("only the agent").isEqualTo(403);
    var done = node.api.post("/api/visio/appointments/" + id + "/complete", visio.agent, null);
    assertThat(done.status()).isEqualTo(200);
    assertThat(done.json().getString("status")).isEqualTo("completed");
    assertThat(node.api.post("/api/visio/appointments/" + id + "/no-show", visio.agent, null).status()).isEqualTo(409);
  }

  @Test
  void a_citizen_who_never_came_is_marked_absent_only_after_the_start() {
    JsonObject a = visio.book("2026-11-30T10:00:00+01:00").json();
    String path = "/api/visio/appointments/" + a.getString("id") + "/no-show";
    assertThat(node.api.post(path, visio.agent, null).status()).isEqualTo(409);
    clock.set(Instant.parse("2026-11-30T09:20:00Z"));
    var absent = node.api.post(path, visio.agent, null);
    assertThat(absent.status()).isEqualTo(200);
    assertThat(absent.json().getString("status")).isEqualTo("no_show");
  }

  /**
   * The agent came into the room first and waited (in call): the citizen who never came is marked absent from there
   * too. Never while a side of hers is in the waiting room: "Absent" on someone who is there is refused, with why.
   */
  @Test
  void absent_is_accepted_in_the_call_and_refused_while_she_is_in_the_waiting_room() {
    JsonObject a = bookedAndWaiting();
    String id = a.getString("id");
    String path = "/api/visio/appointments/" + id + "/no-show";
    var whileBooked = node.api.post(path, visio.agent, null);
    assertThat(whileBooked.status()).as("booked, she waits").isEqualTo(409);
    assertThat(whileBooked.detail()).isEqualTo("The citizen is in the waiting room: she cannot be marked absent.");

    assertThat(node.api.post("/api/visio/appointments/" + id + "/presence", visio.agent, new JsonObject().put("state", "joined"))
        .json().getString("status")).isEqualTo("in_call");
    assertThat(node.api.post(path, visio.agent, null).status()).as("in the call, she is there").isEqualTo(409);

    // Her link dropped for good and she did not come back: the agent, alone in the room, marks her absent.
    assertThat(visio.withToken("POST", "/api/visio/appointments/" + id + "/presence", a.getString("manageToken"),
        new JsonObject().put("state", "left")).status()).isEqualTo(200);
    var absent = node.api.post(path, visio.agent, null);
    assertThat(absent.status()).as(absent.toString()).isEqualTo(200);
    assertThat(absent.json().getString("status")).isEqualTo("no_show");
  }

  /**
   * A presence never taken back (her tab killed, a screen that crashed) holds "Absent" only while the room is open for
   * her: once it has closed, the agent marks her absent.
   */
  /** An appointment at 10:00 (Paris) this Monday, and she in its waiting room from 10:05. */
  private JsonObject bookedAndWaiting() {
    JsonObject a = visio.book("2026-11-30T10:00:00+01:00").json();
    clock.set(Instant.parse("2026-11-30T09:05:00Z"));
    assertThat(visio.withToken("POST", "/api/visio/appointments/" + a.getString("id") + "/presence", a.getString("manageToken"),
        new JsonObject().put("state", "waiting")).status()).isEqualTo(200);
    return a;
  }

  @Test
  void a_presence_never_taken_back_no_longer_holds_absent_once_the_room_has_closed() {
    JsonObject a = bookedAndWaiting();
    String id = a.getString("id");
    String path = "/api/visio/appointments/" + id + "/no-show";
    // Her 30 minutes end at 10:30, and the room stays open for her 30 more while she waits: until 11:00.
    clock.set(Instant.parse("2026-11-30T09:59:00Z"));
    assertThat(node.api.post(path, visio.agent, null).status()).as("the room still open for her").isEqualTo(409);
    clock.set(Instant.parse("2026-11-30T10:00:00Z"));
    var absent = node.api.post(path, visio.agent, null);
    assertThat(absent.status()).as(absent.toString()).isEqualTo(200);
    assertThat(absent.json().getString("status")).isEqualTo("no_show");
  }

  @Test
  void a_new_booking_appears_live_in_the_agents_day_and_not_in_another_administration() {
    int port = node.port();
    try (WsClient agent = WsClient.hello(port, visio.agent, null);
         WsClient stranger = WsClient.hello(port, visio.otherAgent, null)) {
      String reference = visio.book("2026-11-30T11:00:00+01:00").json().getString("reference");
      assertThat(agent.nextEvent("appointment.booked").getJsonObject("data").getString("reference")).isEqualTo(reference);
      assertThat(stranger.drain(Duration.ofMillis(500))).noneMatch(m -> m.encode().contains(reference));
    }
  }

  /**
   * The mediator who booked beside someone with neither phone nor e-mail prints her convocation again after a move or a
   * renewed link (which went nowhere): with the time and the link of now. Nobody else gets the links this way.
   */
  @Test
  void the_mediator_who_booked_prints_the_convocation_again_with_the_time_and_link_of_now() {
    JsonObject booked = visio.bookAs(visio.mediator, "2026-12-01T10:00:00+01:00", new JsonObject().put("name", "Marcelle Roux"));
    String id = booked.getString("id");
    String path = "/api/visio/appointments/" + id + "/convocation";
    assertThat(node.api.post(path.replace("/convocation", "/reschedule"), visio.agent,
        new JsonObject().put("start", "2026-12-03T14:00:00+01:00")).status()).isEqualTo(200);
    assertThat(node.api.post(path.replace("/convocation", "/manage-link"), visio.mediator, null).status()).isEqualTo(202);

    var again = node.api.get(path, visio.mediator);
    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    JsonObject convocation = again.json();
    assertThat(OffsetDateTime.parse(convocation.getString("start")).toInstant()).isEqualTo(Instant.parse("2026-12-03T13:00:00Z"));
    assertThat(convocation.getString("manageToken")).isNotEqualTo(booked.getString("manageToken"));
    assertThat(convocation.getString("shortLink")).startsWith("/r/" + booked.getString("reference") + ".")
        .isNotEqualTo(booked.getString("shortLink"));
    assertThat(visio.withToken("GET", "/api/visio/appointments/" + id, convocation.getString("manageToken"), null).status())
        .as("the link printed now opens her appointment").isEqualTo(200);
    assertThat(visio.withToken("GET", "/api/visio/appointments/" + id, booked.getString("manageToken"), null).status())
        .as("the first paper's link no longer does").isIn(401, 403);

    // Each hand-out a line of its own in the trail (two: never merged as repeated reads are).
    assertThat(node.api.get(path, visio.mediator).status()).isEqualTo(200);
    var trail = node.api.get("/api/admin/audit?limit=200&itemId=" + id, visio.admin).json().getJsonArray("items");
    assertThat(trail.stream().map(JsonObject.class::cast).filter(e -> "appointment.convocation".equals(e.getString("action"))))
        .hasSize(2);

    assertThat(node.api.get(path, visio.agent).status()).as("her administration's agent").isEqualTo(403);
    assertThat(node.api.get(path, visio.admin).status()).isEqualTo(403);
    assertThat(visio.withToken("GET", path, convocation.getString("manageToken"), null).status()).as("her own link").isEqualTo(401);
    assertThat(node.api.post(path.replace("/convocation", "/cancel"), visio.mediator, null).status()).isEqualTo(200);
    assertThat(node.api.get(path, visio.mediator).status()).as("cancelled: nothing to print").isEqualTo(409);
  }

  /** A link she renewed herself went to her (the old one may have leaked): it is not handed to the mediator. */
  @Test
  void a_link_she_renewed_herself_is_not_handed_to_the_mediator() {
    JsonObject booked = visio.bookAs(visio.mediator, "2026-12-01T11:00:00+01:00",
        new JsonObject().put("name", "Jeanne Vidal").put("email", "jeanne.vidal@example.fr"));
    String path = "/api/visio/appointments/" + booked.getString("id");
    assertThat(node.api.get(path + "/convocation", visio.mediator).status()).as("the links he was given").isEqualTo(200);
    assertThat(visio.withToken("POST", path + "/manage-link", booked.getString("manageToken"), null).status()).isEqualTo(202);
    var refused = node.api.get(path + "/convocation", visio.mediator);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.body()).doesNotContain("manageToken");
  }
}
