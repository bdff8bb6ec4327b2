package fr.cantou.visio;

import fr.cantou.support.Api;
import fr.cantou.support.VisioTerritory;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A citizen's page follows her appointment live over a socket opened with its manage token. It
 * learns of her appointment only: not of the other citizens booked with the same service, the
 * same agent, at the same point, the same morning.
 */
class CitizenSocketTest extends VisioNodeTest {
  /** Tuesday 1 December 2026 (Paris), the point's morning; the CAF has one agent. */
  static String at(String time) {
    return "2026-12-01T" + time + ":00+01:00";
  }

  @Test
  void a_socket_opened_with_a_manage_token_receives_its_appointments_events_and_no_one_elses() {
    JsonObject mine = booked(node.api.post("/api/visio/appointments",
        VisioTerritory.booking(visio.serviceId, at("09:00")).put("pointId", visio.pointId)));
    JsonObject neighbour = booked(node.api.post("/api/visio/appointments", visio.mediator,
        VisioTerritory.booking(visio.serviceId, at("09:30")).put("pointId", visio.pointId)));
    String myId = mine.getString("id");
    String neighbourId = neighbour.getString("id");
    assertThat(mine.getString("agentId")).as("one agent: the same for both").isEqualTo(neighbour.getString("agentId"));

    try (WsClient citizen = WsClient.hello(node.port(), mine.getString("manageToken"), null)) {
      JsonObject snapshot = citizen.next(m -> "snapshot".equals(m.getString("type")));
      assertThat(snapshot.encode()).as("the snapshot").contains(myId).doesNotContain(neighbourId);

      // Everything that happens to the others' appointments of the same service, agent and point.
      String third = booked(node.api.post("/api/visio/appointments",
          VisioTerritory.booking(visio.serviceId, at("10:00")).put("pointId", visio.pointId))).getString("id");
      assertThat(node.api.post("/api/visio/appointments/" + neighbourId + "/reschedule", visio.mediator,
          new JsonObject().put("start", at("10:30"))).status()).isEqualTo(200);
      assertThat(visio.withToken("POST", "/api/visio/appointments/" + neighbourId + "/cancel",
          neighbour.getString("manageToken"), null).status()).isEqualTo(200);
      assertThat(node.api.post("/api/visio/appointments/" + third + "/cancel", visio.agent, null).status()).isEqualTo(200);

      // Then her own appointment moves: that event must come, and nothing before it but hers.
      assertThat(visio.withToken("POST", "/api/visio/appointments/" + myId + "/reschedule", mine.getString("manageToken"),
          new JsonObject().put("start", at("11:00"))).status()).isEqualTo(200);
      List<JsonObject> before = new ArrayList<>();
      JsonObject moved = citizen.next(m -> {
        boolean last = "event".equals(m.getString("type")) && "appointment.changed".equals(m.getString("kind"))
            && myId.equals(m.getJsonObject("data").getString("id"));
        if (!last && "event".equals(m.getString("type"))) {
          before.add(m);
        }
        return last;
      });
      assertThat(moved.getJsonObject("data").getString("start")).isEqualTo(at("11:00"));
      assertThat(before).as("events before her own move").allMatch(e -> myId.equals(e.getJsonObject("data").getString("id")));
      assertThat(before.toString()).doesNotContain(neighbourId).doesNotContain(third);
    }
  }

  private static JsonObject booked(Api.Response response) {
    assertThat(response.status()).as(response.toString()).isEqualTo(201);
    return response.json();
  }
}
