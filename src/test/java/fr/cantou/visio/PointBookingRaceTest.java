package fr.cantou.visio;

import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A point visio-accueil is one room with one screen: whatever administrations offer their
 * services there, it holds one appointment at a time. Two administrations whose agents are both
 * free race for the same half hour at the point, from two nodes (so that no node's memory can
 * settle it): the database alone judges, and exactly one booking is made.
 */
class PointBookingRaceTest extends VisioNodeTest {
  /** Tuesday 1 December 2026, 10:00 in Paris: the point is open (9:00–12:00), both agents are free. */
  static final String TEN = "2026-12-01T10:00:00+01:00";

  @Test
  void forty_parallel_bookings_of_one_point_at_one_time_by_two_administrations_make_exactly_one_appointment() throws Exception {
    String cpam = visio.cpamService();
    try (TestNode other = TestNode.start(node.database(), Map.of(), clock)) {
      var onThisNode = node.api.overHttp1();
      var onTheOther = other.api.overHttp1();
      // Even attempts book the CAF's service here, odd ones the CPAM's on the other node: each
      // administration's agent can take one of them (her own calendar), so only the point's
      // exclusion (its constraint and its lock) can keep the second administration out.
      List<Integer> answers = concurrently(40, i -> (i % 2 == 0 ? onThisNode : onTheOther).post("/api/visio/appointments",
          VisioTerritory.booking(i % 2 == 0 ? visio.serviceId : cpam, TEN).put("pointId", visio.pointId)).status());

      assertThat(answers).as("one booking made").filteredOn(s -> s == 201).hasSize(1);
      assertThat(answers).as("every other one refused as taken, never an error").filteredOn(s -> s != 201)
          .hasSize(39).allMatch(s -> s == 409);
    }
    long atThePoint = java.util.stream.Stream.of(visio.agent, visio.otherAgent)
        .flatMap(agent -> node.api.get("/api/visio/appointments?date=2026-12-01", agent).array().stream())
        .map(JsonObject.class::cast)
        .filter(a -> "booked".equals(a.getString("status")) && visio.pointId.equals(a.getString("pointId")))
        .count();
    assertThat(atThePoint).as("appointments at the point on Tuesday, for both administrations").isEqualTo(1);
  }
}
