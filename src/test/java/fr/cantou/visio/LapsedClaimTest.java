package fr.cantou.visio;

import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.support.Api;
import fr.cantou.support.Eventually;
import fr.cantou.support.MutableClock;
import fr.cantou.support.SmsProviderStandIn;
import fr.cantou.support.SmtpStandIn;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run whose claim on a message lapsed: the steps before the hand-over stalled (the appointment read from a database
 * that held it back), or the hand-over's answer came after another run took the message or gave it up. The message goes
 * once, and ends with the word of the attempt that holds it: by mail and by SMS (the provider's answer held while the
 * test moves the clock and runs the other node).
 *
 * <p>The stalls are staged by a transaction of the test holding the appointments' table (ACCESS EXCLUSIVE): a run's
 * attempt, counted, then waits on its first read of the appointment; the test moves the clock past its claim meanwhile.
 */
class LapsedClaimTest {
  private static final String METRICS_TOKEN = "lapsed-claim-metrics-token-0123456789abc";
  private static final String GIVEN_UP_ONCE = "cantou_mails_total{outcome=\"given_up\"} 1.0";
  private static final String SMS_GIVEN_UP_ONCE = "cantou_sms_total{outcome=\"given_up\"} 1.0";
  private static final String BOOKED_AT = "2026-12-01T10:00:00+01:00";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));

  /**
   * The first node's attempt (claimed 06:00 until 06:02) stalls before composing the mail; at 06:03 the second node takes
   * the message back and stalls too; both go on. The first must not hand its mail over: the citizen would get it twice,
   * each with its own manage link.
   */
  @Test
  void a_mail_whose_sending_stalled_past_its_claim_goes_once_by_the_node_that_took_it() throws Exception {
    try (SmtpStandIn smtp = new SmtpStandIn()) {
      onTwoNodes(mailSettings(smtp.port()), (first, second) -> {
        assertThat(new VisioTerritory(first).book(BOOKED_AT).status()).isEqualTo(201);
        bothStalledPastTheFirstClaim(first, second, "mail", MailJob.CLAIM.plusMinutes(1));
        sentOnceByTheSecondNode(first, "mail", smtp.received().size());
      });
    }
  }

  /** The same with an SMS (claimed for five minutes): the citizen's phone gets it once. */
  @Test
  void an_sms_whose_sending_stalled_past_its_claim_goes_once_by_the_node_that_took_it() throws Exception {
    try (SmsProviderStandIn provider = new SmsProviderStandIn()) {
      onTwoNodes(smsSettings(provider), (first, second) -> {
        bookWithAPhone(first);
        bothStalledPastTheFirstClaim(first, second, "sms", SmsJob.CLAIM.plusMinutes(1));
        sentOnceByTheSecondNode(first, "sms", provider.received().size());
      });
    }
  }

  private static void sentOnceByTheSecondNode(TestNode node, String channel, int handedOver) {
    assertThat(handedOver).as("the confirmation, once").isEqualTo(1);
    Row message = confirmation(node, channel);
    assertThat(message.getValue("sent_at")).isNotNull();
    assertThat(message.getInteger("attempts")).as("the second node's attempt").isEqualTo(2);
  }

  /**
   * A last attempt that stalled past its claim, nobody else running: not handed over late, and given back rather than
   * counted. The next run makes it and the mail goes; counted, the next run would have given the mail up unsent as an
   * attempt that "never finished".
   */
  @Test
  void a_last_attempt_that_stalled_past_its_claim_is_given_back_and_made_by_the_next_run() throws Exception {
    try (SmtpStandIn smtp = new SmtpStandIn();
         TestNode node = TestNode.start(TestDatabase.fresh(), mailSettings(smtp.port()), clock)) {
      node.node().stopJobTimers();
      assertThat(new VisioTerritory(node).book(BOOKED_AT).status()).isEqualTo(201);
      attemptsBefore(node, MailJob.MAX_ATTEMPTS - 1);

      Future<Void> run;
      SqlConnection hold = holdAppointments(node);
      try {
        run = node.node().runJobs();
        waitForAttempt(node, "mail", MailJob.MAX_ATTEMPTS);
        clock.advance(MailJob.CLAIM.plusMinutes(1));
      } finally {
        release(hold);
      }
      TestNode.await(run);

      assertThat(smtp.received()).as("nothing handed over on a claim about to lapse").isEmpty();
      Row mail = confirmation(node, "mail");
      assertThat(mail.getInteger("attempts")).as("the attempt given back").isEqualTo(MailJob.MAX_ATTEMPTS - 1);
      assertThat(mail.getValue("claimed_until")).as("to the next run").isNull();
      assertThat(mail.getValue("failed_at")).isNull();

      TestNode.await(node.node().runJobs());
      assertThat(smtp.received()).as("its last attempt, made").hasSize(1);
      mail = confirmation(node, "mail");
      assertThat(mail.getValue("sent_at")).isNotNull();
      assertThat(mail.getValue("failed_at")).isNull();
      assertThat(mail.getInteger("attempts")).isEqualTo(MailJob.MAX_ATTEMPTS);
    }
  }

  /**
   * Its last attempt being handed over when its claim lapsed, the second node gives the mail up ("never finished"); the
   * server then accepts it. The citizen has it: the row ends sent, not among the failed messages the operator tells
   * another way (the decision of {@link MessageAttempt}).
   */
  @Test
  void a_mail_handed_over_while_its_last_attempt_was_given_up_ends_sent() throws Exception {
    lastAttemptGivenUpWhileHandedOver(smtp -> {}, (first, second) -> {
      Row mail = confirmation(first, "mail");
      assertThat(mail.getValue("sent_at")).isNotNull();
      assertThat(mail.getValue("failed_at")).as("not failed: she has it").isNull();
      assertThat(mail.getString("last_error")).isNull();
    });
  }

  /**
   * The same, the server refusing it: failed, as given up, with the server's own reason; counted given up once for the
   * operator's alert (by the node that gave it up), not once more by its sender.
   */
  @Test
  void a_last_attempt_refused_after_it_was_given_up_is_counted_once_with_its_real_error() throws Exception {
    lastAttemptGivenUpWhileHandedOver(smtp -> smtp.refusing(index -> true), (first, second) -> {
      Row mail = confirmation(first, "mail");
      assertThat(mail.getValue("sent_at")).isNull();
      assertThat(mail.getValue("failed_at")).isNotNull();
      assertThat(mail.getString("last_error")).as("what the server said").contains("554").doesNotContain("never finished");
      assertThat(first.api.get("/metrics", METRICS_TOKEN).body()).as("not counted again by its sender")
          .doesNotContain(GIVEN_UP_ONCE);
    });
  }

  /**
   * The first node's mail refused after its claim lapsed and the second node took and sent it: the first's "failed,
   * retry later" is not written over the second's "sent".
   */
  @Test
  void a_run_whose_claim_lapsed_leaves_the_outcome_to_the_run_that_took_its_mail() throws Exception {
    try (SmtpStandIn smtp = new SmtpStandIn().refusing(index -> index == 0)) {
      onTwoNodes(mailSettings(smtp.port()), (first, second) -> {
        assertThat(new VisioTerritory(first).book(BOOKED_AT).status()).isEqualTo(201);
        smtp.onEachMail(index -> {
          if (index == 0) {
            clock.advance(MailJob.CLAIM.plusMinutes(1));
            TestNode.await(second.node().runJobs());
          }
        });
        TestNode.await(first.node().runJobs());

        assertThat(smtp.received()).as("the first node's, refused, and the second's").hasSize(2);
        Row mail = confirmation(first, "mail");
        assertThat(mail.getValue("sent_at")).isNotNull();
        assertThat(mail.getInteger("attempts")).isEqualTo(2);
        assertThat(mail.getString("last_error")).as("no error of a stale run on a mail sent").isNull();
      });
    }
  }

  /** The same with an SMS refused by the provider (500): the first node's retry is not written over the second's "sent". */
  @Test
  void a_run_whose_claim_lapsed_leaves_the_outcome_to_the_run_that_took_its_sms() throws Exception {
    try (SmsProviderStandIn provider = new SmsProviderStandIn().answering(500)) {
      onTwoNodes(smsSettings(provider), (first, second) -> {
        bookWithAPhone(first);
        provider.onEachRequest(index -> {
          if (index == 0) {
            clock.advance(SmsJob.CLAIM.plusMinutes(1));
            TestNode.await(second.node().runJobs());
          }
        });
        TestNode.await(first.node().runJobs());

        assertThat(provider.received()).as("the first node's, refused, and the second's").hasSize(2);
        Row sms = confirmation(first, "sms");
        assertThat(sms.getValue("sent_at")).isNotNull();
        assertThat(sms.getInteger("attempts")).isEqualTo(2);
        assertThat(sms.getString("last_error")).as("no error of a stale run on an SMS sent").isNull();
      });
    }
  }

  /** An SMS whose last attempt was given up while the provider took it: it ends sent, as a mail does. */
  @Test
  void an_sms_handed_over_while_its_last_attempt_was_given_up_ends_sent() throws Exception {
    lastSmsAttemptGivenUpWhileHandedOver(provider -> {}, (first, second) -> {
      Row sms = confirmation(first, "sms");
      assertThat(sms.getValue("sent_at")).isNotNull();
      assertThat(sms.getValue("failed_at")).as("not failed: she has it").isNull();
      assertThat(sms.getString("last_error")).isNull();
    });
  }

  /** The provider refusing it: failed with the provider's answer, counted given up once. */
  @Test
  void an_sms_last_attempt_refused_after_it_was_given_up_is_counted_once_with_its_real_error() throws Exception {
    lastSmsAttemptGivenUpWhileHandedOver(provider -> provider.answering(500), (first, second) -> {
      Row sms = confirmation(first, "sms");
      assertThat(sms.getValue("sent_at")).isNull();
      assertThat(sms.getValue("failed_at")).isNotNull();
      assertThat(sms.getString("last_error")).as("what the provider said").contains("500").doesNotContain("never finished");
      assertThat(first.api.get("/metrics", METRICS_TOKEN).body()).as("not counted again by its sender")
          .doesNotContain(SMS_GIVEN_UP_ONCE);
    });
  }

  interface Staging {
    void stage(SmtpStandIn smtp);
  }

  interface SmsStaging {
    void stage(SmsProviderStandIn provider);
  }

  /** Its last attempt handed to the provider by the first node; meanwhile, its claim lapsed, the second node gives it up. */
  private void lastSmsAttemptGivenUpWhileHandedOver(SmsStaging staging, OnTwoNodes checks) throws Exception {
    try (SmsProviderStandIn provider = new SmsProviderStandIn()) {
      onTwoNodes(smsSettings(provider), (first, second) -> {
        bookWithAPhone(first);
        attemptsBefore(first, SmsJob.MAX_ATTEMPTS - 1);
        staging.stage(provider);
        provider.onEachRequest(index -> {
          clock.advance(SmsJob.CLAIM.plusMinutes(1));
          TestNode.await(second.node().runJobs());
        });
        TestNode.await(first.node().runJobs());
        assertThat(provider.received()).hasSize(1);
        assertThat(second.api.get("/metrics", METRICS_TOKEN).body()).as("given up by the second node meanwhile")
            .contains(SMS_GIVEN_UP_ONCE);
        checks.run(first, second);
      });
    }
  }

  private static void bookWithAPhone(TestNode node) {
    Api.Response booked = node.api.post("/api/visio/appointments", new JsonObject()
        .put("serviceId", new VisioTerritory(node).serviceId).put("start", BOOKED_AT)
        .put("citizen", new JsonObject().put("name", "Jeanne Vidal").put("phone", "06 12 34 56 78")));
    assertThat(booked.status()).isEqualTo(201);
  }

  interface OnTwoNodes {
    void run(TestNode first, TestNode second) throws Exception;
  }

  /** Two nodes on one database and the test's clock, their jobs run by the test only. */
  private void onTwoNodes(Map<String, String> settings, OnTwoNodes test) throws Exception {
    DatabaseEndpoint database = TestDatabase.fresh();
    try (TestNode first = TestNode.start(database, settings, clock);
         TestNode second = TestNode.start(database, settings, clock)) {
      first.node().stopJobTimers();
      second.node().stopJobTimers();
      test.run(first, second);
    }
  }

  /** Its last attempt handed over by the first node; meanwhile, its claim lapsed, the second node's run gives it up. */
  private void lastAttemptGivenUpWhileHandedOver(Staging staging, OnTwoNodes checks) throws Exception {
    try (SmtpStandIn smtp = new SmtpStandIn()) {
      onTwoNodes(mailSettings(smtp.port()), (first, second) -> {
        assertThat(new VisioTerritory(first).book(BOOKED_AT).status()).isEqualTo(201);
        attemptsBefore(first, MailJob.MAX_ATTEMPTS - 1);
        staging.stage(smtp);
        smtp.onEachMail(index -> {
          clock.advance(MailJob.CLAIM.plusMinutes(1));
          TestNode.await(second.node().runJobs());
        });
        TestNode.await(first.node().runJobs());
        assertThat(smtp.received()).hasSize(1);
        assertThat(second.api.get("/metrics", METRICS_TOKEN).body()).as("given up by the second node meanwhile")
            .contains(GIVEN_UP_ONCE);
        checks.run(first, second);
      });
    }
  }

  /**
   * The first node's attempt at the confirmation of this channel waits on the appointment; past its claim the second
   * node's attempt starts and waits too; then both go on.
   */
  private void bothStalledPastTheFirstClaim(TestNode first, TestNode second, String channel, Duration pastTheClaim) {
    Future<Void> firstRun;
    Future<Void> secondRun;
    SqlConnection hold = holdAppointments(first);
    try {
      firstRun = first.node().runJobs();
      waitForAttempt(first, channel, 1);
      clock.advance(pastTheClaim);
      secondRun = second.node().runJobs();
      waitForAttempt(first, channel, 2);
    } finally {
      release(hold);
    }
    TestNode.await(firstRun);
    TestNode.await(secondRun);
  }

  /** A transaction holding the appointments' table: every read of an appointment waits until it ends. */
  private static SqlConnection holdAppointments(TestNode node) {
    SqlConnection connection = TestNode.await(node.node().platform().pool().getConnection());
    TestNode.await(connection.query("BEGIN").execute());
    TestNode.await(connection.query("LOCK TABLE appointment IN ACCESS EXCLUSIVE MODE").execute());
    return connection;
  }

  private static void release(SqlConnection hold) {
    TestNode.await(hold.query("COMMIT").execute());
    TestNode.await(hold.close());
  }

  /** Its attempt counted ({@link MailStore#claimAgain}): what it does next is read the appointment. */
  private static void waitForAttempt(TestNode node, String channel, int attempt) {
    Eventually.until("the " + channel + "'s attempt " + attempt + " started",
        () -> confirmation(node, channel).getInteger("attempts") == attempt);
  }

  private static void attemptsBefore(TestNode node, int attempts) {
    TestNode.await(node.node().platform().pool().preparedQuery(
        "UPDATE visio_mail SET attempts = $1, last_error = 'refused' WHERE kind = 'confirmation'")
        .execute(Tuple.of(attempts)));
  }

  private static Row confirmation(TestNode node, String channel) {
    return TestNode.await(node.node().platform().pool().preparedQuery("""
            SELECT attempts, sent_at, failed_at, claimed_until, last_error FROM visio_mail
            WHERE kind = 'confirmation' AND channel = $1""")
        .execute(Tuple.of(channel))).iterator().next();
  }

  private static Map<String, String> mailSettings(int smtpPort) {
    return new HashMap<>(Map.of("CANTOU_SMTP_HOST", "127.0.0.1", "CANTOU_SMTP_PORT", Integer.toString(smtpPort),
        "CANTOU_SMTP_STARTTLS", "disabled", "CANTOU_SMTP_FROM", "Cantou <ne-pas-repondre@cantal.test>",
        "CANTOU_METRICS_TOKEN", METRICS_TOKEN));
  }

  private static Map<String, String> smsSettings(SmsProviderStandIn provider) {
    return new HashMap<>(Map.of("CANTOU_SMS_URL", provider.url(), "CANTOU_SMS_AUTH", "bearer",
        "CANTOU_SMS_API_KEY", "test-api-key", "CANTOU_HTTP_PUBLIC_URL", "https://cantou.cantal.test",
        "CANTOU_METRICS_TOKEN", METRICS_TOKEN));
  }
}
