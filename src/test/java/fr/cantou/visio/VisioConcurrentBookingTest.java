package fr.cantou.visio;

import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bookings do not queue behind each other, and the database still judges each one: many at
 * once give exactly the appointments there is room for, never an error; bookings of other
 * times go through side by side, spread over the agents; what the node keeps in memory never
 * books over leave or a taken slot, nor refuses a slot freed meanwhile.
 */
class VisioConcurrentBookingTest extends VisioNodeTest {
  /** Wednesday 2 December 2026, 9:00 to 13:30 (Paris): ten 30-minute slots of the CAF's one agent. */
  static final List<String> TEN_SLOTS = IntStream.range(0, 10)
      .mapToObj(i -> String.format("2026-12-02T%02d:%02d:00+01:00", 9 + i / 2, i % 2 * 30)).toList();

  List<JsonObject> bookedOn(String date) {
    JsonArray day = node.api.get("/api/visio/appointments?date=" + date, visio.agent).array();
    return day.stream().map(JsonObject.class::cast).filter(a -> "booked".equals(a.getString("status"))).toList();
  }


  @Test
  void a_thousand_concurrent_attempts_on_ten_slots_make_exactly_ten_appointments_and_no_error() throws Exception {
    // The service has one agent, with no buffer: each of the ten slots can hold exactly one
    // appointment (the agent's exclusion constraint), and nothing stops one from being taken
    // (no leave, no point, no notice). So exactly ten attempts succeed, one per slot,
    // whichever they are; the 990 others are refused with 409, whether they found the slot
    // taken in memory, in the database, or met its booking in flight.
    var citizens = node.api.overHttp1();
    List<Integer> statuses = concurrently(1000, i -> citizens.post("/api/visio/appointments",
        VisioTerritory.booking(visio.serviceId, TEN_SLOTS.get(i % 10))).status());

    assertThat(statuses).filteredOn(s -> s == 201).hasSize(10);
    assertThat(statuses).filteredOn(s -> s != 201).hasSize(990).allMatch(s -> s == 409);
    List<JsonObject> booked = bookedOn("2026-12-02");
    assertThat(booked).as("booked rows in the database").hasSize(10);
    assertThat(booked.stream().map(a -> a.getString("start")).collect(Collectors.toSet()))
        .containsExactlyInAnyOrderElementsOf(TEN_SLOTS);
  }

  @Test
  void concurrent_bookings_of_one_days_slots_all_succeed_spread_over_the_agents() throws Exception {
    visio.colleagues(4);
    List<JsonObject> answers = concurrently(10, i -> visio.book(TEN_SLOTS.get(i)).json());

    assertThat(answers).allMatch(a -> a.getString("reference") != null);
    // Bookings that read the day with no appointment start with a different agent for each slot
    // (consecutive slots: consecutive agents); one that read an appointment of an agent starts
    // with a less loaded one. So all ten can never land on one agent, whatever the timing.
    Set<String> agents = answers.stream().map(a -> a.getString("agentId")).collect(Collectors.toSet());
    assertThat(agents).hasSizeGreaterThan(1);
    assertThat(bookedOn("2026-12-02")).hasSize(10);
  }

  @Test
  void one_after_another_each_booking_goes_to_a_least_loaded_agent() {
    List<String> colleagues = visio.colleagues(4);
    Set<String> agents = TEN_SLOTS.subList(0, 5).stream().map(start -> visio.book(start).json().getString("agentId"))
        .collect(Collectors.toSet());
    assertThat(agents).as("five bookings, five agents").hasSize(5).contains(visio.agentId).containsAll(colleagues);
  }

  @Test
  void leave_entered_behind_the_nodes_back_is_seen_under_the_agents_lock_and_nobody_is_booked() {
    String start = "2026-12-03T10:00:00+01:00";
    assertThat(node.api.get("/api/visio/services/" + visio.serviceId + "/slots?from=2026-12-03&to=2026-12-03").array()
        .stream().map(s -> ((JsonObject) s).getString("start"))).as("the node keeps the day, agent free").contains(start);
    // Written straight into the database: no event, so the node still believes the agent free.
    TestNode.await(new CalendarStore().insertException(node.node().platform().pool(), UUID.fromString(visio.agentId),
        Instant.parse("2026-12-03T00:00:00Z"), Instant.parse("2026-12-04T00:00:00Z"), "Formation", null));

    var refused = visio.book(start);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(bookedOn("2026-12-03")).isEmpty();
  }

  @Test
  void a_slot_freed_behind_the_nodes_back_is_booked_the_database_is_asked_before_saying_no() {
    String start = "2026-12-03T10:00:00+01:00";
    String id = visio.book(start).json().getString("id");
    assertThat(visio.book(start).status()).as("the node keeps the day, slot taken").isEqualTo(409);
    // Cancelled straight in the database: no event, so the node still believes the slot taken.
    TestNode.await(new AppointmentStore().transition(node.node().platform().pool(), UUID.fromString(id), List.of("booked"), "cancelled",
        clock.instant()));

    assertThat(visio.book(start).status()).isEqualTo(201);
    assertThat(bookedOn("2026-12-03")).hasSize(1);
  }

  @Test
  void a_slot_taken_on_another_node_is_a_409_whether_this_node_heard_of_it_yet_or_not() {
    String start = "2026-12-03T10:00:00+01:00";
    assertThat(node.api.get("/api/visio/services/" + visio.serviceId + "/slots?from=2026-12-03&to=2026-12-03").array())
        .isNotEmpty();
    // A second node on the same database takes the slot; this node has not heard of it when it books.
    try (TestNode other = TestNode.start(node.database(), java.util.Map.of(), clock)) {
      assertThat(other.api.post("/api/visio/appointments", VisioTerritory.booking(visio.serviceId, start))
          .status()).isEqualTo(201);
    }
    var refused = visio.book(start);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(bookedOn("2026-12-03")).hasSize(1);
  }
}
