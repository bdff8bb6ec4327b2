package fr.cantou.teleconsult;

import fr.cantou.support.CareNodeTest;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may take a request: a doctor of its specialty (or the doctor the nurse preferred), once it
 * is in the queue; a general practitioner only once it has waited too long and was escalated to
 * her wider pool. A refused claim leaves the request waiting, untouched, for the right doctor.
 */
class ClaimRightsTest extends CareNodeTest {
  int claim(String id, String doctor) {
    return node.api.post("/api/teleconsultations/" + id + "/claim", doctor, null).status();
  }

  JsonObject asTheNurseSeesIt(String id) {
    return node.api.get("/api/teleconsultations/" + id, care.nurse).json();
  }

  void stillWaiting(String id) {
    JsonObject item = asTheNurseSeesIt(id);
    assertThat(item.getString("status")).isEqualTo("queued");
    assertThat(item.containsKey("doctorId")).as("nobody took it").isFalse();
  }

  @Test
  void a_doctor_cannot_take_a_request_outside_her_specialties() {
    String id = care.create(request("geriatrie", "normal")).getString("id");

    assertThat(claim(id, care.cardiologist)).isEqualTo(403);
    assertThat(node.api.post("/api/teleconsultations/next", care.cardiologist, null).status())
        .as("nor by asking for the next one").isEqualTo(204);
    stillWaiting(id);
    assertThat(claim(id, care.geriatrician)).as("the geriatrician can").isEqualTo(200);
  }

  @Test
  void a_planned_request_cannot_be_taken_before_it_enters_the_queue() {
    String id = care.create(request("geriatrie", "normal")
        .put("plannedAt", clock.instant().plus(Duration.ofHours(2)).toString())).getString("id");

    assertThat(claim(id, care.geriatrician)).isEqualTo(409);
    assertThat(node.api.post("/api/teleconsultations/next", care.geriatrician, null).status()).isEqualTo(204);
    stillWaiting(id);
    assertThat(asTheNurseSeesIt(id).getString("plannedAt")).as("still planned").isNotNull();

    clock.advance(Duration.ofHours(2).plusMinutes(1));
    TestNode.await(node.node().runJobs());
    assertThat(claim(id, care.geriatrician)).as("announced at its time, it can be taken").isEqualTo(200);
  }

  @Test
  void a_general_practitioner_takes_another_specialtys_request_only_once_it_is_escalated() {
    String id = care.create(request("cardiologie", "normal")).getString("id");
    // Just before the escalation (20 minutes), the job having run: still the cardiologists'.
    clock.advance(Duration.ofMinutes(19));
    TestNode.await(node.node().runJobs());
    assertThat(asTheNurseSeesIt(id).getBoolean("escalated")).isFalse();

    assertThat(claim(id, care.generalPractitioner)).isEqualTo(403);
    assertThat(node.api.post("/api/teleconsultations/next", care.generalPractitioner, null).status()).isEqualTo(204);
    stillWaiting(id);

    clock.advance(Duration.ofMinutes(2));
    TestNode.await(node.node().runJobs());
    assertThat(asTheNurseSeesIt(id).getBoolean("escalated")).isTrue();
    assertThat(claim(id, care.generalPractitioner)).as("escalated: her wider pool").isEqualTo(200);
  }
}
