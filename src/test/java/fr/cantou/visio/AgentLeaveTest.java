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

  @Test
  void closing_the_administration_gives_every_agent_the_absence_unless_appointments_stand_in_the_way() {
    String colleague = node.api.post("/api/users", visio.admin, new JsonObject().put("email", "agent2@caf.test")
        .put("password", "mot-de-passe-long").put("role", "agent").put("displayName", "Yves Chabrier")
        .put("organisationId", visio.cafId)).json().getString("id");
    node.api.send("PUT", "/api/visio/agents/" + colleague + "/availability", visio.admin, new JsonObject()
        .put("serviceIds", new io.vertx.core.json.JsonArray().add(visio.serviceId))
        .put("weekly", new io.vertx.core.json.JsonArray().add(new JsonObject().put("weekday", 2).put("start", "08:00").put("end", "12:00")))
        .put("bufferMinutes", 0).put("minNoticeMinutes", 0).put("horizonDays", 60).encode(), Map.of("Content-Type", "application/json"));
    JsonObject booked = visio.book("2026-12-01T10:00:00+01:00").json();
    String close = "/api/visio/organisations/" + visio.cafId + "/closures";

    var refused = node.api.post(close, visio.agent, tuesdayOff());
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.detail()).contains(booked.getString("reference"));
    assertThat(tuesdaySlots()).isPositive();

    assertThat(node.api.post(close, visio.otherAgent, tuesdayOff()).status()).as("an agent of another administration").isEqualTo(403);

    visio.withToken("POST", "/api/visio/appointments/" + booked.getString("id") + "/cancel", booked.getString("manageToken"), null);
    var closed = node.api.post(close, visio.agent, tuesdayOff());
    assertThat(closed.status()).isEqualTo(201);
    assertThat(closed.json().getInteger("agents")).isEqualTo(2);
    assertThat(tuesdaySlots()).isZero();
    for (String agent : java.util.List.of(visio.agentId, colleague)) {
      assertThat(node.api.get("/api/visio/agents/" + agent + "/availability", visio.admin).json().getJsonArray("exceptions"))
          .hasSize(1);
    }
  }

  /**
   * Her absence's answer lost on a weak link, she saves it again with its key: the same answer (201, her calendar), one
   * absence, not two; the same key with another period is refused; a closure sent again is written once for each agent.
   */
  @Test
  void an_absence_or_a_closure_sent_again_with_its_key_is_written_once() {
    String path = "/api/visio/agents/" + visio.agentId + "/exceptions";
    var first = node.api.post(path, visio.agent, tuesdayOff(), "absence-key-0001");
    assertThat(first.status()).isEqualTo(201);
    var again = node.api.post(path, visio.agent, tuesdayOff(), "absence-key-0001");
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.json().getJsonArray("exceptions")).isEqualTo(first.json().getJsonArray("exceptions")).hasSize(1);

    var other = node.api.post(path, visio.agent, tuesdayOff().put("reason", "Congé"), "absence-key-0001");
    assertThat(other.status()).isEqualTo(422);
    assertThat(other.detail()).isEqualTo("Cette clé d’idempotence (Idempotency-Key) a servi à une autre absence ; envoyez une nouvelle clé avec une nouvelle absence.");
    // Her key is hers: the admin's request under the same key is another sender's, written.
    JsonObject wednesday = new JsonObject().put("start", "2026-12-02T00:00:00+01:00").put("end", "2026-12-03T00:00:00+01:00");
    assertThat(node.api.post(path, visio.admin, wednesday, "absence-key-0001").status()).isEqualTo(201);

    String close = "/api/visio/organisations/" + visio.cafId + "/closures";
    JsonObject thursday = new JsonObject().put("start", "2026-12-03T00:00:00+01:00").put("end", "2026-12-04T00:00:00+01:00");
    var closed = node.api.post(close, visio.agent, thursday, "closure-key-0001");
    assertThat(closed.status()).isEqualTo(201);
    var closedAgain = node.api.post(close, visio.agent, thursday, "closure-key-0001");
    assertThat(closedAgain.status()).isEqualTo(201);
    assertThat(closedAgain.json()).isEqualTo(closed.json());
    assertThat(node.api.get("/api/visio/agents/" + visio.agentId + "/availability", visio.agent).json()
        .getJsonArray("exceptions")).as("Tuesday, Wednesday, Thursday: once each").hasSize(3);
  }
}
