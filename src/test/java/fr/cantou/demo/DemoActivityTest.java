package fr.cantou.demo;

import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo shows a territory at work the first time someone opens it: three months of teleconsultations and
 * appointments behind it, today's bookings, two requests waiting. Its days are computed from the node's clock, here a
 * Wednesday morning the test fixes.
 */
class DemoActivityTest {
  private static final String PASSWORD = "demo-password";
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  private static final Instant NOW = Instant.parse("2026-11-18T08:30:00Z");
  private static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_DEMO", "true", "CANTOU_DEMO_PASSWORD", PASSWORD),
        new MutableClock(NOW));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void the_statistics_of_the_last_month_show_every_care_home_specialty_kind_and_outcome() {
    LocalDate today = LocalDate.ofInstant(NOW, PARIS);
    JsonObject stats = node.api.get("/api/stats/overview?from=" + today.minusDays(30) + "&to=" + today, node.adminToken()).json();
    JsonObject care = stats.getJsonObject("teleconsultations");
    assertThat(care.getJsonArray("byOrganisation")).as("the eight care homes and maisons de santé").hasSize(8);
    assertThat(care.getJsonArray("bySpecialty").size()).isGreaterThanOrEqualTo(6);
    assertThat(care.getDouble("medianWaitMinutes")).isPositive();
    assertThat(care.getDouble("p90WaitMinutes")).isGreaterThan(care.getDouble("medianWaitMinutes"));
    List<JsonObject> kinds = care.getJsonArray("byKind").stream().map(JsonObject.class::cast).toList();
    assertThat(kinds).extracting(k -> k.getString("kind")).containsExactlyInAnyOrder("video", "opinion");
    assertThat(kinds).allSatisfy(k -> assertThat(k.getLong("count")).isGreaterThan(20));
    assertThat(kinds.stream().filter(k -> k.getString("kind").equals("opinion")).findFirst().orElseThrow()
        .getLong("turnedIntoCall")).isPositive();

    JsonObject visio = stats.getJsonObject("visio");
    JsonArray bookings = visio.getJsonArray("bookings");
    assertThat(bookings.size()).as("every weekday of the month but the holiday has appointments").isBetween(19, 23);
    assertThat(visio.getLong("completed")).isGreaterThan(visio.getLong("noShows") * 3);
    assertThat(visio.getLong("noShows")).isPositive();
  }

  @Test
  void the_older_months_are_there_too_and_the_past_holds_nothing_still_open() {
    LocalDate today = LocalDate.ofInstant(NOW, PARIS);
    JsonObject stats = node.api.get("/api/stats/overview?from=" + today.minusDays(91) + "&to=" + today.minusDays(60),
        node.adminToken()).json();
    assertThat(stats.getJsonObject("teleconsultations").getJsonArray("byOrganisation")).isNotEmpty();
    assertThat(stats.getJsonObject("visio").getJsonArray("bookings")).isNotEmpty();
  }

  @Test
  void two_requests_wait_in_the_queue_of_their_specialties() {
    String geriatrician = node.api.login("dr.mercier@cantal.demo", PASSWORD);
    JsonArray queue = node.api.get("/api/teleconsultations?status=queued", geriatrician).array();
    assertThat(queue).hasSize(1);
    assertThat(queue.getJsonObject(0).getString("urgency")).isEqualTo("urgent");
    String dermatologist = node.api.login("dr.lafon@cantal.demo", PASSWORD);
    JsonArray hers = node.api.get("/api/teleconsultations?status=queued", dermatologist).array();
    assertThat(hers).hasSize(1);
    assertThat(hers.getJsonObject(0).getString("kind")).isEqualTo("opinion");
    // Nothing of the past is open: only the two requests of today wait.
    String nurse = node.api.login("infirmiere.murat@cantal.demo", PASSWORD);
    assertThat(node.api.get("/api/teleconsultations?status=assigned", nurse).array()).isEmpty();
  }

  @Test
  void the_agents_day_has_its_next_appointments_booked() {
    String agent = node.api.login("agent.cpam@cantal.demo", PASSWORD);
    LocalDate today = LocalDate.ofInstant(NOW, PARIS);
    JsonArray day = node.api.get("/api/visio/appointments?date=" + today, agent).array();
    assertThat(day.stream().map(JsonObject.class::cast).filter(a -> a.getString("status").equals("booked")))
        .as("the CPAM's next free slots of this morning").hasSize(2);
    assertThat(day.stream().map(JsonObject.class::cast).filter(a -> a.getString("status").equals("booked")))
        .allSatisfy(a -> assertThat(Instant.parse(a.getString("start").replace("+01:00", "Z")).isAfter(NOW.minusSeconds(3600))));
  }
}
