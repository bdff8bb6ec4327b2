package fr.cantou.realtime;

import fr.cantou.support.Api;
import fr.cantou.support.CareTerritory;
import fr.cantou.support.Eventually;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import fr.cantou.teleconsult.HealthDataAccessStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A doctor's tab resuming from an older event, later, is a read of its own: audited again even on an event loop that
 * pushed that event live to her before (a replay is never taken for her tabs' same read; only the shared memory of
 * recent accesses, 10 s, judges it).
 */
class PushReplayAuditTest {
  @Test
  void a_replay_minutes_after_the_live_push_is_audited_again_on_every_loop() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T08:00:00Z"));
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of(), clock)) {
      CareTerritory care = new CareTerritory(node, "replay");
      String maison = care.organisation("maison_sante", "Maison de santé de Riom", "Riom-ès-Montagnes");
      String nurse = care.token(care.user("ide@riom.test", "nurse", "Lise Bouygues", maison, null));
      String doctorId = care.user("pool@ch.test", "doctor", "Dr Lafon", null, new JsonArray().add("geriatrie"));
      String doctor = care.token(doctorId);
      List<WsClient> tabs = new ArrayList<>();
      try {
        // A tab on every loop: each loop pushes the item live to her.
        for (int i = 0; i < node.node().eventLoops(); i++) {
          tabs.add(WsClient.hello(node.port(), doctor, null));
        }
        Api.Response response = node.api.post("/api/teleconsultations", nurse, CareTerritory.request("geriatrie", "normal"));
        assertThat(response.status()).isEqualTo(201);
        String id = response.json().getString("id");
        long eventId = 0;
        for (WsClient tab : tabs) {
          eventId = whole(tab, id).getLong("id");
        }
        Eventually.until("the live push is audited", () -> accesses(node, id) == 1);

        clock.advance(Duration.ofMinutes(5));
        // She comes back on every loop, resuming from before the item: it is replayed to her.
        for (int i = 0; i < node.node().eventLoops(); i++) {
          WsClient resumed = WsClient.hello(node.port(), doctor, eventId - 1);
          tabs.add(resumed);
          whole(resumed, id);
        }
        Eventually.until("the replay is audited as a read of its own", () -> accesses(node, id) == 2);
      } finally {
        tabs.forEach(WsClient::close);
      }
    }
  }

  private static JsonObject whole(WsClient tab, String id) {
    JsonObject event = tab.next(m -> "event".equals(m.getString("type")) && id.equals(m.getJsonObject("data").getString("id")));
    assertThat(event.getJsonObject("data").containsKey("patient")).isTrue();
    return event;
  }

  private static long accesses(TestNode node, String teleconsultation) {
    return TestNode.await(new HealthDataAccessStore().accesses(node.node().platform().pool(), UUID.fromString(teleconsultation)))
        .stream().filter(a -> "push".equals(a.action())).count();
  }
}
