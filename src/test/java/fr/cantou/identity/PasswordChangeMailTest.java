package fr.cantou.identity;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.support.Api;
import fr.cantou.support.Eventually;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whoever changes her password (she, or someone who copied her session on a shared ward workstation), she is told by
 * mail at her account's address, in French, when it changed and whom to call if it was not her; the mail holds no
 * password, token or link. It is queued with the change, sent by the mail job: a refused change sends none, and a mail
 * server down never fails the change.
 */
class PasswordChangeMailTest {
  @RegisterExtension
  static GreenMailExtension smtp = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

  private static final String FIRST = "typed-by-the-admin-1";
  /** Her own, chosen at her first sign-in in place of {@link #FIRST} (a choice that mails nothing). */
  private static final String OWN = "le-lioran-sous-la-neige";
  private static final String CHOSEN = "mon-jardin-a-Salers-2026";
  private static final AtomicInteger counter = new AtomicInteger();

  /** Monday 7 December 2026, 10 h 30 in Paris. */
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T09:30:00Z"));
  private TestNode node;

  @BeforeEach
  void start() {
    node = TestNode.start(TestDatabase.fresh(), smtpOn(smtp.getSmtp().getPort()), clock);
    // The test runs the jobs itself: a timer's run would send a mail before the test looks for none.
    node.node().stopJobTimers();
  }

  @AfterEach
  void stop() {
    node.close();
  }

  private static Map<String, String> smtpOn(int port) {
    return Map.of("CANTOU_SMTP_HOST", "127.0.0.1", "CANTOU_SMTP_PORT", Integer.toString(port),
        "CANTOU_SMTP_STARTTLS", "disabled", "CANTOU_SMTP_FROM", "Cantou <ne-pas-repondre@cantal.test>",
        "CANTOU_HTTP_PUBLIC_URL", "https://cantou.cantal.test");
  }

  /** A doctor's account, made by the admin with {@link #FIRST}, her own password {@link #OWN} chosen since; its e-mail. */
  private static String newDoctor(TestNode node) {
    String email = "medecin" + counter.incrementAndGet() + "@cantal.test";
    Api.Response made = node.api.post("/api/users", node.adminToken(), new JsonObject().put("email", email)
        .put("password", FIRST).put("role", "doctor").put("displayName", "Dr Vidal"));
    assertThat(made.status()).as(made.toString()).isEqualTo(201);
    node.api.chooseOwnPassword(email, FIRST, OWN);
    return email;
  }

  private static JsonObject session(TestNode node, String email, String password) {
    Api.Response in = node.api.post("/api/auth/login", new JsonObject().put("email", email).put("password", password));
    assertThat(in.status()).as(in.toString()).isEqualTo(200);
    return in.json();
  }

  private static Api.Response change(TestNode node, String token, String current, String chosen) {
    return node.api.send("POST", "/api/auth/password", token,
        new JsonObject().put("currentPassword", current).put("newPassword", chosen).encode(),
        Map.of("Content-Type", "application/json", "Accept-Language", "fr"));
  }

  @Test
  void she_is_mailed_when_and_whom_to_tell_in_french_and_never_a_password_a_token_or_a_link() throws Exception {
    String email = newDoctor(node);
    JsonObject mine = session(node, email, OWN);
    Api.Response changed = change(node, mine.getString("accessToken"), OWN, CHOSEN);
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);

