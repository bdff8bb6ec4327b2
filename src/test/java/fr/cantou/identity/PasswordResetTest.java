package fr.cantou.identity;

import com.icegreen.greenmail.util.GreenMail;
import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.support.Api;
import fr.cantou.support.Eventually;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A nurse who forgot her password asks for a link at her account's address and chooses a new one through it: her
 * mailbox is the proof. The answer to the request says nothing of who has an account; a link is made by the mail job
 * as it goes (only its SHA-256 is kept), serves once, for an hour, and a newer one voids it; using it ends every session
 * of hers. Requests and confirms are limited per address, links per account.
 */
class PasswordResetTest {
  private static final String FIRST = "typed-by-the-admin-1";
  private static final String OWN = "le-lioran-sous-la-neige";
  private static final String CHOSEN = "mon-jardin-a-Salers-2026";
  private static final String ASKED = "Si un compte existe pour cette adresse, un message vient de lui être envoyé avec un"
      + " lien pour choisir un nouveau mot de passe. Ce lien est valable une heure.";
  private static final String NO_LONGER_VALID = "Ce lien n’est plus valable : il a déjà servi, un lien plus récent l’a "
      + "remplacé, ou il a expiré ; demandez-en un nouveau.";
  private static final String LINK_SUBJECT = "Choisir un nouveau mot de passe Cantou";
  private static final AtomicInteger counter = new AtomicInteger();
  /** Monday 7 December 2026, 10 h 30 in Paris. */
  private static final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T09:30:00Z"));
  @RegisterExtension
  static final PasswordLinkNode started = new PasswordLinkNode(clock);
  private static final GreenMail smtp = started.smtp;
  private static final TestNode node = started.node;

  /** A nurse's account made by the admin; with her own password {@link #OWN} chosen since when {@code own}. Its e-mail. */
  private static String newNurse(boolean own) {
    String email = "infirmiere" + counter.incrementAndGet() + "@murat.test";
    Api.Response home = node.api.post("/api/organisations", node.adminToken(), new JsonObject().put("kind", "ehpad")
        .put("name", "EHPAD n° " + counter.incrementAndGet()).put("commune", "Murat"));
    assertThat(home.status()).as(home.toString()).isEqualTo(201);
    Api.Response made = node.api.post("/api/users", node.adminToken(), new JsonObject().put("email", email)
        .put("password", FIRST).put("role", "nurse").put("displayName", "Marie Vidal")
        .put("organisationId", home.json().getString("id")));
    assertThat(made.status()).as(made.toString()).isEqualTo(201);
    if (own) {
      node.api.chooseOwnPassword(email, FIRST, OWN);
    }
    return email;
  }

  private static Api.Response ask(String email, String from) {
    return PasswordLinkRequests.ask(node.api, email, from);
  }

  private static Api.Response confirm(String token, String chosen, String from) {
    return PasswordLinkRequests.confirm(node.api, token, chosen, from);
  }

  private static int signIn(String email, String password) {
    return PasswordLinkRequests.signIn(node.api, email, password);
  }

  private static List<MimeMessage> mailsTo(String email, String subject) {
    return PasswordLinkRequests.mailsTo(smtp, email, subject);
  }

  /** The token of the link mail number {@code nth} (from 1) she got. */
  private static String link(String email, int nth) throws Exception {
    return PasswordLinkRequests.token(node, smtp, email, LINK_SUBJECT, nth);
  }

  /** Her lines of the change trail, "action address". */
  private static List<String> trail(String email) {
    List<String> lines = new ArrayList<>();
    for (Row r : TestNode.await(node.node().platform().pool().preparedQuery("""
            SELECT c.action || ' ' || coalesce(c.address, '-') FROM change_audit c JOIN app_user u ON c.item_id = u.id::text
            WHERE u.email = $1 AND c.action LIKE 'user.password%' ORDER BY c.id""").execute(Tuple.of(email)))) {
      lines.add(r.getString(0));
    }
    return lines;
  }

  private static long count(String sql, Object... args) {
    return TestNode.await(node.node().platform().pool().preparedQuery(sql).execute(Tuple.from(args)))
        .iterator().next().getLong(0);
  }

