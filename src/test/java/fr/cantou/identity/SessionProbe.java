package fr.cantou.identity;

import fr.cantou.support.Api;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;

/** What the session tests send and read: a refresh with its proof, the transactions waiting on a lock, the trail's lines. */
final class SessionProbe {
  private SessionProbe() {}

  /** A refresh of {@code token}, with the page's proof fields (key or secret; null: none). */
  static Api.Response refresh(TestNode node, String token, JsonObject proof) {
    JsonObject body = (proof == null ? new JsonObject() : proof.copy()).put("refreshToken", token);
    return node.api.post("/api/auth/refresh", body);
  }

  /** How many transactions of the database wait on a lock (a row's or an advisory one). */
  static long waiting(TestNode node) {
    return TestNode.await(node.node().platform().pool().query("SELECT count(*) AS n FROM pg_stat_activity "
        + "WHERE wait_event_type = 'Lock' AND datname = current_database()").execute()).iterator().next().getLong("n");
  }

  /** How many lines of the access trail have this action. */
  static long lines(TestNode node, String action) {
    return TestNode.await(node.node().platform().pool().preparedQuery("SELECT count(*) AS n FROM access_audit WHERE action = $1")
        .execute(Tuple.of(action))).iterator().next().getLong("n");
  }

  /** A new session of the admin's, half an hour after what came before: its answers given again are not counted. */
  static JsonObject signIn(TestNode node, fr.cantou.support.MutableClock clock) {
    clock.advance(AuthService.ANSWERED_AGAIN_WITHIN);
    return login(node);
  }

  static JsonObject login(TestNode node) {
    return node.api.post("/api/auth/login", new JsonObject().put("email", TestNode.ADMIN_EMAIL)
        .put("password", TestNode.ADMIN_PASSWORD)).json();
  }

  /** A new session's refresh token, spent by the first send of her page's chain (its answer, as if lost). */
  static String spentBy(TestNode node, fr.cantou.support.MutableClock clock, AnswerChain kept) {
    String token = signIn(node, clock).getString("refreshToken");
    org.assertj.core.api.Assertions.assertThat(refresh(node, token, kept.send(0)).status()).isEqualTo(200);
    return token;
  }
}
