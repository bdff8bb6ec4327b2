package fr.cantou.realtime;

import fr.cantou.support.CareNodeTest;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

import static fr.cantou.realtime.EventRightsTest.teleconsultation;
import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who joins a teleconsultation's pool besides its specialty, on the socket as over HTTP: the
 * doctors of médecine générale once it is escalated, and the doctor the nurse preferred.
 */
class PoolRightsTest extends CareNodeTest {
  String markerId;
  String marker;

  @BeforeEach
  void markerDoctor() {
    markerId = care.user("marker@ch.test", "doctor", "Dr Marqueur", null, new JsonArray().add("cardiologie"));
    marker = care.token(markerId);
  }

  @Test
  void once_escalated_a_request_reaches_general_practice_whole_then_only_its_summary_once_taken() {
    try (WsClient gp = WsClient.hello(node.port(), care.generalPractitioner, null)) {
      WhatGetShows expected = new WhatGetShows(path -> node.api.get(path, care.generalPractitioner));
      String id = care.create(request("geriatrie", "normal")).getString("id");
      expected.after("teleconsultation.queued", teleconsultation(id));
      // Sockets opened before the clock moves: their tokens' timers were set by the real time.
      clock.advance(Duration.ofMinutes(21));
      TestNode.await(node.node().runJobs());
      expected.after("teleconsultation.escalated", teleconsultation(id));
      assertThat(node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null).status()).isEqualTo(200);
      expected.after("teleconsultation.assigned", teleconsultation(id));

      assertThat(expected.variants()).isEqualTo("none whole summary");
      expected.check(WhatGetShows.eventsBefore(gp, WhatGetShows.presenceChanged(node.api, marker, markerId)), Set.of(id));
    }
  }

  @Test
  void the_preferred_doctor_sees_the_request_whole_while_it_waits_whatever_her_specialty() {
    String preferredId = care.user("pref@ch.test", "doctor", "Dr Préférée", null, new JsonArray().add("dermatologie"));
    String preferred = care.token(preferredId);
    try (WsClient socket = WsClient.hello(node.port(), preferred, null)) {
      WhatGetShows expected = new WhatGetShows(path -> node.api.get(path, preferred));
      String id = care.create(request("geriatrie", "normal").put("preferredDoctorId", preferredId)).getString("id");
      expected.after("teleconsultation.queued", teleconsultation(id));
      assertThat(node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null).status()).isEqualTo(200);
      expected.after("teleconsultation.assigned", teleconsultation(id));

      assertThat(expected.variants()).isEqualTo("whole summary");
      expected.check(WhatGetShows.eventsBefore(socket, WhatGetShows.presenceChanged(node.api, marker, markerId)), Set.of(id));
    }
  }
}