  @Test
  void a_nurse_who_forgot_her_password_chooses_a_new_one_through_the_mailed_link() throws Exception {
    String email = newNurse(true);
    Api.Response asked = ask(" Infirmiere" + email.substring("infirmiere".length()).toUpperCase() + " ", "203.0.113.10");
    assertThat(asked.status()).as(asked.toString()).isEqualTo(202);
    assertThat(asked.json().getString("message")).isEqualTo(ASKED);

    String token = link(email, 1);
    MimeMessage mail = mailsTo(email, LINK_SUBJECT).get(0);
    String text = PasswordChangeMailTest.text(mail);
    assertThat(text).startsWith("Bonjour,")
        .contains("https://cantou.cantal.test/nouveau-mot-de-passe.html#" + token)
        .contains("Il sert une seule fois, jusqu'au lundi 7 décembre 2026 à 11 h 30 (heure de Paris).")
        .contains("Vous n'avez rien demandé ? Ignorez ce message : votre mot de passe n'a pas changé");
    assertThat(token).as("32 random bytes, base64url").hasSize(43);
    // Only the SHA-256 of the token is kept: neither the link nor its mail holds it.
    String hash = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertThat(count("SELECT count(*) FROM password_link_token WHERE encode(token_hash, 'hex') = $1", hash)).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM password_link l WHERE row_to_json(l)::text LIKE '%' || $1 || '%'", token)).isZero();
    assertThat(count("SELECT count(*) FROM visio_mail m WHERE row_to_json(m)::text LIKE '%' || $1 || '%'", token)).isZero();

    Api.Response chosen = confirm(token, CHOSEN, "203.0.113.11");
    assertThat(chosen.status()).as(chosen.toString()).isEqualTo(200);
    assertThat(signIn(email, OWN)).as("the password she forgot").isEqualTo(401);
    assertThat(signIn(email, CHOSEN)).as("hers").isEqualTo(200);
    assertThat(trail(email)).containsSubsequence("user.password_link_sent 203.0.113.10", "user.password_reset 203.0.113.11");
    assertThat(String.join("\n", trail(email))).doesNotContain(token);

    // She hears of the change as of any other.
    TestNode.await(node.node().runJobs());
    Eventually.until("the mail that says it changed",
        () -> mailsTo(email, "Le mot de passe de votre compte Cantou a été changé").size() == 1);
  }

  @Test
  void her_mailbox_is_the_proof_so_the_password_the_admin_typed_is_replaced_for_good() throws Exception {
    String email = newNurse(false);
    assertThat(ask(email, "203.0.113.12").status()).isEqualTo(202);
    assertThat(confirm(link(email, 1), CHOSEN, "203.0.113.12").status()).isEqualTo(200);
    JsonObject session = node.api.post("/api/auth/login", new JsonObject().put("email", email).put("password", CHOSEN)).json();
    assertThat(session.getJsonObject("user").getBoolean("mustChangePassword")).isFalse();
    assertThat(node.api.get("/api/teleconsultations", session.getString("accessToken")).status())
        .as("no longer a password to replace first").isEqualTo(200);
  }

  @Test
  void an_unknown_address_or_a_deactivated_account_gets_the_same_answer_and_no_mail() throws Exception {
    String gone = newNurse(true);
    String id = userId(gone);
    assertThat(node.api.post("/api/users/" + id + "/deactivate", node.adminToken(), new JsonObject()).status()).isEqualTo(200);
    String known = newNurse(true);
    long unmatched = count("SELECT count(*) FROM change_audit WHERE action = 'user.password_link_unmatched'");

    Api.Response unknown = ask("personne" + counter.incrementAndGet() + "@murat.test", "203.0.113.13");
    Api.Response deactivated = ask(gone, "203.0.113.13");
    Api.Response active = ask(known, "203.0.113.13");
    for (Api.Response answer : List.of(unknown, deactivated, active)) {
      assertThat(answer.status()).isEqualTo(202);
      assertThat(answer.body()).isEqualTo(active.body());
    }
    Eventually.until("both requests that matched no account are in the trail",
        () -> count("SELECT count(*) FROM change_audit WHERE action = 'user.password_link_unmatched'") == unmatched + 2);
    link(known, 1);
    assertThat(mailsTo(gone, LINK_SUBJECT)).isEmpty();
    assertThat(count("SELECT count(*) FROM password_link l JOIN app_user u ON u.id = l.user_id WHERE u.email = $1", gone))
        .isZero();
  }

