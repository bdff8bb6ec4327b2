package fr.cantou.visio;

import fr.cantou.notify.HttpSmsSender;
import fr.cantou.notify.MailMessage;
import fr.cantou.notify.SmsConfig;
import fr.cantou.notify.SmsMessage;
import fr.cantou.notify.SmtpMailer;
import fr.cantou.support.Api;
import fr.cantou.support.Eventually;
import fr.cantou.support.MutableClock;
import fr.cantou.support.SmsProviderStandIn;
import fr.cantou.support.SmtpStandIn;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import fr.cantou.support.WatchedLogger;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A message the mail server or the SMS provider accepted is not handed over again for a cause the node can avoid: its
 * "sent" not written at once (the database failing at that moment), or its exchange outliving the hand-over's bound.
 * Where nobody can know whether it went, the attempt after it says so as it sends it again ({@link MessageAttempt}).
 *
 * <p>The database's failures are staged by a trigger of the test refusing the write of "sent" (a real error from
 * PostgreSQL, as a lost connection or a failover gives the node); the slow exchanges by a server holding its answer until
 * the test releases it.
 */
class HandedOverOnceTest {
  private static final String BOOKED_AT = "2026-12-01T10:00:00+01:00";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));

  @Test
  void a_mail_the_server_accepted_whose_sent_failed_at_once_is_written_again_and_not_sent_twice() throws Exception {
    try (SmtpStandIn smtp = new SmtpStandIn()) {
      writtenAgainNotSentTwice(mailSettings(smtp.port()), "mail",
          node -> assertThat(new VisioTerritory(node).book(BOOKED_AT).status()).isEqualTo(201), () -> smtp.received().size());
    }
  }

  @Test
  void an_sms_the_provider_accepted_whose_sent_failed_at_once_is_written_again_and_not_sent_twice() throws Exception {
    try (SmsProviderStandIn provider = new SmsProviderStandIn()) {
      writtenAgainNotSentTwice(smsSettings(provider), "sms", HandedOverOnceTest::bookWithAPhone,
          () -> provider.received().size());
    }
  }

  /** Its "sent" refused twice by the database, then written at its third try; ten minutes later, not sent again. */
  private void writtenAgainNotSentTwice(Map<String, String> settings, String channel,
                                        java.util.function.Consumer<TestNode> book, java.util.function.IntSupplier handedOver) {
    try (TestNode node = TestNode.start(TestDatabase.fresh(), settings, clock)) {
      node.node().stopJobTimers();
      book.accept(node);
      sentRefused(node, 2);

      TestNode.await(node.node().runJobs());
      assertThat(confirmation(node, channel).getValue("sent_at")).as("written at its third try").isNotNull();

      clock.advance(Duration.ofMinutes(10));
      TestNode.await(node.node().runJobs());
      assertThat(handedOver.getAsInt()).as("the confirmation, once").isEqualTo(1);
    }
  }

  /**
   * The database refuses "sent" at each of the attempt's tries: nothing else is written either (no "failed, retry at"
   * that would have it sent again, unaware), the mail stays claimed. Once the claim lapsed, the next attempt knows it may
   * have gone, and says so as it sends it again: at least once, where nobody knows.
   */
  @Test
  void a_mail_whose_sent_could_never_be_written_is_sent_again_only_by_an_attempt_that_knows_it_may_have_gone()
      throws Exception {
    try (SmtpStandIn smtp = new SmtpStandIn();
         TestNode node = TestNode.start(TestDatabase.fresh(), mailSettings(smtp.port()), clock);
         WatchedLogger attempts = WatchedLogger.of(MessageAttempt.class.getName())) {
      node.node().stopJobTimers();
      assertThat(new VisioTerritory(node).book(BOOKED_AT).status()).isEqualTo(201);
      sentRefused(node, 1_000);

      TestNode.await(node.node().runJobs());
      Row mail = confirmation(node, "mail");
      assertThat(mail.getValue("sent_at")).isNull();
      assertThat(mail.getValue("handed_over_at")).as("its hand-over's start, for the attempt after it").isNotNull();
      assertThat(mail.getValue("claimed_until")).as("kept claimed, not given back to be retried").isNotNull();
      assertThat(mail.getString("last_error")).as("no retry written").isNull();
      assertThat(attempts.lines()).anyMatch(line -> line.startsWith("event=message_outcome_unwritten")
          && line.contains("outcome=sent") && line.contains("handed_over=true"));

      clock.advance(Duration.ofMinutes(1));
      TestNode.await(node.node().runJobs());
      assertThat(smtp.received()).as("nobody takes it while claimed").hasSize(1);
      assertThat(attempts.lines()).noneMatch(line -> line.startsWith("event=message_perhaps_sent_again"));

      TestNode.await(node.node().platform().pool().query("DROP TRIGGER sent_refused ON visio_mail").execute());
      clock.advance(MailJob.CLAIM);
      TestNode.await(node.node().runJobs());
      assertThat(smtp.received()).as("sent again once its claim lapsed").hasSize(2);
      assertThat(confirmation(node, "mail").getValue("sent_at")).isNotNull();
      assertThat(attempts.lines()).as("the operator is told").anyMatch(line ->
          line.startsWith("event=message_perhaps_sent_again") && line.contains("attempt=2"));
    }
  }

  /**
   * The mail server holds its "250" past the hand-over's bound: the run goes on without waiting for it, but the mail is
   * not given back to be sent again while its exchange may still end; the server's late "accepted" ends it sent, and it
   * is not sent again.
   */
  @Test
  void a_mail_whose_exchange_outlived_its_bound_is_kept_until_it_ends_and_sent_once() throws Exception {
    CountDownLatch answer = new CountDownLatch(1);
    try (SmtpStandIn smtp = new SmtpStandIn().onEachMail(index -> awaitRelease(answer));
         TestNode node = TestNode.start(TestDatabase.fresh(), mailSettings(smtp.port()), clock)) {
      node.node().stopJobTimers();
      assertThat(new VisioTerritory(node).book(BOOKED_AT).status()).isEqualTo(201);
      SmtpMailer mailer = new SmtpMailer(node.node().platform().vertx(), node.node().platform().config().smtp());
      outlivesItsBound(node, "mail", () -> mailer.send(new MailMessage("jeanne@example.test", "Rendez-vous", "…", null)),
          answer, () -> smtp.received().size());
    }
  }

  /** The same with an SMS provider holding its answer. */
  @Test
  void an_sms_whose_exchange_outlived_its_bound_is_kept_until_it_ends_and_sent_once() throws Exception {
    CountDownLatch answer = new CountDownLatch(1);
    try (SmsProviderStandIn provider = new SmsProviderStandIn().onEachRequest(index -> awaitRelease(answer));
         TestNode node = TestNode.start(TestDatabase.fresh(), smsSettings(provider), clock)) {
      node.node().stopJobTimers();
      bookWithAPhone(node);
      HttpSmsSender sender = new HttpSmsSender(node.node().platform().vertx(), new SmsConfig(URI.create(provider.url()),
          "none", "", "", "", "json", "{\"to\":\"{to}\",\"text\":\"{text}\"}", Duration.ofSeconds(60)));
      outlivesItsBound(node, "sms", () -> sender.send(new SmsMessage("+33612345678", "Rendez-vous")), answer,
          () -> provider.received().size());
    }
  }

  /**
   * The attempt a job makes ({@link MessageAttempt#run}), its hand-over bound to 300 ms, the server holding its answer:
   * the run goes on once the bound passed, the message still claimed and no retry written; released, the answer ends it
   * sent; a run after the retry it would have had sends nothing.
   */
  private void outlivesItsBound(TestNode node, String channel, Supplier<Future<Void>> exchange, CountDownLatch answer,
                                java.util.function.IntSupplier handedOver) {
    MailStore store = new MailStore();
    Instant now = clock.instant();
    MailStore.DueMail due = TestNode.await(store.claimDueMails(node.node().platform().pool(), List.of(channel), now,
        now.plus(MailJob.CLAIM), MailJob.MAX_ATTEMPTS, MailStore.BATCH)).get(0);
    MessageAttempt attempt = new MessageAttempt(node.node().platform(), store, due, MailJob.CLAIM, Duration.ofMillis(300));
    io.vertx.core.Promise<Boolean> ran = io.vertx.core.Promise.promise();
    // On a context of its own, as a job's run.
    node.node().platform().vertx().runOnContext(v -> attempt.run(a -> a.handOver(exchange).compose(sent -> a.sent(clock.instant(), null)),
        e -> attempt.retryAt(String.valueOf(e.getMessage()), attempt.startedAt().plus(Duration.ofMinutes(1)))).onComplete(ran));
    boolean overdue = TestNode.await(ran.future());

    assertThat(overdue).as("the run went on").isTrue();
    Row message = confirmation(node, channel);
    assertThat(message.getValue("claimed_until")).as("kept claimed while its exchange may end").isNotNull();
    assertThat(message.getString("last_error")).as("not failed, not to be retried").isNull();
    assertThat(message.getValue("sent_at")).isNull();

    answer.countDown();
    Eventually.until("its late answer written", () -> confirmation(node, channel).getValue("sent_at") != null);
    clock.advance(Duration.ofMinutes(10));
    TestNode.await(node.node().runJobs());
    assertThat(handedOver.getAsInt()).as("handed over once").isEqualTo(1);
  }

  private static void awaitRelease(CountDownLatch answer) {
    try {
      if (!answer.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("the test never released the answer");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The database refuses the next {@code times} writes of "sent" to the queue with an error, as a lost connection does. */
  private static void sentRefused(TestNode node, int times) {
    TestNode.await(node.node().platform().pool().query("CREATE SEQUENCE sent_refusals").execute());
    TestNode.await(node.node().platform().pool().query("""
        CREATE FUNCTION refuse_sent() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.sent_at IS NOT NULL AND OLD.sent_at IS NULL AND nextval('sent_refusals') <= %d THEN
            RAISE EXCEPTION 'the database went away';
          END IF;
          RETURN NEW;
        END $$""".formatted(times)).execute());
    TestNode.await(node.node().platform().pool().query(
        "CREATE TRIGGER sent_refused BEFORE UPDATE ON visio_mail FOR EACH ROW EXECUTE FUNCTION refuse_sent()").execute());
  }

  private static void bookWithAPhone(TestNode node) {
    Api.Response booked = node.api.post("/api/visio/appointments", new JsonObject()
        .put("serviceId", new VisioTerritory(node).serviceId).put("start", BOOKED_AT)
        .put("citizen", new JsonObject().put("name", "Jeanne Vidal").put("phone", "06 12 34 56 78")));
    assertThat(booked.status()).isEqualTo(201);
  }

  private static Row confirmation(TestNode node, String channel) {
    return TestNode.await(node.node().platform().pool().preparedQuery("""
            SELECT sent_at, claimed_until, last_error, handed_over_at FROM visio_mail
            WHERE kind = 'confirmation' AND channel = $1""")
        .execute(Tuple.of(channel))).iterator().next();
  }

  private static Map<String, String> mailSettings(int smtpPort) {
    return new HashMap<>(Map.of("CANTOU_SMTP_HOST", "127.0.0.1", "CANTOU_SMTP_PORT", Integer.toString(smtpPort),
        "CANTOU_SMTP_STARTTLS", "disabled", "CANTOU_SMTP_FROM", "Cantou <ne-pas-repondre@cantal.test>"));
  }

  private static Map<String, String> smsSettings(SmsProviderStandIn provider) {
    return new HashMap<>(Map.of("CANTOU_SMS_URL", provider.url(), "CANTOU_SMS_AUTH", "bearer",
        "CANTOU_SMS_API_KEY", "test-api-key", "CANTOU_HTTP_PUBLIC_URL", "https://cantou.cantal.test"));
  }
}
