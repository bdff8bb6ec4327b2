package fr.cantou.visio;

import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Only a mediator beside her books for someone with neither phone nor e-mail (V77): an agent or an admin is told, in
 * French, to give one of them, and the database refuses such a row of anyone else's too (V96; V77's check let any
 * professional's booking go without a contact).
 */
class ContactlessBookingTest extends VisioNodeTest {
  private static final String START = "2026-12-01T10:00:00+01:00";

  private fr.cantou.support.Api.Response book(String token, JsonObject citizen) {
    return node.api.send("POST", "/api/visio/appointments", token, new JsonObject().put("serviceId", visio.serviceId)
        .put("start", START).put("citizen", citizen).encode(), java.util.Map.of("Content-Type", "application/json",
        "Accept-Language", "fr"));
  }

  @Test
  void an_agent_or_an_admin_booking_without_any_contact_is_told_to_give_one_a_mediator_is_not() {
    for (String token : new String[] {visio.agent, visio.admin}) {
      var refused = book(token, new JsonObject().put("name", "Marcelle Roux"));
      assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
      assertThat(refused.detail()).isEqualTo("Indiquez son adresse e-mail ou son numéro de téléphone : seul un médiateur "
          + "qui réserve à ses côtés peut se passer des deux.");
    }
    assertThat(book(visio.mediator, new JsonObject().put("name", "Marcelle Roux")).status()).isEqualTo(201);
  }

  @Test
  void the_database_keeps_an_appointment_without_any_contact_for_a_mediators_booking_only() {
    JsonObject agents = book(visio.agent, new JsonObject().put("name", "Jeanne Vidal").put("phone", "06 39 98 20 01")).json();
    String forget = "UPDATE appointment SET citizen_email = NULL, citizen_phone = NULL WHERE id = $1";
    Throwable refused = catchThrowable(() -> TestNode.await(node.node().platform().pool().preparedQuery(forget)
        .execute(Tuple.of(UUID.fromString(agents.getString("id"))))));
    assertThat(refused).as("an agent's booking left without a contact").isNotNull()
        .hasMessageContaining("appointment_reachable_until_erased").hasMessageContaining("(23514)");

    clock.advance(java.time.Duration.ofHours(1));
    var mediators = node.api.post("/api/visio/appointments", visio.mediator, new JsonObject().put("serviceId", visio.serviceId)
        .put("start", "2026-12-01T11:00:00+01:00").put("citizen", new JsonObject().put("name", "Marcelle Roux")
            .put("phone", "06 39 98 20 02")));
    assertThat(mediators.status()).as(mediators.toString()).isEqualTo(201);
    TestNode.await(node.node().platform().pool().preparedQuery(forget)
        .execute(Tuple.of(UUID.fromString(mediators.json().getString("id")))));

    String erase = "UPDATE appointment SET citizen_email = NULL, citizen_phone = NULL, erased_at = now() WHERE id = $1";
    TestNode.await(node.node().platform().pool().preparedQuery(erase).execute(Tuple.of(UUID.fromString(agents.getString("id")))));
  }
}
