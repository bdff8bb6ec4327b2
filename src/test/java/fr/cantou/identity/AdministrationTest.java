package fr.cantou.identity;

import fr.cantou.support.Api;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AdministrationTest {
  static TestNode node;
  static String admin;
  static String ehpadId;
  static String nurseToken;
  static String doctorToken;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    admin = node.adminToken();
    ehpadId = createOrganisation("ehpad", "EHPAD Les Essais", "Murat").getString("id");
    createUser("nurse@cantal.test", "nurse", ehpadId, null);
    createUser("doctor@cantal.test", "doctor", null, new JsonArray().add("geriatrie"));
    nurseToken = node.api.login("nurse@cantal.test", "password-123");
    doctorToken = node.api.login("doctor@cantal.test", "password-123");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static JsonObject createOrganisation(String kind, String name, String commune) {
    Api.Response response = node.api.post("/api/organisations", admin,
        new JsonObject().put("kind", kind).put("name", name).put("commune", commune));
    assertThat(response.status()).as(response.toString()).isEqualTo(201);
    return response.json();
  }

  static JsonObject createUser(String email, String role, String organisationId, JsonArray specialties) {
    JsonObject body = new JsonObject().put("email", email).put("password", "password-123").put("role", role)
        .put("displayName", "Test " + role);
    if (organisationId != null) {
      body.put("organisationId", organisationId);
    }
    if (specialties != null) {
      body.put("specialties", specialties);
    }
    Api.Response response = node.api.post("/api/users", admin, body);
    assertThat(response.status()).as(response.toString()).isEqualTo(201);
    return response.json();
  }

  @Test
  void an_organisation_has_a_kind_a_commune_and_the_default_time_zone() {
    JsonObject created = createOrganisation("maison_sante", "Maison de santé d'essai", "Allanche");
    assertThat(created.getString("id")).isNotBlank();
    assertThat(created.getString("timeZone")).isEqualTo("Europe/Paris");
    JsonArray all = node.api.get("/api/organisations", admin).array();
    assertThat(all.stream().map(o -> ((JsonObject) o).getString("id"))).contains(created.getString("id"));
  }

  @Test
  void the_same_organisation_twice_is_a_conflict() {
    createOrganisation("tiers_lieu", "Tiers-lieu d'essai", "Condat");
    var again = node.api.post("/api/organisations", admin,
        new JsonObject().put("kind", "tiers_lieu").put("name", "Tiers-lieu d'essai").put("commune", "Condat"));
    assertThat(again.status()).isEqualTo(409);
  }

  /**
   * An admin's creation whose answer was lost on a weak link, sent again with its key: the same answer (201, the same
   * body), not "already exists" — for each thing the admin API creates. Without a key, unchanged (409); the same key for
   * another creation, 422.
   */
  @Test
  void a_creation_sent_again_with_its_key_answers_what_the_first_made_and_without_a_key_is_a_conflict() {
    String adminAt = createOrganisation("administration", "Administration d'essai", "Riom-ès-Montagnes").getString("id");
    java.util.Map<String, JsonObject> creations = new java.util.LinkedHashMap<>();
    creations.put("/api/organisations", new JsonObject().put("kind", "ehpad").put("name", "EHPAD des Retries").put("commune", "Salers"));
    creations.put("/api/users", new JsonObject().put("email", "retry@cantal.test").put("password", "password-123")
        .put("role", "nurse").put("displayName", "Test retry").put("organisationId", ehpadId));
    creations.put("/api/specialties", new JsonObject().put("code", "retry").put("label", "Spécialité d'essai"));
    creations.put("/api/visio/services", new JsonObject().put("organisationId", adminAt).put("name", "Service d'essai")
        .put("durationMinutes", 30).put("referencePrefix", "ESS"));
    creations.put("/api/visio/points", new JsonObject().put("name", "Mairie d'essai").put("commune", "Salers").put("kind", "mairie")
        .put("hours", new JsonArray().add(new JsonObject().put("weekday", 1).put("start", "09:00").put("end", "12:00"))));
    int n = 0;
    for (var creation : creations.entrySet()) {
      String key = "admin-creation-key-" + n++;
      Api.Response first = node.api.post(creation.getKey(), admin, creation.getValue(), key);
      assertThat(first.status()).as(first.toString()).isEqualTo(201);
      Api.Response again = node.api.post(creation.getKey(), admin, creation.getValue(), key);
      assertThat(again.status()).as(creation.getKey() + " " + again).isEqualTo(201);
      assertThat(again.json()).as(creation.getKey()).isEqualTo(first.json());
      assertThat(node.api.post(creation.getKey(), admin, creation.getValue()).status()).as(creation.getKey() + " without a key")
          .isEqualTo(409);
    }
    Api.Response other = node.api.post("/api/specialties", admin, new JsonObject().put("code", "autre").put("label", "Autre"),
        "admin-creation-key-2");
    assertThat(other.status()).isEqualTo(422);
    assertThat(other.detail()).isEqualTo("Cette clé d’idempotence (Idempotency-Key) a servi à une autre création ; envoyez une nouvelle clé avec une nouvelle création.");
    assertThat(node.api.get("/api/specialties", admin).array().stream().map(JsonObject.class::cast)
        .filter(sp -> sp.getString("code").equals("autre"))).isEmpty();
  }

  /** Her answer lost, she withdrew it from another tab; the form, still open, sends it again with its key. */
  @Test
  void a_service_or_point_sent_again_after_it_was_withdrawn_is_said_made_then_withdrawn_not_a_server_error() {
    String adminAt = createOrganisation("administration", "Administration retirée", "Salers").getString("id");
    java.util.Map<String, JsonObject> creations = new java.util.LinkedHashMap<>();
    creations.put("/api/visio/services", new JsonObject().put("organisationId", adminAt).put("name", "Service retiré")
        .put("durationMinutes", 30).put("referencePrefix", "RET"));
    creations.put("/api/visio/points", new JsonObject().put("name", "Mairie retirée").put("commune", "Salers").put("kind", "mairie")
        .put("hours", new JsonArray().add(new JsonObject().put("weekday", 1).put("start", "09:00").put("end", "12:00"))));
    int n = 0;
    for (var creation : creations.entrySet()) {
      String key = "withdrawn-creation-key-" + n++;
      Api.Response first = node.api.post(creation.getKey(), admin, creation.getValue(), key);
      assertThat(first.status()).as(first.toString()).isEqualTo(201);
      Api.Response withdrawn = node.api.post(creation.getKey() + "/" + first.json().getString("id") + "/withdraw", admin,
          new JsonObject());
      assertThat(withdrawn.status()).as(withdrawn.toString()).isLessThan(300);

      Api.Response again = node.api.post(creation.getKey(), admin, creation.getValue(), key);

      assertThat(again.status()).as(creation.getKey() + " " + again).isEqualTo(409);
      assertThat(again.detail()).isEqualTo("Cette demande l’a bien créé, mais il a été retiré depuis : il n’est plus dans la liste.");
    }
  }

  @Test
  void users_are_listed_with_role_organisation_and_specialties() {
    JsonArray users = node.api.get("/api/users", admin).array();
    JsonObject doctor = users.stream().map(JsonObject.class::cast)
        .filter(u -> u.getString("email").equals("doctor@cantal.test")).findFirst().orElseThrow();
    assertThat(doctor.getString("role")).isEqualTo("doctor");
    assertThat(doctor.getJsonArray("specialties").getList()).containsExactly("geriatrie");
    assertThat(doctor.containsKey("passwordHash")).isFalse();
  }

  @Test
  void an_email_is_unique() {
    var again = node.api.post("/api/users", admin, new JsonObject().put("email", "NURSE@cantal.test")
        .put("password", "password-123").put("role", "nurse").put("displayName", "Twin").put("organisationId", ehpadId));
    assertThat(again.status()).isEqualTo(409);
  }

  @Test
  void a_user_must_fit_its_organisation() {
    var nurseWithoutHome = node.api.post("/api/users", admin, new JsonObject().put("email", "x1@cantal.test")
        .put("password", "password-123").put("role", "nurse").put("displayName", "X"));
    assertThat(nurseWithoutHome.status()).isEqualTo(400);
    assertThat(nurseWithoutHome.detail()).contains("organisationId");

    var agentInACareHome = node.api.post("/api/users", admin, new JsonObject().put("email", "x2@cantal.test")
        .put("password", "password-123").put("role", "agent").put("displayName", "X").put("organisationId", ehpadId));
    assertThat(agentInACareHome.status()).isEqualTo(400);

    var unknownSpecialty = node.api.post("/api/users", admin, new JsonObject().put("email", "x3@cantal.test")
        .put("password", "password-123").put("role", "doctor").put("displayName", "X")
        .put("specialties", new JsonArray().add("astrologie")));
    assertThat(unknownSpecialty.status()).isEqualTo(400);
    assertThat(unknownSpecialty.detail()).contains("astrologie");
  }

  @Test
  void specialties_are_a_reference_list_an_admin_extends() {
    JsonArray before = node.api.get("/api/specialties").array();
    assertThat(before.stream().map(s -> ((JsonObject) s).getString("code"))).contains("geriatrie", "medecine_generale");
    var added = node.api.post("/api/specialties", admin, new JsonObject().put("code", "ophtalmologie").put("label", "Ophtalmologie"));
    assertThat(added.status()).isEqualTo(201);
    assertThat(node.api.post("/api/specialties", nurseToken, new JsonObject().put("code", "x_y").put("label", "X")).status())
        .isEqualTo(403);
  }

  @Test
  void only_an_admin_manages_identities() {
    for (String token : new String[] {nurseToken, doctorToken}) {
      assertThat(node.api.get("/api/organisations", token).status()).isEqualTo(403);
      assertThat(node.api.get("/api/users", token).status()).isEqualTo(403);
      var create = node.api.post("/api/organisations", token,
          new JsonObject().put("kind", "ehpad").put("name", "Pirate").put("commune", "Murat"));
      assertThat(create.status()).isEqualTo(403);
      assertThat(create.isProblem()).isTrue();
    }
    assertThat(node.api.get("/api/users").status()).isEqualTo(401);
    assertThat(node.api.get("/api/organisations").status()).isEqualTo(401);
  }

  @Test
  void a_deactivated_user_loses_its_tokens_at_once_and_cannot_sign_in() {
    JsonObject user = createUser("leaving@cantal.test", "nurse", ehpadId, null);
    String token = node.api.login("leaving@cantal.test", "password-123");
    assertThat(node.api.get("/api/me", token).status()).isEqualTo(200);

    var deactivated = node.api.post("/api/users/" + user.getString("id") + "/deactivate", admin, null);
    assertThat(deactivated.status()).isEqualTo(200);
    assertThat(deactivated.json().getBoolean("active")).isFalse();

    assertThat(node.api.get("/api/me", token).status()).isEqualTo(401);
    var login = node.api.post("/api/auth/login", new JsonObject().put("email", "leaving@cantal.test").put("password", "password-123"));
    assertThat(login.status()).isEqualTo(401);
  }

  @Test
  void deactivating_an_unknown_user_is_a_404() {
    assertThat(node.api.post("/api/users/00000000-0000-0000-0000-000000000000/deactivate", admin, null).status()).isEqualTo(404);
    assertThat(node.api.post("/api/users/not-an-id/deactivate", admin, null).status()).isEqualTo(404);
  }
}
