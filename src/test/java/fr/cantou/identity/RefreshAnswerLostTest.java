package fr.cantou.identity;

import fr.cantou.platform.secrets.Secrets;
import fr.cantou.support.Api;
import fr.cantou.support.Eventually;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A nurse on a weak link leaves a staff page while its refresh is on the way, or the link drops after the server has
 * rotated her refresh token: the page never hears of the new one, and sends the spent token again. Read as a stolen
 * token, her session used to end in the middle of her day. Her page now sends, with every send of a token, the key of a
 * secret it keeps in her tab, and reveals the secret when it sends that token again (with the key of the next): she is
 * answered again, as a new session, the lost one ended, as often as the line drops ({@link AnswerChain}: the page's
 * secrets). Whoever holds a copy of her request, or the lost answer, gets nothing.
 */
class RefreshAnswerLostTest {
  static final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T08:00:00Z"));
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(TestDatabase.fresh(), Map.of(), clock);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void the_spent_token_sent_again_with_the_secret_of_its_first_send_is_answered_as_a_new_session() {
    String first = SessionProbe.signIn(node, clock).getString("refreshToken");
    AnswerSecret kept = AnswerSecret.random();
    JsonObject lost = SessionProbe.refresh(node, first, kept.asKey()).json();
    long linesBefore = SessionProbe.lines(node, "session.answered_again");

    Api.Response again = SessionProbe.refresh(node, first, kept.revealed());

    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    assertThat(node.api.get("/api/me", again.json().getString("accessToken")).status()).isEqualTo(200);
    assertThat(SessionProbe.refresh(node, again.json().getString("refreshToken"), AnswerSecret.random().asKey()).status())
        .as("the session goes on").isEqualTo(200);
    assertThat(node.api.get("/api/me", lost.getString("accessToken")).status())
        .as("the lost answer's access token, whoever took it on the way").isEqualTo(401);
    assertThat(SessionProbe.refresh(node, lost.getString("refreshToken"), null).status()).as("the lost answer's refresh token").isEqualTo(401);
    assertThat(SessionProbe.lines(node, "session.answered_again")).as("a line of the trail").isEqualTo(linesBefore + 1);
  }

  /**
   * A rural line dropping twice during one refresh: the answer to her first send lost, then the answer given again lost
   * too. Each send committed the key of the next: her third send reveals the secret of the second's key, and is
   * answered again, the session the second answered ended in turn.
   */
  @Test
  void an_answer_lost_twice_in_a_row_is_given_again_twice() {
    String first = SessionProbe.signIn(node, clock).getString("refreshToken");
    AnswerChain kept = AnswerChain.random();
    JsonObject lost = SessionProbe.refresh(node, first, kept.send(0)).json();
    Api.Response lostAgain = SessionProbe.refresh(node, first, kept.send(1));
    assertThat(lostAgain.status()).as(lostAgain.toString()).isEqualTo(200);
    long linesBefore = SessionProbe.lines(node, "session.answered_again");

    Api.Response third = SessionProbe.refresh(node, first, kept.send(2));

    assertThat(third.status()).as(third.toString()).isEqualTo(200);
    assertThat(SessionProbe.refresh(node, third.json().getString("refreshToken"), AnswerChain.random().send(0)).status())
        .as("the session goes on").isEqualTo(200);
    assertThat(node.api.get("/api/me", lostAgain.json().getString("accessToken")).status())
        .as("the access token of the answer lost again").isEqualTo(401);
    assertThat(node.api.get("/api/me", lost.getString("accessToken")).status()).isEqualTo(401);
    assertThat(SessionProbe.lines(node, "session.answered_again")).as("a line of the trail").isEqualTo(linesBefore + 1);
  }

  /** The line down before her send again left (it never reached the server): the next send's secret leads to the key. */
  @Test
  void a_send_again_that_never_arrived_is_passed_over_by_the_next() {
    AnswerChain kept = AnswerChain.random();
    String first = SessionProbe.spentBy(node, clock, kept);
    // kept.send(1) and kept.send(2): lost before they reached the server.

    Api.Response fourth = SessionProbe.refresh(node, first, kept.send(3));

    assertThat(fourth.status()).as(fourth.toString()).isEqualTo(200);
    assertThat(node.api.get("/api/me", fourth.json().getString("accessToken")).status()).isEqualTo(200);
  }

