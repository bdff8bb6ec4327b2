package fr.cantou.visio;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** An agent's leave: never over booked appointments, and removable when plans change. */
class AgentLeaveTest extends VisioNodeTest {
  static JsonObject tuesdayOff() {
    return new JsonObject().put("start", "2026-12-01T00:00:00+01:00").put("end", "2026-12-02T00:00:00+01:00")
        .put("reason", "Formation");
  }

  int tuesdaySlots() {
    return node.api.get("/api/visio/services/" + visio.serviceId + "/slots?from=2026-12-01&to=2026-12-01").array().size();
  }

  @Test
  void leave_over_a_booked_appointment_is_refused_naming_it_until_it_is_moved_or_cancelled() {
    JsonObject booked = visio.book("2026-12-01T10:00:00+01:00").json();

    var refused = node.api.post("/api/visio/agents/" + visio.agentId + "/exceptions", visio.agent, tuesdayOff());
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.detail()).contains(booked.getString("reference")).contains("1 December 2026 at 10:00");
    assertThat(node.api.get("/api/visio/agents/" + visio.agentId + "/availability", visio.agent).json()
        .getJsonArray("exceptions")).as("nothing half-written").isEmpty();

    visio.withToken("POST", "/api/visio/appointments/" + booked.getString("id") + "/cancel", booked.getString("manageToken"), null);
    var accepted = node.api.post("/api/visio/agents/" + visio.agentId + "/exceptions", visio.agent, tuesdayOff());
    assertThat(accepted.status()).isEqualTo(201);
    assertThat(tuesdaySlots()).isZero();
  }

  @Test
  void removed_leave_gives_its_slots_back_at_once() {
    int before = tuesdaySlots();
    var added = node.api.post("/api/visio/agents/" + visio.agentId + "/exceptions", visio.agent, tuesdayOff()).json();
    long id = added.getJsonArray("exceptions").getJsonObject(0).getLong("id");
    assertThat(tuesdaySlots()).isZero();

    var removed = node.api.send("DELETE", "/api/visio/agents/" + visio.agentId + "/exceptions/" + id, visio.agent, null, Map.of());
    assertThat(removed.status()).isEqualTo(200);
    assertThat(removed.json().getJsonArray("exceptions")).isEmpty();
    assertThat(tuesdaySlots()).isEqualTo(before);

    assertThat(node.api.send("DELETE", "/api/visio/agents/" + visio.agentId + "/exceptions/" + id, visio.agent, null, Map.of())
        .status()).as("already gone").isEqualTo(404);
  }

  @Test
  void only_the_agent_or_an_admin_removes_its_leave() {
    var added = node.api.post("/api/visio/agents/" + visio.agentId + "/exceptions", visio.agent, tuesdayOff()).json();
    long id = added.getJsonArray("exceptions").getJsonObject(0).getLong("id");

    var byColleague = node.api.send("DELETE", "/api/visio/agents/" + visio.agentId + "/exceptions/" + id, visio.otherAgent,
        null, Map.of());
    assertThat(byColleague.status()).isEqualTo(403);
    assertThat(tuesdaySlots()).isZero();

    var byAdmin = node.api.send("DELETE", "/api/visio/agents/" + visio.agentId + "/exceptions/" + id, visio.admin, null, Map.of());
    assertThat(byAdmin.status()).isEqualTo(200);
  }
}
