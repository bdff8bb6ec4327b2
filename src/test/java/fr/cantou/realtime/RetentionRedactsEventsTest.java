package fr.cantou.realtime;

import fr.cantou.support.Api;
import fr.cantou.support.CareTerritory;
import fr.cantou.support.TerritoryNodeTest;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retention jobs erase a request's patient data ({@code teleconsult.patientDataDays}) and an appointment's citizen
 * data ({@code visio.citizenDataDays}) from the outbox's events too, as the erasures asked for do: with a retention
 * shorter than the events' ({@code realtime.eventRetentionDays}, 7), a socket resuming from before the erasure was
 * replayed what the GET no longer shows (outside review of session 38). Here both retentions are one day.
 */
class RetentionRedactsEventsTest extends TerritoryNodeTest {

  @Override
  @BeforeEach
  protected void startNode() {
    node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_TELECONSULT_PATIENT_DATA_DAYS", "1",
        "CANTOU_VISIO_CITIZEN_DATA_DAYS", "1"), clock);
    visio = new VisioTerritory(node);
    care = new CareTerritory(node, "soins");
  }

  @Test
  void a_resume_after_the_retention_erased_a_patient_replays_nothing_of_her() {
    long since;
    String stream;
    try (WsClient before = WsClient.connect(node.port())) {
      before.send(new JsonObject().put("type", "hello").put("token", care.nurse));
      stream = before.next(m -> "welcome".equals(m.getString("type"))).getString("stream");
      since = before.next(m -> "snapshot".equals(m.getString("type"))).getLong("lastEventId");
    }
    JsonObject created = care.create(request("geriatrie", "normal"));
    String id = created.getString("id");
    String reference = created.getJsonObject("patient").getString("reference");
    String reason = created.getString("reason");
    assertThat(node.api.post("/api/teleconsultations/" + id + "/cancel", care.nurse, null).status()).isEqualTo(200);

    clock.advance(Duration.ofDays(1).plusMinutes(1));
    TestNode.await(node.node().runJobs());
    JsonObject erased = node.api.get("/api/teleconsultations/" + id, care.nurse).json();
    assertThat(erased.getString("erasedAt")).as("the retention erased her: %s", erased).isNotBlank();
    assertThat(erased.encode()).doesNotContain(reference, reason);

    try (WsClient resumed = WsClient.connect(node.port())) {
      resumed.send(new JsonObject().put("type", "hello").put("token", care.nurse).put("since", since).put("stream", stream));
      JsonObject welcome = resumed.next(m -> "welcome".equals(m.getString("type")));
      // A later request's event comes after whatever the replay sends.
      String later = care.create(request("geriatrie", "normal")).getString("id");
      List<JsonObject> heard = new ArrayList<>();
      JsonObject m;
      do {
        m = resumed.next(x -> true);
        heard.add(m);
      } while (!("event".equals(m.getString("type")) && later.equals(m.getJsonObject("data").getString("id"))));
      // The later request has the same reason: what is looked at is what came of the erased one.
      List<JsonObject> ofHers = heard.stream().filter(x -> "event".equals(x.getString("type"))
          && id.equals(x.getJsonObject("data").getString("id"))).toList();
      assertThat(ofHers).as("resumed: %s; its events replayed", welcome.getBoolean("resumed")).isNotEmpty();
      assertThat(ofHers.toString()).doesNotContain(reference).doesNotContain(reason);
    }
  }

  @Test
  void a_resume_after_the_retention_erased_a_citizen_replays_nothing_of_her() {
    long since;
    String stream;
    try (WsClient before = WsClient.connect(node.port())) {
      before.send(new JsonObject().put("type", "hello").put("token", visio.agent));
      stream = before.next(m -> "welcome".equals(m.getString("type"))).getString("stream");
      since = before.next(m -> "snapshot".equals(m.getString("type"))).getLong("lastEventId");
    }
    JsonObject body = VisioTerritory.booking(visio.serviceId, "2026-12-01T10:00:00+01:00");
    body.getJsonObject("citizen").put("name", "Honorine Vermenouze").put("email", "honorine.v@example.fr");
    Api.Response booked = node.api.post("/api/visio/appointments", visio.mediator, body);
    assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
    String id = booked.json().getString("id");

    clock.set(Instant.parse("2026-12-02T12:00:00Z"));
    TestNode.await(node.node().runJobs());
    Api.Response now = node.api.get("/api/visio/appointments/" + id, visio.agent);
    assertThat(now.status()).as(now.toString()).isEqualTo(200);
    assertThat(now.body()).as("the retention erased her").doesNotContain("Vermenouze", "honorine.v@");

    try (WsClient resumed = WsClient.connect(node.port())) {
      resumed.send(new JsonObject().put("type", "hello").put("token", visio.agent).put("since", since).put("stream", stream));
      JsonObject welcome = resumed.next(m -> "welcome".equals(m.getString("type")));
      // A later booking's event comes after whatever the replay sends.
      Api.Response later = node.api.post("/api/visio/appointments", visio.mediator,
          VisioTerritory.booking(visio.serviceId, "2026-12-03T10:00:00+01:00"));
      assertThat(later.status()).as(later.toString()).isEqualTo(201);
      String laterId = later.json().getString("id");
      List<JsonObject> heard = new ArrayList<>();
      JsonObject m;
      do {
        m = resumed.next(x -> true);
        heard.add(m);
      } while (!("event".equals(m.getString("type")) && laterId.equals(m.getJsonObject("data").getString("id"))));
      assertThat(heard.toString()).as("resumed: %s; the replay", welcome.getBoolean("resumed"))
          .doesNotContain("Vermenouze").doesNotContain("honorine.v@");
    }
  }
}
