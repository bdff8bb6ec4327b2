package fr.cantou.visio;

import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every message ends sent or failed: one refused at each of its attempts, and one whose last attempt never finished (its
 * node stopped mid-send), are marked failed with why, logged and counted for the operator, never left waiting unseen.
 */
class MailGivenUpTest {
  private static final String METRICS_TOKEN = "mail-given-up-metrics-token-0123456789ab";

  @Test
  void a_mail_refused_at_every_attempt_ends_failed_with_its_last_error_and_is_counted() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
    try (TestNode node = TestNode.start(TestDatabase.fresh(), settings(freePort()), clock)) {
      node.node().stopJobTimers();
      new VisioTerritory(node).book("2026-12-01T10:00:00+01:00");
      // Nothing listens on the mail server's port: each attempt fails.
      for (int run = 0; run < MailJob.MAX_ATTEMPTS; run++) {
        clock.advance(Duration.ofMinutes(6));
        TestNode.await(node.node().runJobs());
      }
      assertThat(row(node, "SELECT failed_at FROM visio_mail WHERE channel = 'mail' AND kind = 'confirmation'")
          .getValue("failed_at")).as("failed by its last attempt").isNotNull();
      clock.advance(Duration.ofMinutes(6));
      TestNode.await(node.node().runJobs());
      Row mail = row(node, "SELECT sent_at, failed_at, attempts, last_error FROM visio_mail"
          + " WHERE channel = 'mail' AND kind = 'confirmation'");
      assertThat(mail.getInteger("attempts")).as("never tried again").isEqualTo(MailJob.MAX_ATTEMPTS);
      assertThat(mail.getValue("sent_at")).isNull();
      assertThat(mail.getValue("failed_at")).as("failed once its last attempt failed").isNotNull();
      assertThat(mail.getString("last_error")).isNotBlank();
      assertThat(node.api.get("/metrics", METRICS_TOKEN).body()).as("counted for the operator's alert")
          .contains("cantou_mails_total{outcome=\"given_up\"} 1.0");
    }
  }

  @Test
  void messages_whose_last_attempt_never_finished_are_failed_once_their_claim_lapsed() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
    try (TestNode node = TestNode.start(TestDatabase.fresh(), settings(freePort()), clock)) {
      node.node().stopJobTimers();
      VisioTerritory visio = new VisioTerritory(node);
      JsonObject body = VisioTerritory.booking(visio.serviceId, "2026-12-01T10:00:00+01:00");
      body.getJsonObject("citizen").put("phone", "06 12 34 56 78");
      assertThat(node.api.post("/api/visio/appointments", body).status()).isEqualTo(201);
      // As a node leaves them when it stops between claiming their last attempt and saying how it went.
      TestNode.await(node.node().platform().pool().query("""
          UPDATE visio_mail SET claimed_until = '2026-11-30T06:02:00Z', last_error = 'refused',
            attempts = CASE channel WHEN 'sms' THEN %d ELSE %d END
          WHERE kind = 'confirmation'""".formatted(SmsJob.MAX_ATTEMPTS, MailJob.MAX_ATTEMPTS))
          .execute());

      TestNode.await(node.node().runJobs());
      assertThat(row(node, "SELECT count(*) AS n FROM visio_mail WHERE failed_at IS NOT NULL AND kind = 'confirmation'").getLong("n"))
          .as("not while their claim runs: their sender may still say").isZero();

      clock.advance(Duration.ofMinutes(6));
      TestNode.await(node.node().runJobs());
      for (String channel : new String[] {"mail", "sms"}) {
        Row message = row(node, "SELECT sent_at, failed_at, claimed_until, last_error FROM visio_mail WHERE kind = 'confirmation' AND channel = '"
            + channel + "'");
        assertThat(message.getValue("failed_at")).as(channel).isNotNull();
        assertThat(message.getValue("claimed_until")).as(channel).isNull();
        assertThat(message.getString("last_error")).as(channel).contains("never finished").contains("refused");
      }
      assertThat(node.api.get("/metrics", METRICS_TOKEN).body()).as("counted for the operator's alert")
          .contains("cantou_mails_total{outcome=\"given_up\"} 1.0").contains("cantou_sms_total{outcome=\"given_up\"} 1.0");
    }
  }

  private static Map<String, String> settings(int smtpPort) {
    Map<String, String> settings = new HashMap<>(Map.of("CANTOU_SMTP_HOST", "127.0.0.1",
        "CANTOU_SMTP_PORT", Integer.toString(smtpPort), "CANTOU_SMTP_STARTTLS", "disabled",
        "CANTOU_SMTP_FROM", "Cantou <ne-pas-repondre@cantal.test>", "CANTOU_METRICS_TOKEN", METRICS_TOKEN));
    return settings;
  }

  private static Row row(TestNode node, String sql) {
    return TestNode.await(node.node().platform().pool().query(sql).execute()).iterator().next();
  }

  /** A port nothing listens on. */
  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }
}
