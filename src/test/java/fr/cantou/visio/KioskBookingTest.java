package fr.cantou.visio;

import fr.cantou.support.Api;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Booking at a point's screen, with the mediator's help, for someone who came without an
 * appointment: one of the point's free slots, her name and her mobile number. The rules of an
 * anonymous booking (the name rule, idempotency), limits per screen instead of per address; the
 * confirmation goes by SMS, and the screen gets what it may show, never the manage link.
 */
class KioskBookingTest extends VisioNodeTest {

  /** The limits of the real configuration (the test nodes lift them): ten an hour from a screen, three for a number. */
  @Override
  Map<String, String> settings() {
    return Map.of("CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_ADDRESS", "10", "CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_CONTACT", "3");
  }

  @Test
  void a_slot_booked_at_the_screen_is_at_its_point_confirmed_by_sms_and_the_screen_never_gets_the_link() {
    String token = screen();
    // 8:45 in Paris: the 9:00 slot is "now" (within 30 minutes), the 11:00 one is not.
    clock.set(java.time.Instant.parse("2026-11-30T07:45:00Z"));
    Api.Response now = book(token, "09:00", "Jeanne Vidal", "06 39 98 12 34", "key-kiosk-0001");
    assertThat(now.status()).as(now.toString()).isEqualTo(201);
    assertThat(now.headers().firstValue("Cache-Control")).hasValue("no-store");
    JsonObject answer = now.json();
    assertThat(answer.getBoolean("smsSent")).isTrue();
    assertThat(answer.getBoolean("checkInNow")).isTrue();
    assertThat(answer.getString("reference")).startsWith("CAF-");
    assertThat(answer.getJsonObject("appointment").getString("initial")).isEqualTo("J.");
    assertThat(now.body()).as("no manage link, no name, no phone").doesNotContain("manageToken", "Vidal", "06 39");
    String id = answer.getJsonObject("appointment").getString("id");

    JsonObject stored = node.api.get("/api/visio/appointments/" + id, visio.agent).json();
    assertThat(stored.getString("pointId")).isEqualTo(visio.pointId);
    assertThat(stored.getJsonObject("citizen").getString("phone")).isEqualTo("06 39 98 12 34");
    assertThat(stored.getJsonObject("citizen").getString("email")).isNull();
    assertThat(TestNode.await(node.node().platform().pool().preparedQuery(
            "SELECT count(*) AS n FROM visio_mail WHERE appointment_id = $1 AND channel = 'sms' AND kind = 'confirmation'")
        .execute(Tuple.of(java.util.UUID.fromString(id)))).iterator().next().getLong("n")).isEqualTo(1L);
    assertThat(TestNode.await(node.node().platform().pool().preparedQuery(
            "SELECT user_id FROM kiosk_audit WHERE item_id = $1 AND action = 'appointment.booked'")
        .execute(Tuple.of(id))).size()).as("the audit trail names the screen").isEqualTo(1);

    // The same key and request again: the same appointment, nothing more.
    Api.Response again = book(token, "09:00", "Jeanne Vidal", "06 39 98 12 34", "key-kiosk-0001");
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.json().getJsonObject("appointment").getString("id")).isEqualTo(id);
    Api.Response other = book(token, "11:00", "Jeanne Vidal", "06 39 98 12 34", "key-kiosk-0001");
    assertThat(other.status()).as("the same key for another booking").isEqualTo(422);

