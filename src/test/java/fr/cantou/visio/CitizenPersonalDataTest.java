package fr.cantou.visio;

import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RGPD articles 15 and 17 for the citizen, with her manage link: she downloads everything Cantou
 * holds about her appointment, and has it erased at once; staff cannot do either in her place.
 */
class CitizenPersonalDataTest extends VisioNodeTest {

  JsonObject book(String start) {
    JsonObject body = VisioTerritory.booking(visio.serviceId, start).put("note", "Mon dossier RSA")
        .put("accessibility", new JsonArray().add("hearing"));
    var booked = node.api.post("/api/visio/appointments", body);
    assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
    return booked.json();
  }

  String path(JsonObject a, String suffix) {
    return "/api/visio/appointments/" + a.getString("id") + suffix;
  }

  @Test
  void the_citizen_downloads_everything_held_about_her_appointment_and_the_export_is_audited() {
    JsonObject a = book("2026-12-01T10:00:00+01:00");
    TestNode.await(node.node().runJobs());

    var export = visio.withToken("GET", path(a, "/personal-data"), a.getString("manageToken"), null);
    assertThat(export.status()).as(export.toString()).isEqualTo(200);
    assertThat(export.headers().firstValue("Content-Disposition").orElseThrow())
        .startsWith("attachment").contains(a.getString("reference"));
    JsonObject data = export.json();
    JsonObject appointment = data.getJsonObject("appointment");
    assertThat(appointment.getString("reference")).isEqualTo(a.getString("reference"));
    assertThat(appointment.getJsonObject("citizen").getString("name")).isEqualTo("Jeanne Vidal");
    assertThat(appointment.getJsonObject("citizen").getString("email")).isEqualTo("jeanne.vidal@example.fr");
    assertThat(appointment.getString("note")).isEqualTo("Mon dossier RSA");
    assertThat(data.getValue("erasedAt")).isNull();
    assertThat(data.getString("exportedAt")).isEqualTo("2026-11-30T06:00:00Z");
    JsonObject confirmation = data.getJsonArray("mails").getJsonObject(0);
    assertThat(confirmation.getString("kind")).isEqualTo("confirmation");
    assertThat(confirmation.getString("sent")).isEqualTo("2026-11-30T06:00:00Z");
    assertThat(data.getJsonArray("mails").stream().map(m -> ((JsonObject) m).getString("kind")))
        .containsExactly("confirmation", "reminder_24h", "reminder_1h");
    JsonArray audit = data.getJsonArray("audit");
    assertThat(audit).hasSize(1);
    assertThat(audit.getJsonObject(0).getString("action")).isEqualTo("export");
    assertThat(audit.getJsonObject(0).getString("actor")).isEqualTo("citizen");

    // Downloaded again and again (a reload, a loop): one line in ten minutes, not one a call.
    clock.advance(Duration.ofMinutes(5));
    for (int i = 0; i < 5; i++) {
      assertThat(visio.withToken("GET", path(a, "/personal-data"), a.getString("manageToken"), null).status()).isEqualTo(200);
    }
    clock.advance(Duration.ofMinutes(6));
    JsonArray again = visio.withToken("GET", path(a, "/personal-data"), a.getString("manageToken"), null).json()
        .getJsonArray("audit");
    assertThat(again.stream().map(e -> ((JsonObject) e).getString("at")))
        .containsExactly("2026-11-30T06:00:00Z", "2026-11-30T06:11:00Z");
  }

  @Test
  void staff_cannot_export_or_erase_in_the_citizens_place() {
    JsonObject a = book("2026-12-01T10:00:00+01:00");
    for (String token : new String[] {visio.agent, visio.mediator, visio.admin}) {
      assertThat(node.api.get(path(a, "/personal-data"), token).status()).isEqualTo(403);
      assertThat(node.api.post(path(a, "/erasure"), token, null).status()).isEqualTo(403);
    }
    assertThat(node.api.get(path(a, "/personal-data")).status()).isEqualTo(401);
    JsonObject other = book("2026-12-01T11:00:00+01:00");
    assertThat(visio.withToken("POST", path(a, "/erasure"), other.getString("manageToken"), null).status()).isEqualTo(403);
    JsonObject still = node.api.get(path(a, ""), visio.agent).json();
    assertThat(still.getString("status")).isEqualTo("booked");
    assertThat(still.getJsonObject("citizen").getString("name")).isEqualTo("Jeanne Vidal");
  }

