package fr.cantou.identity;

import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A nurse on a weak link leaves a staff page while its refresh is on the way, or the link drops before its answer: the
 * server rotated her refresh token, the page never heard of the new one. Her next page asks again with the same token
 * and the same attempt (kept in her tab before sending): she stays signed in. Anyone else presenting that spent token
 * still ends the session, as a stolen one.
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
  void the_same_attempt_sent_again_after_its_answer_was_lost_keeps_her_signed_in() {
    String first = signIn().getString("refreshToken");
    var lost = refresh(first, "attempt-of-her-tab-0001");
    assertThat(lost.status()).isEqualTo(200);

    var again = refresh(first, "attempt-of-her-tab-0001");

    assertThat(again.status()).as(again.body()).isEqualTo(200);
    assertThat(node.api.get("/api/me", again.json().getString("accessToken")).status()).isEqualTo(200);
    var next = refresh(again.json().getString("refreshToken"), "attempt-of-her-tab-0002");
    assertThat(next.status()).as("the session goes on with the token answered again").isEqualTo(200);

    // The lost answer's token never reached her page: whoever presents it took it on the way.
    assertThat(refresh(lost.json().getString("refreshToken"), null).status()).isEqualTo(401);
    assertThat(node.api.get("/api/me", next.json().getString("accessToken")).status()).isEqualTo(401);
  }

  @Test
  void an_answer_lost_twice_is_given_a_third_time() {
    String first = signIn().getString("refreshToken");
    refresh(first, "attempt-of-her-tab-0008");
    refresh(first, "attempt-of-her-tab-0008");

    var third = refresh(first, "attempt-of-her-tab-0008");

    assertThat(third.status()).isEqualTo(200);
    assertThat(refresh(third.json().getString("refreshToken"), "attempt-of-her-tab-0009").status()).isEqualTo(200);
  }

  @Test
  void a_spent_token_presented_without_her_attempt_ends_the_session() {
    String first = signIn().getString("refreshToken");
    String hers = refresh(first, "attempt-of-her-tab-0003").json().getString("accessToken");

    assertThat(refresh(first, null).status()).as("no attempt").isEqualTo(401);

    assertThat(node.api.get("/api/me", hers).status()).as("her session ended: the token leaked").isEqualTo(401);
  }

  @Test
  void a_spent_token_presented_with_another_attempt_ends_the_session() {
    String first = signIn().getString("refreshToken");
    String hers = refresh(first, "attempt-of-her-tab-0004").json().getString("accessToken");

    assertThat(refresh(first, "attempt-of-someone-else").status()).isEqualTo(401);

    assertThat(node.api.get("/api/me", hers).status()).isEqualTo(401);
  }

  @Test
  void the_same_attempt_after_the_session_went_on_with_its_answer_ends_the_session() {
    String first = signIn().getString("refreshToken");
    String second = refresh(first, "attempt-of-her-tab-0005").json().getString("refreshToken");
    String third = refresh(second, "attempt-of-her-tab-0006").json().getString("accessToken");

    // The answer was not lost: its token was used. Whoever sends the first again is not her page.
    assertThat(refresh(first, "attempt-of-her-tab-0005").status()).isEqualTo(401);

    assertThat(node.api.get("/api/me", third).status()).isEqualTo(401);
  }

  @Test
  void the_same_attempt_long_after_its_answer_ends_the_session() {
    String first = signIn().getString("refreshToken");
    String hers = refresh(first, "attempt-of-her-tab-0007").json().getString("accessToken");
    clock.advance(AuthService.ANSWER_LOST_WITHIN.plus(Duration.ofSeconds(1)));

    assertThat(refresh(first, "attempt-of-her-tab-0007").status()).isEqualTo(401);

    clock.advance(Duration.ofSeconds(-1));
    assertThat(node.api.get("/api/me", hers).status()).isEqualTo(401);
  }

  /**
   * A refresh that committed while her sign-out (or her password change) waited for its row issued a token the
   * revocation never saw: the session is ended all the same, and that token refreshes nothing.
   */
  @Test
  void a_token_that_escaped_its_sessions_end_refreshes_nothing() {
    String first = signIn().getString("refreshToken");
    String second = refresh(first, "attempt-of-her-tab-0010").json().getString("refreshToken");
    // The session's end as that race leaves it: every row revoked but the one issued meanwhile.
    TestNode.await(node.node().platform().pool().preparedQuery(
            "UPDATE refresh_token SET revoked_at = now() WHERE token_hash = sha256(convert_to($1, 'UTF8'))")
        .execute(io.vertx.sqlclient.Tuple.of(first)));

    assertThat(refresh(second, "attempt-of-her-tab-0011").status()).isEqualTo(401);
  }

  private static JsonObject signIn() {
    return node.api.post("/api/auth/login", new JsonObject().put("email", TestNode.ADMIN_EMAIL)
        .put("password", TestNode.ADMIN_PASSWORD)).json();
  }

  private static fr.cantou.support.Api.Response refresh(String token, String attempt) {
    JsonObject body = new JsonObject().put("refreshToken", token);
    if (attempt != null) {
      body.put("attempt", attempt);
    }
    return node.api.post("/api/auth/refresh", body);
  }
}
