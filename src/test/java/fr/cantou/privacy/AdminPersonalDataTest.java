package fr.cantou.privacy;

import fr.cantou.support.TerritoryNodeTest;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RGPD articles 15 and 17 by an admin on request: she finds a citizen by e-mail or phone, a
 * patient by reference and care home, exports and erases their data; each item audited with her
 * name and the reason she typed.
 */
class AdminPersonalDataTest extends TerritoryNodeTest {

  static JsonObject asked(String field, String value) {
    return new JsonObject().put(field, value).put("reason", "Courrier de la personne reçu le 28 novembre");
  }

  JsonObject book(String start, String email, String phone) {
    JsonObject citizen = new JsonObject().put("name", "Jeanne Vidal");
    if (email != null) {
      citizen.put("email", email);
    }
    if (phone != null) {
      citizen.put("phone", phone);
    }
    var booked = node.api.post("/api/visio/appointments", new JsonObject().put("serviceId", visio.serviceId).put("start", start)
        .put("citizen", citizen));
    assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
    return booked.json();
  }

  @Test
  void an_admin_finds_exports_and_erases_a_citizens_appointments_by_email_or_phone_audited_with_her_reason() {
    JsonObject first = book("2026-12-01T10:00:00+01:00", "Jeanne.Vidal@example.fr", null);
    JsonObject second = book("2026-12-01T11:00:00+01:00", null, "06 39 98 12 34");
    JsonObject neighbour = book("2026-12-01T14:00:00+01:00", "paul@example.fr", null);

    var byMail = node.api.post("/api/admin/personal-data/export", visio.admin, asked("email", "jeanne.vidal@example.fr"));
    assertThat(byMail.status()).as(byMail.toString()).isEqualTo(200);
    assertThat(byMail.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment");
    JsonArray found = byMail.json().getJsonArray("appointments");
    assertThat(found).hasSize(1);
    assertThat(found.getJsonObject(0).getJsonObject("appointment").getString("id")).isEqualTo(first.getString("id"));
    JsonObject audited = found.getJsonObject(0).getJsonArray("audit").getJsonObject(0);
    assertThat(audited.getString("actor")).isEqualTo("admin");
    assertThat(audited.getString("action")).isEqualTo("export");
    assertThat(audited.getString("reason")).isEqualTo("Courrier de la personne reçu le 28 novembre");
    assertThat(audited.getString("byName")).isNotBlank();

    // The phone as typed another way is the same number.
    var byPhone = node.api.post("/api/admin/personal-data/export", visio.admin, asked("phone", "+33 6 39 98 12 34")).json();
    assertThat(byPhone.getJsonArray("appointments").getJsonObject(0).getJsonObject("appointment").getString("id"))
        .isEqualTo(second.getString("id"));

    var erased = node.api.post("/api/admin/personal-data/erasure", visio.admin, asked("phone", "0639981234"));
    assertThat(erased.status()).as(erased.toString()).isEqualTo(200);
    assertThat(erased.json().getInteger("appointments")).isEqualTo(1);
    assertThat(erased.json().getInteger("cancelled")).isEqualTo(1);
    JsonObject after = node.api.get("/api/visio/appointments/" + second.getString("id"), visio.agent).json();
    assertThat(after.getString("status")).isEqualTo("cancelled");
    assertThat(after.getValue("citizen") == null || after.getJsonObject("citizen").isEmpty()).as(after.encode()).isTrue();
    // Nothing of the others is touched; the erased one is no longer found by its phone.
    assertThat(node.api.get("/api/visio/appointments/" + neighbour.getString("id"), visio.agent).json()
        .getJsonObject("citizen").getString("email")).isEqualTo("paul@example.fr");
    assertThat(node.api.get("/api/visio/appointments/" + first.getString("id"), visio.agent).json()
        .getString("status")).isEqualTo("booked");
    assertThat(node.api.post("/api/admin/personal-data/export", visio.admin, asked("phone", "0639981234")).json()
        .getJsonArray("appointments")).isEmpty();
    // The citizen's own export shows the admin's erasure and why.
    JsonArray audit = visio.withToken("GET", "/api/visio/appointments/" + second.getString("id") + "/personal-data",
        second.getString("manageToken"), null).json().getJsonArray("audit");
    assertThat(audit.stream().map(e -> ((JsonObject) e).getString("action"))).containsExactly("export", "erasure", "export");
    assertThat(audit.getJsonObject(1).getString("reason")).isEqualTo("Courrier de la personne reçu le 28 novembre");
  }

  JsonObject waitFor(String name, String email, String phone) {
    JsonObject citizen = new JsonObject().put("name", name);
    if (email != null) {
      citizen.put("email", email);
    }
    if (phone != null) {
      citizen.put("phone", phone);
    }
    var joined = node.api.post("/api/visio/waiting-list", new JsonObject().put("serviceId", visio.serviceId).put("citizen", citizen));
    assertThat(joined.status()).as(joined.toString()).isEqualTo(201);
    return joined.json();
  }

  List<JsonObject> linesOf(String itemId) {
    return node.api.get("/api/admin/audit?itemId=" + itemId, visio.admin).json().getJsonArray("items").stream()
        .map(JsonObject.class::cast).toList();
  }

  /** A line of personal_data_audit about a waiting-list place: by the admin, with her reason and address. */
  static void assertRgpdLine(JsonObject line, String action) {
    assertThat(line.getString("category")).as(line.encode()).isEqualTo(action);
    assertThat(line.getString("action")).isEqualTo(action);
    assertThat(line.getString("itemKind")).isEqualTo("waiting_place");
    assertThat(line.getString("userId")).isNotBlank();
    assertThat(line.getString("reason")).isEqualTo("Courrier de la personne reçu le 28 novembre");
    assertThat(line.getString("address")).isNotBlank();
  }

  /** Her places on waiting lists (name and contacts) are found, exported and erased with her appointments. */
  @Test
  void an_admins_export_and_erasure_by_email_or_phone_reach_the_waiting_list_places_too() {
    JsonObject byMail = waitFor("Jeanne Vidal", "Jeanne.Vidal@example.fr", null);
    JsonObject byPhone = waitFor("Jeanne Vidal", null, "06 39 98 12 34");
    JsonObject neighbour = waitFor("Paul Roux", "paul@example.fr", null);

    JsonArray places = node.api.post("/api/admin/personal-data/export", visio.admin, asked("email", "jeanne.vidal@example.fr"))
        .json().getJsonArray("waitingPlaces");
    assertThat(places).hasSize(1);
    assertThat(places.getJsonObject(0).getString("id")).isEqualTo(byMail.getString("id"));
    assertThat(places.getJsonObject(0).getString("name")).isEqualTo("Jeanne Vidal");
    assertThat(places.getJsonObject(0).getString("email")).isEqualTo("Jeanne.Vidal@example.fr");
    assertThat(places.getJsonObject(0).getString("state")).isEqualTo("waiting");
    List<JsonObject> exported = linesOf(byMail.getString("id"));
    assertThat(exported).as("the export is a line of personal_data_audit, as an appointment's").hasSize(1);
    assertRgpdLine(exported.get(0), "export");
    JsonArray byNumber = node.api.post("/api/admin/personal-data/export", visio.admin, asked("phone", "+33 6 39 98 12 34"))
        .json().getJsonArray("waitingPlaces");
    assertThat(byNumber).hasSize(1);
    assertThat(byNumber.getJsonObject(0).getString("id")).isEqualTo(byPhone.getString("id"));

    var erased = node.api.post("/api/admin/personal-data/erasure", visio.admin, asked("email", "jeanne.vidal@example.fr"));
    assertThat(erased.status()).as(erased.toString()).isEqualTo(200);
    assertThat(erased.json().getInteger("waitingPlaces")).isEqualTo(1);
    assertThat(node.api.post("/api/admin/personal-data/export", visio.admin, asked("email", "jeanne.vidal@example.fr"))
        .json().getJsonArray("waitingPlaces")).as("nothing of her is held any more").isEmpty();
    JsonObject left = visio.withToken("GET", "/api/visio/waiting-list/" + byMail.getString("id"), byMail.getString("token"), null)
        .json();
    assertThat(left.getString("state")).isEqualTo("left");
    List<JsonObject> audit = node.api.get("/api/admin/audit?kind=erasure&itemKind=waiting_place", visio.admin).json()
        .getJsonArray("items").stream().map(JsonObject.class::cast).toList();
    assertThat(audit).as("the erasure is in the trail, by the admin, the place as its item").hasSize(1);
    assertRgpdLine(audit.get(0), "erasure");
    assertThat(audit.get(0).getString("itemId")).isEqualTo(byMail.getString("id"));
    assertThat(linesOf(byMail.getString("id"))).as("nothing else in the trail about the place")
        .extracting(line -> line.getString("action")).containsExactly("erasure", "export");

    // Another person's place, and her own by phone, are untouched.
    assertThat(node.api.post("/api/admin/personal-data/export", visio.admin, asked("email", "paul@example.fr"))
        .json().getJsonArray("waitingPlaces").getJsonObject(0).getString("id")).isEqualTo(neighbour.getString("id"));
    assertThat(node.api.post("/api/admin/personal-data/export", visio.admin, asked("phone", "06 39 98 12 34"))
        .json().getJsonArray("waitingPlaces")).hasSize(1);
  }

  @Test
  void an_admin_exports_and_erases_a_patients_requests_once_closed_and_only_those_of_her_care_home() {
    JsonObject asked = request("geriatrie", "normal");
    asked.getJsonObject("patient").put("reference", "CH-0042");
    String id = care.create(asked).getString("id");
    JsonObject elsewhere = request("geriatrie", "normal");
    elsewhere.getJsonObject("patient").put("reference", "CH-0042");
    String otherId = node.api.post("/api/teleconsultations", care.otherNurse, elsewhere).json().getString("id");

    JsonObject patient = new JsonObject().put("patientReference", "ch-0042").put("careHomeId", care.ehpadId)
        .put("reason", "Demande de la famille, tutelle du 2 décembre");
    var export = node.api.post("/api/admin/personal-data/export", node.adminToken(), patient);
    assertThat(export.status()).as(export.toString()).isEqualTo(200);
    JsonArray items = export.json().getJsonArray("teleconsultations");
    assertThat(items).hasSize(1);
    assertThat(items.getJsonObject(0).getJsonObject("teleconsultation").getString("id")).isEqualTo(id);
    assertThat(items.getJsonObject(0).getJsonObject("teleconsultation").getString("reason"))
        .isEqualTo("Plaie au talon qui ne cicatrise pas");

    var open = node.api.post("/api/admin/personal-data/erasure", node.adminToken(), patient);
    assertThat(open.status()).isEqualTo(409);
    assertThat(open.isProblem()).isTrue();

    assertThat(node.api.post("/api/teleconsultations/" + id + "/cancel", care.nurse, null).status()).isEqualTo(200);
    var erased = node.api.post("/api/admin/personal-data/erasure", node.adminToken(), patient);
    assertThat(erased.status()).as(erased.toString()).isEqualTo(200);
    assertThat(erased.json().getInteger("teleconsultations")).isEqualTo(1);
    JsonObject seen = node.api.get("/api/teleconsultations/" + id, care.nurse).json();
    assertThat(seen.getString("reason")).isNull();
    assertThat(seen.getString("erasedAt")).isEqualTo("2026-11-30T06:00:00Z");
    assertThat(node.api.get("/api/teleconsultations/" + otherId, care.otherNurse).json().getString("reason"))
        .isEqualTo("Plaie au talon qui ne cicatrise pas");
    // Nor is it left in the outbox, where a socket resuming from an old position would read it.
    assertThat(eventsAbout(id)).isNotEmpty().allSatisfy(data -> assertThat(data)
        .doesNotContainKeys("patient", "reason", "report", "vitalSigns", "messages").containsEntry("id", id));
    assertThat(eventsAbout(otherId)).isNotEmpty().allSatisfy(data -> assertThat(data).containsKeys("patient", "reason"));
  }

  /** The data of every event of the outbox about this request. */
  private List<java.util.Map<String, Object>> eventsAbout(String id) {
    return TestNode.await(node.node().platform().pool()
            .preparedQuery("SELECT data FROM event WHERE kind LIKE 'teleconsultation.%' AND data->>'id' = $1 ORDER BY id")
            .execute(io.vertx.sqlclient.Tuple.of(id)))
        .stream().map(row -> ((JsonObject) row.getValue("data")).getMap()).toList();
  }

  @Test
  void only_an_admin_with_a_reason_and_one_way_to_find_the_person() {
    JsonObject mail = asked("email", "jeanne.vidal@example.fr");
    assertThat(node.api.post("/api/admin/personal-data/export", visio.agent, mail).status()).isEqualTo(403);
    assertThat(node.api.post("/api/admin/personal-data/erasure", care.nurse, mail).status()).isEqualTo(403);
    assertThat(node.api.post("/api/admin/personal-data/export", visio.admin, mail.copy().put("reason", " ")).status())
        .isEqualTo(400);
    assertThat(node.api.post("/api/admin/personal-data/export", visio.admin, mail.copy().put("phone", "0639981234")).status())
        .isEqualTo(400);
    assertThat(node.api.post("/api/admin/personal-data/export", visio.admin,
        asked("patientReference", "CH-0042")).status()).isEqualTo(400);
  }

  /**
   * Booked without any contact (beside a mediator, at a point's screen), she can be found by neither an e-mail nor a
   * phone: her letter names her appointment, and the admin exports and erases it by its reference, in any case
   * (outside review r24: only the holder of her manage link could, before).
   */
  @Test
  void an_appointment_booked_without_any_contact_is_exported_and_erased_by_its_reference() {
    var booked = node.api.post("/api/visio/appointments", visio.mediator, new JsonObject().put("serviceId", visio.serviceId)
        .put("start", "2026-12-01T10:00:00+01:00").put("citizen", new JsonObject().put("name", "Marcelle Roux")));
    assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
    String id = booked.json().getString("id");
    String reference = booked.json().getString("reference");
    String reason = "Courrier de Mme Roux du 2 décembre, rendez-vous du 1er";

    var export = node.api.post("/api/admin/personal-data/export", visio.admin, new JsonObject()
        .put("appointmentReference", reference.toLowerCase(java.util.Locale.ROOT)).put("reason", reason));
    assertThat(export.status()).as(export.toString()).isEqualTo(200);
    assertThat(export.body()).contains("Marcelle Roux");
    assertThat(export.json().getJsonArray("waitingPlaces")).isEmpty();

    var erased = node.api.post("/api/admin/personal-data/erasure", visio.admin, new JsonObject()
        .put("appointmentReference", reference).put("reason", reason));
    assertThat(erased.status()).as(erased.toString()).isEqualTo(200);
    assertThat(erased.json().getInteger("appointments")).isEqualTo(1);
    assertThat(erased.json().getInteger("cancelled")).as("still to come: cancelled first").isEqualTo(1);
    assertThat(node.api.get("/api/visio/appointments/" + id, visio.agent).body()).doesNotContain("Marcelle Roux");

    var both = node.api.post("/api/admin/personal-data/erasure", visio.admin, new JsonObject()
        .put("appointmentReference", reference).put("email", "marcelle.roux@example.fr").put("reason", reason));
    assertThat(both.status()).as("one way of finding her at a time").isEqualTo(400);
    assertThat(node.api.post("/api/admin/personal-data/erasure", visio.agent, new JsonObject()
        .put("appointmentReference", reference).put("reason", reason)).status()).isEqualTo(403);
  }
}
