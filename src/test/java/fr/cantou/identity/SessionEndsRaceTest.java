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

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A refresh or a sign-out decided at the same moment as a password change or a deactivation of the same person: each
 * waits for the other (on her account's row), neither deadlocks into a 500, and no session opened meanwhile survives
 * the change. A sign-out with a token the session went on from is someone else's copy, and the trail says so. Found by
 * r15 (each test failed at 87d1cad).
 */
class SessionEndsRaceTest {
  private static final String TYPED = "typed-by-the-admin-1";
  private static final String CHOSEN = "mon-jardin-a-Salers-2026";
  private static final String CHANGED = "la-fontaine-de-Murat-27";
  static final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T08:00:00Z"));
  static TestNode node;
  static String admin;
  static String careHome;
  static int people;
  static String lastUserId;

  @BeforeAll
  static void start() {
    node = TestNode.start(TestDatabase.fresh(), Map.of(), clock);
    admin = node.adminToken();
    careHome = node.api.post("/api/organisations", admin, new JsonObject().put("kind", "ehpad")
        .put("name", "EHPAD Les Gentianes").put("commune", "Riom-ès-Montagnes")).json().getString("id");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /**
   * She changes her password (on her phone) because she fears a copy of her laptop's session, while that session's
   * lost answer is given again (her laptop's send again, or the copy of her tab that holds token and secret). The
   * password change's UPDATE of her tokens waits on the rows the refresh holds; the refresh then commits a NEW family
   * (answered again), inserted after the UPDATE's snapshot, whose only token no revocation saw: the family-level
   * coalesce (h13) does not reach across a lineage. The session answered again survives the password change: its
   * access token and its refresh token keep working, no socket closes.
   */
  @Test
  void a_session_answered_again_while_she_changes_her_password_does_not_survive_the_change() {
    String email = newNurse();
    String t = signIn(email, CHOSEN).getString("refreshToken");
    AnswerSecret kept = AnswerSecret.random();
    JsonObject lost = SessionProbe.refresh(node, t, kept.asKey()).json(); // the laptop's answer, lost on the way
    UUID n = idOf(lost.getString("refreshToken"));
    String phone = signIn(email, CHOSEN).getString("accessToken");

    SqlConnection other = TestNode.await(node.node().platform().pool().getConnection());
    CompletableFuture<Api.Response> again;
    CompletableFuture<Api.Response> change;
    try {
      Transaction open = TestNode.await(other.begin());
      // Only to hold the send again between its lock of T and its lock of N, the window where it really runs.
      TestNode.await(other.preparedQuery("SELECT id FROM refresh_token WHERE id = $1 FOR UPDATE").execute(Tuple.of(n)));
      long before = SessionProbe.waiting(node);
      again = CompletableFuture.supplyAsync(() -> SessionProbe.refresh(node, t, kept.revealed()));
      Eventually.until("the send again holds T and waits on N", () -> SessionProbe.waiting(node) > before);
      change = CompletableFuture.supplyAsync(() -> node.api.post("/api/auth/password", phone,
          new JsonObject().put("currentPassword", CHOSEN).put("newPassword", CHANGED)));
      Eventually.until("the password change waits on her tokens", () -> SessionProbe.waiting(node) > before + 1);
      TestNode.await(open.commit());
    } finally {
      other.close();
    }
    Api.Response changed = change.join();
    Api.Response answered = again.join();

    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    assertThat(answered.status()).as(answered.toString()).isIn(200, 401);
    if (answered.status() == 200) {
      assertThat(node.api.get("/api/me", answered.json().getString("accessToken")).status())
          .as("the access token of the session answered again, after her password changed").isEqualTo(401);
      assertThat(SessionProbe.refresh(node, answered.json().getString("refreshToken"), null).status())
          .as("the refresh token of the session answered again, after her password changed").isEqualTo(401);
    }
  }

  /**
   * She signs out on her laptop while she changes her password on her phone. The sign-out locks the token it holds
   * (T1), then revokes the rest of her lineage, which reaches T0 (spent, never revoked); the password change's UPDATE of
   * every token of hers takes no lineage lock and locks rows in their order: T0 first, then waits on T1. Postgres kills
   * one as a deadlock: a 500 for her password change (or her sign-out). A deactivation (revokeUser) races alike.
   */
  @Test
  void a_password_change_and_a_sign_out_at_once_do_not_deadlock_into_a_500() {
    String email = newNurse();
    String t0 = signIn(email, CHOSEN).getString("refreshToken");
    String t1 = SessionProbe.refresh(node, t0, AnswerSecret.random().asKey()).json().getString("refreshToken");
    UUID t1Id = idOf(t1);
    String phone = signIn(email, CHOSEN).getString("accessToken");

    SqlConnection other = TestNode.await(node.node().platform().pool().getConnection());
    CompletableFuture<Api.Response> out;
    CompletableFuture<Api.Response> change;
    try {
      Transaction open = TestNode.await(other.begin());
      // Only to hold the sign-out between its lock of T1 and its revocation of the lineage, where it really runs.
      TestNode.await(other.preparedQuery("SELECT id FROM refresh_token WHERE id = $1 FOR UPDATE").execute(Tuple.of(t1Id)));
      long before = SessionProbe.waiting(node);
      out = CompletableFuture.supplyAsync(() -> node.api.post("/api/auth/logout", new JsonObject().put("refreshToken", t1)));
      Eventually.until("the sign-out waits on T1", () -> SessionProbe.waiting(node) > before);
      change = CompletableFuture.supplyAsync(() -> node.api.post("/api/auth/password", phone,
          new JsonObject().put("currentPassword", CHOSEN).put("newPassword", CHANGED)));
      Eventually.until("the password change holds T0 and waits on T1", () -> SessionProbe.waiting(node) > before + 1);
      TestNode.await(open.commit());
    } finally {
      other.close();
    }
    Api.Response changed = change.join();
    Api.Response signedOut = out.join();

    assertThat(signedOut.status()).as("her sign-out: " + signedOut).isEqualTo(204);
    assertThat(changed.status()).as("her password change: " + changed).isEqualTo(200);
  }

  /**
   * The same with an admin deactivating her account while she signs out: the deactivation's revocation of every
   * token of hers (revokeUser) takes no lineage lock either. A 500 for the admin (or for her sign-out).
   */
  @Test
  void a_deactivation_and_a_sign_out_at_once_do_not_deadlock_into_a_500() {
    String email = newNurse();
    String userId = lastUserId;
    String t0 = signIn(email, CHOSEN).getString("refreshToken");
    String t1 = SessionProbe.refresh(node, t0, AnswerSecret.random().asKey()).json().getString("refreshToken");
    UUID t1Id = idOf(t1);

    SqlConnection other = TestNode.await(node.node().platform().pool().getConnection());
    CompletableFuture<Api.Response> out;
    CompletableFuture<Api.Response> deactivation;
    try {
      Transaction open = TestNode.await(other.begin());
      TestNode.await(other.preparedQuery("SELECT id FROM refresh_token WHERE id = $1 FOR UPDATE").execute(Tuple.of(t1Id)));
      long before = SessionProbe.waiting(node);
      out = CompletableFuture.supplyAsync(() -> node.api.post("/api/auth/logout", new JsonObject().put("refreshToken", t1)));
      Eventually.until("the sign-out waits on T1", () -> SessionProbe.waiting(node) > before);
      deactivation = CompletableFuture.supplyAsync(() -> node.api.post("/api/users/" + userId + "/deactivate", admin, new JsonObject()));
      Eventually.until("the deactivation holds T0 and waits on T1", () -> SessionProbe.waiting(node) > before + 1);
      TestNode.await(open.commit());
    } finally {
      other.close();
    }
    Api.Response deactivated = deactivation.join();
    Api.Response signedOut = out.join();

    assertThat(signedOut.status()).as("her sign-out: " + signedOut).isEqualTo(204);
    assertThat(deactivated.status()).as("the deactivation: " + deactivated).isEqualTo(200);
  }

  /**
   * Whoever holds a spent token of her session (an old copy of her tab, a logged body, the lost answer taken on the
   * way) posts it to /api/auth/logout rather than /api/auth/refresh: since 87d1cad this ends her whole lineage, as a
   * refresh with it would, but the trail says `session.ended` (she signed out) instead of `session.reuse_revoked`. Her
   * page's own sign-out with a spent token happens only while the refresh that spent it travels (its successor not yet
   * used): a token whose successor was used is a copy, and should say so.
   */
  @Test
  void a_sign_out_with_a_token_her_session_moved_on_from_is_a_theft_line_in_the_trail() {
    String email = newNurse();
    String t0 = signIn(email, CHOSEN).getString("refreshToken");
    String t1 = SessionProbe.refresh(node, t0, AnswerSecret.random().asKey()).json().getString("refreshToken");
    JsonObject now = SessionProbe.refresh(node, t1, AnswerSecret.random().asKey()).json(); // her page moved on twice
    long reuses = SessionProbe.lines(node, "session.reuse_revoked");

    Api.Response out = node.api.post("/api/auth/logout", new JsonObject().put("refreshToken", t0)); // the old copy
    assertThat(out.status()).isEqualTo(204);

    assertThat(node.api.get("/api/me", now.getString("accessToken")).status()).as("her session ended").isEqualTo(401);
    assertThat(SessionProbe.lines(node, "session.reuse_revoked")).as("the theft is a line of the trail").isGreaterThan(reuses);
  }

  private static String newNurse() {
    String email = "nurse" + (++people) + "@gentianes.test";
    Api.Response made = node.api.post("/api/users", admin, new JsonObject().put("email", email).put("password", TYPED)
        .put("role", "nurse").put("displayName", "Léa Vidal").put("organisationId", careHome));
    assertThat(made.status()).as(made.toString()).isEqualTo(201);
    lastUserId = made.json().getString("id");
    node.api.chooseOwnPassword(email, TYPED, CHOSEN);
    return email;
  }

  private static UUID idOf(String refreshToken) {
    return TestNode.await(node.node().platform().pool().preparedQuery("SELECT id FROM refresh_token WHERE token_hash = $1")
        .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(Secrets.sha256(refreshToken))))).iterator().next().getUUID("id");
  }

  private static JsonObject signIn(String email, String password) {
    Api.Response in = node.api.post("/api/auth/login", new JsonObject().put("email", email).put("password", password));
    assertThat(in.status()).as(in.toString()).isEqualTo(200);
    return in.json();
  }
}