  /**
   * Whoever sees her send again on its way (a proxy logging bodies, an extension) has its secret, revealed: sent again
   * after hers was answered, it answers nothing, and it ends the session it copied, as any copy of a token does.
   */
  @Test
  void a_secret_already_revealed_never_answers_again() {
    AnswerChain kept = AnswerChain.random();
    String first = SessionProbe.spentBy(node, clock, kept);
    JsonObject hers = SessionProbe.refresh(node, first, kept.send(1)).json();
    long reusesBefore = SessionProbe.lines(node, "session.reuse_revoked");

    assertThat(SessionProbe.refresh(node, first, kept.send(1)).status()).as("her send again, copied").isEqualTo(401);
    assertThat(node.api.get("/api/me", hers.getString("accessToken")).status()).as("the session it copied").isEqualTo(401);
    assertThat(SessionProbe.lines(node, "session.reuse_revoked")).as("a theft line").isEqualTo(reusesBefore + 1);
  }

  /**
   * r15's G4. No attacker: she follows a link while her refresh (with its key) travels on a slow link; the new page sends
   * the token again with the secret, on a new connection, and it arrives first: the token is simply rotated. The first
   * send then arrives, late, with the key of the very secret that spent the token: refused as overtaken (409, which a
   * page left long ago never reads), and nothing ends.
   */
  @Test
  void her_first_send_arriving_after_her_send_again_does_not_sign_her_out() {
    String first = SessionProbe.signIn(node, clock).getString("refreshToken");
    AnswerSecret kept = AnswerSecret.random();
    Api.Response secondFirst = SessionProbe.refresh(node, first, kept.revealed()); // the new page's send, arrived first
    assertThat(secondFirst.status()).isEqualTo(200);
    long reusesBefore = SessionProbe.lines(node, "session.reuse_revoked");

    Api.Response late = SessionProbe.refresh(node, first, kept.asKey()); // the old page's first send, late

    assertThat(late.status()).isEqualTo(409);
    assertThat(late.json().getString("type")).endsWith("/refresh-overtaken");
    nothingEnded(secondFirst, reusesBefore);
  }

  /** The same along the chain: her send again overtaken by her next one (a page left while it travelled) ends nothing. */
  @Test
  void her_send_again_overtaken_by_her_next_one_ends_nothing() {
    AnswerChain kept = AnswerChain.random();
    String first = SessionProbe.spentBy(node, clock, kept);
    long reusesBefore = SessionProbe.lines(node, "session.reuse_revoked");
    Api.Response next = SessionProbe.refresh(node, first, kept.send(2)); // arrived before send 1
    assertThat(next.status()).as(next.toString()).isEqualTo(200);

    assertThat(SessionProbe.refresh(node, first, kept.send(1)).status()).as("her send 1, late").isEqualTo(409);
    assertThat(SessionProbe.refresh(node, first, kept.send(0)).status()).as("her first send, late").isEqualTo(409);
    nothingEnded(next, reusesBefore);
  }

  /** Along one chain as across tokens: past a few answers given again within half an hour, a send again is a reuse. */
  @Test
  void answers_given_again_along_one_chain_are_few_too() {
    AnswerChain kept = AnswerChain.random();
    String first = SessionProbe.spentBy(node, clock, kept);
    for (int n = 1; n <= AuthService.ANSWERED_AGAIN_AT_MOST; n++) {
      assertThat(SessionProbe.refresh(node, first, kept.send(n)).status()).as("send %d", n).isEqualTo(200);
    }

    assertThat(SessionProbe.refresh(node, first, kept.send(AuthService.ANSWERED_AGAIN_AT_MOST + 1)).status()).isEqualTo(401);
  }

