package fr.cantou.visio;

import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.support.Api;
import fr.cantou.support.Eventually;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static fr.cantou.support.VisioTerritory.booking;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each node keeps the slots it computed in memory. What it answers must stay true: at once on
 * the node where a calendar changed, within moments on every other node, and as time passes.
 */
class SlotsInMemoryTest {
  /** Monday 30 November 2026, 7:00 in Paris; both nodes share this clock. */
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
  TestNode a;
  TestNode b;
  VisioTerritory visio;

  @BeforeEach
  void start() {
    DatabaseEndpoint database = TestDatabase.fresh();
    a = TestNode.start(database, Map.of(), clock);
    b = TestNode.start(database, Map.of(), clock);
    visio = new VisioTerritory(a);
  }

  @AfterEach
  void stop() {
    b.close();
    a.close();
  }

  static List<String> starts(TestNode node, String serviceId, String from, String to, String pointId) {
    String path = "/api/visio/services/" + serviceId + "/slots?from=" + from + "&to=" + to
        + (pointId == null ? "" : "&pointId=" + pointId);
    Api.Response response = node.api.get(path);
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return response.array().stream().map(slot -> ((JsonObject) slot).getString("start")).toList();
  }

  List<String> tuesday(TestNode node) {
    return starts(node, visio.serviceId, "2026-12-01", "2026-12-01", null);
  }

  static final String NINE = "2026-12-01T09:00:00+01:00";
  static final String TEN = "2026-12-01T10:00:00+01:00";

  @Test
  void a_booking_takes_the_slot_off_its_node_at_once_and_off_the_other_node_within_moments() {
    assertThat(tuesday(a)).contains(NINE);
    assertThat(tuesday(b)).contains(NINE);

    assertThat(visio.book(NINE).status()).isEqualTo(201);

    assertThat(tuesday(a)).as("on the node that booked, before it answered").doesNotContain(NINE).contains(TEN);
    Eventually.until("node B no longer offers 9:00", () -> !tuesday(b).contains(NINE));
    assertThat(tuesday(b)).contains(TEN);
  }

  @Test
  void a_cancellation_on_one_node_frees_the_slot_on_both() {
    JsonObject booked = visio.book(NINE).json();
    assertThat(tuesday(a)).doesNotContain(NINE);
    Eventually.until("node B no longer offers 9:00", () -> !tuesday(b).contains(NINE));

    var cancelled = b.api.send("POST", "/api/visio/appointments/" + booked.getString("id") + "/cancel", null, null,
        Map.of("X-Manage-Token", booked.getString("manageToken")));
    assertThat(cancelled.status()).isEqualTo(200);

    assertThat(tuesday(b)).as("on the node that cancelled").contains(NINE);
    Eventually.until("node A offers 9:00 again", () -> tuesday(a).contains(NINE));
  }

  @Test
  void a_change_of_time_frees_the_old_slot_and_takes_the_new_one_on_every_node() {
    JsonObject booked = visio.book(NINE).json();
    Eventually.until("node B no longer offers 9:00", () -> !tuesday(b).contains(NINE));
    String thursday = "2026-12-03T14:00:00+01:00";
    assertThat(starts(b, visio.serviceId, "2026-12-03", "2026-12-03", null)).contains(thursday);

    var moved = visio.withToken("POST", "/api/visio/appointments/" + booked.getString("id") + "/reschedule",
        booked.getString("manageToken"), new JsonObject().put("start", thursday));
    assertThat(moved.status()).as(moved.toString()).isEqualTo(200);

    Eventually.until("node B offers Tuesday 9:00 again", () -> tuesday(b).contains(NINE));
    Eventually.until("node B no longer offers Thursday 14:00",
        () -> !starts(b, visio.serviceId, "2026-12-03", "2026-12-03", null).contains(thursday));
  }

  @Test
  void leave_entered_on_one_node_removes_the_slots_on_both() {
    assertThat(tuesday(a)).isNotEmpty();
    assertThat(tuesday(b)).isNotEmpty();

    var leave = a.api.post("/api/visio/agents/" + visio.agentId + "/exceptions", visio.agent, new JsonObject()
        .put("start", "2026-12-01T00:00:00+01:00").put("end", "2026-12-02T00:00:00+01:00").put("reason", "Formation"));
    assertThat(leave.status()).as(leave.toString()).isEqualTo(201);

    assertThat(tuesday(a)).isEmpty();
    Eventually.until("node B offers nothing on Tuesday", () -> tuesday(b).isEmpty());
    assertThat(starts(b, visio.serviceId, "2026-12-02", "2026-12-02", null)).as("Wednesday is untouched").isNotEmpty();
  }

  @Test
  void a_deactivated_agent_is_offered_nowhere_and_its_open_socket_is_closed() {
    assertThat(tuesday(b)).isNotEmpty();
    try (WsClient agentOnB = WsClient.hello(b.port(), visio.agent, null)) {
      agentOnB.next(m -> "snapshot".equals(m.getString("type")));

      var deactivated = a.api.post("/api/users/" + visio.agentId + "/deactivate", visio.admin, null);
      assertThat(deactivated.status()).isEqualTo(200);

      assertThat(agentOnB.awaitClose()).isEqualTo(4401);
      Eventually.until("node B offers nothing", () -> tuesday(b).isEmpty());
    }
  }

  @Test
  void a_booking_at_a_point_takes_the_point_for_every_service_offered_there() {
    String cpam = visio.cpamService();
    assertThat(starts(b, cpam, "2026-12-01", "2026-12-01", visio.pointId)).contains(NINE);

    var atPoint = a.api.post("/api/visio/appointments", booking(visio.serviceId, NINE).put("pointId", visio.pointId));
    assertThat(atPoint.status()).as(atPoint.toString()).isEqualTo(201);

    Eventually.until("the point is no longer offered at 9:00 for the CPAM on node B",
        () -> !starts(b, cpam, "2026-12-01", "2026-12-01", visio.pointId).contains(NINE));
    assertThat(starts(b, cpam, "2026-12-01", "2026-12-01", null)).as("from home, the CPAM agent is still free").contains(NINE);
  }

  @Test
  void slots_kept_in_memory_follow_the_clock_without_any_write() {
    String today = "2026-11-30";
    assertThat(starts(a, visio.serviceId, today, today, null)).first().isEqualTo("2026-11-30T08:00:00+01:00");

    clock.advance(Duration.ofMinutes(61));

    assertThat(starts(a, visio.serviceId, today, today, null)).as("at 8:01, 8:00 has begun")
        .first().isEqualTo("2026-11-30T08:30:00+01:00");
  }
}
