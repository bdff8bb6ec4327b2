package fr.cantou.stats;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import fr.cantou.support.CareTerritory;
import fr.cantou.support.TerritoryNodeTest;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import fr.cantou.teleconsult.PatientDataService;
import fr.cantou.visio.CitizenDataRetention;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health and citizens' data are kept no longer than the settings say (90 days after a request
 * closed, 30 days after an appointment ended, by default), then erased by the jobs; what the
 * statistics count stays.
 */
class PersonalDataRetentionTest extends TerritoryNodeTest {

  /** Batches of 2 here (500 by default): three items take two statements. */
  @Override
  @BeforeEach
  protected void startNode() {
    node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_VISIO_RETENTION_BATCH_SIZE", "2",
        "CANTOU_TELECONSULT_RETENTION_BATCH_SIZE", "2"), clock);
    visio = new VisioTerritory(node);
    care = new CareTerritory(node, "soins");
  }

  /** What {@code logger} says while {@code run} runs, as formatted. */
  static List<String> logOf(Class<?> logger, Runnable run) {
    Logger log = (Logger) LoggerFactory.getLogger(logger);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    log.addAppender(lines);
    try {
      run.run();
    } finally {
      log.detachAppender(lines);
    }
    return fr.cantou.support.LogLines.messages(lines);
  }

  @Test
  void the_jobs_erase_in_batches_of_the_setting_and_log_counts_only() {
    List<String> ids = new java.util.ArrayList<>();
    List<String> references = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      JsonObject created = care.create(request("geriatrie", "normal"));
      ids.add(created.getString("id"));
      references.add(created.getJsonObject("patient").getString("reference"));
      assertThat(node.api.post("/api/teleconsultations/" + created.getString("id") + "/cancel", care.nurse, null).status())
          .isEqualTo(200);
    }
    List<JsonObject> booked = new java.util.ArrayList<>();
    for (String start : List.of("2026-12-01T10:00:00+01:00", "2026-12-01T10:30:00+01:00", "2026-12-01T11:00:00+01:00")) {
      booked.add(visio.book(start).json());
    }
    clock.set(Instant.parse("2027-03-31T00:00:00Z")); // past 30 days after the appointments, 90 after the requests

    List<String> teleconsult = new java.util.ArrayList<>();
    List<String> citizens = logOf(CitizenDataRetention.class,
        () -> teleconsult.addAll(logOf(PatientDataService.class, this::runJobs)));

    assertThat(citizens).as("one line, counts only: three appointments in two statements")
        .containsExactly("event=retention kind=appointment erased=3 batches=2");
    assertThat(teleconsult).as("one line, counts only: three requests in two statements")
        .containsExactly("event=retention kind=teleconsultation erased=3 batches=2");
    for (JsonObject a : booked) {
      JsonObject erased = node.api.get("/api/visio/appointments/" + a.getString("id"), visio.agent).json();
      assertThat(erased.getJsonObject("citizen").fieldNames()).isEmpty();
    }
    for (String id : ids) {
      assertThat(node.api.get("/api/teleconsultations/" + id, care.nurse).json().getJsonObject("patient").fieldNames()).isEmpty();
    }
    String all = String.join("\n", citizens) + String.join("\n", teleconsult);
    assertThat(all).doesNotContain("Jeanne").doesNotContain("jeanne.vidal").doesNotContain(booked.get(0).getString("reference"));
    references.forEach(r -> assertThat(all).doesNotContain(r));
  }

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
