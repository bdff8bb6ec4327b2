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

import static fr.cantou.identity.PasswordLinkRequests.BY_ADMIN;
import static fr.cantou.identity.PasswordLinkRequests.RESET;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A password link, once it ended (spent, void or expired), is kept 30 days (auth.passwordLinkRetentionDays), then the
 * jobs delete it with its tokens' hashes and its mail's row; a link ended more recently, and one that still opens, stay.
 */
class PasswordLinkRetentionTest {
  private static final String CHOSEN = "mon-jardin-a-Salers-2026";
  /** Tuesday 3 November 2026, 10 h in Paris. */
  private static final MutableClock clock = new MutableClock(Instant.parse("2026-11-03T09:00:00Z"));
  @RegisterExtension
  static final PasswordLinkNode started = new PasswordLinkNode(clock);
  private static final GreenMail smtp = started.smtp;
  private static final TestNode node = started.node;

  /** A nurse's account; its e-mail. */
  private static String newNurse(String name) {
    String email = name + "@murat.test";
    Api.Response home = node.api.post("/api/organisations", node.adminToken(), new JsonObject().put("kind", "ehpad")
        .put("name", "EHPAD de " + name).put("commune", "Murat"));
    assertThat(home.status()).as(home.toString()).isEqualTo(201);
    Api.Response made = node.api.post("/api/users", node.adminToken(), new JsonObject().put("email", email)
        .put("password", "typed-by-the-admin-1").put("role", "nurse").put("displayName", "Marie Vidal")
        .put("organisationId", home.json().getString("id")));
    assertThat(made.status()).as(made.toString()).isEqualTo(201);
    return email;
  }

  private static String askedFor(String email, int nth) throws Exception {
    assertThat(PasswordLinkRequests.ask(node.api, email, "203.0.113.60").status()).isEqualTo(202);
    return PasswordLinkRequests.token(node, smtp, email, RESET, nth);
  }

  private static String userId(String email) {
    return TestNode.await(node.node().platform().pool().preparedQuery("SELECT id::text FROM app_user WHERE email = $1")
        .execute(Tuple.of(email))).iterator().next().getString(0);
  }

  /** Her links, their tokens' hashes and their mails' rows, "links tokens mails". */
  private static String kept(String email) {
    var row = TestNode.await(node.node().platform().pool().preparedQuery("""
            SELECT (SELECT count(*) FROM password_link l WHERE l.user_id = u.id),
                   (SELECT count(*) FROM password_link_token t JOIN password_link l ON l.id = t.link_id WHERE l.user_id = u.id),
                   (SELECT count(*) FROM visio_mail m WHERE m.user_id = u.id AND m.kind = 'password_link')
            FROM app_user u WHERE u.email = $1""").execute(Tuple.of(email))).iterator().next();
    return row.getLong(0) + " " + row.getLong(1) + " " + row.getLong(2);
  }

  @Test
  void links_ended_more_than_30_days_ago_go_with_their_tokens_and_mails_and_later_or_open_ones_stay() throws Exception {
    // 3 November: a link spent, one replaced (void) and the one that replaced it left to expire; the mail she got
    // when her password changed.
    String spent = newNurse("spent-early");
    assertThat(PasswordLinkRequests.confirm(node.api, askedFor(spent, 1), CHOSEN, "203.0.113.60").status()).isEqualTo(200);
    String unused = newNurse("unused-early");
    askedFor(unused, 1);
    askedFor(unused, 2);
    TestNode.await(node.node().runJobs());
    assertThat(kept(spent)).isEqualTo("1 1 1");
    assertThat(kept(unused)).isEqualTo("2 2 2");

    // 4 December, 9 h 30 (Paris): a link spent; then one sent by the admin, open.
    clock.set(Instant.parse("2026-12-04T08:30:00Z"));
    String recent = newNurse("spent-recently");
    assertThat(PasswordLinkRequests.confirm(node.api, askedFor(recent, 1), CHOSEN, "203.0.113.60").status()).isEqualTo(200);
    String open = newNurse("open");
    assertThat(node.api.post("/api/users/" + userId(open) + "/password-link", node.adminToken(), null).status()).isEqualTo(202);
    String openToken = PasswordLinkRequests.token(node, smtp, open, BY_ADMIN, 1);

    // 5 December, 10 h 05 (Paris): the unused links expired 3 November at 11 h, more than 30 days ago.
    clock.set(Instant.parse("2026-12-05T09:05:00Z"));
    TestNode.await(node.node().runJobs());
    assertThat(kept(spent)).as("spent 32 days ago").isEqualTo("0 0 0");
    assertThat(kept(unused)).as("void, and expired, 32 days ago").isEqualTo("0 0 0");
    assertThat(kept(recent)).as("spent a day ago").isEqualTo("1 1 1");
    assertThat(kept(open)).as("still open").isEqualTo("1 1 1");
    assertThat(TestNode.await(node.node().platform().pool().preparedQuery("""
            SELECT count(*) FROM visio_mail m JOIN app_user u ON u.id = m.user_id
            WHERE u.email = $1 AND m.kind = 'password_changed'""").execute(Tuple.of(spent))).iterator().next().getLong(0))
        .as("the mail that told her the password changed, sent 32 days ago, goes too (AccountMailRetentionTest)").isZero();

    Api.Response usable = PasswordLinkRequests.confirm(node.api, openToken, CHOSEN, "203.0.113.60");
    assertThat(usable.status()).as("the open link still works: " + usable).isEqualTo(200);

    // 30 days and a minute after the recent one was spent: it goes too.
    clock.set(Instant.parse("2026-12-04T08:30:00Z").plus(Duration.ofDays(30)).plus(Duration.ofMinutes(1)));
    TestNode.await(node.node().runJobs());
    assertThat(kept(recent)).isEqualTo("0 0 0");
  }
}
