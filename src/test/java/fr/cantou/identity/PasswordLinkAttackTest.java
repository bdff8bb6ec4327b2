package fr.cantou.identity;

import com.icegreen.greenmail.util.GreenMail;
import fr.cantou.support.Api;
import fr.cantou.support.Eventually;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static fr.cantou.identity.PasswordLinkRequests.BY_ADMIN;
import static fr.cantou.identity.PasswordLinkRequests.INVITATION;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a stranger who knows her address, a home's one shared address, or a retried creation cannot do to the links that
 * choose a password (asked for, sent by an admin, an invitation).
 */
class PasswordLinkAttackTest {
  private static final String CHOSEN = "mon-jardin-a-Salers-2026";
  private static final AtomicInteger counter = new AtomicInteger();
  /** Friday 4 December 2026, 17 h in Paris: the invitation is made before the weekend. */
  private static final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T16:00:00Z"));
  @RegisterExtension
  static final PasswordLinkNode started = new PasswordLinkNode(clock);
  private static final GreenMail smtp = started.smtp;
  private static final TestNode node = started.node;

  private static String newHome() {
    Api.Response home = node.api.post("/api/organisations", node.adminToken(), new JsonObject().put("kind", "ehpad")
        .put("name", "EHPAD r16 n° " + counter.incrementAndGet()).put("commune", "Murat"));
    assertThat(home.status()).as(home.toString()).isEqualTo(201);
    return home.json().getString("id");
  }

  /** A nurse's account made without a password (an invitation is queued). Its e-mail. */
  private static String invitedNurse(String home) {
    String email = "invitee-r16-" + counter.incrementAndGet() + "@murat.test";
    Api.Response made = node.api.post("/api/users", node.adminToken(), new JsonObject().put("email", email)
        .put("role", "nurse").put("displayName", "Marie Invitée").put("organisationId", home));
    assertThat(made.status()).as(made.toString()).isEqualTo(201);
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

  /** The token of her mail number {@code nth} of this subject, the jobs run until it came. */
  private static String link(String email, String subject, int nth) throws Exception {
    return PasswordLinkRequests.token(node, smtp, email, subject, nth);
  }

  private static long count(String sql, Object... args) {
    return TestNode.await(node.node().platform().pool().preparedQuery(sql).execute(Tuple.from(args)))
        .iterator().next().getLong(0);
  }

  /**
   * The invitation (72 hours, "for the one who reads her mail on Monday") must not be voided by anyone on the internet who
   * types her address on "Mot de passe oublié ?": a stranger's request replaces it with a one-hour link, which is dead
   * by Monday.
   */
  @Test
  void a_strangers_request_for_her_address_does_not_cut_her_invitation_short() throws Exception {
    String email = invitedNurse(newHome());
    String invitation = link(email, INVITATION, 1);

    // Friday evening, anyone who knows (or guesses: prenom.nom@...) her address.
    assertThat(ask(email, "198.51.100.66").status()).isEqualTo(202);
    Eventually.until("the stranger's request is handled",
        () -> count("SELECT count(*) FROM password_link l JOIN app_user u ON u.id = l.user_id WHERE u.email = $1", email) == 2);

    // Monday morning, 64 hours later: she opens the invitation her administrator announced.
    clock.advance(Duration.ofHours(64));
    Api.Response chosen = confirm(invitation, CHOSEN, "203.0.113.60");
    assertThat(chosen.status()).as("her invitation, within its 72 hours: " + chosen).isEqualTo(200);
  }

  /** The same with the link an admin sends (72 hours): a stranger's request must not void it. */
  @Test
  void a_strangers_request_does_not_void_the_link_her_admin_sent() throws Exception {
    String email = invitedNurse(newHome());
    link(email, INVITATION, 1);
    String id = TestNode.await(node.node().platform().pool().preparedQuery("SELECT id::text FROM app_user WHERE email = $1")
        .execute(Tuple.of(email))).iterator().next().getString(0);
    assertThat(node.api.post("/api/users/" + id + "/password-link", node.adminToken(), null).status()).isEqualTo(202);
    String sent = link(email, BY_ADMIN, 1);

    assertThat(ask(email, "198.51.100.67").status()).isEqualTo(202);
    Eventually.until("the stranger's request is handled",
        () -> count("SELECT count(*) FROM password_link l JOIN app_user u ON u.id = l.user_id WHERE u.email = $1", email) == 3);
    clock.advance(Duration.ofHours(2));
    Api.Response chosen = confirm(sent, CHOSEN, "203.0.113.61");
    assertThat(chosen.status()).as("the admin's link, within its 72 hours: " + chosen).isEqualTo(200);
  }

  /**
   * The nurses of one EHPAD, invited together, choose their passwords on Monday morning from the home's one public
   * address (its box, NAT). A link's token is 256 random bits: counting every confirm per address guards nothing, and
   * refuses the sixth nurse (the limit here 5; 10 in production) "Too many attempts from your connection".
   */
  @Test
  void the_nurses_of_one_ehpad_behind_one_address_all_choose_their_passwords_from_their_invitations() throws Exception {
    String home = newHome();
    List<String> nurses = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      nurses.add(invitedNurse(home));
    }
    List<Integer> statuses = new ArrayList<>();
    for (String nurse : nurses) {
      statuses.add(confirm(link(nurse, INVITATION, 1), CHOSEN, "203.0.113.99").status());
    }
    assertThat(statuses).as("each with her own valid invitation, from the home's address").containsOnly(200);
  }

