package fr.cantou.identity;

import fr.cantou.support.Api;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A professional whose first password an admin typed (and still knows) replaces it herself. Her current password is
 * checked as a sign-in checks it, throttled alike; the change ends every session of hers at once, the one that made it
 * too (a copy of it may be why she changes it), and answers a new one; nothing of it reaches the trail but the fact.
 */
class PasswordChangeTest {
  private static final String FIRST = "typed-by-the-admin-1";
  private static final String CHOSEN = "mon-jardin-a-Salers-2026";
  private static final String OWN = "le-puy-mary-en-hiver";
  private static final MutableClock clock = MutableClock.startingNow();
  private static final AtomicInteger counter = new AtomicInteger();
  private static TestNode node;
  private static String admin;

  @BeforeAll
  static void start() {
    node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_AUTH_MAX_FAILED_LOGINS", "3",
        "CANTOU_AUTH_MAX_FAILED_LOGINS_PER_ADDRESS", "1000"), clock);
    admin = node.adminToken();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** A doctor's account, made by the admin with {@link #FIRST}; its e-mail. */
  private static String newDoctor() {
    String email = "medecin" + counter.incrementAndGet() + "@cantal.test";
    Api.Response made = node.api.post("/api/users", admin, new JsonObject().put("email", email).put("password", FIRST)
        .put("role", "doctor").put("displayName", "Dr Vidal"));
    assertThat(made.status()).as(made.toString()).isEqualTo(201);
    return email;
  }

  private static JsonObject session(String email, String password) {
    Api.Response in = node.api.post("/api/auth/login", new JsonObject().put("email", email).put("password", password));
    assertThat(in.status()).as(in.toString()).isEqualTo(200);
    return in.json();
  }

  private static int signIn(String email, String password) {
    return node.api.post("/api/auth/login", new JsonObject().put("email", email).put("password", password)).status();
  }

  private static Api.Response change(String token, String current, String chosen) {
    return change(token, new JsonObject().put("currentPassword", current).put("newPassword", chosen));
  }

  private static Api.Response change(String token, JsonObject body) {
    return node.api.send("POST", "/api/auth/password", token, body.encode(),
        Map.of("Content-Type", "application/json", "Accept-Language", "fr"));
  }

  private static Api.Response refresh(JsonObject session) {
    return node.api.post("/api/auth/refresh", new JsonObject().put("refreshToken", session.getString("refreshToken")));
  }

  @Test
  void she_changes_her_password_and_only_the_new_one_signs_her_in_afterwards() {
    String email = newDoctor();
    JsonObject mine = session(email, FIRST);

    Api.Response changed = change(mine.getString("accessToken"), FIRST, CHOSEN);
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);

    assertThat(signIn(email, FIRST)).as("the admin's password").isEqualTo(401);
    assertThat(signIn(email, CHOSEN)).as("hers").isEqualTo(200);
  }

  @Test
  void every_session_of_hers_ends_at_once_the_one_that_changed_it_too_which_goes_on_with_the_session_answered() {
    String email = newDoctor();
    // Her own password, chosen at her first sign-in (nothing opens before), then learnt by someone who signed in as her.
    node.api.chooseOwnPassword(email, FIRST, OWN);
    JsonObject mine = session(email, OWN);
    JsonObject other = session(email, OWN);
    JsonObject another = session(email, OWN);
    JsonObject colleague = session(TestNode.ADMIN_EMAIL, TestNode.ADMIN_PASSWORD);
    try (WsClient othersSocket = WsClient.hello(node.port(), other.getString("accessToken"), null);
         WsClient mySocket = WsClient.hello(node.port(), mine.getString("accessToken"), null);
         WsClient colleaguesSocket = WsClient.hello(node.port(), colleague.getString("accessToken"), null)) {
      Api.Response changed = change(mine.getString("accessToken"), OWN, CHOSEN);
      assertThat(changed.status()).as(changed.toString()).isEqualTo(200);

      assertThat(othersSocket.awaitClose()).as("the other session's socket, long before its token's expiry").isEqualTo(4401);
      Api.Response otherToken = node.api.get("/api/me", other.getString("accessToken"));
      assertThat(otherToken.status()).as("the other session's access token").isEqualTo(401);
      assertThat(otherToken.isProblem()).isTrue();
      assertThat(refresh(other).status()).as("the other session's refresh token").isEqualTo(401);
      assertThat(refresh(another).status()).as("a third session's refresh token").isEqualTo(401);
      assertThat(node.api.get("/api/me", another.getString("accessToken")).status()).isEqualTo(401);

      // A copy of the session she changed it from (a shared workstation, a token read from that tab) ends too.
      assertThat(mySocket.awaitClose()).as("the socket of the session that changed it").isEqualTo(4401);
      assertThat(node.api.get("/api/me", mine.getString("accessToken")).status()).as("its access token").isEqualTo(401);
      assertThat(refresh(mine).status()).as("its refresh token").isEqualTo(401);
      JsonObject answered = changed.json();
      assertThat(node.api.get("/api/me", answered.getString("accessToken")).status()).as("the session answered").isEqualTo(200);
      Api.Response renewed = refresh(answered);
      assertThat(renewed.status()).as("its refresh token rotates").isEqualTo(200);
      try (WsClient again = WsClient.hello(node.port(), renewed.json().getString("accessToken"), null)) {
        again.send(new JsonObject().put("type", "ping"));
        assertThat(again.next(m -> "pong".equals(m.getString("type")))).as("a socket of the session answered").isNotNull();
      }

      colleaguesSocket.send(new JsonObject().put("type", "ping"));
      assertThat(colleaguesSocket.next(m -> "pong".equals(m.getString("type")))).as("another user's socket is open").isNotNull();
      assertThat(node.api.get("/api/me", colleague.getString("accessToken")).status()).isEqualTo(200);
    }
  }

  @Test
  void a_wrong_current_password_is_refused_and_counted_as_a_failed_sign_in_until_the_throttle_blocks() {
    String email = newDoctor();
    String token = session(email, FIRST).getString("accessToken");
    for (int i = 0; i < 3; i++) {
      Api.Response wrong = change(token, "guess-number-" + i, CHOSEN);
      assertThat(wrong.status()).as(wrong.toString()).isEqualTo(403);
      assertThat(wrong.isProblem()).isTrue();
      assertThat(wrong.detail()).isEqualTo("Champ « currentPassword » invalide : ce n’est pas votre mot de passe actuel.");
    }
    Api.Response blocked = change(token, FIRST, CHOSEN);
    assertThat(blocked.status()).as("the limit reached: even the right one waits").isEqualTo(429);
    assertThat(blocked.isProblem()).isTrue();
    assertThat(blocked.headers().firstValue("Retry-After")).hasValue("2");
    assertThat(signIn(email, FIRST)).as("the sign-in page counts the same guesses").isEqualTo(429);

    clock.advance(Duration.ofSeconds(2));
    assertThat(signIn(email, FIRST)).as("nothing was changed by the guesses").isEqualTo(200);
    assertThat(change(token, FIRST, CHOSEN).status()).isEqualTo(200);
  }

  @Test
  void failed_sign_ins_count_against_the_change_too() {
    String email = newDoctor();
    String token = session(email, FIRST).getString("accessToken");
    for (int i = 0; i < 3; i++) {
      assertThat(signIn(email, "guess-number-" + i)).isEqualTo(401);
    }
    assertThat(change(token, "guess-number-3", CHOSEN).status()).as("a stolen token is no faster way to guess").isEqualTo(429);
  }

  @Test
  void a_refused_new_password_is_a_422_naming_it_and_neither_changes_nor_counts_anything() {
    String email = newDoctor();
    String token = session(email, FIRST).getString("accessToken");
    Map<String, String> refused = Map.of(
        "court", "Champ « newPassword » invalide : au moins 10 caractères.",
        "x".repeat(201), "Champ « newPassword » invalide : au plus 200 caractères.",
        FIRST, "Champ « newPassword » invalide : le nouveau mot de passe doit être différent de l’actuel.");
    // More refusals than the throttle's limit (3): none of them is a guess of the current password.
    for (int round = 0; round < 2; round++) {
      refused.forEach((chosen, detail) -> {
        Api.Response answer = change(token, FIRST, chosen);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(422);
        assertThat(answer.isProblem()).isTrue();
        assertThat(answer.detail()).isEqualTo(detail);
      });
    }
    assertThat(signIn(email, FIRST)).as("unchanged").isEqualTo(200);
    assertThat(change(token, FIRST, CHOSEN).status()).as("nothing was counted").isEqualTo(200);
  }

  @Test
  void a_malformed_request_is_a_400_problem_and_changes_nothing() {
    String email = newDoctor();
    String token = session(email, FIRST).getString("accessToken");
    List<JsonObject> bodies = List.of(new JsonObject().put("newPassword", CHOSEN),
        new JsonObject().put("currentPassword", FIRST),
        new JsonObject().put("currentPassword", FIRST).put("newPassword", 1234567890123L),
        new JsonObject().put("currentPassword", FIRST).put("newPassword", CHOSEN).put("email", "autre@cantal.test"));
    for (JsonObject body : bodies) {
      Api.Response answer = change(token, body);
      assertThat(answer.status()).as(body + ": " + answer).isEqualTo(400);
      assertThat(answer.isProblem()).isTrue();
    }
    assertThat(signIn(email, FIRST)).as("unchanged").isEqualTo(200);
    assertThat(signIn(email, CHOSEN)).isEqualTo(401);
  }

  @Test
  void nobody_signed_in_may_change_a_password() {
    Api.Response answer = change(null, FIRST, CHOSEN);
    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.isProblem()).isTrue();
  }

  @Test
  void the_trail_says_who_changed_her_password_and_who_failed_and_never_a_password() {
    String email = newDoctor();
    String token = session(email, FIRST).getString("accessToken");
    String id = node.api.get("/api/me", token).json().getString("id");
    assertThat(change(token, "a-wrong-guess-0", CHOSEN).status()).isEqualTo(403);
    assertThat(change(token, FIRST, CHOSEN).status()).isEqualTo(200);

    List<String> lines = lines("""
        SELECT action || ' ' || item_id || ' ' || coalesce(user_id::text, '-') || ' ' || row_to_json(a)::text FROM change_audit a
        WHERE item_id = $1
        UNION ALL
        SELECT action || ' ' || item_id || ' ' || coalesce(user_id::text, '-') || ' ' || row_to_json(a)::text FROM access_audit a
        WHERE item_id = $1""", id);
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("user.password_changed " + id + " " + id));
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("password.change_refused " + id + " " + id));
    assertThat(String.join("\n", lines)).doesNotContain(FIRST, CHOSEN, "a-wrong-guess-0");
  }

  private static List<String> lines(String sql, String id) {
    List<String> lines = new ArrayList<>();
    for (Row r : TestNode.await(node.node().platform().pool().preparedQuery(sql).execute(Tuple.of(id)))) {
      lines.add(r.getString(0));
    }
    return lines;
  }
}
