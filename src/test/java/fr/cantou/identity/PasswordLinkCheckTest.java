package fr.cantou.identity;

import com.icegreen.greenmail.util.GreenMail;
import fr.cantou.support.Api;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static fr.cantou.identity.PasswordLinkRequests.BY_ADMIN;
import static fr.cantou.identity.PasswordLinkRequests.INVITATION;
import static fr.cantou.identity.PasswordLinkRequests.RESET;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The link's page asks, before she types, whether her link still works: it is told the link's purpose and until when it
 * serves, never whose it is; the link is neither spent nor voided nor lengthened. A link that no longer works gets the
 * confirm's 410, and a check of a token that opens nothing counts with the confirms' failures, so checking never gives
 * a guesser more tries; a check that finds a link is given back.
 */
class PasswordLinkCheckTest {
  private static final String OWN = "le-lioran-sous-la-neige";
  private static final String CHOSEN = "mon-jardin-a-Salers-2026";
  private static final AtomicInteger counter = new AtomicInteger();
  /** Monday 7 December 2026, 10 h 30 in Paris. */
  private static final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T09:30:00Z"));
  @RegisterExtension
  static final PasswordLinkNode started = new PasswordLinkNode(clock);
  private static final GreenMail smtp = started.smtp;
  private static final TestNode node = started.node;

  /** A nurse's account with her own password {@link #OWN}; its e-mail. */
  private static String newNurse() {
    String email = "verifie" + counter.incrementAndGet() + "@murat.test";
    Api.Response home = node.api.post("/api/organisations", node.adminToken(), new JsonObject().put("kind", "ehpad")
        .put("name", "EHPAD du lien n° " + counter.incrementAndGet()).put("commune", "Murat"));
    assertThat(home.status()).as(home.toString()).isEqualTo(201);
    Api.Response made = node.api.post("/api/users", node.adminToken(), new JsonObject().put("email", email)
        .put("password", "typed-by-the-admin-1").put("role", "nurse").put("displayName", "Marie Vidal")
        .put("organisationId", home.json().getString("id")));
    assertThat(made.status()).as(made.toString()).isEqualTo(201);
    node.api.chooseOwnPassword(email, "typed-by-the-admin-1", OWN);
    return email;
  }

  private static Api.Response check(String token, String from) {
    return node.api.send("POST", "/api/auth/password-reset/check", null, new JsonObject().put("token", token).encode(),
        Map.of("Content-Type", "application/json", "Accept-Language", "fr", "X-Forwarded-For", from));
  }

  private static Api.Response confirm(String token, String chosen, String from) {
    return PasswordLinkRequests.confirm(node.api, token, chosen, from);
  }

  /** The token of her mail number {@code nth} of this subject, the jobs run until it came. */
  private static String link(String email, String subject, int nth) throws Exception {
    return PasswordLinkRequests.token(node, smtp, email, subject, nth);
  }

  /** A link she asked for, from {@code from}: its token. */
  private static String askedFor(String email, String from, int nth) throws Exception {
    assertThat(PasswordLinkRequests.ask(node.api, email, from).status()).isEqualTo(202);
    return link(email, RESET, nth);
  }

  private static String userId(String email) {
    return TestNode.await(node.node().platform().pool().preparedQuery("SELECT id::text FROM app_user WHERE email = $1")
        .execute(Tuple.of(email))).iterator().next().getString(0);
  }

  private static void assertNoLongerValid(Api.Response answer, String which) {
    assertThat(answer.status()).as(which + ": " + answer).isEqualTo(410);
    assertThat(answer.isProblem()).isTrue();
    assertThat(answer.json().getString("type")).endsWith("password-link-invalid");
  }

  @Test
  void a_check_says_what_the_link_is_for_and_until_when_and_spends_nothing() throws Exception {
    String email = newNurse();
    Instant asked = clock.instant();
    String token = askedFor(email, "203.0.113.40", 1);

    for (int i = 0; i < 3; i++) {
      Api.Response checked = check(token, "203.0.113.40");
      assertThat(checked.status()).as(checked.toString()).isEqualTo(200);
      // Nothing of the account: no e-mail, no name, no id.
      assertThat(checked.json().fieldNames()).containsExactlyInAnyOrder("purpose", "expiresAt");
      assertThat(checked.json().getString("purpose")).isEqualTo("reset");
      assertThat(Instant.parse(checked.json().getString("expiresAt"))).as("not lengthened").isEqualTo(asked.plus(Duration.ofHours(1)));
    }
    assertThat(check(token, "203.0.113.40").body()).doesNotContain(email).doesNotContain("Marie").doesNotContain(userId(email));

    Api.Response chosen = confirm(token, CHOSEN, "203.0.113.40");
    assertThat(chosen.status()).as("the link checked is still hers to use: " + chosen).isEqualTo(200);
    assertThat(PasswordLinkRequests.signIn(node.api, email, CHOSEN)).isEqualTo(200);
    assertNoLongerValid(check(token, "203.0.113.40"), "spent");
  }