  /**
   * The Idempotency-Key's fingerprint leaves out whether a password was given: an API client's retry of a creation whose
   * answer was lost, sent again without the password (the admin chose to invite instead), is answered 201 with the first
   * account, which has the typed password and no invitation: the admin is told of an invitation that never goes.
   */
  @Test
  void a_creation_answered_as_an_invitation_under_its_key_sends_her_one_or_is_refused() {
    String email = "retry-r16-" + counter.incrementAndGet() + "@murat.test";
    JsonObject typed = new JsonObject().put("email", email).put("role", "doctor").put("displayName", "Dr Anne Clef")
        .put("password", "typed-by-the-admin-9");
    String key = "creation-" + email;
    Api.Response first = node.api.post("/api/users", node.adminToken(), typed, key);
    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    // Its answer lost; sent again, as an invitation, with the same key.
    JsonObject invited = typed.copy();
    invited.remove("password");
    Api.Response again = node.api.post("/api/users", node.adminToken(), invited, key);
    long links = count("SELECT count(*) FROM password_link l JOIN app_user u ON u.id = l.user_id WHERE u.email = $1", email);
    assertThat(again.status() == 422 || links == 1)
        .as("answered " + again.status() + " as if invited, with " + links + " invitation").isTrue();
  }

  /** Held: a deactivated account's invitation opens nothing, and a link asked for after is not made. */
  @Test
  void a_link_of_an_account_deactivated_after_its_mail_went_opens_nothing() throws Exception {
    String email = invitedNurse(newHome());
    String invitation = link(email, INVITATION, 1);
    String id = TestNode.await(node.node().platform().pool().preparedQuery("SELECT id::text FROM app_user WHERE email = $1")
        .execute(Tuple.of(email))).iterator().next().getString(0);
    assertThat(node.api.post("/api/users/" + id + "/deactivate", node.adminToken(), new JsonObject()).status()).isEqualTo(200);
    Api.Response late = confirm(invitation, CHOSEN, "203.0.113.80");
    assertThat(late.status()).as(late.toString()).isEqualTo(410);
    assertThat(signIn(email, CHOSEN)).isEqualTo(401);
    assertThat(node.api.post("/api/users/" + id + "/password-link", node.adminToken(), null).status()).isEqualTo(404);
  }
}
