package fr.cantou.realtime;

import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.support.CareTerritory;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/** Two server nodes on one PostgreSQL behave as one. */
class TwoNodesTest {

  @Test
  void a_request_made_on_node_a_reaches_a_doctor_connected_to_node_b_and_one_claim_wins() throws Exception {
    DatabaseEndpoint database = TestDatabase.fresh();
    try (TestNode a = TestNode.start(database, Map.of(), Clock.systemUTC());
         TestNode b = TestNode.start(database, Map.of(), Clock.systemUTC())) {
      CareTerritory care = new CareTerritory(a);
      String otherGeriatrician = care.token(care.user("g2@ch.test", "doctor", "Dr Teyssier", null, new JsonArray().add("geriatrie")));
      int portB = b.port();

      try (WsClient doctorOnB = WsClient.hello(portB, care.geriatrician, null)) {
        String id = care.create(request("geriatrie", "urgent")).getString("id");
        assertThat(doctorOnB.nextEvent("teleconsultation.queued").getJsonObject("data").getString("id")).isEqualTo(id);

        var pool = Executors.newFixedThreadPool(2);
        try {
          var onA = pool.submit(() -> a.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null).status());
          var onB = pool.submit(() -> b.api.post("/api/teleconsultations/" + id + "/claim", otherGeriatrician, null).status());
          List<Integer> statuses = new ArrayList<>(List.of(onA.get(), onB.get()));
          assertThat(statuses).containsExactlyInAnyOrder(200, 409);
        } finally {
          pool.shutdownNow();
        }
        assertThat(doctorOnB.nextEvent("teleconsultation.assigned")).isNotNull();
      }
    }
  }
}