    Api.Response later = book(token, "11:00", "Paul Chazal", "07 11 22 33 44", "key-kiosk-0002");
    assertThat(later.status()).as(later.toString()).isEqualTo(201);
    assertThat(later.json().getBoolean("checkInNow")).isFalse();
  }

  @Test
  void the_name_rule_a_mobile_number_and_the_screens_own_limit_apply() {
    String token = screen();
    assertThat(book(token, "09:00", "Jeanne 2", "06 39 98 12 34", null).status()).as("digits in a name").isEqualTo(400);
    Api.Response landline = book(token, "09:00", "Jeanne Vidal", "04 71 45 60 00", null);
    assertThat(landline.status()).isEqualTo(400);
    assertThat(landline.body()).contains("citizen.phone");
    assertThat(kiosk(token + "x", "09:00", "Jeanne Vidal", "06 39 98 12 34", null).status()).isEqualTo(401);

    // Ten bookings an hour from one screen, whatever the numbers (each number its own three).
    String[] times = {"09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12-01T09:00", "12-01T09:30", "12-01T10:00",
        "12-01T10:30"};
    for (int i = 0; i < times.length; i++) {
      Api.Response made = book(token, times[i], "Personne Numero", "06 39 98 12 " + (10 + i), null);
      assertThat(made.status()).as(times[i] + " " + made).isEqualTo(201);
    }
    Api.Response limited = book(token, "12-01T11:00", "Personne Numero", "06 39 98 12 99", null);
    assertThat(limited.status()).as(limited.toString()).isEqualTo(429);
    // Another screen of the same point (same address here) still books: the screen is the counter, not the address.
    assertThat(book(screen(), "12-01T11:00", "Rose Vermenouze", "06 39 98 13 00", null).status()).isEqualTo(201);
  }

  @Test
  void without_any_contact_she_books_at_the_screen_and_leaves_with_her_reference_only_there() {
    String token = screen();
    Api.Response made = book(token, "11:00", "Marcelle Roux", null, "key-kiosk-none");
    assertThat(made.status()).as(made.toString()).isEqualTo(201);
    assertThat(made.json().getBoolean("smsSent")).isFalse();
    assertThat(made.json().getString("reference")).startsWith("CAF-");
    String id = made.json().getJsonObject("appointment").getString("id");
    JsonObject stored = node.api.get("/api/visio/appointments/" + id, visio.agent).json();
    assertThat(stored.getJsonObject("citizen").getString("phone")).isNull();
    assertThat(stored.getJsonObject("citizen").getString("email")).isNull();
    var pool = node.node().platform().pool();
    assertThat(TestNode.await(pool.preparedQuery("SELECT count(*) AS n FROM visio_mail WHERE appointment_id = $1")
        .execute(Tuple.of(java.util.UUID.fromString(id)))).iterator().next().getLong("n")).as("nobody to send anything to").isZero();
    assertThat(TestNode.await(pool.preparedQuery("SELECT booked_at_kiosk IS NOT NULL AS k FROM appointment WHERE id = $1")
        .execute(Tuple.of(java.util.UUID.fromString(id)))).iterator().next().getBoolean("k")).isTrue();

    // Everywhere else a way to reach her stays required, down to the database: a row booked elsewhere cannot lose both.
    String elsewhere = book(token, "11:30", "Paul Chazal", "07 11 22 33 44", null).json().getJsonObject("appointment")
        .getString("id");
    TestNode.await(pool.preparedQuery("UPDATE appointment SET booked_at_kiosk = NULL WHERE id = $1")
        .execute(Tuple.of(java.util.UUID.fromString(elsewhere))));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestNode.await(pool.preparedQuery(
            "UPDATE appointment SET citizen_phone = NULL WHERE id = $1").execute(Tuple.of(java.util.UUID.fromString(elsewhere)))))
        .hasMessageContaining("appointment_reachable_until_erased");
    JsonObject anonymous = new JsonObject().put("serviceId", visio.serviceId).put("start", KioskTest.today("12:00"))
        .put("pointId", visio.pointId).put("citizen", new JsonObject().put("name", "Marcelle Roux"));
    assertThat(node.api.post("/api/visio/appointments", anonymous).status()).as("the public booking").isEqualTo(400);
    assertThat(node.api.post("/api/visio/appointments", visio.agent, anonymous).status()).as("an agent's").isEqualTo(400);
  }

  /**
   * The review booked 30 contactless appointments over 10 days from one token: without a contact only a slot of today
   * (she is there), at most {@code visio.kioskContactlessPerDay} (6) a day per screen and per point, whatever the hourly
   * limits; with a mobile, another day still books.
   */
  @Test
  void without_any_contact_only_today_and_six_a_day_per_screen_a_phone_books_another_day() {
    String token = screen();
    Api.Response tomorrow = book(token, "12-01T09:00", "Marcelle Roux", null, null);
    assertThat(tomorrow.status()).as(tomorrow.toString()).isEqualTo(400);
    assertThat(tomorrow.body()).contains("citizen.phone", "today only");
    assertThat(book(token, "12-01T09:00", "Marcelle Roux", "06 39 98 12 34", null).status()).as("with a mobile").isEqualTo(201);

    String[] times = {"09:00", "09:30", "10:00", "10:30", "11:00", "11:30"};
    String first = null;
    for (String time : times) {
      Api.Response made = book(token, time, "Personne Sans Contact", null, null);
      assertThat(made.status()).as(time + " " + made).isEqualTo(201);
      first = first == null ? made.json().getJsonObject("appointment").getString("id") : first;
    }
    // One of them called off: its slot is free again, and still the seventh of the day is refused.
    assertThat(node.api.post("/api/visio/appointments/" + first + "/cancel", visio.agent, null).status()).isEqualTo(200);
    Api.Response seventh = book(token, "09:00", "Personne Sans Contact", null, null);
    assertThat(seventh.status()).as(seventh.toString()).isEqualTo(429);
    assertThat(seventh.body()).contains("without a phone number");
    assertThat(book(token, "09:00", "Jeanne Vidal", "06 39 98 12 35", null).status()).as("with a mobile, today").isEqualTo(201);

    // Revoked, the screen's contactless appointments still to come stay booked; the answer says how many (five: one cancelled).
    String kioskId = TestNode.await(node.node().platform().pool().query(
        "SELECT id FROM visio_kiosk WHERE token_hash IS NOT NULL").execute()).iterator().next().getUUID("id").toString();
    Api.Response revoked = node.api.send("DELETE", "/api/visio/points/" + visio.pointId + "/kiosks/" + kioskId, visio.admin,
        null, Map.of());
    assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
    assertThat(revoked.json().getInteger("contactlessToCome")).isEqualTo(5);
  }

  @Test
  void six_bookings_without_contact_a_day_per_point_across_its_screens() {
    String hall = screen();
    String office = screen();
    String[] times = {"09:00", "09:30", "10:00", "10:30"};
    for (String time : times) {
      assertThat(book(hall, time, "Personne Sans Contact", null, null).status()).as(time).isEqualTo(201);
    }
    assertThat(book(office, "11:00", "Personne Sans Contact", null, null).status()).isEqualTo(201);
    Api.Response made = book(office, "11:30", "Personne Sans Contact", null, null);
    assertThat(made.status()).isEqualTo(201);
    assertThat(node.api.post("/api/visio/appointments/" + made.json().getJsonObject("appointment").getString("id") + "/cancel",
        visio.agent, null).status()).isEqualTo(200);
    Api.Response seventh = book(office, "11:30", "Personne Sans Contact", null, null);
    assertThat(seventh.status()).as("the point's seventh, the office's third: " + seventh).isEqualTo(429);
  }

  @Test
  void one_number_books_three_times_an_hour_whatever_the_screen() {
    String first = screen();
    String second = screen();
    assertThat(book(first, "09:00", "Jeanne Vidal", "06 39 98 12 34", null).status()).isEqualTo(201);
    assertThat(book(second, "09:30", "Jeanne Vidal", "+33 6 39 98 12 34", null).status()).isEqualTo(201);
    assertThat(book(first, "10:00", "Jeanne Vidal", "0033 639981234", null).status()).isEqualTo(201);
    Api.Response fourth = book(second, "10:30", "Jeanne Vidal", "06.39.98.12.34", null);
    assertThat(fourth.status()).as("the number's own three, however written: " + fourth).isEqualTo(429);
    assertThat(book(second, "10:30", "Paul Chazal", "07 11 22 33 44", null).status()).as("another number").isEqualTo(201);
  }

  @Test
  void an_idempotency_key_is_the_screens_own_another_screen_or_a_citizen_sending_it_gets_nothing_of_hers() {
    String token = screen();
    Api.Response made = book(token, "09:00", "Jeanne Vidal", "06 39 98 12 34", "key-kiosk-shared");
    assertThat(made.status()).as(made.toString()).isEqualTo(201);
    String id = made.json().getJsonObject("appointment").getString("id");
    String reference = made.json().getString("reference");

    // The same key and the same request from another screen of the point: not her booking (the slot is hers: 409).
    Api.Response elsewhere = book(screen(), "09:00", "Jeanne Vidal", "06 39 98 12 34", "key-kiosk-shared");
    assertThat(elsewhere.status()).as(elsewhere.toString()).isEqualTo(409);
    assertThat(elsewhere.body()).doesNotContain(id, reference);
    // With another slot, that screen's key is its own: a new booking, not a 422 for a key "used for another booking".
    Api.Response own = book(screen(), "09:30", "Paul Chazal", "07 11 22 33 44", "key-kiosk-shared");
    assertThat(own.status()).as(own.toString()).isEqualTo(201);
    assertThat(own.json().getJsonObject("appointment").getString("id")).isNotEqualTo(id);

    // An anonymous booking sending the key gets neither her appointment nor her manage link.
    JsonObject body = new JsonObject().put("serviceId", visio.serviceId).put("start", KioskTest.today("09:00"))
        .put("pointId", visio.pointId).put("citizen", new JsonObject().put("name", "Jeanne Vidal").put("phone", "06 39 98 12 34"));
    Api.Response anonymous = node.api.send("POST", "/api/visio/appointments", null, body.encode(),
        Map.of("Content-Type", "application/json", "Idempotency-Key", "key-kiosk-shared"));
    assertThat(anonymous.status()).as(anonymous.toString()).isEqualTo(409);
    assertThat(anonymous.body()).doesNotContain(id, reference, "manageToken");
  }

  private Api.Response book(String token, String time, String name, String phone, String key) {
    return kiosk(token, time, name, phone, key);
  }

  private Api.Response kiosk(String token, String time, String name, String phone, String key) {
    JsonObject citizen = new JsonObject().put("name", name);
    if (phone != null) {
      citizen.put("phone", phone);
    }
    JsonObject body = new JsonObject().put("serviceId", visio.serviceId).put("start", time.startsWith("12-")
        ? "2026-" + time + ":00+01:00" : KioskTest.today(time)).put("citizen", citizen);
    Map<String, String> headers = new HashMap<>(Map.of("Content-Type", "application/json", "X-Kiosk-Token", token));
    if (key != null) {
      headers.put("Idempotency-Key", key);
    }
    return node.api.send("POST", "/api/visio/kiosk/appointments", null, body.encode(), headers);
  }

  private String screen() {
    Api.Response made = node.api.post("/api/visio/points/" + visio.pointId + "/kiosks", visio.admin,
        new JsonObject().put("label", "Borne"));
    return node.api.send("POST", "/api/visio/kiosk/pair", null, new JsonObject().put("code", made.json().getString("code")).encode(),
        Map.of("Content-Type", "application/json")).json().getString("token");
  }
}
