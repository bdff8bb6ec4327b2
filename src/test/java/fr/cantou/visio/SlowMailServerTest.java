package fr.cantou.visio;

import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.support.MutableClock;
import fr.cantou.support.SmtpStandIn;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mail server slow to accept: a batch that outlasts its claim never has a mail sent by two nodes, and a server gone
 * silent fails the attempt within the SMTP timeout instead of holding the run past its claim.
 */
class SlowMailServerTest {

  /**
   * The first node claims three confirmations at 06:00 (until 06:02) and takes 70 s to hand each over. While it hands
   * over its second, at 06:02:20, the second node's run claims the third (its claim lapsed): it is that node's to send.
   * The first node's second mail was claimed again just before it was sent, so the second node cannot take it.
   */
  @Test
  void a_batch_that_outlasts_its_claim_sends_each_mail_once_with_another_node_running() throws Exception {
    slowBatchWithAnotherNode((node, references) -> {}, (node, references, received) -> {
      assertThat(received).as("three confirmations, none twice").hasSize(3);
      for (String reference : references) {
        assertThat(received.stream().filter(mail -> mail.contains(reference))).as(reference).hasSize(1);
      }
    });
  }

  /**
   * The same batch, the third confirmation at its last attempt: the first node claims it at 06:00 but reaches it only
   * after 06:02, its batch's claim lapsed. The second node, running at 06:02:20, must not fail it as an attempt that
   * "never finished" (it never started): it takes it and sends it, once.
   */
  @Test
  void a_last_attempt_still_waiting_in_a_slow_batch_is_sent_not_given_up() throws Exception {
    slowBatchWithAnotherNode((node, references) -> {
      // Nine attempts refused before: the one this batch claims is its last.
      TestNode.await(node.node().platform().pool().preparedQuery("""
          UPDATE visio_mail SET attempts = $1, last_error = 'refused'
          WHERE channel = 'mail' AND kind = 'confirmation'
            AND appointment_id = (SELECT id FROM appointment WHERE reference = $2)""")
          .execute(io.vertx.sqlclient.Tuple.of(MailJob.MAX_ATTEMPTS - 1, references.get(2))));
    }, (node, references, received) -> {
      assertThat(received.stream().filter(mail -> mail.contains(references.get(2)))).as("its last attempt made, once")
          .hasSize(1);
      assertThat(TestNode.await(node.node().platform().pool().query(
          "SELECT count(*) AS n FROM visio_mail WHERE failed_at IS NOT NULL").execute()).iterator().next().getLong("n"))
          .as("none given up").isZero();
    });
  }

  interface Staging {
    void stage(TestNode first, List<String> references) throws Exception;
  }

  interface Checks {
    void check(TestNode first, List<String> references, List<String> received) throws Exception;
  }

  /** Three confirmations booked, staged, then the first node's run at 70 s a mail, the second node's run during its second. */
  private static void slowBatchWithAnotherNode(Staging staging, Checks checks) throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
    DatabaseEndpoint database = TestDatabase.fresh();
    try (SmtpStandIn smtp = new SmtpStandIn();
         TestNode first = TestNode.start(database, settings(smtp.port(), Map.of()), clock);
         TestNode second = TestNode.start(database, settings(smtp.port(), Map.of()), clock)) {
      first.node().stopJobTimers();
      second.node().stopJobTimers();
      VisioTerritory visio = new VisioTerritory(first);
      List<String> references = new ArrayList<>();
      for (String start : List.of("2026-12-01T10:00:00+01:00", "2026-12-01T11:00:00+01:00", "2026-12-01T14:00:00+01:00")) {
        references.add(visio.book(start).json().getString("reference"));
      }
      staging.stage(first, references);
      smtp.onEachMail(index -> {
        if (index < 2) {
          clock.advance(Duration.ofSeconds(70));
        }
        if (index == 1) {
          TestNode.await(second.node().runJobs());
        }
      });
      TestNode.await(first.node().runJobs());
      checks.check(first, references, smtp.received());
    }
  }

  @Test
  void a_mail_server_gone_silent_fails_the_attempt_within_the_smtp_timeout() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
    try (SmtpStandIn smtp = new SmtpStandIn().silent();
         TestNode node = TestNode.start(TestDatabase.fresh(), settings(smtp.port(), Map.of("CANTOU_SMTP_TIMEOUT_SECONDS", "1")),
             clock)) {
      node.node().stopJobTimers();
      new VisioTerritory(node).book("2026-12-01T10:00:00+01:00");
      // Without a bound the run waits on the silent server until the test gives up (60 s), its claim long lapsed.
      TestNode.await(node.node().runJobs());
      Row mail = TestNode.await(node.node().platform().pool().query(
          "SELECT sent_at, failed_at, claimed_until, attempts, last_error FROM visio_mail WHERE channel = 'mail' AND kind = 'confirmation'")
          .execute()).iterator().next();
      assertThat(mail.getInteger("attempts")).isEqualTo(1);
      assertThat(mail.getValue("sent_at")).isNull();
      assertThat(mail.getValue("claimed_until")).as("to be tried again").isNull();
      assertThat(mail.getString("last_error")).isNotBlank();
    }
  }

  private static Map<String, String> settings(int smtpPort, Map<String, String> more) {
    Map<String, String> settings = new HashMap<>(Map.of("CANTOU_SMTP_HOST", "127.0.0.1",
        "CANTOU_SMTP_PORT", Integer.toString(smtpPort), "CANTOU_SMTP_STARTTLS", "disabled",
        "CANTOU_SMTP_FROM", "Cantou <ne-pas-repondre@cantal.test>"));
    settings.putAll(more);
    return settings;
  }
}