    // Sent later than the change, still telling the time of the change.
    clock.advance(Duration.ofMinutes(3));
    TestNode.await(node.node().runJobs());
    assertThat(smtp.waitForIncomingEmail(5_000, 1)).isTrue();
    assertThat(smtp.getReceivedMessages()).as("her first choice, in place of the admin's, mailed nothing").hasSize(1);
    MimeMessage mail = smtp.getReceivedMessages()[0];
    assertThat(mail.getAllRecipients()).extracting(Object::toString).containsExactly(email);
    assertThat(mail.getSubject()).isEqualTo("Le mot de passe de votre compte Cantou a été changé");
    String text = text(mail);
    String raw = GreenMailUtil.getWholeMessage(mail);
    assertThat(text).startsWith("Bonjour,")
        .contains("a été changé le lundi 7 décembre 2026 à 10 h 30 (heure de Paris)")
        .contains("Prévenez tout de suite votre administrateur Cantou (le département)");
    JsonObject answered = changed.json();
    for (String secret : List.of(FIRST, OWN, CHOSEN, mine.getString("accessToken"), mine.getString("refreshToken"),
        answered.getString("accessToken"), answered.getString("refreshToken"))) {
      assertThat(raw).doesNotContain(secret);
      assertThat(text).doesNotContain(secret);
    }
    assertThat(text).as("no link that signs in, nor any other").doesNotContain("http", "://", "cantou.cantal.test");
  }

  @Test
  void the_time_is_told_in_the_zone_of_her_care_home() throws Exception {
    Api.Response home = node.api.post("/api/organisations", node.adminToken(), new JsonObject().put("kind", "ehpad")
        .put("name", "EHPAD Les Filaos").put("commune", "Saint-Paul").put("timeZone", "Indian/Reunion"));
    assertThat(home.status()).as(home.toString()).isEqualTo(201);
    String email = "infirmiere" + counter.incrementAndGet() + "@reunion.test";
    Api.Response made = node.api.post("/api/users", node.adminToken(), new JsonObject().put("email", email)
        .put("password", FIRST).put("role", "nurse").put("displayName", "Inès Payet")
        .put("organisationId", home.json().getString("id")));
    assertThat(made.status()).as(made.toString()).isEqualTo(201);
    node.api.chooseOwnPassword(email, FIRST, OWN);
    assertThat(change(node, session(node, email, OWN).getString("accessToken"), OWN, CHOSEN).status()).isEqualTo(200);

    TestNode.await(node.node().runJobs());
    assertThat(smtp.waitForIncomingEmail(5_000, 1)).isTrue();
    assertThat(text(smtp.getReceivedMessages()[0])).as("09:30 UTC is 13 h 30 in Saint-Paul")
        .contains("a été changé le lundi 7 décembre 2026 à 13 h 30 (heure de Indian/Reunion)");
  }

  @Test
  void a_refused_change_mails_nothing_a_wrong_password_a_refused_new_one_or_the_change_that_lost_the_race() throws Exception {
    String email = newDoctor(node);
    String token = session(node, email, OWN).getString("accessToken");
    assertThat(change(node, token, "a-wrong-guess-0", CHOSEN).status()).isEqualTo(403);
    assertThat(change(node, token, OWN, "court").status()).isEqualTo(422);
    TestNode.await(node.node().runJobs());

    // Two pages change it at once with the right password: one wins, the other (409) changed nothing and mails nothing.
    String other = session(node, email, OWN).getString("accessToken");
    List<Integer> answers = atOnce(email, List.of(token, other), List.of(CHOSEN, CHOSEN + "-b"));
    assertThat(answers).containsExactlyInAnyOrder(200, 409);
    TestNode.await(node.node().runJobs());
    assertThat(smtp.waitForIncomingEmail(5_000, 1)).isTrue();
    assertThat(smtp.getReceivedMessages()).as("the change that won, and no refused one").hasSize(1);

    // A later mail arrives: none of the refused changes had one waiting behind it.
    clock.advance(Duration.ofMinutes(1));
    String winner = answers.get(0) == 200 ? CHOSEN : CHOSEN + "-b";
    assertThat(change(node, session(node, email, winner).getString("accessToken"), winner, "un-autre-encore-2026").status())
        .isEqualTo(200);
    TestNode.await(node.node().runJobs());
    assertThat(smtp.waitForIncomingEmail(5_000, 2)).isTrue();
    assertThat(smtp.getReceivedMessages()).hasSize(2);
    assertThat(queued(email)).as("her mails, all sent").isEqualTo(2);
  }

  /**
   * Each token's change sent at once, while the test holds her account's row: both checked her password, both wait to
   * replace it, then go. Answers their statuses, in the order of {@code tokens}.
   */
  private List<Integer> atOnce(String email, List<String> tokens, List<String> chosen) throws Exception {
    DatabaseEndpoint db = node.database();
    ExecutorService threads = Executors.newFixedThreadPool(tokens.size());
    try (var holding = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
         var watching = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      holding.setAutoCommit(false);
      try (var lock = holding.prepareStatement("SELECT 1 FROM app_user WHERE email = ? FOR NO KEY UPDATE")) {
        lock.setString(1, email);
        lock.executeQuery().close();
      }
      List<java.util.concurrent.Future<Api.Response>> changes = new java.util.ArrayList<>();
      for (int i = 0; i < tokens.size(); i++) {
        String token = tokens.get(i);
        String next = chosen.get(i);
        changes.add(threads.submit(() -> change(node, token, OWN, next)));
      }
      Eventually.until("both changes wait on her account's row", () -> {
        try (var count = watching.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            + " AND wait_event_type = 'Lock' AND query LIKE 'UPDATE app_user SET password_hash%'");
             var rows = count.executeQuery()) {
          rows.next();
          return rows.getInt(1) == tokens.size();
        } catch (java.sql.SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      holding.rollback();
      List<Integer> statuses = new java.util.ArrayList<>();
      for (var answer : changes) {
        statuses.add(answer.get(30, TimeUnit.SECONDS).status());
      }
      return statuses;
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void a_mail_server_down_never_fails_the_change_and_her_mail_goes_once_it_is_back() throws Exception {
    int port = freePort();
    try (TestNode down = TestNode.start(TestDatabase.fresh(), smtpOn(port), clock)) {
      down.node().stopJobTimers();
      String email = newDoctor(down);
      Api.Response changed = change(down, session(down, email, OWN).getString("accessToken"), OWN, CHOSEN);
      assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
      TestNode.await(down.node().runJobs());
      assertThat(session(down, email, CHOSEN).getString("accessToken")).as("changed, the mail not sent").isNotBlank();

      GreenMail back = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
      back.start();
      try {
        clock.advance(Duration.ofMinutes(6));
        TestNode.await(down.node().runJobs());
        assertThat(back.waitForIncomingEmail(5_000, 1)).as("tried again five minutes later").isTrue();
        clock.advance(Duration.ofMinutes(6));
        TestNode.await(down.node().runJobs());
        assertThat(back.getReceivedMessages()).as("once").hasSize(1);
        assertThat(back.getReceivedMessages()[0].getAllRecipients()).extracting(Object::toString).containsExactly(email);
      } finally {
        back.stop();
      }
    }
  }

  /** Her account's mails in the queue, sent. */
  private long queued(String email) {
    return TestNode.await(node.node().platform().pool().preparedQuery("""
            SELECT count(*) AS n FROM visio_mail m JOIN app_user u ON u.id = m.user_id
            WHERE u.email = $1 AND m.channel = 'account' AND m.kind = 'password_changed' AND m.sent_at IS NOT NULL""")
        .execute(io.vertx.sqlclient.Tuple.of(email))).iterator().next().getLong("n");
  }

  /** The mail's text, decoded: the whole of a plain mail, or its text/plain part. */
  static String text(MimeMessage mail) throws Exception {
    Object content = mail.getContent();
    if (content instanceof String plain) {
      return plain;
    }
    jakarta.mail.Multipart parts = (jakarta.mail.Multipart) content;
    for (int i = 0; i < parts.getCount(); i++) {
      if (parts.getBodyPart(i).getContentType().toLowerCase().startsWith("text/plain")) {
        return (String) parts.getBodyPart(i).getContent();
      }
    }
    throw new AssertionError("no text in " + mail.getContentType());
  }

  /** A port nothing listens on (until the test starts its mail server there). */
  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }
}
