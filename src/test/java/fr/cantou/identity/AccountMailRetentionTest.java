package fr.cantou.identity;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import fr.cantou.support.Api;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.WatchedLogger;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mail telling a staff member her password changed holds her address and the fact of the change: once it ended
 * (sent, or given up for good) it is kept 30 days (auth.passwordLinkRetentionDays) from that end, not from the change,
 * then the jobs delete it, 1,000 a statement, saying how many in the log; a mail still to go stays however old, and
 * still goes.
 */
class AccountMailRetentionTest {
  private static final String FIRST = "typed-by-the-admin-1";
  private static final String OWN = "le-lioran-sous-la-neige";
  private static final String CHOSEN = "mon-jardin-a-Salers-2026";
  /** Tuesday 3 November 2026, 10 h in Paris. */
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-03T09:00:00Z"));
  /** Where the node's mail server listens while the test has it up. */
  private int port;
  private TestNode node;

  @BeforeEach
  void start() throws Exception {
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_SMTP_HOST", "127.0.0.1",
        "CANTOU_SMTP_PORT", Integer.toString(port), "CANTOU_SMTP_STARTTLS", "disabled",
        "CANTOU_SMTP_FROM", "Cantou <ne-pas-repondre@cantal.test>", "CANTOU_HTTP_PUBLIC_URL", "https://cantou.cantal.test"),
        clock);
    // The test runs the jobs itself, at the times it sets.
    node.node().stopJobTimers();
  }

  @AfterEach
  void stop() {
    node.close();
  }

  private GreenMail mailServerUp() {
    GreenMail up = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    up.start();
    return up;
  }

  private void runJobs() {
    TestNode.await(node.node().runJobs());
  }

  /** A doctor who chose her own password, then changed it now (a mail queued); her e-mail. */
  private String changedHerPassword(String name) {
    String email = name + "@cantal.test";
    Api.Response made = node.api.post("/api/users", node.adminToken(), new JsonObject().put("email", email)
        .put("password", FIRST).put("role", "doctor").put("displayName", "Dr Vidal"));
    assertThat(made.status()).as(made.toString()).isEqualTo(201);
    String session = node.api.chooseOwnPassword(email, FIRST, OWN);
    Api.Response changed = node.api.post("/api/auth/password", session,
        new JsonObject().put("currentPassword", OWN).put("newPassword", CHOSEN));
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    return email;
  }

  /** Her "password changed" mail in the queue: "sent", "given up", "to go", or "gone". */
  private String mail(String email) {
    var rows = TestNode.await(node.node().platform().pool().preparedQuery("""
            SELECT CASE WHEN sent_at IS NOT NULL THEN 'sent' WHEN failed_at IS NOT NULL THEN 'given up' ELSE 'to go' END AS state
            FROM visio_mail m JOIN app_user u ON u.id = m.user_id
            WHERE u.email = $1 AND m.channel = 'account' AND m.kind = 'password_changed'""").execute(Tuple.of(email)));
    assertThat(rows.size()).isLessThanOrEqualTo(1);
    return rows.size() == 0 ? "gone" : rows.iterator().next().getString("state");
  }

  @Test
  void a_mail_sent_or_given_up_goes_30_days_after_it_ended_not_after_the_change() {
    GreenMail up = mailServerUp();
    String sent = changedHerPassword("envoye");
    runJobs();
    assertThat(mail(sent)).isEqualTo("sent");
    up.stop();

    // The mail server down: a mail given up after its tenth attempt, at 10 h 54 (Paris).
    String givenUp = changedHerPassword("abandonne");
    for (int attempt = 1; !mail(givenUp).equals("given up"); attempt++) {
      assertThat(attempt).as("given up after ten attempts").isLessThanOrEqualTo(10);
      runJobs();
      clock.advance(Duration.ofMinutes(6));
    }
    // 11 h: a change whose mail fails, then goes a week later, once the server is back.
    String late = changedHerPassword("en-retard");
    runJobs();
    assertThat(mail(late)).isEqualTo("to go");
    clock.set(Instant.parse("2026-11-10T09:00:00Z"));
    GreenMail back = mailServerUp();
    try {
      runJobs();
      assertThat(mail(late)).isEqualTo("sent");
    } finally {
      back.stop();
    }

    clock.set(Instant.parse("2026-12-03T08:59:00Z"));
    runJobs();
    assertThat(mail(sent)).as("sent 29 days, 23 hours and 59 minutes ago").isEqualTo("sent");
    assertThat(mail(givenUp)).as("given up 29 days, 23 hours and 5 minutes ago").isEqualTo("given up");

    clock.set(Instant.parse("2026-12-03T10:10:00Z"));
    try (WatchedLogger log = WatchedLogger.of(AccountMailRetention.class.getName())) {
      runJobs();
      assertThat(mail(sent)).as("sent 30 days, 1 hour and 10 minutes ago").isEqualTo("gone");
      assertThat(mail(givenUp)).as("given up 30 days and 16 minutes ago").isEqualTo("gone");
      assertThat(mail(late)).as("its change made 30 days and 10 minutes ago, but sent 23 days ago").isEqualTo("sent");
      assertThat(log.lines()).as("counts only").containsExactly("event=retention kind=account_mail deleted=2 batches=1");
    }

    clock.set(Instant.parse("2026-12-10T09:01:00Z"));
    runJobs();
    assertThat(mail(late)).as("sent 30 days and a minute ago").isEqualTo("gone");
  }

  @Test
  void a_mail_still_to_go_stays_however_old_and_goes_once_the_mail_server_takes_it() {
    String waiting = changedHerPassword("en-attente");
    runJobs();
    assertThat(mail(waiting)).as("the mail server down").isEqualTo("to go");

    clock.set(Instant.parse("2027-02-03T09:00:00Z"));
    runJobs();
    assertThat(mail(waiting)).as("three months later, tried again, still to go").isEqualTo("to go");

    GreenMail back = mailServerUp();
    try {
      clock.advance(Duration.ofMinutes(6));
      runJobs();
      assertThat(mail(waiting)).isEqualTo("sent");
      assertThat(back.getReceivedMessages()).hasSize(1);
    } finally {
      back.stop();
    }
  }

  @Test
  void the_jobs_go_on_past_one_statement_of_a_thousand_and_say_how_many() {
    String email = changedHerPassword("tant-de-mails");
    // 2,001 mails of hers sent in November, one a minute (the queue as years of changes would leave it, made at once).
    TestNode.await(node.node().platform().pool().preparedQuery("""
            INSERT INTO visio_mail (user_id, kind, channel, changed_at, due_at, sent_at, attempts)
            SELECT u.id, 'password_changed', 'account', t, t, t, 1
            FROM app_user u, generate_series($2::timestamptz, $2::timestamptz + interval '2000 minutes', interval '1 minute') t
            WHERE u.email = $1""").execute(Tuple.of(email, java.time.OffsetDateTime.parse("2026-11-01T00:00:00Z"))));

    clock.set(Instant.parse("2026-12-05T09:00:00Z"));
    try (WatchedLogger log = WatchedLogger.of(AccountMailRetention.class.getName())) {
      runJobs();
      assertThat(log.lines()).containsExactly("event=retention kind=account_mail deleted=2001 batches=3");
    }
    assertThat(mail(email)).as("the one of her change on 3 November, to go: the mail server is down").isEqualTo("to go");
  }
}
