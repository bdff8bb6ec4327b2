package fr.cantou.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A small care territory made through the admin API: two care homes with a nurse each, a
 * hospital, a geriatrician, a cardiologist and a general practitioner.
 */
public final class CareTerritory {
  /** Each person's own password, chosen at her first sign-in. */
  public static final String PASSWORD = "password-123";
  /** The password the admin types when making an account, replaced by its owner before anything else. */
  public static final String TYPED_BY_ADMIN = "typed-by-the-admin";

  public final String ehpadId;
  public final String otherEhpadId;
  public final String nurse;
  public final String otherNurse;
  public final String geriatrician;
  public final String geriatricianId;
  public final String cardiologist;
  public final String generalPractitioner;
  private final TestNode node;
  private final String admin;

  public CareTerritory(TestNode node) {
    this(node, "");
  }

  /** With a suffix, several territories live in one database (names and e-mails stay unique). */
  public CareTerritory(TestNode node, String suffix) {
    this.node = node;
    this.admin = node.adminToken();
    String s = suffix.isEmpty() ? "" : " " + suffix;
    String e = suffix.isEmpty() ? "" : "." + suffix;
    ehpadId = organisation("ehpad", "EHPAD Les Estives" + s, "Murat");
    otherEhpadId = organisation("ehpad", "EHPAD Val d'Alagnon" + s, "Massiac");
    String hospital = organisation("hopital", "Centre hospitalier d'Aurillac" + s, "Aurillac");
    nurse = token(user("nurse@murat.test" + e, "nurse", "Sophie Delmas", ehpadId, null));
    otherNurse = token(user("nurse@massiac.test" + e, "nurse", "Julie Rouchy", otherEhpadId, null));
    geriatricianId = user("geriatre@ch.test" + e, "doctor", "Dr Mercier", hospital, new JsonArray().add("geriatrie"));
    geriatrician = token(geriatricianId);
    cardiologist = token(user("cardio@ch.test" + e, "doctor", "Dr Roux", hospital, new JsonArray().add("cardiologie")));
    generalPractitioner = token(user("mg@ch.test" + e, "doctor", "Dr Planchon", null, new JsonArray().add("medecine_generale")));
  }

  public String organisation(String kind, String name, String commune) {
    var response = node.api.post("/api/organisations", admin,
        new JsonObject().put("kind", kind).put("name", name).put("commune", commune));
    if (response.status() != 201) {
      throw new AssertionError(response.toString());
    }
    return response.json().getString("id");
  }

  private final java.util.Map<String, String> emails = new java.util.HashMap<>();

  public String user(String email, String role, String name, String organisationId, JsonArray specialties) {
    JsonObject body = new JsonObject().put("email", email).put("password", TYPED_BY_ADMIN).put("role", role).put("displayName", name);
    if (organisationId != null) {
      body.put("organisationId", organisationId);
    }
    if (specialties != null) {
      body.put("specialties", specialties);
    }
    var response = node.api.post("/api/users", admin, body);
    if (response.status() != 201) {
      throw new AssertionError(response.toString());
    }
    String id = response.json().getString("id");
    emails.put(id, email);
    node.api.chooseOwnPassword(email, TYPED_BY_ADMIN, PASSWORD);
    return id;
  }

  public String token(String userId) {
    return node.api.login(emails.get(userId), PASSWORD);
  }

  /** A valid request body; change what the test is about. */
  public static JsonObject request(String specialty, String urgency) {
    return new JsonObject()
        .put("patient", new JsonObject().put("reference", "R-" + System.nanoTime() % 100000).put("initials", "JD").put("birthYear", 1938))
        .put("reason", "Plaie au talon qui ne cicatrise pas")
        .put("specialty", specialty)
        .put("urgency", urgency)
        .put("consent", new JsonObject().put("given", true).put("by", "patient"));
  }

  public JsonObject create(JsonObject request) {
    var response = node.api.post("/api/teleconsultations", nurse, request);
    if (response.status() != 201) {
      throw new AssertionError(response.toString());
    }
    return response.json();
  }
}