  @Test
  void a_copy_of_the_first_send_sent_again_ends_the_session() {

    String first = SessionProbe.signIn(node, clock).getString("refreshToken");
    JsonObject copied = AnswerSecret.random().asKey().put("refreshToken", first);
    String pages = SessionProbe.refresh(node, first, copied).json().getString("refreshToken");
    long linesBefore = SessionProbe.lines(node, "session.reuse_revoked");

    assertThat(SessionProbe.refresh(node, first, copied).status()).as("the same bytes, sent by someone else").isEqualTo(401);
    assertThat(SessionProbe.refresh(node, pages, null).status()).as("the session it copied").isEqualTo(401);
    assertThat(SessionProbe.lines(node, "session.reuse_revoked")).isEqualTo(linesBefore + 1);
  }

  @Test
  void a_secret_that_is_not_the_one_of_the_first_send_ends_the_session() {
    String first = SessionProbe.signIn(node, clock).getString("refreshToken");
    JsonObject lost = SessionProbe.refresh(node, first, AnswerSecret.random().asKey()).json();

    assertThat(SessionProbe.refresh(node, first, AnswerSecret.random().revealed()).status()).isEqualTo(401);
    assertThat(SessionProbe.refresh(node, lost.getString("refreshToken"), null).status()).as("the session ended").isEqualTo(401);
  }

  @Test
  void a_copy_of_her_send_again_sent_later_ends_the_session_answered_again_too() {
    String first = SessionProbe.signIn(node, clock).getString("refreshToken");
    AnswerSecret kept = AnswerSecret.random();
    SessionProbe.refresh(node, first, kept.asKey());
    JsonObject again = SessionProbe.refresh(node, first, kept.revealed()).json();
    long reusesBefore = SessionProbe.lines(node, "session.reuse_revoked");

    assertThat(SessionProbe.refresh(node, first, kept.revealed()).status()).as("the send again, copied and sent later").isEqualTo(401);
    assertThat(node.api.get("/api/me", again.getString("accessToken")).status())
        .as("someone else had her request: the session it answered ends").isEqualTo(401);
    assertThat(SessionProbe.refresh(node, again.getString("refreshToken"), null).status()).isEqualTo(401);
    assertThat(SessionProbe.lines(node, "session.reuse_revoked")).as("a theft line").isEqualTo(reusesBefore + 1);
  }

  /**
   * Whoever sees her send again before it leaves (an extension, a proxy logging bodies) sends the same bytes first and
   * is answered; her own send, arriving after, is a token of a lineage that lives on elsewhere: it ends all of it.
   */
  @Test
  void a_copy_of_her_send_again_arriving_before_it_is_ended_by_hers() {
    String first = SessionProbe.signIn(node, clock).getString("refreshToken");
    AnswerSecret kept = AnswerSecret.random();
    SessionProbe.refresh(node, first, kept.asKey());
    JsonObject hersAgain = kept.revealed().put("refreshToken", first);

    Api.Response thiefs = node.api.post("/api/auth/refresh", hersAgain);
    Api.Response hers = node.api.post("/api/auth/refresh", hersAgain);

    assertThat(thiefs.status()).isEqualTo(200);
    assertThat(hers.status()).isEqualTo(401);
    assertThat(node.api.get("/api/me", thiefs.json().getString("accessToken")).status()).as("his access token").isEqualTo(401);
    assertThat(SessionProbe.refresh(node, thiefs.json().getString("refreshToken"), null).status()).as("his refresh token").isEqualTo(401);
  }

  /**
   * A copy of her tab taken while a refresh travelled (the tab duplicated then, an extension) holds the spent token and
   * its secret; her answer arrives and she goes on. The copy is answered again and her token ended: her next refresh is
   * a token of a lineage that lives on elsewhere, and ends all of it, a theft line in the trail.
   */
  @Test
  void a_copy_of_her_tab_answered_again_is_ended_by_her_next_refresh() {
    String first = SessionProbe.signIn(node, clock).getString("refreshToken");
    AnswerSecret inHerTab = AnswerSecret.random();
    JsonObject hers = SessionProbe.refresh(node, first, inHerTab.asKey()).json();
    long reusesBefore = SessionProbe.lines(node, "session.reuse_revoked");
    Api.Response copys = SessionProbe.refresh(node, first, inHerTab.revealed());
    assertThat(copys.status()).isEqualTo(200);

    assertThat(SessionProbe.refresh(node, hers.getString("refreshToken"), AnswerSecret.random().asKey()).status()).as("her next refresh").isEqualTo(401);
    assertThat(SessionProbe.refresh(node, copys.json().getString("refreshToken"), null).status()).as("the copy's session").isEqualTo(401);
    assertThat(SessionProbe.lines(node, "session.reuse_revoked")).isEqualTo(reusesBefore + 1);
  }

