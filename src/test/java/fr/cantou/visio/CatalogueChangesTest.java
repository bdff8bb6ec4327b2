package fr.cantou.visio;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static fr.cantou.support.VisioTerritory.booking;
import static org.assertj.core.api.Assertions.assertThat;

/** The département changes and withdraws services and points; slots and bookings follow at once. */
class CatalogueChangesTest extends VisioNodeTest {
  List<String> tuesday(String pointId) {
    var answer = node.api.get("/api/visio/services/" + visio.serviceId + "/slots?from=2026-12-01&to=2026-12-01"
        + (pointId == null ? "" : "&pointId=" + pointId));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    return answer.array().stream().map(s -> ((JsonObject) s).getString("start").substring(11, 16)).toList();
  }

  static JsonObject service(int minutes) {
    return new JsonObject().put("name", "Allocations familiales").put("description", "Vos droits CAF")
        .put("documents", new JsonArray().add("Votre numéro d'allocataire")).put("durationMinutes", minutes);
  }

  @Test
  void a_new_duration_reshapes_the_slots_at_once_and_booked_appointments_keep_their_times() {
    JsonObject booked = visio.book("2026-12-01T10:00:00+01:00").json();
    assertThat(tuesday(null)).startsWith("08:00", "08:30", "09:00");

    var changed = node.api.send("PUT", "/api/visio/services/" + visio.serviceId, visio.admin, service(45).encode(),
        Map.of("Content-Type", "application/json"));
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    assertThat(changed.json().getInteger("durationMinutes")).isEqualTo(45);

    assertThat(tuesday(null)).as("9:30 and 10:15 would meet the appointment booked 10:00–10:30")
        .startsWith("08:00", "08:45", "11:00");
    var again = visio.withToken("GET", "/api/visio/appointments/" + booked.getString("id"), booked.getString("manageToken"), null);
    assertThat(again.json().getString("end")).isEqualTo("2026-12-01T10:30:00+01:00");
  }

  @Test
  void only_an_admin_changes_a_service() {
    var byAgent = node.api.send("PUT", "/api/visio/services/" + visio.serviceId, visio.agent, service(45).encode(),
        Map.of("Content-Type", "application/json"));
    assertThat(byAgent.status()).isEqualTo(403);
    assertThat(tuesday(null)).startsWith("08:00", "08:30");
  }

  @Test
  void a_withdrawn_service_is_no_longer_offered_but_its_appointments_are_honoured() {
    JsonObject booked = visio.book("2026-12-01T10:00:00+01:00").json();
    assertThat(tuesday(null)).isNotEmpty();

    assertThat(node.api.post("/api/visio/services/" + visio.serviceId + "/withdraw", visio.admin, null).status()).isEqualTo(204);

    assertThat(node.api.get("/api/visio/services").array()).isEmpty();
    assertThat(node.api.get("/api/visio/services/" + visio.serviceId + "/slots?from=2026-12-01&to=2026-12-01").status())
        .isEqualTo(404);
    assertThat(visio.book("2026-12-01T11:00:00+01:00").status()).isEqualTo(404);
    var kept = visio.withToken("GET", "/api/visio/appointments/" + booked.getString("id"), booked.getString("manageToken"), null);
    assertThat(kept.json().getString("status")).isEqualTo("booked");
  }

  @Test
  void an_appointment_of_a_withdrawn_service_cannot_be_moved_and_she_is_told_it_stays_at_its_date() {
    JsonObject booked = visio.book("2026-12-01T10:00:00+01:00").json();
    assertThat(node.api.post("/api/visio/services/" + visio.serviceId + "/withdraw", visio.admin, null).status()).isEqualTo(204);

    var refused = node.api.send("POST", "/api/visio/appointments/" + booked.getString("id") + "/reschedule", null,
        new JsonObject().put("start", "2026-12-01T11:00:00+01:00").encode(),
        Map.of("X-Manage-Token", booked.getString("manageToken"), "Accept-Language", "fr", "Content-Type", "application/json"));

    assertThat(refused.status()).as(refused.body()).isEqualTo(409);
    assertThat(refused.detail()).isEqualTo("Ce service n’est plus proposé : le rendez-vous reste à sa date et ne peut plus "
        + "être déplacé. Il peut encore être annulé.");
    var kept = visio.withToken("GET", "/api/visio/appointments/" + booked.getString("id"), booked.getString("manageToken"), null);
    assertThat(kept.json().getString("start")).isEqualTo(booked.getString("start"));
  }

