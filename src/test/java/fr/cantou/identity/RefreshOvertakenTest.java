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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A send of her page overtaken by a later one of its chain (r17's review of the answer chain, session 35): refused as
 * overtaken (409) only while a send of hers can still be on its way, and then her page, still there, reveals its chain's
 * top and goes on, while whoever sent the later one (a copy of her tab) is ended. And the bound on answers given again
 * holds across her sessions at once.
 */
class RefreshOvertakenTest {
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

  /**
   * A copy of her tab (an extension, a script reading sessionStorage) taken while her refresh's answer was lost holds the
   * chain's seed. It sends link 2 before her page's retry (link 1) arrives. Her retry is refused as overtaken; her page,
   * still there, reveals the chain's top: she is answered, the copy's session ends; when the copy comes back, it is a
   * reuse, a theft line. Before, her retry got the quiet 401, her page signed her out and the copy kept her session.
   */
  @Test
  void a_copy_of_her_tab_jumping_ahead_of_her_retry_is_ended_when_her_page_reveals_its_chains_top() {
    AnswerChain inHerTab = AnswerChain.random();
    String first = SessionProbe.spentBy(node, clock, inHerTab);
    long reusesBefore = SessionProbe.lines(node, "session.reuse_revoked");
    Api.Response copys = SessionProbe.refresh(node, first, inHerTab.send(2));
    assertThat(copys.status()).as(copys.toString()).isEqualTo(200);

    Api.Response hers = SessionProbe.refresh(node, first, inHerTab.send(1));
    assertThat(hers.status()).as("her retry, overtaken").isEqualTo(409);
    assertThat(hers.json().getString("type")).endsWith("/refresh-overtaken");
    Api.Response top = SessionProbe.refresh(node, first, inHerTab.top(AnswerChain.random()));

    assertThat(top.status()).as("her page revealing its chain's top: " + top).isEqualTo(200);
    assertThat(node.api.get("/api/me", top.json().getString("accessToken")).status()).as("her session").isEqualTo(200);
    assertThat(node.api.get("/api/me", copys.json().getString("accessToken")).status()).as("the copy's").isEqualTo(401);
    assertThat(SessionProbe.refresh(node, copys.json().getString("refreshToken"), null).status()).isEqualTo(401);
    assertThat(SessionProbe.lines(node, "session.reuse_revoked")).as("the copy back: a theft line").isEqualTo(reusesBefore + 1);
  }

  /** The same copy using her token first (her first send lost before it left): her page's top ends the copy's session. */
  @Test
  void a_copy_of_her_tab_using_her_token_first_with_a_later_link_is_ended_by_her_pages_top() {
    AnswerChain inHerTab = AnswerChain.random();
    String token = SessionProbe.signIn(node, clock).getString("refreshToken");
    Api.Response copys = SessionProbe.refresh(node, token, inHerTab.send(2)); // her send 0: lost before it left
    assertThat(copys.status()).isEqualTo(200);
    assertThat(SessionProbe.refresh(node, token, inHerTab.send(1)).status()).isEqualTo(409);

    Api.Response top = SessionProbe.refresh(node, token, inHerTab.top(AnswerChain.random()));

    assertThat(top.status()).as(top.toString()).isEqualTo(200);
    assertThat(node.api.get("/api/me", top.json().getString("accessToken")).status()).isEqualTo(200);
    assertThat(node.api.get("/api/me", copys.json().getString("accessToken")).status()).as("the copy's").isEqualTo(401);
  }

  /** Whoever holds the top too (the copy) sending it after her: a reuse, the whole lineage ends with a theft line. */
  @Test
  void the_top_revealed_twice_ends_the_lineage() {
    AnswerChain inHerTab = AnswerChain.random();
    String first = SessionProbe.spentBy(node, clock, inHerTab);
    assertThat(SessionProbe.refresh(node, first, inHerTab.send(2)).status()).isEqualTo(200);
    assertThat(SessionProbe.refresh(node, first, inHerTab.send(1)).status()).isEqualTo(409);
    Api.Response hers = SessionProbe.refresh(node, first, inHerTab.top(AnswerChain.random()));
    assertThat(hers.status()).isEqualTo(200);
    long reusesBefore = SessionProbe.lines(node, "session.reuse_revoked");

    assertThat(SessionProbe.refresh(node, first, inHerTab.top(AnswerChain.random())).status()).isEqualTo(401);

    assertThat(SessionProbe.lines(node, "session.reuse_revoked")).isEqualTo(reusesBefore + 1);
    assertThat(node.api.get("/api/me", hers.json().getString("accessToken")).status()).isEqualTo(401);
  }

  /**
   * A copy of her first request (token and key: a proxy logging bodies) replayed an hour later, after her session went
   * on: no page of hers can still be sending it. A reuse: the lineage ends and a theft line is written (before, the quiet
   * refusal of an overtaken send, and the copy could be tried again and again unnoticed).
   */
  @Test
  void a_copy_of_her_first_request_replayed_long_after_her_session_went_on_is_a_theft() {
    AnswerChain inHerTab = AnswerChain.random();
    String first = SessionProbe.spentBy(node, clock, inHerTab);
    JsonObject hers = SessionProbe.refresh(node, first, inHerTab.send(1)).json();
    JsonObject next = SessionProbe.refresh(node, hers.getString("refreshToken"), AnswerChain.random().send(0)).json();
    clock.advance(Duration.ofHours(1));
    long reusesBefore = SessionProbe.lines(node, "session.reuse_revoked");

    assertThat(SessionProbe.refresh(node, first, inHerTab.send(0)).status()).isEqualTo(401);

    assertThat(SessionProbe.lines(node, "session.reuse_revoked")).as("a theft line").isEqualTo(reusesBefore + 1);
    assertThat(SessionProbe.refresh(node, next.getString("refreshToken"), null).status()).as("the lineage ended").isEqualTo(401);
  }

  /** The same copy within the half hour, but once her session went on from the answer: a theft too. */
  @Test
  void an_overtaken_send_after_her_session_went_on_is_a_theft() {
    AnswerChain inHerTab = AnswerChain.random();
    String first = SessionProbe.spentBy(node, clock, inHerTab);
    JsonObject hers = SessionProbe.refresh(node, first, inHerTab.send(1)).json();
    JsonObject next = SessionProbe.refresh(node, hers.getString("refreshToken"), AnswerChain.random().send(0)).json();
    long reusesBefore = SessionProbe.lines(node, "session.reuse_revoked");

    assertThat(SessionProbe.refresh(node, first, inHerTab.send(0)).status()).isEqualTo(401);

    assertThat(SessionProbe.lines(node, "session.reuse_revoked")).isEqualTo(reusesBefore + 1);
    assertThat(SessionProbe.refresh(node, next.getString("refreshToken"), null).status()).isEqualTo(401);
  }

  /**
   * The bound (answers given again per person in 30 minutes) is decided under her own lock: sends again on two of her
   * sessions at once (two lineages, locked apart) cannot both read the count below it. Both are held at their line of
   * the trail, written after the count, until both wait.
   */
  @Test
  void the_bound_on_answers_given_again_holds_for_two_of_her_sessions_at_once() {
    clock.advance(AuthService.ANSWERED_AGAIN_WITHIN);
    List<String> tokens = new ArrayList<>();
    List<AnswerChain> chains = new ArrayList<>();
    for (int i = 0; i < AuthService.ANSWERED_AGAIN_AT_MOST + 1; i++) {
      String token = SessionProbe.login(node).getString("refreshToken");
      AnswerChain chain = AnswerChain.random();
      assertThat(SessionProbe.refresh(node, token, chain.send(0)).status()).isEqualTo(200);
      tokens.add(token);
      chains.add(chain);
    }
    for (int i = 0; i < AuthService.ANSWERED_AGAIN_AT_MOST - 1; i++) {
      assertThat(SessionProbe.refresh(node, tokens.get(i), chains.get(i).send(1)).status()).isEqualTo(200);
    }
    int c = AuthService.ANSWERED_AGAIN_AT_MOST - 1;
    int d = AuthService.ANSWERED_AGAIN_AT_MOST;
    SqlConnection other = TestNode.await(node.node().platform().pool().getConnection());
    CompletableFuture<Api.Response> cs;
    CompletableFuture<Api.Response> ds;
    try {
      Transaction open = TestNode.await(other.begin());
      TestNode.await(other.query("LOCK TABLE access_audit IN SHARE MODE").execute());
      long before = SessionProbe.waiting(node);
      cs = CompletableFuture.supplyAsync(() -> SessionProbe.refresh(node, tokens.get(c), chains.get(c).send(1)));
      Eventually.until("one send again waits", () -> SessionProbe.waiting(node) > before);
      ds = CompletableFuture.supplyAsync(() -> SessionProbe.refresh(node, tokens.get(d), chains.get(d).send(1)));
      Eventually.until("both wait", () -> SessionProbe.waiting(node) > before + 1);
      TestNode.await(open.commit());
    } finally {
      other.close();
    }
    int answered = (cs.join().status() == 200 ? 1 : 0) + (ds.join().status() == 200 ? 1 : 0);

    assertThat(AuthService.ANSWERED_AGAIN_AT_MOST - 1 + answered).as("answers given again in 30 minutes")
        .isEqualTo(AuthService.ANSWERED_AGAIN_AT_MOST);
  }

  /**
   * A thief with a copy of the spent token and her send again as seen on the wire (it arrived): the links below it are
   * refused as overtaken, its secret with a key of his own is a reuse that ends the lineage. He never gets a session.
   */
  @Test
  void a_thief_with_the_spent_token_and_her_observed_send_again_never_gets_a_session() {
    AnswerChain inHerTab = AnswerChain.random();
    String first = SessionProbe.spentBy(node, clock, inHerTab);
    JsonObject hers = SessionProbe.refresh(node, first, inHerTab.send(1)).json();
    String seenKey = inHerTab.send(1).getString("answerKey");
    String below = seenKey;
    for (int i = 0; i < 300; i++) {
      below = Base64.getUrlEncoder().withoutPadding().encodeToString(Secrets.sha256(below));
    }
    long reusesBefore = SessionProbe.lines(node, "session.reuse_revoked");
    assertThat(SessionProbe.refresh(node, first, new JsonObject().put("answerKey", below)).status()).isEqualTo(409);
    assertThat(SessionProbe.refresh(node, first, new JsonObject().put("answerKey", seenKey)
        .put("answerSecret", Secrets.randomToken())).status()).isEqualTo(401);
    assertThat(SessionProbe.lines(node, "session.reuse_revoked")).isEqualTo(reusesBefore + 1);
    assertThat(node.api.get("/api/me", hers.getString("accessToken")).status()).isEqualTo(401);
  }

  /** Her old page's send 1 and her new page's send 2 at once: in either order no 500, and only send 2's session lives. */
  @Test
  void two_sends_along_one_chain_at_once_leave_one_session() {
    AnswerChain inHerTab = AnswerChain.random();
    String first = SessionProbe.spentBy(node, clock, inHerTab);
    CompletableFuture<Api.Response> one = CompletableFuture.supplyAsync(() -> SessionProbe.refresh(node, first, inHerTab.send(1)));
    CompletableFuture<Api.Response> two = CompletableFuture.supplyAsync(() -> SessionProbe.refresh(node, first, inHerTab.send(2)));
    Api.Response a = one.join();
    Api.Response b = two.join();
    assertThat(b.status()).as(b.toString()).isEqualTo(200);
    assertThat(a.status()).as(a.toString()).isIn(200, 409);
    assertThat(node.api.get("/api/me", b.json().getString("accessToken")).status()).isEqualTo(200);
    if (a.status() == 200) {
      assertThat(node.api.get("/api/me", a.json().getString("accessToken")).status()).isEqualTo(401);
    }
  }
}