  /**
   * The same with her chain: the copy of her tab holds it too (the browser copies sessionStorage), and sends its next
   * link after her send again was answered. It is answered again (the server cannot tell it from her page), her session
   * ended; her next refresh is a token of a lineage that lives on elsewhere, and ends all of it.
   */
  @Test
  void a_copy_of_her_tab_further_along_her_chain_is_ended_by_her_next_refresh() {
    AnswerChain inHerTab = AnswerChain.random();
    String first = SessionProbe.spentBy(node, clock, inHerTab);
    JsonObject hers = SessionProbe.refresh(node, first, inHerTab.send(1)).json();
    long reusesBefore = SessionProbe.lines(node, "session.reuse_revoked");
    Api.Response copys = SessionProbe.refresh(node, first, inHerTab.send(2));
    assertThat(copys.status()).isEqualTo(200);

    assertThat(SessionProbe.refresh(node, hers.getString("refreshToken"), AnswerChain.random().send(0)).status())
        .as("her next refresh").isEqualTo(401);
    assertThat(node.api.get("/api/me", copys.json().getString("accessToken")).status()).as("the copy's session").isEqualTo(401);
    assertThat(SessionProbe.refresh(node, first, inHerTab.send(3)).status()).as("the copy's next link").isEqualTo(401);
    assertThat(SessionProbe.lines(node, "session.reuse_revoked")).isEqualTo(reusesBefore + 1);
  }

  /** Signing out with the token her page holds, which its refresh answered again on the way has spent, ends that session. */
  @Test
  void signing_out_while_her_send_again_travels_ends_the_session_it_answers() {
    String first = SessionProbe.signIn(node, clock).getString("refreshToken");
    AnswerSecret kept = AnswerSecret.random();
    SessionProbe.refresh(node, first, kept.asKey());
    JsonObject travelling = SessionProbe.refresh(node, first, kept.revealed()).json();

    assertThat(node.api.post("/api/auth/logout", new JsonObject().put("refreshToken", first)).status()).isEqualTo(204);

    assertThat(node.api.get("/api/me", travelling.getString("accessToken")).status()).isEqualTo(401);
    assertThat(SessionProbe.refresh(node, travelling.getString("refreshToken"), null).status()).isEqualTo(401);
  }

  /** A loop of refreshes and sends again (two requests a cycle) is no rural link: past a few, a send again is a reuse. */
  @Test
  void answers_given_again_are_few_and_a_loop_of_them_ends_the_session() {
    String token = SessionProbe.signIn(node, clock).getString("refreshToken");
    long before = SessionProbe.lines(node, "session.answered_again");
    int answered = 0;
    for (int i = 0; i < 20; i++) {
      AnswerSecret s = AnswerSecret.random();
      SessionProbe.refresh(node, token, s.asKey());
      Api.Response again = SessionProbe.refresh(node, token, s.revealed());
      if (again.status() != 200) {
        break;
      }
      answered += 1;
      token = again.json().getString("refreshToken");
    }
    assertThat(answered).isEqualTo(AuthService.ANSWERED_AGAIN_AT_MOST);
    assertThat(SessionProbe.lines(node, "session.answered_again") - before).isEqualTo(AuthService.ANSWERED_AGAIN_AT_MOST);
    assertThat(SessionProbe.refresh(node, token, null).status()).as("the last session answered").isEqualTo(401);
  }

