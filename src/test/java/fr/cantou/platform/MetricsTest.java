package fr.cantou.platform;

import fr.cantou.support.Api;
import fr.cantou.support.CareTerritory;
import fr.cantou.support.Eventually;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** /metrics: not public, and the domain's figures move with what happens. */
class MetricsTest {
  private static final String TOKEN = "a-metrics-token-long-enough-for-prometheus";

  @Test
  void without_a_token_configured_metrics_are_not_served() {
    try (TestNode node = TestNode.start()) {
      Api.Response response = node.api.get("/metrics");
      assertThat(response.status()).isEqualTo(404);
      assertThat(response.isProblem()).isTrue();
    }
  }

  @Test
  void the_figures_need_the_token_and_move_during_a_flow() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_METRICS_TOKEN", TOKEN), clock)) {
      assertThat(node.api.get("/metrics").status()).isEqualTo(401);
      Api.Response wrong = node.api.get("/metrics", TOKEN + "x");
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(wrong.isProblem()).isTrue();

      VisioTerritory visio = new VisioTerritory(node);
      CareTerritory care = new CareTerritory(node, "m");
      assertThat(figure(node, "cantou_teleconsult_queue{specialty=\"geriatrie\"}")).isZero();
      try (WsClient doctor = WsClient.hello(node.port(), care.geriatrician, null)) {
        doctor.next(m -> "snapshot".equals(m.getString("type")));
        assertThat(figure(node, "cantou_websocket_connections")).isEqualTo(1);

        String id = care.create(CareTerritory.request("geriatrie", "normal")).getString("id");
        assertThat(figure(node, "cantou_teleconsult_queue{specialty=\"geriatrie\"}")).isEqualTo(1);
        doctor.nextEvent("teleconsultation.queued");
        Eventually.until("the event counted as delivered", () -> figure(node, "cantou_events_delivered_total") >= 1);

        clock.advance(Duration.ofMinutes(4));
        assertThat(node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null).status()).isEqualTo(200);
        assertThat(figure(node, "cantou_teleconsult_queue{specialty=\"geriatrie\"}")).isZero();
        assertThat(figure(node, "cantou_teleconsult_wait_seconds_count")).isEqualTo(1);
        assertThat(figure(node, "cantou_teleconsult_wait_seconds_bucket{le=\"300.0\"}")).as("waited 4 minutes").isEqualTo(1);
        assertThat(figure(node, "cantou_teleconsult_wait_seconds_bucket{le=\"120.0\"}")).isZero();
      }

      Api.Response booked = visio.book("2026-12-01T10:00:00+01:00");
      assertThat(booked.status()).isEqualTo(201);
      assertThat(figure(node, "cantou_visio_bookings_total")).isEqualTo(1);
      JsonObject appointment = booked.json();
      assertThat(visio.withToken("POST", "/api/visio/appointments/" + appointment.getString("id") + "/cancel",
          appointment.getString("manageToken"), null).status()).isEqualTo(200);
      assertThat(figure(node, "cantou_cancellations_total{flow=\"visio\"}")).isEqualTo(1);

      TestNode.await(node.node().runJobs());
      assertThat(figure(node, "cantou_jobs_runs_total{job=\"mail\"}")).isGreaterThanOrEqualTo(1);
      assertThat(figure(node, "cantou_mails_total{outcome=\"sent\"}")).as("confirmation and cancellation, to the log").isEqualTo(2);
      assertThat(figure(node, "cantou_calls_in_progress{flow=\"visio\"}")).isZero();

      String all = scrape(node);
      assertThat(all).as("HTTP by route template").contains("vertx_http_server_requests_total{")
          .contains("route=\"/api/>/visio/appointments\"");
      assertThat(all).as("the database pool").contains("pool_name=\"cantou-pool\"");
      assertThat(all).as("event loops").contains("netty_eventexecutor_tasks_pending");
      assertThat(all).as("JVM").contains("jvm_memory_used_bytes");
    }
  }

  private static String scrape(TestNode node) {
    Api.Response response = node.api.get("/metrics", TOKEN);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.contentType()).startsWith("text/plain");
    return response.body();
  }

  /** The value of one series (name and labels exactly as written), 0 when absent. */
  private static double figure(TestNode node, String series) {
    return scrape(node).lines()
        .filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]))
        .findFirst().orElse(0);
  }
}