  @Test
  void the_answer_comes_before_the_account_is_looked_for() throws Exception {
    String email = newNurse(true);
    DatabaseEndpoint db = node.database();
    try (var holding = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      holding.setAutoCommit(false);
      try (var lock = holding.prepareStatement("SELECT 1 FROM app_user WHERE email = ? FOR UPDATE")) {
        lock.setString(1, email);
        lock.executeQuery().close();
      }
      // Her row held: the look-up waits, the answer does not.
      Api.Response asked = ask(email, "203.0.113.14");
      assertThat(asked.status()).isEqualTo(202);
      assertThat(trail(email)).doesNotContain("user.password_link_sent 203.0.113.14");
      holding.rollback();
    }
    Eventually.until("her link is made once her row is free", () -> trail(email).contains("user.password_link_sent 203.0.113.14"));
  }

  @Test
  void a_link_is_spent_once_even_sent_twice_at_once() throws Exception {
    String email = newNurse(true);
    assertThat(ask(email, "203.0.113.15").status()).isEqualTo(202);
    String token = link(email, 1);

    DatabaseEndpoint db = node.database();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    List<Integer> statuses = new ArrayList<>();
    try (var holding = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
         var watching = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      holding.setAutoCommit(false);
      // Her account's row held: both confirms found the link usable, hashed, and wait to spend it.
      try (var lock = holding.prepareStatement("SELECT 1 FROM app_user WHERE email = ? FOR UPDATE")) {
        lock.setString(1, email);
        lock.executeQuery().close();
      }
      var first = threads.submit(() -> confirm(token, CHOSEN, "203.0.113.15"));
      var second = threads.submit(() -> confirm(token, CHOSEN + "-b", "203.0.113.15"));
      Eventually.until("both confirms wait to spend the link", () -> {
        try (var count = watching.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            + " AND wait_event_type = 'Lock' AND query LIKE 'SELECT id FROM app_user WHERE id = $1 AND active FOR NO KEY UPDATE%'");
             var rows = count.executeQuery()) {
          rows.next();
          return rows.getInt(1) == 2;
        } catch (java.sql.SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      holding.rollback();
      statuses.add(first.get(30, TimeUnit.SECONDS).status());
      statuses.add(second.get(30, TimeUnit.SECONDS).status());
    } finally {
      threads.shutdownNow();
    }
    assertThat(statuses).containsExactlyInAnyOrder(200, 410);
    String winner = statuses.get(0) == 200 ? CHOSEN : CHOSEN + "-b";
    String loser = statuses.get(0) == 200 ? CHOSEN + "-b" : CHOSEN;
    assertThat(signIn(email, winner)).isEqualTo(200);
    assertThat(signIn(email, loser)).as("the confirm that lost changed nothing").isEqualTo(401);
    assertThat(trail(email).stream().filter(l -> l.startsWith("user.password_reset "))).hasSize(1);
  }

  @Test
  void a_link_older_than_an_hour_is_refused() throws Exception {
    String email = newNurse(true);
    assertThat(ask(email, "203.0.113.16").status()).isEqualTo(202);
    String token = link(email, 1);
    clock.advance(Duration.ofMinutes(60));
    Api.Response late = confirm(token, CHOSEN, "203.0.113.16");
    assertThat(late.status()).as(late.toString()).isEqualTo(410);
    assertThat(late.isProblem()).isTrue();
    assertThat(late.detail()).isEqualTo(NO_LONGER_VALID);
    assertThat(late.json().getString("type")).endsWith("password-link-invalid");
    assertThat(signIn(email, OWN)).as("unchanged").isEqualTo(200);
  }

  @Test
  void a_used_replaced_or_unknown_link_is_refused_alike_and_a_link_replaced_before_its_mail_went_is_not_sent() throws Exception {
    String email = newNurse(true);
    assertThat(ask(email, "203.0.113.17").status()).isEqualTo(202);
    String first = link(email, 1);
    clock.advance(Duration.ofMinutes(1));
    assertThat(ask(email, "203.0.113.17").status()).isEqualTo(202);
    String second = link(email, 2);

    Api.Response replaced = confirm(first, CHOSEN, "203.0.113.17");
    assertThat(replaced.status()).as("the first, replaced by the second").isEqualTo(410);
    assertThat(confirm(second, CHOSEN, "203.0.113.17").status()).isEqualTo(200);
    Api.Response used = confirm(second, CHOSEN + "-b", "203.0.113.17");
    Api.Response unknown = confirm("A".repeat(43), CHOSEN + "-b", "203.0.113.17");
    for (Api.Response answer : List.of(replaced, used, unknown)) {
      assertThat(answer.status()).isEqualTo(410);
      // The same problem for all (each names its own request).
      assertThat(answer.json().copy().put("requestId", "-")).isEqualTo(replaced.json().copy().put("requestId", "-"));
    }
    assertThat(signIn(email, CHOSEN)).isEqualTo(200);

    // Two requests before the mail job runs: only the newer link is sent, the other was void before it went.
    clock.advance(Duration.ofMinutes(1));
    String other = newNurse(true);
    assertThat(ask(other, "203.0.113.17").status()).isEqualTo(202);
    Eventually.until("the first request is written", () -> trail(other).contains("user.password_link_sent 203.0.113.17"));
    assertThat(ask(other, "203.0.113.17").status()).isEqualTo(202);
    Eventually.until("the second too", () -> trail(other).stream().filter(l -> l.startsWith("user.password_link_sent")).count() == 2);
    String token = link(other, 1);
    TestNode.await(node.node().runJobs());
    assertThat(mailsTo(other, LINK_SUBJECT)).as("one mail, the newer link's").hasSize(1);
    assertThat(confirm(token, CHOSEN, "203.0.113.17").status()).isEqualTo(200);
  }

  @Test
  void a_refused_new_password_is_a_422_naming_it_and_the_link_still_works() throws Exception {
    String email = newNurse(true);
    assertThat(ask(email, "203.0.113.18").status()).isEqualTo(202);
    String token = link(email, 1);
    Api.Response tooShort = confirm(token, "court", "203.0.113.18");
    assertThat(tooShort.status()).as(tooShort.toString()).isEqualTo(422);
    assertThat(tooShort.detail()).isEqualTo("Champ « newPassword » invalide : au moins 10 caractères.");
    assertThat(confirm(token, "x".repeat(201), "203.0.113.18").status()).isEqualTo(422);
    assertThat(confirm(token, CHOSEN, "203.0.113.18").status()).as("the link unspent").isEqualTo(200);
  }

  @Test
  void a_reset_ends_her_other_sessions_and_sockets() throws Exception {
    String email = newNurse(true);
    JsonObject mine = node.api.post("/api/auth/login", new JsonObject().put("email", email).put("password", OWN)).json();
    JsonObject colleague = node.api.post("/api/auth/login", new JsonObject().put("email", TestNode.ADMIN_EMAIL)
        .put("password", TestNode.ADMIN_PASSWORD)).json();
    try (WsClient socket = WsClient.hello(node.port(), mine.getString("accessToken"), null);
         WsClient colleagues = WsClient.hello(node.port(), colleague.getString("accessToken"), null)) {
      assertThat(ask(email, "203.0.113.19").status()).isEqualTo(202);
      assertThat(confirm(link(email, 1), CHOSEN, "203.0.113.19").status()).isEqualTo(200);

      assertThat(socket.awaitClose()).as("her socket, long before its token's expiry").isEqualTo(4401);
      assertThat(node.api.get("/api/me", mine.getString("accessToken")).status()).as("her access token").isEqualTo(401);
      assertThat(node.api.post("/api/auth/refresh", new JsonObject().put("refreshToken", mine.getString("refreshToken")))
          .status()).as("her refresh token").isEqualTo(401);
      colleagues.send(new JsonObject().put("type", "ping"));
      assertThat(colleagues.next(m -> "pong".equals(m.getString("type")))).as("another user's socket is open").isNotNull();
    }
  }

  @Test
  void a_password_changed_meanwhile_voids_her_link() throws Exception {
    String email = newNurse(true);
    assertThat(ask(email, "203.0.113.20").status()).isEqualTo(202);
    String token = link(email, 1);
    assertThat(node.api.post("/api/auth/password", node.api.login(email, OWN), new JsonObject()
        .put("currentPassword", OWN).put("newPassword", CHOSEN)).status()).isEqualTo(200);
    assertThat(confirm(token, "encore-un-autre-2026", "203.0.113.20").status()).isEqualTo(410);
    assertThat(signIn(email, CHOSEN)).isEqualTo(200);
  }

  @Test
  void at_most_three_links_an_hour_reach_her_and_the_answer_stays_the_same() throws Exception {
    String email = newNurse(true);
    for (int i = 1; i <= 3; i++) {
      // From as many addresses: the account's limit is not the address's.
      assertThat(ask(email, "198.51.100." + i).status()).isEqualTo(202);
      link(email, i);
    }
    Api.Response fourth = ask(email, "198.51.100.4");
    assertThat(fourth.status()).isEqualTo(202);
    assertThat(fourth.json().getString("message")).isEqualTo(ASKED);
    Eventually.until("the fourth is in the trail", () -> trail(email).contains("user.password_link_over_limit 198.51.100.4"));
    TestNode.await(node.node().runJobs());
    assertThat(mailsTo(email, LINK_SUBJECT)).hasSize(3);

    clock.advance(Duration.ofMinutes(61));
    assertThat(ask(email, "198.51.100.5").status()).isEqualTo(202);
    assertThat(confirm(link(email, 4), CHOSEN, "198.51.100.5").status()).as("an hour later").isEqualTo(200);
  }

  @Test
  void requests_and_confirms_are_limited_per_address_and_per_ipv6_network() {
    String email = newNurse(true);
    for (int i = 0; i < 5; i++) {
      assertThat(ask(email, "192.0.2.1").status()).isEqualTo(202);
      assertThat(confirm("guess-" + i, CHOSEN, "192.0.2.1").status()).isEqualTo(410);
    }
    Api.Response tooMany = ask(email, "192.0.2.1");
    assertThat(tooMany.status()).isEqualTo(429);
    assertThat(tooMany.isProblem()).isTrue();
    assertThat(tooMany.headers().firstValue("Retry-After")).isPresent();
    assertThat(confirm("guess-5", CHOSEN, "192.0.2.1").status()).as("guesses too").isEqualTo(429);
    assertThat(ask(email, "192.0.2.2").status()).as("another address").isEqualTo(202);

    // Eight /64s of one /48 are as many addresses, but one network.
    for (int i = 1; i <= 8; i++) {
      assertThat(ask(email, "2001:db8:cafe:" + i + "::1").status()).isEqualTo(202);
    }
    assertThat(ask(email, "2001:db8:cafe:9::1").status()).isEqualTo(429);
    assertThat(ask(email, "2001:db8:beef:1::1").status()).as("another network").isEqualTo(202);
  }

  @Test
  void an_admin_sends_her_a_link_valid_72_hours_and_never_sees_its_token() throws Exception {
    String email = newNurse(true);
    Api.Response sent = node.api.post("/api/users/" + userId(email) + "/password-link", node.adminToken(), null);
    assertThat(sent.status()).as(sent.toString()).isEqualTo(202);
    TestNode.await(node.node().runJobs());
    Eventually.until("her mail", () -> mailsTo(email, "Choisir votre mot de passe Cantou").size() == 1);
    String text = PasswordChangeMailTest.text(mailsTo(email, "Choisir votre mot de passe Cantou").get(0));
    assertThat(text).contains("L'administrateur de Cantou (le département) vous envoie un lien pour choisir le mot de passe");
    Matcher found = PasswordLinkRequests.LINK.matcher(text);
    assertThat(found.find()).isTrue();
    String token = found.group(1);
    assertThat(sent.body()).doesNotContain(token);
    assertThat(signIn(email, OWN)).as("her password is unchanged until she uses the link").isEqualTo(200);
    assertThat(count("SELECT count(*) FROM change_audit c JOIN app_user a ON a.id = c.user_id AND a.email = $1"
        + " WHERE c.action = 'user.password_link_sent' AND c.item_id = $2", TestNode.ADMIN_EMAIL, userId(email)))
        .as("the line says which admin sent it").isEqualTo(1);

    clock.advance(Duration.ofHours(71));
    assertThat(confirm(token, CHOSEN, "203.0.113.21").status()).as("three days later, almost").isEqualTo(200);
    assertThat(signIn(email, CHOSEN)).isEqualTo(200);

    // A second one, left for 72 hours: refused.
    assertThat(node.api.post("/api/users/" + userId(email) + "/password-link", node.adminToken(), null).status()).isEqualTo(202);
    TestNode.await(node.node().runJobs());
    Eventually.until("her second mail", () -> mailsTo(email, "Choisir votre mot de passe Cantou").size() == 2);
    Matcher second = PasswordLinkRequests.LINK.matcher(PasswordChangeMailTest.text(mailsTo(email, "Choisir votre mot de passe Cantou").get(1)));
    assertThat(second.find()).isTrue();
    clock.advance(Duration.ofHours(72));
    assertThat(confirm(second.group(1), "encore-un-autre-2026", "203.0.113.21").status()).isEqualTo(410);

    String gone = newNurse(true);
    String id = userId(gone);
    assertThat(node.api.post("/api/users/" + id + "/deactivate", node.adminToken(), new JsonObject()).status()).isEqualTo(200);
    assertThat(node.api.post("/api/users/" + id + "/password-link", node.adminToken(), null).status())
        .as("a deactivated account").isEqualTo(404);
  }

  @Test
  void an_account_made_without_a_password_is_invited_by_mail_to_choose_hers_and_the_admin_never_knows_it() throws Exception {
    String email = "invitee" + counter.incrementAndGet() + "@murat.test";
    JsonObject body = new JsonObject().put("email", email).put("role", "doctor").put("displayName", "Dr Anne Invitée");
    Api.Response made = node.api.post("/api/users", node.adminToken(), body, "invitation-" + email);
    assertThat(made.status()).as(made.toString()).isEqualTo(201);
    Api.Response again = node.api.post("/api/users", node.adminToken(), body, "invitation-" + email);
    assertThat(again.json().getString("id")).as("the same account, sent again with its key").isEqualTo(made.json().getString("id"));
    assertThat(count("SELECT count(*) FROM password_link l JOIN app_user u ON u.id = l.user_id WHERE u.email = $1", email))
        .as("one invitation").isEqualTo(1);

    TestNode.await(node.node().runJobs());
    String subject = "Votre compte Cantou : choisissez votre mot de passe";
    Eventually.until("her invitation", () -> mailsTo(email, subject).size() == 1);
    String text = PasswordChangeMailTest.text(mailsTo(email, subject).get(0));
    assertThat(text).contains("Un compte Cantou vient d'être ouvert pour vous");
    Matcher found = PasswordLinkRequests.LINK.matcher(text);
    assertThat(found.find()).isTrue();
    assertThat(made.body()).doesNotContain(found.group(1));

    assertThat(confirm(found.group(1), CHOSEN, "203.0.113.22").status()).isEqualTo(200);
    JsonObject session = node.api.post("/api/auth/login", new JsonObject().put("email", email).put("password", CHOSEN)).json();
    assertThat(session.getJsonObject("user").getBoolean("mustChangePassword")).as("hers from the start").isFalse();
  }

  private static String userId(String email) {
    return TestNode.await(node.node().platform().pool().preparedQuery("SELECT id::text FROM app_user WHERE email = $1")
        .execute(Tuple.of(email))).iterator().next().getString(0);
  }
}