  /**
   * Two sends again decided at once along one chain (her tab, and the tab duplicated from it, each with a lost answer):
   * each waits for the other's decision instead of locking the other's rows in the opposite order (a deadlock, a 500).
   */
  @Test
  void two_sends_again_along_one_chain_are_decided_one_after_the_other() {
    String t0 = SessionProbe.signIn(node, clock).getString("refreshToken");
    AnswerSecret s0 = AnswerSecret.random();
    JsonObject a1 = SessionProbe.refresh(node, t0, s0.asKey()).json();
    AnswerSecret s1 = AnswerSecret.random();
    String t2 = SessionProbe.refresh(node, a1.getString("refreshToken"), s1.asKey()).json().getString("refreshToken");
    SqlConnection other = TestNode.await(node.node().platform().pool().getConnection());
    CompletableFuture<Api.Response> bs;
    CompletableFuture<Api.Response> as;
    try {
      Transaction open = TestNode.await(other.begin());
      TestNode.await(other.preparedQuery("SELECT id FROM refresh_token WHERE token_hash = $1 FOR UPDATE")
          .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(Secrets.sha256(t2)))));
      long before = SessionProbe.waiting(node);
      bs = CompletableFuture.supplyAsync(() -> SessionProbe.refresh(node, a1.getString("refreshToken"), s1.revealed()));
      Eventually.until("the duplicate's send again waits", () -> SessionProbe.waiting(node) > before);
      as = CompletableFuture.supplyAsync(() -> SessionProbe.refresh(node, t0, s0.revealed()));
      Eventually.until("her send again waits", () -> SessionProbe.waiting(node) > before + 1);
      TestNode.await(open.commit());
    } finally {
      other.close();
    }
    Api.Response b = bs.join();
    Api.Response a = as.join();

    assertThat(b.status()).as(b.toString()).isEqualTo(200);
    assertThat(a.status()).as("hers, a token of a lineage gone on elsewhere: " + a).isEqualTo(401);
    assertThat(SessionProbe.refresh(node, b.json().getString("refreshToken"), null).status()).as("the lineage ended").isEqualTo(401);
  }

  @Test
  void once_the_session_went_on_the_spent_token_ends_it_even_with_its_secret() {
    String first = SessionProbe.signIn(node, clock).getString("refreshToken");
    AnswerSecret kept = AnswerSecret.random();
    String received = SessionProbe.refresh(node, first, kept.asKey()).json().getString("refreshToken");
    String next = SessionProbe.refresh(node, received, AnswerSecret.random().asKey()).json().getString("refreshToken");

    assertThat(SessionProbe.refresh(node, first, kept.revealed()).status()).isEqualTo(401);
    assertThat(SessionProbe.refresh(node, next, null).status()).as("the session ended").isEqualTo(401);
  }

  @Test
  void when_someone_used_the_lost_answer_her_send_again_ends_the_session_for_both() {
    String first = SessionProbe.signIn(node, clock).getString("refreshToken");
    AnswerSecret kept = AnswerSecret.random();
    String takenOnTheWay = SessionProbe.refresh(node, first, kept.asKey()).json().getString("refreshToken");
    String his = SessionProbe.refresh(node, takenOnTheWay, null).json().getString("refreshToken");

    assertThat(SessionProbe.refresh(node, first, kept.revealed()).status()).isEqualTo(401);
    assertThat(SessionProbe.refresh(node, his, null).status()).as("his branch").isEqualTo(401);
  }

  @Test
  void sent_again_later_than_half_an_hour_after_the_use_the_spent_token_ends_the_session() {
    String first = SessionProbe.signIn(node, clock).getString("refreshToken");
    AnswerSecret kept = AnswerSecret.random();
    JsonObject lost = SessionProbe.refresh(node, first, kept.asKey()).json();
    clock.advance(AuthService.ANSWERED_AGAIN_WITHIN.plus(Duration.ofSeconds(1)));

    assertThat(SessionProbe.refresh(node, first, kept.revealed()).status()).isEqualTo(401);
    assertThat(SessionProbe.refresh(node, lost.getString("refreshToken"), null).status()).isEqualTo(401);
  }

  @Test
  void a_first_send_that_already_reveals_its_secret_cannot_be_answered_again() {
    String first = SessionProbe.signIn(node, clock).getString("refreshToken");
    AnswerSecret kept = AnswerSecret.random(); // the page's first send never arrived: its second reveals the secret
    JsonObject lost = SessionProbe.refresh(node, first, kept.revealed()).json();

    assertThat(SessionProbe.refresh(node, first, kept.revealed()).status()).as("a copy of the secret that travelled").isEqualTo(401);
    assertThat(SessionProbe.refresh(node, lost.getString("refreshToken"), null).status()).isEqualTo(401);
  }

  /**
   * Whoever took the lost answer on the way uses its token while her page sends the spent one again: the two are decided
   * one after the other, never as if the other had not happened: her send waits for his use (held in its transaction on
   * the trail's row that use writes last), which then commits; the session went on with a token she never received, so
   * it ends, his branch with it, as a stolen one (a line of the trail says so).
   */
  @Test
  void a_send_again_racing_a_use_of_the_lost_answers_token_waits_for_it_and_ends_the_session() {
    String first = SessionProbe.signIn(node, clock).getString("refreshToken");
    AnswerSecret kept = AnswerSecret.random();
    String takenOnTheWay = SessionProbe.refresh(node, first, kept.asKey()).json().getString("refreshToken");
    SqlConnection other = TestNode.await(node.node().platform().pool().getConnection());
    CompletableFuture<Api.Response> hisUse;
    CompletableFuture<Api.Response> hers;
    try {
      Transaction open = TestNode.await(other.begin());
      TestNode.await(other.preparedQuery("SELECT key FROM rate_limit WHERE key LIKE $1 FOR UPDATE")
          .execute(Tuple.of("audit:session.refreshed:%")));
      long before = SessionProbe.waiting(node);
      hisUse = CompletableFuture.supplyAsync(() -> SessionProbe.refresh(node, takenOnTheWay, null));
      Eventually.until("his use waits", () -> SessionProbe.waiting(node) > before);
      hers = CompletableFuture.supplyAsync(() -> SessionProbe.refresh(node, first, kept.revealed()));
      Eventually.until("her send again waits", () -> SessionProbe.waiting(node) > before + 1);
      TestNode.await(open.commit());
    } finally {
      other.close();
    }
    Api.Response his = hisUse.join();
    Api.Response her = hers.join();

    assertThat(his.status()).as("his use, decided first").isEqualTo(200);
    assertThat(her.status()).as("her send again, after the session went on with the lost answer's token").isEqualTo(401);
    assertThat(SessionProbe.refresh(node, his.json().getString("refreshToken"), null).status()).as("his branch").isEqualTo(401);
  }

  @Test
  void a_key_not_of_its_form_is_refused_and_signing_out_ignores_both() {
    String first = SessionProbe.signIn(node, clock).getString("refreshToken");
    assertThat(SessionProbe.refresh(node, first, new JsonObject().put("answerKey", "short")).status()).isEqualTo(400);
    assertThat(SessionProbe.refresh(node, first, new JsonObject().put("answerSecret", "x".repeat(101))).status()).isEqualTo(400);
    Api.Response out = node.api.post("/api/auth/logout", AnswerSecret.random().asKey().put("refreshToken", first));
    assertThat(out.status()).as(out.toString()).isEqualTo(204);
    assertThat(SessionProbe.refresh(node, first, null).status()).isEqualTo(401);
  }
  /** Nothing ended: the session {@code answered} still opens, and no theft line was written since {@code reusesBefore}. */
  private static void nothingEnded(Api.Response answered, long reusesBefore) {
    assertThat(node.api.get("/api/me", answered.json().getString("accessToken")).status()).as("her session").isEqualTo(200);
    assertThat(SessionProbe.refresh(node, answered.json().getString("refreshToken"), AnswerChain.random().send(0)).status())
        .as("the session goes on").isEqualTo(200);
    assertThat(SessionProbe.lines(node, "session.reuse_revoked")).as("no theft line").isEqualTo(reusesBefore);
  }

  /** A new session's refresh token, spent by her page's first send with this chain (its answer lost on the way). */
}
