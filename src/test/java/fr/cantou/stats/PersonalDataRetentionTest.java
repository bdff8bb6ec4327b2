package fr.cantou.stats;

import fr.cantou.support.TerritoryNodeTest;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health and citizens' data are kept no longer than the settings say (90 days after a request
 * closed, 30 days after an appointment ended, by default), then erased by the jobs; what the
 * statistics count stays.
 */
class PersonalDataRetentionTest extends TerritoryNodeTest {

  JsonObject stats() {
    var figures = node.api.get("/api/stats/overview?from=2026-11-01&to=2027-10-31", node.adminToken());
    assertThat(figures.status()).isEqualTo(200);
    return figures.json().put("checked", true);
  }

  void runJobs() {
    TestNode.await(node.node().runJobs());
  }

  @Test
  void a_closed_request_loses_its_patient_reason_and_report_after_ninety_days_and_the_figures_stay() {
    String id = care.create(request("geriatrie", "normal")).getString("id");
    assertThat(node.api.post("/api/teleconsultations/" + id + "/cancel", care.nurse, null).status()).isEqualTo(200);
    JsonObject figures = stats();

    clock.advance(Duration.ofDays(90).minusMinutes(1));
    runJobs();
    JsonObject kept = node.api.get("/api/teleconsultations/" + id, care.nurse).json();
    assertThat(kept.getJsonObject("patient").getString("reference")).isNotBlank();
    assertThat(kept.getString("reason")).isNotBlank();
    assertThat(kept.containsKey("erasedAt")).isFalse();

    clock.advance(Duration.ofMinutes(2));
    runJobs();
    JsonObject erased = node.api.get("/api/teleconsultations/" + id, care.nurse).json();
    assertThat(erased.getJsonObject("patient").fieldNames()).isEmpty();
    assertThat(erased.containsKey("reason")).isFalse();
    assertThat(erased.containsKey("report")).isFalse();
    assertThat(erased.getString("erasedAt")).isNotBlank();
    assertThat(erased.getString("status")).isEqualTo("cancelled");
    assertThat(stats()).isEqualTo(figures);
  }

  @Test
  void a_request_still_open_keeps_its_patient_however_old() {
    String id = care.create(request("geriatrie", "normal")).getString("id");
    clock.advance(Duration.ofDays(200));
    runJobs();
    assertThat(node.api.get("/api/teleconsultations/" + id, care.nurse).json().getJsonObject("patient").getString("reference"))
        .isNotBlank();
  }

  @Test
  void an_appointment_loses_the_citizens_name_contacts_and_note_thirty_days_after_its_end() {
    JsonObject booked = visio.book("2026-12-01T10:00:00+01:00").json();
    String path = "/api/visio/appointments/" + booked.getString("id");
    JsonObject figures = stats();

    clock.set(Instant.parse("2026-12-31T09:29:00Z")); // 30 days after its end (10:30 Paris), less a minute
    runJobs();
    assertThat(node.api.get(path, visio.agent).json().getJsonObject("citizen").getString("name")).isEqualTo("Jeanne Vidal");

    clock.advance(Duration.ofMinutes(2));
    runJobs();
    JsonObject erased = node.api.get(path, visio.agent).json();
    assertThat(erased.getJsonObject("citizen").fieldNames()).isEmpty();
    assertThat(erased.containsKey("note")).isFalse();
    assertThat(erased.getString("reference")).isEqualTo(booked.getString("reference"));
    assertThat(stats()).isEqualTo(figures);
  }
}