  @Test
  void a_link_an_admin_sent_and_an_invitation_say_so() throws Exception {
    String email = newNurse();
    assertThat(node.api.post("/api/users/" + userId(email) + "/password-link", node.adminToken(), null).status()).isEqualTo(202);
    Api.Response sent = check(link(email, BY_ADMIN, 1), "203.0.113.41");
    assertThat(sent.status()).as(sent.toString()).isEqualTo(200);
    assertThat(sent.json().getString("purpose")).isEqualTo("admin");
    assertThat(Instant.parse(sent.json().getString("expiresAt"))).isEqualTo(clock.instant().plus(Duration.ofHours(72)));

    String invitee = "invitee-verifie" + counter.incrementAndGet() + "@murat.test";
    assertThat(node.api.post("/api/users", node.adminToken(), new JsonObject().put("email", invitee).put("role", "doctor")
        .put("displayName", "Dr Anne Invitée")).status()).isEqualTo(201);
    Api.Response invited = check(link(invitee, INVITATION, 1), "203.0.113.41");
    assertThat(invited.status()).as(invited.toString()).isEqualTo(200);
    assertThat(invited.json().getString("purpose")).isEqualTo("invitation");
    assertThat(invited.body()).doesNotContain(invitee).doesNotContain("Anne");
  }

  @Test
  void a_replaced_expired_or_deactivated_accounts_link_or_an_unknown_token_gets_the_confirms_410() throws Exception {
    String email = newNurse();
    String first = askedFor(email, "203.0.113.42", 1);
    clock.advance(Duration.ofMinutes(1));
    String second = askedFor(email, "203.0.113.42", 2);
    assertNoLongerValid(check(first, "203.0.113.42"), "replaced by a newer one");
    assertThat(check(second, "203.0.113.42").status()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(59));
    assertThat(check(second, "203.0.113.42").status()).as("a minute before its end").isEqualTo(200);
    clock.advance(Duration.ofMinutes(1));
    assertNoLongerValid(check(second, "203.0.113.42"), "expired");

    String gone = newNurse();
    assertThat(node.api.post("/api/users/" + userId(gone) + "/password-link", node.adminToken(), null).status()).isEqualTo(202);
    String token = link(gone, BY_ADMIN, 1);
    assertThat(check(token, "203.0.113.43").status()).isEqualTo(200);
    assertThat(node.api.post("/api/users/" + userId(gone) + "/deactivate", node.adminToken(), new JsonObject()).status())
        .isEqualTo(200);
    assertNoLongerValid(check(token, "203.0.113.43"), "of a deactivated account");

    Api.Response unknown = check("A".repeat(43), "203.0.113.43");
    assertNoLongerValid(unknown, "unknown");
    // The same problem as the confirm's (each names its own request).
    Api.Response confirmed = confirm("A".repeat(43), CHOSEN, "203.0.113.43");
    assertThat(unknown.json().copy().put("requestId", "-").put("instance", "-"))
        .isEqualTo(confirmed.json().copy().put("requestId", "-").put("instance", "-"));
  }

  @Test
  void checks_that_open_nothing_count_with_the_failed_confirms_so_they_give_no_extra_guesses() {
    // Five an hour from one address (the node's setting): three checks and two confirms of guessed tokens.
    for (int i = 0; i < 3; i++) {
      assertThat(check("guess-check-" + i, "192.0.2.40").status()).isEqualTo(410);
    }
    for (int i = 0; i < 2; i++) {
      assertThat(confirm("guess-confirm-" + i, CHOSEN, "192.0.2.40").status()).isEqualTo(410);
    }
    Api.Response checkRefused = check("guess-check-3", "192.0.2.40");
    assertThat(checkRefused.status()).as(checkRefused.toString()).isEqualTo(429);
    assertThat(checkRefused.headers().firstValue("Retry-After")).isPresent();
    assertThat(confirm("guess-confirm-2", CHOSEN, "192.0.2.40").status()).as("the confirms too").isEqualTo(429);

    // The other way round: failed confirms first, then the checks are refused.
    for (int i = 0; i < 5; i++) {
      assertThat(confirm("guess-confirm-b" + i, CHOSEN, "192.0.2.41").status()).isEqualTo(410);
    }
    assertThat(check("guess-check-b", "192.0.2.41").status()).isEqualTo(429);
    assertThat(check("guess-check-c", "192.0.2.42").status()).as("another address").isEqualTo(410);
  }

  @Test
  void checks_that_find_their_link_are_given_back_so_a_homes_one_address_is_never_refused() throws Exception {
    List<String> nurses = List.of(newNurse(), newNurse(), newNurse());
    List<String> tokens = new java.util.ArrayList<>();
    for (String email : nurses) {
      tokens.add(askedFor(email, "192.0.2.50", 1));
    }
    // Each nurse opens her page twice (a reload): six checks, over the limit of five, none counted.
    for (int round = 0; round < 2; round++) {
      for (String token : tokens) {
        Api.Response checked = check(token, "192.0.2.50");
        assertThat(checked.status()).as(checked.toString()).isEqualTo(200);
      }
    }
    // Four mistyped guesses from there still fit under the five: the checks took nothing.
    for (int i = 0; i < 4; i++) {
      assertThat(check("mistyped-" + i, "192.0.2.50").status()).isEqualTo(410);
    }
    for (String token : tokens) {
      assertThat(confirm(token, CHOSEN, "192.0.2.50").status()).isEqualTo(200);
    }
  }
}
