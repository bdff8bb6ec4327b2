package fr.cantou.realtime;

import fr.cantou.support.Api;
import fr.cantou.support.CareTerritory;
import fr.cantou.support.TerritoryNodeTest;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outside review r25 (session 38): the citizen retention's batch erases and redacts in one transaction. Its redact
 * failing (the outbox refusing the update) leaves her neither erased in the table alone nor lost to the next run.
 */
class RetentionRedactFailureTest extends TerritoryNodeTest {

  @Override
  @BeforeEach
  protected void startNode() {
    node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_VISIO_CITIZEN_DATA_DAYS", "1"), clock);
    visio = new VisioTerritory(node);
    care = new CareTerritory(node, "soins");
  }

  private void sql(String statement) {
    TestNode.await(node.node().platform().pool().query(statement).execute());
  }

  private long eventsNamingHer() {
    return TestNode.await(node.node().platform().pool()
        .query("SELECT count(*) AS n FROM event WHERE data::text LIKE '%Vermenouze%'").execute())
        .iterator().next().getLong("n");
  }

  @Test
  void a_retention_batch_whose_redact_fails_erases_nothing_and_the_next_run_does_both() {
    node.node().stopJobTimers();
    JsonObject body = VisioTerritory.booking(visio.serviceId, "2026-12-01T10:00:00+01:00");
    body.getJsonObject("citizen").put("name", "Honorine Vermenouze").put("email", "honorine.v@example.fr");
    Api.Response booked = node.api.post("/api/visio/appointments", visio.mediator, body);
    assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
    String id = booked.json().getString("id");
    assertThat(eventsNamingHer()).isPositive();

    sql("CREATE FUNCTION r25_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'r25: outbox refuses'; END $$");
    sql("CREATE TRIGGER r25_refuse BEFORE UPDATE ON event FOR EACH ROW EXECUTE FUNCTION r25_refuse()");
    clock.set(Instant.parse("2026-12-02T12:00:00Z"));
    try {
      TestNode.await(node.node().runJobs());
    } catch (RuntimeException | AssertionError expected) {
      // the job's failure, as the node reports it
    }
    assertThat(node.api.get("/api/visio/appointments/" + id, visio.agent).body())
        .as("erased in the table while her events still name her").contains("Vermenouze");
    assertThat(eventsNamingHer()).isPositive();

    sql("DROP TRIGGER r25_refuse ON event");
    TestNode.await(node.node().runJobs());
    assertThat(node.api.get("/api/visio/appointments/" + id, visio.agent).body()).doesNotContain("Vermenouze");
    assertThat(eventsNamingHer()).as("her events after the next run").isZero();
  }
}