  @Test
  void new_opening_hours_of_a_point_reshape_its_slots_at_once() {
    assertThat(tuesday(visio.pointId)).containsExactly("09:00", "09:30", "10:00", "10:30", "11:00", "11:30");

    JsonArray afternoons = new JsonArray();
    for (int day = 1; day <= 5; day++) {
      afternoons.add(new JsonObject().put("weekday", day).put("start", "14:00").put("end", "15:00"));
    }
    var changed = node.api.send("PUT", "/api/visio/points/" + visio.pointId, visio.admin, new JsonObject()
        .put("name", "Mairie de Murat").put("commune", "Murat").put("kind", "mairie").put("address", "Place de l'Hôtel de Ville")
        .put("hours", afternoons).encode(), Map.of("Content-Type", "application/json"));
    assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
    assertThat(changed.json().getString("address")).isEqualTo("Place de l'Hôtel de Ville");

    assertThat(tuesday(visio.pointId)).containsExactly("14:00", "14:30");
  }

  @Test
  void a_point_with_appointments_to_come_cannot_be_withdrawn_until_they_are_moved_or_cancelled() {
    JsonObject booked = node.api.post("/api/visio/appointments",
        booking(visio.serviceId, "2026-12-01T09:00:00+01:00").put("pointId", visio.pointId)).json();
    String withdraw = "/api/visio/points/" + visio.pointId + "/withdraw";

    var refused = node.api.send("POST", withdraw, visio.admin, null, Map.of("Accept-Language", "fr"));
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.detail()).isEqualTo("Des rendez-vous sont pris à ce point : " + booked.getString("reference")
        + " (1er décembre 2026 à 9 h). Déplacez-les ou annulez-les d’abord.");
    assertThat(node.api.get("/api/visio/points").array()).hasSize(1);

    visio.withToken("POST", "/api/visio/appointments/" + booked.getString("id") + "/cancel", booked.getString("manageToken"), null);
    assertThat(node.api.post(withdraw, visio.admin, null).status()).isEqualTo(204);

    assertThat(node.api.get("/api/visio/points").array()).isEmpty();
    var atClosedPoint = node.api.post("/api/visio/appointments",
        booking(visio.serviceId, "2026-12-01T09:30:00+01:00").put("pointId", visio.pointId));
    assertThat(atClosedPoint.status()).isEqualTo(400);
    assertThat(node.api.post(withdraw, visio.admin, null).status()).as("already withdrawn").isEqualTo(404);
  }

  @Test
  void an_agent_cannot_take_on_another_administrations_service_and_so_never_receives_its_bookings() {
    String cpam = visio.cpamService();
    JsonArray week = new JsonArray().add(new JsonObject().put("weekday", 2).put("start", "08:00").put("end", "18:00"));
    var taken = node.api.send("PUT", "/api/visio/agents/" + visio.agentId + "/availability", visio.agent, new JsonObject()
        .put("serviceIds", new JsonArray().add(visio.serviceId).add(cpam)).put("weekly", week).put("bufferMinutes", 0)
        .put("minNoticeMinutes", 0).put("horizonDays", 60).encode(), Map.of("Content-Type", "application/json"));
    assertThat(taken.status()).as(taken.toString()).isEqualTo(403);

    var calendar = node.api.get("/api/visio/agents/" + visio.agentId + "/availability", visio.agent).json();
    assertThat(calendar.getJsonArray("serviceIds")).as("nothing half-written").containsExactly(visio.serviceId);
    var booked = node.api.post("/api/visio/appointments", booking(cpam, "2026-12-01T10:00:00+01:00"));
    assertThat(booked.status()).isEqualTo(201);
    var seenByCaf = node.api.get("/api/visio/appointments/" + booked.json().getString("id"), visio.agent);
    assertThat(seenByCaf.status()).as("the CPAM's booking is not the CAF agent's").isEqualTo(403);
  }
}
