package fr.cantou.visio;

import fr.cantou.platform.db.RateLimitStore;
import fr.cantou.support.Api;
import fr.cantou.support.MutableClock;
import fr.cantou.support.SentTwiceAtOnce;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static fr.cantou.support.VisioTerritory.booking;
import static org.assertj.core.api.Assertions.assertThat;

/** Someone not signed in cannot book every slot of a day: a few bookings an hour per address and per person. */
class AnonymousBookingLimitsTest {

  static JsonObject bookingFor(VisioTerritory visio, String start, String email) {
    JsonObject body = booking(visio.serviceId, start);
    body.getJsonObject("citizen").put("email", email);
    return body;
  }

  /** The answers to one anonymous booking for each e-mail, on Tuesday 1 December from 9:00, an hour apart. */
  private static List<Integer> bookedOneAnHourFrom9(TestNode node, String... emails) {
    VisioTerritory visio = new VisioTerritory(node);
    List<Integer> statuses = new java.util.ArrayList<>();
    for (int i = 0; i < emails.length; i++) {
      statuses.add(node.api.post("/api/visio/appointments",
          bookingFor(visio, String.format("2026-12-01T%02d:00:00+01:00", 9 + i), emails[i])).status());
    }
    return statuses;
  }

  @Test
  void bookings_are_limited_per_person_and_per_address_for_an_hour_but_not_for_a_mediator() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_ADDRESS", "3",
        "CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_CONTACT", "2"), clock)) {
      VisioTerritory visio = new VisioTerritory(node);
      assertThat(node.api.post("/api/visio/appointments", bookingFor(visio, "2026-12-01T09:00:00+01:00", "jeanne@example.fr"))
          .status()).isEqualTo(201);
      assertThat(node.api.post("/api/visio/appointments", bookingFor(visio, "2026-12-01T09:30:00+01:00", "Jeanne@Example.fr"))
          .status()).isEqualTo(201);
      var third = node.api.post("/api/visio/appointments", bookingFor(visio, "2026-12-01T10:00:00+01:00", "jeanne@example.fr"));
      assertThat(third.status()).as("a third for the same person within the hour").isEqualTo(429);
      assertThat(third.headers().firstValue("Retry-After")).isPresent();

      assertThat(node.api.post("/api/visio/appointments", bookingFor(visio, "2026-12-01T10:30:00+01:00", "paul@example.fr"))
          .status()).as("the address's third booking").isEqualTo(201);
      assertThat(node.api.post("/api/visio/appointments", bookingFor(visio, "2026-12-01T11:30:00+01:00", "lucie@example.fr"))
          .status()).as("the address's fourth").isEqualTo(429);
      assertThat(node.api.post("/api/visio/appointments", visio.mediator,
          bookingFor(visio, "2026-12-01T11:00:00+01:00", "paul@example.fr")).status()).as("a mediator is not limited").isEqualTo(201);

      clock.advance(Duration.ofHours(1));
      assertThat(node.api.post("/api/visio/appointments", bookingFor(visio, "2026-12-01T11:30:00+01:00", "jeanne@example.fr"))
          .status()).as("an hour later").isEqualTo(201);
    }
  }

  @Test
  void one_ipv6_network_cannot_book_every_slot_by_hopping_from_one_64_to_the_next() {
    // A /48 (a free tunnel broker's, many hosts') holds 65,536 /64s: counted per /64 alone, it booked every slot of
    // every service within minutes, each booking under a new address and a new e-mail of a catch-all domain.
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_HTTP_TRUSTED_PROXIES", "127.0.0.1",
        "CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_ADDRESS", "2", "CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_NETWORK", "3"), clock)) {
      VisioTerritory visio = new VisioTerritory(node);
      java.util.function.BiFunction<String, Integer, Integer> bookFrom = (client, i) -> node.api.send("POST",
          "/api/visio/appointments", null, bookingFor(visio, String.format("2026-12-01T%02d:00:00+01:00", 9 + i), "bot" + i + "@example.fr")
              .encode(), Map.of("Content-Type", "application/json", "X-Forwarded-For", client)).status();
      assertThat(bookFrom.apply("2001:db8:7:1::1", 0)).isEqualTo(201);
      assertThat(bookFrom.apply("2001:db8:7:1::2", 1)).as("the same /64").isEqualTo(201);
      assertThat(bookFrom.apply("2001:db8:7:2::1", 2)).as("the next /64, the network's third").isEqualTo(201);
      assertThat(bookFrom.apply("2001:db8:7:3::1", 3)).as("a fourth /64 of the same /48").isEqualTo(429);
      assertThat(bookFrom.apply("2001:db8:8:1::1", 4)).as("another network").isEqualTo(201);
      assertThat(bookFrom.apply("203.0.113.7", 5)).as("an IPv4 address is counted alone").isEqualTo(201);
    }
  }

  @Test
  void the_dots_of_a_gmail_address_and_googlemail_do_not_make_a_new_person() {
    // Gmail delivers j.e.anne@gmail.com, jeanne@gmail.com and jeanne@googlemail.com to one mailbox: each spelling was
    // a new person for the limit per contact, so one mailbox could be sent confirmations in the administration's name
    // far past it (a 12-letter name has 2,048 spellings).
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_CONTACT", "2"), clock)) {
      assertThat(bookedOneAnHourFrom9(node, "jeanne.martin@gmail.com", "jeannemartin@gmail.com", "J.e.anne.Martin@GoogleMail.com",
          "jeanne.martin@example.fr")).as("the same mailbox a third time; dots elsewhere are another one")
          .containsExactly(201, 201, 429, 201);
    }
  }

  @Test
  void requests_that_book_nothing_use_up_nobodys_allowance_and_one_number_is_one_number_however_written() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_CONTACT", "2"), clock)) {
      VisioTerritory visio = new VisioTerritory(node);
      for (int i = 0; i < 3; i++) {
        JsonObject nothing = bookingFor(visio, "2026-12-01T09:00:00+01:00", "victime@example.fr")
            .put("serviceId", "00000000-0000-0000-0000-000000000000");
        assertThat(node.api.post("/api/visio/appointments", nothing).status()).isEqualTo(404);
      }
      assertThat(node.api.post("/api/visio/appointments", bookingFor(visio, "2026-12-01T09:00:00+01:00", "Victime+x@Example.fr."))
          .status()).as("the attempts that booked nothing did not count").isEqualTo(201);

      JsonObject byPhone = booking(visio.serviceId, "2026-12-01T09:30:00+01:00");
      byPhone.getJsonObject("citizen").remove("email");
      assertThat(node.api.post("/api/visio/appointments", byPhone.copy().put("citizen", byPhone.getJsonObject("citizen").copy()
          .put("phone", "06 12 34 56 78"))).status()).isEqualTo(201);
      assertThat(node.api.post("/api/visio/appointments", byPhone.copy().put("start", "2026-12-01T10:00:00+01:00")
          .put("citizen", byPhone.getJsonObject("citizen").copy().put("phone", "+33 (0)6.12.34.56.78"))).status()).isEqualTo(201);
      assertThat(node.api.post("/api/visio/appointments", byPhone.copy().put("start", "2026-12-01T10:30:00+01:00")
          .put("citizen", byPhone.getJsonObject("citizen").copy().put("phone", "0033612345678"))).status())
          .as("the same number, a third time").isEqualTo(429);
    }
  }

  @Test
  void parallel_bookings_from_one_address_make_exactly_the_allowed_number_and_quotes_do_not_make_a_new_person() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_ADDRESS", "5",
        "CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_CONTACT", "2"), clock)) {
      VisioTerritory visio = new VisioTerritory(node);
      List<String> starts = new java.util.ArrayList<>();
      for (int day = 1; day <= 2; day++) {
        for (int hour = 9; hour < 15; hour++) {
          starts.add("2026-12-0" + day + "T" + (hour < 10 ? "0" : "") + hour + ":00:00+01:00");
        }
      }
      List<Integer> statuses = VisioNodeTest.concurrently(starts.size(), i -> node.api.post("/api/visio/appointments",
          bookingFor(visio, starts.get(i), "personne" + i + "@example.fr")).status());
      assertThat(statuses.stream().filter(s -> s == 201)).as(statuses.toString()).hasSize(5);
      assertThat(statuses.stream().filter(s -> s == 429)).hasSize(starts.size() - 5);
    }
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_CONTACT", "2"), clock)) {
      assertThat(bookedOneAnHourFrom9(node, "jeanne@example.fr", "jeanne@example.fr", "\"jeanne\"@example.fr"))
          .as("the same mailbox, quoted").containsExactly(201, 201, 429);
    }
  }

  @Test
  void a_manage_link_moves_its_appointment_a_few_times_a_day_so_it_cannot_mail_someone_without_end() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_VISIO_CITIZEN_MOVES_PER_DAY", "3"), clock)) {
      VisioTerritory visio = new VisioTerritory(node);
      var booked = node.api.post("/api/visio/appointments", bookingFor(visio, "2026-12-03T09:00:00+01:00", "jeanne@example.fr"));
      String path = "/api/visio/appointments/" + booked.json().getString("id") + "/reschedule";
      String token = booked.json().getString("manageToken");
      String[] starts = {"2026-12-03T10:00:00+01:00", "2026-12-03T11:00:00+01:00", "2026-12-03T09:00:00+01:00"};
      assertThat(visio.withToken("POST", path, "not-" + token, new JsonObject().put("start", starts[0])).status())
          .as("a stranger's tries use up nothing").isEqualTo(403);
      for (String start : starts) {
        assertThat(visio.withToken("POST", path, token, new JsonObject().put("start", start)).status()).isEqualTo(200);
      }
      var fourth = visio.withToken("POST", path, token, new JsonObject().put("start", "2026-12-03T14:00:00+01:00"));
      assertThat(fourth.status()).as(fourth.toString()).isEqualTo(429);
      assertThat(fourth.headers().firstValue("Retry-After")).isPresent();
      assertThat(node.api.post(path, visio.agent, new JsonObject().put("start", "2026-12-03T14:00:00+01:00")).status())
          .as("the agent is not limited").isEqualTo(200);

      clock.advance(Duration.ofDays(1));
      assertThat(visio.withToken("POST", path, token, new JsonObject().put("start", "2026-12-03T15:00:00+01:00")).status())
          .as("the next day").isEqualTo(200);
    }
  }

  /**
   * Her manage link sent beside a login is still her link: a session that could not open the appointment by itself (an
   * agent of another administration) neither lifts her limit nor signs her moves.
   */
  @Test
  void a_login_sent_beside_a_manage_link_does_not_lift_its_limit_nor_sign_its_moves() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_VISIO_CITIZEN_MOVES_PER_DAY", "3"), clock)) {
      VisioTerritory visio = new VisioTerritory(node);
      var booked = node.api.post("/api/visio/appointments", bookingFor(visio, "2026-12-03T09:00:00+01:00", "jeanne@example.fr"));
      String id = booked.json().getString("id");
      String path = "/api/visio/appointments/" + id + "/reschedule";
      Map<String, String> both = Map.of("X-Manage-Token", booked.json().getString("manageToken"),
          "Content-Type", "application/json");
      assertThat(node.api.post(path, visio.otherAgent, new JsonObject().put("start", "2026-12-03T10:00:00+01:00")).status())
          .as("that session alone").isEqualTo(403);
      for (String start : List.of("2026-12-03T10:00:00+01:00", "2026-12-03T11:00:00+01:00", "2026-12-03T09:00:00+01:00")) {
        assertThat(node.api.send("POST", path, visio.otherAgent, new JsonObject().put("start", start).encode(), both)
            .status()).isEqualTo(200);
      }
      var fourth = node.api.send("POST", path, visio.otherAgent,
          new JsonObject().put("start", "2026-12-03T14:00:00+01:00").encode(), both);
      assertThat(fourth.status()).as(fourth.toString()).isEqualTo(429);
      assertThat(TestNode.await(node.node().platform().pool().preparedQuery(
              "SELECT count(*) AS n FROM change_audit WHERE item_id = $1 AND user_id IS NOT NULL")
          .execute(io.vertx.sqlclient.Tuple.of(id))).iterator().next().getLong("n"))
          .as("no line signed by the session").isZero();
      assertThat(node.api.send("GET", "/api/visio/appointments/" + id, visio.agent, null, Map.of("X-Manage-Token", " "))
          .status()).as("an empty header is no token: the agent's session stands").isEqualTo(200);
    }
  }

  /**
   * Her second booking of the hour (two a person here) is being written, its use of her allowance with it, when her page
   * sends it again with its Idempotency-Key (the answer slow on a weak link, or a second tab): the retry waits for the
   * first and answers her appointment with its link. Counting it first said 429 "too many bookings": she believed she
   * had no appointment, though she had one.
   */
  @Test
  void a_booking_sent_again_while_the_first_takes_her_last_allowance_answers_her_appointment_not_too_many() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_CONTACT", "2"), clock)) {
      VisioTerritory visio = new VisioTerritory(node);
      var first = node.api.post("/api/visio/appointments", bookingFor(visio, "2026-12-01T09:00:00+01:00", "jeanne@example.fr"));
      assertThat(first.status()).as(first.toString()).isEqualTo(201);
      String start = "2026-12-01T10:00:00+01:00";
      IdempotencyKey key = IdempotencyKey.of("anonymous", "booking-key-0001", new VisioRecords.Booking(visio.serviceId,
          java.time.OffsetDateTime.parse(start), null, new VisioRecords.CitizenBody("Jeanne Vidal", "jeanne@example.fr", null),
          null, null));
      // The first sending, as its write leaves it before committing: the appointment with its key, her use counted.
      String written = "INSERT INTO appointment (service_id, agent_id, point_id, starts_at, ends_at, blocked_until, status, reference,"
          + " citizen_name, citizen_email, room_name, created_at, idempotency_key, idempotency_fingerprint)"
          + " SELECT service_id, agent_id, point_id, starts_at + interval '1 hour', ends_at + interval '1 hour',"
          + " blocked_until + interval '1 hour', 'booked', reference || '-2', citizen_name, citizen_email, room_name || '-2',"
          + " created_at, $1, $2 FROM appointment WHERE id = $3 RETURNING id";
      Api.Response answered = SentTwiceAtOnce.retryAnswer(node, tx -> tx.preparedQuery(written)
              .execute(Tuple.of(key.scoped(), Buffer.buffer(key.fingerprint()), UUID.fromString(first.json().getString("id"))))
              .compose(rows -> new RateLimitStore().count(tx, List.of("booking-email:jeanne@example.fr"), clock.instant(),
                  clock.instant().minus(AnonymousBookings.WINDOW))),
          () -> node.api.send("POST", "/api/visio/appointments", null,
              bookingFor(visio, start, "jeanne@example.fr").encode(),
              Map.of("Content-Type", "application/json", "Idempotency-Key", "booking-key-0001")));
      assertThat(answered.status()).as(answered.toString()).isEqualTo(201);
      assertThat(answered.json().getString("start")).isEqualTo(start);
      assertThat(answered.json().getString("manageToken")).isNotBlank();
      var rows = TestNode.await(node.node().platform().pool().query(
          "SELECT count(*) AS n, (SELECT count FROM rate_limit WHERE key = 'booking-email:jeanne@example.fr') AS used"
              + " FROM appointment WHERE citizen_email = 'jeanne@example.fr'").execute()).iterator().next();
      assertThat(rows.getLong("n")).as("her two appointments, not three").isEqualTo(2);
      assertThat(rows.getInteger("used")).as("the second counted once").isEqualTo(2);
    }
  }
}
