package fr.cantou.identity;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LoginTest {
  static final String KEY = "test-signing-key-that-is-long-enough-0123456789";
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("CANTOU_AUTH_JWT_KEY", KEY, "CANTOU_AUTH_MAX_FAILED_LOGINS", "5"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static JsonObject credentials(String email, String password) {
    return new JsonObject().put("email", email).put("password", password);
  }

  @Test
  void login_answers_a_bearer_token_and_the_user() {
    var response = node.api.post("/api/auth/login", credentials(TestNode.ADMIN_EMAIL, TestNode.ADMIN_PASSWORD));
    assertThat(response.status()).isEqualTo(200);
    JsonObject body = response.json();
    assertThat(body.getString("tokenType")).isEqualTo("Bearer");
    assertThat(body.getLong("expiresIn")).isEqualTo(15 * 60);
    assertThat(body.getString("refreshToken")).isNotBlank();
    assertThat(body.getJsonObject("user").getString("role")).isEqualTo("admin");
    assertThat(body.getJsonObject("user").getString("id")).isNotBlank();
    assertThat(node.api.get("/api/me", body.getString("accessToken")).json().getString("email")).isEqualTo(TestNode.ADMIN_EMAIL);
  }

  @Test
  void email_is_case_insensitive() {
    var response = node.api.post("/api/auth/login", credentials("  ADMIN@Cantal.Test ", TestNode.ADMIN_PASSWORD));
    assertThat(response.status()).isEqualTo(200);
  }

  @Test
  void a_wrong_password_and_an_unknown_email_get_the_same_401() {
    var wrong = node.api.post("/api/auth/login", credentials(TestNode.ADMIN_EMAIL, "not-the-password"));
    var unknown = node.api.post("/api/auth/login", credentials("nobody@cantal.test", "not-the-password"));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.isProblem()).isTrue();
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.detail()).isEqualTo(wrong.detail());
  }

  @Test
  void repeated_failures_for_one_email_are_rate_limited() {
    String email = "victim@cantal.test";
    for (int i = 0; i < 5; i++) {
      assertThat(node.api.post("/api/auth/login", credentials(email, "guess-" + i)).status()).isEqualTo(401);
    }
    var limited = node.api.post("/api/auth/login", credentials(email, "guess-6"));
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.isProblem()).isTrue();
  }

  @Test
  void protected_routes_need_a_token() {
    var response = node.api.get("/api/me");
    assertThat(response.status()).isEqualTo(401);
    assertThat(response.isProblem()).isTrue();
  }

  @Test
  void a_token_with_a_wrong_signature_is_refused() throws Exception {
    String forged = sign("another-key-that-is-also-long-enough-0123456789", Instant.now().plusSeconds(600), userId());
    assertThat(node.api.get("/api/me", forged).status()).isEqualTo(401);
  }

  @Test
  void an_unsigned_alg_none_token_is_refused() {
    String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
    String claims = b64(new JsonObject().put("sub", userId()).put("role", "admin").put("iss", "cantou")
        .put("aud", "cantou-api").put("exp", Instant.now().plusSeconds(600).getEpochSecond()).encode());
    assertThat(node.api.get("/api/me", header + "." + claims + ".").status()).isEqualTo(401);
  }

  @Test
  void an_expired_token_is_refused_and_a_fresh_one_with_the_same_key_accepted() throws Exception {
    assertThat(node.api.get("/api/me", sign(KEY, Instant.now().minusSeconds(120), userId())).status()).isEqualTo(401);
    assertThat(node.api.get("/api/me", sign(KEY, Instant.now().plusSeconds(120), userId())).status()).isEqualTo(200);
  }

  @Test
  void a_token_that_never_expires_is_refused_even_when_well_signed() throws Exception {
    JWTClaimsSet forever = new JWTClaimsSet.Builder()
        .subject(userId()).issuer("cantou").audience(List.of("cantou-api")).claim("role", "admin")
        .issueTime(Date.from(Instant.now().minusSeconds(10))).build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), forever);
    jwt.sign(new MACSigner(KEY.getBytes(StandardCharsets.UTF_8)));
    assertThat(node.api.get("/api/me", jwt.serialize()).status()).isEqualTo(401);
  }

  @Test
  void a_well_signed_token_whose_expiry_is_not_a_number_is_refused_not_a_server_error() throws Exception {
    for (Object exp : new Object[] {null, "2099-01-01", true}) {
      JWTClaimsSet odd = new JWTClaimsSet.Builder()
          .subject(userId()).issuer("cantou").audience(List.of("cantou-api")).claim("role", "admin").claim("exp", exp)
          .issueTime(Date.from(Instant.now().minusSeconds(10))).build();
      SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), odd);
      jwt.sign(new MACSigner(KEY.getBytes(StandardCharsets.UTF_8)));
      var answer = node.api.get("/api/me", jwt.serialize());
      assertThat(answer.status()).as("exp " + exp + ": " + answer).isEqualTo(401);
      assertThat(answer.isProblem()).isTrue();
    }
  }

  @Test
  void a_malformed_authorization_header_is_a_401() {
    var response = node.api.send("GET", "/api/me", null, null, Map.of("Authorization", "Basic abc"));
    assertThat(response.status()).isEqualTo(401);
    assertThat(node.api.get("/api/me", "not.a.jwt").status()).isEqualTo(401);
  }

  @Test
  void refresh_tokens_rotate_and_a_reused_one_revokes_the_family() {
    JsonObject session = node.api.post("/api/auth/login", credentials(TestNode.ADMIN_EMAIL, TestNode.ADMIN_PASSWORD)).json();
    String first = session.getString("refreshToken");

    var rotated = node.api.post("/api/auth/refresh", new JsonObject().put("refreshToken", first));
    assertThat(rotated.status()).isEqualTo(200);
    String second = rotated.json().getString("refreshToken");
    assertThat(second).isNotEqualTo(first);
    assertThat(node.api.get("/api/me", rotated.json().getString("accessToken")).status()).isEqualTo(200);

    // The first token is replayed (it leaked): refused, and its successor dies with it.
    assertThat(node.api.post("/api/auth/refresh", new JsonObject().put("refreshToken", first)).status()).isEqualTo(401);
    assertThat(node.api.post("/api/auth/refresh", new JsonObject().put("refreshToken", second)).status()).isEqualTo(401);
  }

  @Test
  void logout_revokes_the_refresh_token() {
    JsonObject session = node.api.post("/api/auth/login", credentials(TestNode.ADMIN_EMAIL, TestNode.ADMIN_PASSWORD)).json();
    String refresh = session.getString("refreshToken");
    assertThat(node.api.post("/api/auth/logout", new JsonObject().put("refreshToken", refresh)).status()).isEqualTo(204);
    assertThat(node.api.post("/api/auth/refresh", new JsonObject().put("refreshToken", refresh)).status()).isEqualTo(401);
  }

  @Test
  void signing_out_ends_the_sessions_access_token_at_once_not_15_minutes_later() {
    // A nurse signs out of a shared workstation, or out of a session she thinks was seen: the access token issued to
    // it (copied by a script, a proxy's log, a browser extension) read health data for up to 15 minutes more.
    JsonObject session = node.api.post("/api/auth/login", credentials(TestNode.ADMIN_EMAIL, TestNode.ADMIN_PASSWORD)).json();
    JsonObject other = node.api.post("/api/auth/login", credentials(TestNode.ADMIN_EMAIL, TestNode.ADMIN_PASSWORD)).json();
    assertThat(node.api.get("/api/me", session.getString("accessToken")).status()).isEqualTo(200);

    assertThat(node.api.post("/api/auth/logout", new JsonObject().put("refreshToken", session.getString("refreshToken")))
        .status()).isEqualTo(204);
    var after = node.api.get("/api/me", session.getString("accessToken"));
    assertThat(after.status()).as("the signed-out session's token").isEqualTo(401);
    assertThat(after.isProblem()).isTrue();
    assertThat(node.api.get("/api/me", other.getString("accessToken")).status()).as("her other session").isEqualTo(200);
  }

  @Test
  void signing_out_closes_the_sockets_that_session_opened_and_no_other() {
    JsonObject session = node.api.post("/api/auth/login", credentials(TestNode.ADMIN_EMAIL, TestNode.ADMIN_PASSWORD)).json();
    JsonObject other = node.api.post("/api/auth/login", credentials(TestNode.ADMIN_EMAIL, TestNode.ADMIN_PASSWORD)).json();
    try (WsClient signedOut = WsClient.hello(node.port(), session.getString("accessToken"), null);
         WsClient stays = WsClient.hello(node.port(), other.getString("accessToken"), null)) {
      assertThat(node.api.post("/api/auth/logout", new JsonObject().put("refreshToken", session.getString("refreshToken")))
          .status()).isEqualTo(204);
      assertThat(signedOut.awaitClose()).as("the signed-out session's socket, long before its token's expiry").isEqualTo(4401);
      stays.send(new JsonObject().put("type", "ping"));
      assertThat(stays.next(m -> "pong".equals(m.getString("type")))).as("her other session's socket is open").isNotNull();
    }
    try (WsClient again = WsClient.connect(node.port())) {
      again.send(new JsonObject().put("type", "hello").put("token", session.getString("accessToken")));
      assertThat(again.awaitClose()).as("a new hello with it").isEqualTo(4401);
    }
  }

  @Test
  void a_refresh_token_used_twice_ends_the_access_tokens_of_its_family_too() {
    JsonObject session = node.api.post("/api/auth/login", credentials(TestNode.ADMIN_EMAIL, TestNode.ADMIN_PASSWORD)).json();
    String first = session.getString("refreshToken");
    String thiefs = node.api.post("/api/auth/refresh", new JsonObject().put("refreshToken", first)).json().getString("accessToken");
    assertThat(node.api.get("/api/me", thiefs).status()).isEqualTo(200);

    // The owner's page uses the same refresh token: the reuse revokes the family, and what it gave the other one goes.
    assertThat(node.api.post("/api/auth/refresh", new JsonObject().put("refreshToken", first)).status()).isEqualTo(401);
    assertThat(node.api.get("/api/me", thiefs).status()).isEqualTo(401);
  }

  /**
   * A refresh that committed while her sign-out (or her password change) waited for its row issued a token the
   * revocation never saw: the session is ended all the same, and that token refreshes nothing.
   */
  @Test
  void a_refresh_token_that_escaped_its_sessions_end_refreshes_nothing() {
    JsonObject session = node.api.post("/api/auth/login", credentials(TestNode.ADMIN_EMAIL, TestNode.ADMIN_PASSWORD)).json();
    String first = session.getString("refreshToken");
    String second = node.api.post("/api/auth/refresh", new JsonObject().put("refreshToken", first)).json()
        .getString("refreshToken");
    // The session's end as that race leaves it: every row revoked but the one issued meanwhile.
    TestNode.await(node.node().platform().pool().preparedQuery(
            "UPDATE refresh_token SET revoked_at = now() WHERE token_hash = sha256(convert_to($1, 'UTF8'))")
        .execute(io.vertx.sqlclient.Tuple.of(first)));

    assertThat(node.api.post("/api/auth/refresh", new JsonObject().put("refreshToken", second)).status()).isEqualTo(401);
  }

  private static String userId() {
    return node.api.get("/api/me", node.adminToken()).json().getString("id");
  }

  private static String sign(String key, Instant expiry, String subject) {
    return fr.cantou.support.SignedTokens.admin(key, expiry, subject);
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
