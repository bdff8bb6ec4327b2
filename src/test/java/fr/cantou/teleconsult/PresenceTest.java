package fr.cantou.teleconsult;

import fr.cantou.support.CareNodeTest;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/** available / busy / offline, said by the doctor and inferred from her connection. */
class PresenceTest extends CareNodeTest {
  int port() {
    return node.port();
  }

  String statusOf(String token) {
    String me = node.api.get("/api/me", token).json().getString("id");
    return node.api.get("/api/presence", care.nurse).array().stream().map(JsonObject.class::cast)
        .filter(p -> p.getString("doctorId").equals(me)).findFirst().orElseThrow().getString("status");
  }

  @Test
  void a_doctor_says_she_is_available_and_nurses_see_it_live() {
    assertThat(statusOf(care.geriatrician)).isEqualTo("offline");
    try (WsClient nurse = WsClient.hello(port(), care.nurse, null)) {
      var set = node.api.post("/api/presence", care.geriatrician, new JsonObject().put("status", "available"));
      assertThat(set.status()).isEqualTo(200);
      JsonObject changed = nurse.nextEvent("presence.changed").getJsonObject("data");
      assertThat(changed.getString("status")).isEqualTo("available");
      assertThat(changed.getJsonArray("specialties").getList()).containsExactly("geriatrie");
    }
    assertThat(node.api.post("/api/presence", care.nurse, new JsonObject().put("status", "available")).status()).isEqualTo(403);
  }

  @Test
  void she_is_busy_during_a_call_and_available_after_it() {
    node.api.post("/api/presence", care.geriatrician, new JsonObject().put("status", "available"));
    String id = care.create(request("geriatrie", "normal")).getString("id");
    node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null);
    try (WsClient nurse = WsClient.hello(port(), care.nurse, null);
         WsClient doctor = WsClient.hello(port(), care.geriatrician, null)) {
      nurse.send(new JsonObject().put("type", "call").put("teleconsultationId", id).put("event", "joined"));
      nurse.nextEvent("teleconsultation.call");
      doctor.send(new JsonObject().put("type", "call").put("teleconsultationId", id).put("event", "joined"));
      nurse.nextEvent("teleconsultation.in_call");
      assertThat(statusOf(care.geriatrician)).isEqualTo("busy");
      node.api.post("/api/teleconsultations/" + id + "/complete", care.geriatrician,
          new JsonObject().put("report", "Vu.").put("outcome", "advice_given"));
      assertThat(statusOf(care.geriatrician)).isEqualTo("available");
    }
  }

  @Test
  void a_closed_console_turns_her_offline_after_the_grace_period() throws Exception {
    WsClient console = WsClient.hello(port(), care.geriatrician, null);
    node.api.post("/api/presence", care.geriatrician, new JsonObject().put("status", "available"));
    clock.advance(Duration.ofMinutes(5));
    TestNode.await(node.node().runJobs());
    assertThat(statusOf(care.geriatrician)).as("connected: stays available").isEqualTo("available");

    console.close();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String status = "available";
    while (!status.equals("offline") && System.nanoTime() < deadline) {
      Thread.sleep(100);
      clock.advance(Duration.ofSeconds(31));
      TestNode.await(node.node().runJobs());
      status = statusOf(care.geriatrician);
    }
    assertThat(status).isEqualTo("offline");
  }
}