  @Test
  void an_appointment_still_to_come_is_cancelled_then_erased_at_once_and_the_slot_is_free_again() {
    JsonObject a = book("2026-12-01T10:00:00+01:00");
    String token = a.getString("manageToken");
    TestNode.await(node.node().runJobs());

    var erased = visio.withToken("POST", path(a, "/erasure"), token, null);
    assertThat(erased.status()).as(erased.toString()).isEqualTo(200);
    assertThat(erased.json().getBoolean("cancelled")).isTrue();
    assertThat(erased.json().getString("erasedAt")).isEqualTo("2026-11-30T06:00:00Z");

    JsonObject seen = node.api.get(path(a, ""), visio.agent).json();
    assertThat(seen.getString("status")).isEqualTo("cancelled");
    assertThat(seen.getValue("citizen") == null || seen.getJsonObject("citizen").isEmpty()).as(seen.encode()).isTrue();
    assertThat(seen.getValue("note")).isNull();
    assertThat(seen.getJsonArray("accessibility", new JsonArray())).isEmpty();
    assertThat(node.api.get("/api/visio/services/" + visio.serviceId + "/slots?from=2026-12-01&to=2026-12-01").body())
        .contains("2026-12-01T10:00:00+01:00");

    JsonObject data = visio.withToken("GET", path(a, "/personal-data"), token, null).json();
    assertThat(data.getString("erasedAt")).isEqualTo("2026-11-30T06:00:00Z");
    // The reminders not sent are gone; the confirmation sent stays, as a kind and a time.
    assertThat(data.getJsonArray("mails").stream().map(m -> ((JsonObject) m).getString("kind"))).containsExactly("confirmation");
    assertThat(data.getJsonArray("audit").stream().map(e -> ((JsonObject) e).getString("action")))
        .containsExactly("erasure", "export");
    // Nor are they left in the outbox, where an agent's socket resuming from an old position reads them.
    assertThat(eventsAbout(a.getString("id"))).isNotEmpty()
        .allSatisfy(event -> assertThat(event).doesNotContainKeys("citizen", "note", "accessibility"));
  }

  /**
   * Her booking's key goes with the erasure (session 29's review said a retry then answered 409 "booking made": not
   * so, checked in session 30): her page sending the booking again afterwards is a new request, answered as one, and
   * nothing of the erased appointment (its id, its link) comes back. Guard: with the key kept by the erasure, the
   * retry answered the erased appointment.
   */
  @Test
  void after_an_erasure_the_same_booking_sent_again_with_its_key_is_a_new_request() {
    java.util.Map<String, String> headers = java.util.Map.of("Content-Type", "application/json", "Idempotency-Key",
        "erased-key-0001", "Accept-Language", "fr");
    String body = VisioTerritory.booking(visio.serviceId, "2026-12-01T10:00:00+01:00").encode();
    JsonObject first = node.api.send("POST", "/api/visio/appointments", null, body, headers).json();
    assertThat(visio.withToken("POST", path(first, "/erasure"), first.getString("manageToken"), null).status()).isEqualTo(200);

    var again = node.api.send("POST", "/api/visio/appointments", null, body, headers);
    assertThat(again.status()).as(again.toString()).isEqualTo(201);
    assertThat(again.json().getString("id")).isNotEqualTo(first.getString("id"));
    assertThat(again.body()).doesNotContain(first.getString("manageToken"));
    assertThat(TestNode.await(node.node().platform().pool()
            .preparedQuery("SELECT idempotency_key, idempotency_fingerprint FROM appointment WHERE id = $1")
            .execute(io.vertx.sqlclient.Tuple.of(java.util.UUID.fromString(first.getString("id"))))).iterator().next().toJson()
        .encode()).as("nothing of the key left on the erased row").isEqualTo("{\"idempotency_key\":null,\"idempotency_fingerprint\":null}");
  }

  /** The data of every event of the outbox about this appointment. */
  private java.util.List<java.util.Map<String, Object>> eventsAbout(String id) {
    return TestNode.await(node.node().platform().pool()
            .preparedQuery("SELECT data FROM event WHERE kind LIKE 'appointment.%' AND data->>'id' = $1 ORDER BY id")
            .execute(io.vertx.sqlclient.Tuple.of(id)))
        .stream().map(row -> ((JsonObject) row.getValue("data")).getMap()).toList();
  }

  @Test
  void an_appointment_over_is_erased_without_being_cancelled() {
    JsonObject a = book("2026-11-30T10:00:00+01:00");
    clock.set(Instant.parse("2026-11-30T09:05:00Z"));
    assertThat(node.api.post(path(a, "/complete"), visio.agent, null).status()).isEqualTo(200);

    var erased = visio.withToken("POST", path(a, "/erasure"), a.getString("manageToken"), null);
    assertThat(erased.status()).as(erased.toString()).isEqualTo(200);
    assertThat(erased.json().getBoolean("cancelled")).isFalse();
    JsonObject seen = node.api.get(path(a, ""), visio.agent).json();
    assertThat(seen.getString("status")).isEqualTo("completed");
    assertThat(seen.getValue("citizen") == null || seen.getJsonObject("citizen").isEmpty()).as(seen.encode()).isTrue();
  }

  @Test
  void an_appointment_in_its_call_is_not_erased_before_its_end() {
    JsonObject a = book("2026-11-30T10:00:00+01:00");
    clock.set(Instant.parse("2026-11-30T09:00:00Z"));
    var joined = node.api.post(path(a, "/presence"), visio.agent, new JsonObject().put("state", "joined"));
    assertThat(joined.status()).as(joined.toString()).isEqualTo(200);

    var refused = visio.withToken("POST", path(a, "/erasure"), a.getString("manageToken"), null);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.isProblem()).isTrue();
    assertThat(node.api.get(path(a, ""), visio.agent).json().getJsonObject("citizen").getString("name")).isEqualTo("Jeanne Vidal");
  }
}
