package fr.cantou.identity;

import fr.cantou.support.Api;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin types a new professional's first password, and knows it (and so may whoever read it over her shoulder, or
 * in the message it was sent by). Until its owner has chosen her own, the account does nothing but that: every
 * operation but the change, the reading of her account and signing out is refused, her sockets too.
 */
class FirstPasswordTest {
  private static final String TYPED = "typed-by-the-admin-1";
  private static final String CHOSEN = "mon-jardin-a-Salers-2026";
  private static TestNode node;
  private static String admin;
  private static String careHome;

  @BeforeAll
  static void start() {
    node = TestNode.start(TestDatabase.fresh(), Map.of(), MutableClock.startingNow());
    admin = node.adminToken();
    careHome = node.api.post("/api/organisations", admin, new JsonObject().put("kind", "ehpad")
        .put("name", "EHPAD Les Gentianes").put("commune", "Riom-ès-Montagnes")).json().getString("id");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String newNurse(String email) {
    Api.Response made = node.api.post("/api/users", admin, new JsonObject().put("email", email).put("password", TYPED)
        .put("role", "nurse").put("displayName", "Léa Vidal").put("organisationId", careHome));
    assertThat(made.status()).as(made.toString()).isEqualTo(201);
    return email;
  }

  private static JsonObject signIn(String email, String password) {
    Api.Response in = node.api.post("/api/auth/login", new JsonObject().put("email", email).put("password", password));
    assertThat(in.status()).as(in.toString()).isEqualTo(200);
    return in.json();
  }

  @Test
  void signed_in_with_the_admins_password_she_can_do_nothing_but_choose_her_own() {
    JsonObject first = signIn(newNurse("lea.vidal@gentianes.test"), TYPED);
    String token = first.getString("accessToken");
    assertThat(first.getJsonObject("user").getBoolean("mustChangePassword")).isTrue();

    Api.Response list = node.api.send("GET", "/api/teleconsultations", token, null, Map.of("Accept-Language", "fr"));
    assertThat(list.status()).as(list.toString()).isEqualTo(403);
    assertThat(list.json().getString("type")).endsWith("password-to-replace");
    assertThat(list.json().getString("detail")).isEqualTo(
        "Choisissez d’abord votre propre mot de passe : celui donné à la création de votre compte est connu de l’administrateur.");
    assertThat(node.api.post("/api/teleconsultations", token, new JsonObject()).status()).as("a write").isEqualTo(403);
    assertThat(node.api.get("/api/me", token).status()).as("her account").isEqualTo(200);
    try (WsClient socket = WsClient.connect(node.port())) {
      socket.send(new JsonObject().put("type", "hello").put("token", token));
      assertThat(socket.awaitClose()).as("her socket").isEqualTo(4403);
    }

    Api.Response changed = node.api.post("/api/auth/password", token,
        new JsonObject().put("currentPassword", TYPED).put("newPassword", CHOSEN));
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    assertThat(changed.json().getJsonObject("user").getBoolean("mustChangePassword")).isFalse();
    String hers = changed.json().getString("accessToken");
    assertThat(node.api.get("/api/teleconsultations", hers).status()).isEqualTo(200);
    try (WsClient socket = WsClient.hello(node.port(), hers, null)) {
      socket.send(new JsonObject().put("type", "ping"));
      assertThat(socket.next(m -> "pong".equals(m.getString("type")))).isNotNull();
    }
    assertThat(signIn("lea.vidal@gentianes.test", CHOSEN).getJsonObject("user").getBoolean("mustChangePassword"))
        .as("her next sign-in").isFalse();
  }

  @Test
  void a_path_written_otherwise_is_the_same_route_and_refused_alike() {
    String token = signIn(newNurse("paul.roux@gentianes.test"), TYPED).getString("accessToken");

    assertThat(node.api.get("/api/./teleconsultations", token).status()).isEqualTo(403);
    assertThat(node.api.get("/api/auth/../teleconsultations", token).status()).isEqualTo(403);
    assertThat(node.api.get("/api/me/", token).status()).as("not her account's path").isIn(403, 404);
  }

  @Test
  void the_first_admin_from_the_configuration_chooses_nothing() {
    assertThat(signIn(TestNode.ADMIN_EMAIL, TestNode.ADMIN_PASSWORD).getJsonObject("user").getBoolean("mustChangePassword"))
        .isFalse();
  }
}
