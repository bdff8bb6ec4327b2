package fr.cantou.bench;

import fr.cantou.support.Api;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The people and places each workload needs, made through the public admin API as a script of
 * the département would, each workload with its own so that none sees another's events or
 * queue. Every user has the same password.
 */
final class Fixtures {
  static final String ADMIN_EMAIL = "admin@bench.test";
  static final String ADMIN_PASSWORD = "bench-admin-password";
  static final String PASSWORD = "bench-password-1";
  /** What the admin types when making an account; each person replaces it with PASSWORD at her first sign-in. */
  static final String TYPED_BY_ADMIN = "bench-typed-by-the-admin";

  /** A care home's nurse and the doctors of one specialty, each with an access token. */
  record CareSide(String organisationId, String nurseId, String nurse, List<String> doctors, String specialty) {}

  /** A visio-accueil service and its agents. */
  record Service(String id, String organisationId, List<String> agentIds) {}

  private final Api api;
  private final String admin;

  Fixtures(Api api) {
    this.api = api;
    this.admin = api.login(ADMIN_EMAIL, ADMIN_PASSWORD);
  }

  Api api() {
    return api;
  }

  String organisation(String kind, String name) {
    return created(api.post("/api/organisations", admin, new JsonObject().put("kind", kind).put("name", name)
        .put("commune", "Aurillac"))).getString("id");
  }

  String user(String email, String role, String organisationId, String specialty) {
    JsonObject body = new JsonObject().put("email", email).put("password", TYPED_BY_ADMIN).put("role", role)
        .put("displayName", role + " " + email.substring(0, email.indexOf('@')));
    if (organisationId != null) {
      body.put("organisationId", organisationId);
    }
    if (specialty != null) {
      body.put("specialties", new JsonArray().add(specialty));
    }
    String id = created(api.post("/api/users", admin, body)).getString("id");
    api.chooseOwnPassword(email, TYPED_BY_ADMIN, PASSWORD);
    return id;
  }

  String token(String email) {
    return api.login(email, PASSWORD);
  }

  /** A care home named {@code name} with one nurse, and {@code doctors} doctors of {@code specialty}. */
  CareSide careSide(String name, String specialty, int doctors) {
    String home = organisation("ehpad", "EHPAD " + name);
    String nurseId = user("nurse." + name + "@bench.test", "nurse", home, null);
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < doctors; i++) {
      String email = "doctor" + i + "." + name + "@bench.test";
      user(email, "doctor", null, specialty);
      tokens.add(token(email));
    }
    return new CareSide(home, nurseId, token("nurse." + name + "@bench.test"), tokens, specialty);
  }

  /**
   * A service of {@code agents} agents, each open on {@code weekdays} (1 = Monday) from
   * {@code open} to {@code close}, with {@code minutes}-long slots, no buffer and no notice.
   */
  Service service(String name, int agents, int weekdays, String open, String close, int minutes) {
    String administration = organisation("administration", name);
    String id = created(api.post("/api/visio/services", admin, new JsonObject().put("organisationId", administration)
        .put("name", name).put("durationMinutes", minutes).put("referencePrefix", "BEN"))).getString("id");
    JsonArray week = new JsonArray();
    for (int day = 1; day <= weekdays; day++) {
      week.add(new JsonObject().put("weekday", day).put("start", open).put("end", close));
    }
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < agents; i++) {
      String agent = user("agent" + i + "." + administration.substring(0, 8) + "@bench.test", "agent", administration, null);
      Api.Response set = api.send("PUT", "/api/visio/agents/" + agent + "/availability", admin, new JsonObject()
          .put("serviceIds", new JsonArray().add(id)).put("weekly", week).put("bufferMinutes", 0).put("minNoticeMinutes", 0)
          .put("horizonDays", 60).encode(), Map.of("Content-Type", "application/json"));
      if (set.status() / 100 != 2) {
        throw new IllegalStateException("availability refused: " + set);
      }
      ids.add(agent);
    }
    return new Service(id, administration, ids);
  }

  /** Starts of the free slots between two days (inclusive), as the public slot search gives them. */
  List<String> slotStarts(String serviceId, String from, String to) {
    Api.Response slots = api.get("/api/visio/services/" + serviceId + "/slots?from=" + from + "&to=" + to);
    return slots.array().stream().map(s -> ((JsonObject) s).getString("start")).toList();
  }

  static String booking(String serviceId, String start) {
    return new JsonObject().put("serviceId", serviceId).put("start", start)
        .put("citizen", new JsonObject().put("name", "Usager d'essai").put("email", "usager@bench.test")).encode();
  }

  /** A teleconsultation request whose patient reference carries the marker the sockets look for. */
  static String teleconsultation(String specialty) {
    return new JsonObject()
        .put("patient", new JsonObject().put("reference", SocketFleet.MARKER + HttpOperation.SEQ + "~").put("initials", "JD")
            .put("birthYear", 1938))
        .put("reason", "Plaie au talon qui ne cicatrise pas").put("specialty", specialty).put("urgency", "normal")
        .put("consent", new JsonObject().put("given", true).put("by", "patient")).encode();
  }

  private static JsonObject created(Api.Response response) {
    if (response.status() != 201) {
      throw new IllegalStateException("fixture refused: " + response);
    }
    return response.json();
  }
}
