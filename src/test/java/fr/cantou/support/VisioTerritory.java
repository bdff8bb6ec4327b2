package fr.cantou.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * An administration with one agent serving one 30-minute service, Monday to Friday 8:00–18:00
 * (Paris), a second administration, a France Services house with a mediator, and a point
 * visio-accueil open on weekday mornings.
 */
public final class VisioTerritory {
  public final String cafId;
  public final String serviceId;
  public final String agentId;
  public final String agent;
  public final String otherAgent;
  public final String otherAgentId;
  public final String cpamId;
  public final String mediator;
  public final String mediatorId;
  public final String pointId;
  public final String admin;
  private final TestNode node;
  private final CareTerritory people;

  public VisioTerritory(TestNode node) {
    this.node = node;
    admin = node.adminToken();
    people = new CareTerritory(node);
    cafId = people.organisation("administration", "CAF du Cantal", "Aurillac");
    cpamId = people.organisation("administration", "CPAM du Cantal", "Aurillac");
    String house = people.organisation("france_services", "France Services de Maurs", "Maurs");
    agentId = people.user("agent@caf.test", "agent", "Karine Lescure", cafId, null);
    agent = people.token(agentId);
    otherAgentId = people.user("agent@cpam.test", "agent", "Sandrine Malet", cpamId, null);
    otherAgent = people.token(otherAgentId);
    mediatorId = people.user("mediateur@fs.test", "mediator", "Inès Falguière", house, null);
    mediator = people.token(mediatorId);

    serviceId = created(node.api.post("/api/visio/services", admin, new JsonObject()
        .put("organisationId", cafId).put("name", "Allocations familiales").put("durationMinutes", 30)
        .put("referencePrefix", "CAF").put("description", "Vos droits CAF")
        .put("documents", new JsonArray().add("Votre numéro d'allocataire").add("Un justificatif de domicile"))));
    weekdays(agentId, serviceId);
    JsonArray mornings = new JsonArray();
    for (int day = 1; day <= 5; day++) {
      mornings.add(new JsonObject().put("weekday", day).put("start", "09:00").put("end", "12:00"));
    }
    pointId = created(node.api.post("/api/visio/points", admin, new JsonObject().put("name", "Mairie de Murat")
        .put("commune", "Murat").put("kind", "mairie").put("hours", mornings)));
  }

  /** A second administration's service, served by its agent on the same hours: to share the point. */
  public String cpamService() {
    String id = created(node.api.post("/api/visio/services", admin, new JsonObject()
        .put("organisationId", cpamId).put("name", "Assurance maladie").put("durationMinutes", 30)
        .put("referencePrefix", "CPAM").put("description", "Vos remboursements")));
    weekdays(otherAgentId, id);
    return id;
  }

  /** More agents of the CAF serving its service on the same hours; their ids. */
  public java.util.List<String> colleagues(int count) {
    java.util.List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = people.user("agent" + i + "@caf.test", "agent", "Agent " + i, cafId, null);
      weekdays(id, serviceId);
      ids.add(id);
    }
    return ids;
  }

  /** The agent serves the service Monday to Friday, 8:00–18:00, no buffer, no notice, 60 days ahead. */
  private void weekdays(String agent, String service) {
    JsonArray week = new JsonArray();
    for (int day = 1; day <= 5; day++) {
      week.add(new JsonObject().put("weekday", day).put("start", "08:00").put("end", "18:00"));
    }
    var calendar = node.api.send("PUT", "/api/visio/agents/" + agent + "/availability", admin, new JsonObject()
        .put("serviceIds", new JsonArray().add(service)).put("weekly", week).put("bufferMinutes", 0)
        .put("minNoticeMinutes", 0).put("horizonDays", 60).encode(), java.util.Map.of("Content-Type", "application/json"));
    if (calendar.status() != 200) {
      throw new AssertionError(calendar.toString());
    }
  }

  private static String created(Api.Response response) {
    if (response.status() != 201) {
      throw new AssertionError(response.toString());
    }
    return response.json().getString("id");
  }

  public static JsonObject booking(String serviceId, String start) {
    return new JsonObject().put("serviceId", serviceId).put("start", start)
        .put("citizen", new JsonObject().put("name", "Jeanne Vidal").put("email", "jeanne.vidal@example.fr"));
  }

  public Api.Response book(String start) {
    return node.api.post("/api/visio/appointments", booking(serviceId, start));
  }

  /** Booked by a professional ({@code token}) for this citizen at {@code start}, in the CAF's service: the answer. */
  public JsonObject bookAs(String token, String start, JsonObject citizen) {
    Api.Response booked = node.api.post("/api/visio/appointments", token,
        new JsonObject().put("serviceId", serviceId).put("start", start).put("citizen", citizen));
    if (booked.status() != 201) {
      throw new AssertionError(booked.toString());
    }
    return booked.json();
  }

  public Api.Response withToken(String method, String path, String token, JsonObject body) {
    java.util.Map<String, String> headers = new java.util.HashMap<>();
    headers.put("X-Manage-Token", token);
    if (body != null) {
      headers.put("Content-Type", "application/json");
    }
    return node.api.send(method, path, null, body == null ? null : body.encode(), headers);
  }
}
