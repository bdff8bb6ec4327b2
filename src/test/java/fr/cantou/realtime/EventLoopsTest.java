package fr.cantou.realtime;

import fr.cantou.support.CareTerritory;
import fr.cantou.support.Eventually;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/** Every core serves: one server per event loop on one port, and every loop's sockets get every event. */
class EventLoopsTest {

  @Test
  void sockets_spread_over_the_event_loops_and_each_gets_the_event_once() {
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_HTTP_EVENT_LOOPS", "3"), Clock.systemUTC())) {
      assertThat(node.node().eventLoops()).isEqualTo(3);
      CareTerritory care = new CareTerritory(node);
      List<WsClient> doctors = new ArrayList<>();
      try {
        for (int i = 0; i < 6; i++) {
          WsClient doctor = WsClient.hello(node.port(), care.geriatrician, null);
          doctor.next(m -> "snapshot".equals(m.getString("type")));
          doctors.add(doctor);
        }
        Eventually.until("the sockets are spread over the loops", () -> node.node().gateway().loopsInUse() == 3);

        String first = care.create(request("geriatrie", "normal")).getString("id");
        String second = care.create(request("geriatrie", "urgent")).getString("id");
        for (WsClient doctor : doctors) {
          assertThat(doctor.nextEvent("teleconsultation.queued").getJsonObject("data").getString("id")).isEqualTo(first);
          assertThat(doctor.nextEvent("teleconsultation.queued").getJsonObject("data").getString("id"))
              .as("the next one, not the first again").isEqualTo(second);
        }
      } finally {
        doctors.forEach(WsClient::close);
      }
    }
  }
}
