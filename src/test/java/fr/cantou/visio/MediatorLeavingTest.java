package fr.cantou.visio;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deactivating a mediator who booked for people with neither phone nor e-mail (V77) said nothing: they hear of a change
 * only through him, and nothing is sent to a closed account. The admin reads them first (and after): what is still to
 * come, booked without any contact, when, what and its reference, none of their data.
 */
class MediatorLeavingTest extends VisioNodeTest {
  private JsonObject bookedByTheMediator(String start, JsonObject citizen) {
    var booked = node.api.post("/api/visio/appointments", visio.mediator, new JsonObject().put("serviceId", visio.serviceId)
        .put("start", start).put("citizen", citizen));
    assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
    return booked.json();
  }

  @Test
  void the_admin_reads_what_a_mediator_booked_without_any_contact_still_to_come() {
    JsonObject nobody = new JsonObject().put("name", "Marcelle Roux");
    JsonObject past = bookedByTheMediator("2026-11-30T08:30:00+01:00", nobody);
    JsonObject later = bookedByTheMediator("2026-12-02T10:00:00+01:00", nobody.copy().put("name", "Paulette Vergne"));
    JsonObject sooner = bookedByTheMediator("2026-12-01T11:00:00+01:00", nobody);
    bookedByTheMediator("2026-12-01T14:00:00+01:00", nobody.copy().put("phone", "06 39 98 20 01"));
    JsonObject cancelled = bookedByTheMediator("2026-12-03T10:00:00+01:00", nobody);
    assertThat(node.api.post("/api/visio/appointments/" + cancelled.getString("id") + "/cancel", visio.mediator, null).status())
        .isEqualTo(200);
    clock.set(Instant.parse("2026-11-30T08:00:00Z"));
    assertThat(past.getString("start")).as("begun: not to come").startsWith("2026-11-30T08:30");

    String path = "/api/visio/bookers/" + visio.mediatorId + "/contactless-appointments";
    assertThat(node.api.get(path, visio.mediator).status()).as("his own").isEqualTo(403);
    assertThat(node.api.get(path, visio.agent).status()).as("an agent").isEqualTo(403);
    var held = node.api.get(path, visio.admin);
    assertThat(held.status()).as(held.toString()).isEqualTo(200);
    assertThat(held.array().stream().map(JsonObject.class::cast).map(a -> a.getString("reference")))
        .as("earliest first, with neither phone nor e-mail, still to come").containsExactly(sooner.getString("reference"),
            later.getString("reference"));
    JsonObject first = held.array().getJsonObject(0);
    assertThat(first.fieldNames()).as("none of her data").containsExactlyInAnyOrder("id", "reference", "start", "timeZone",
        "serviceName", "administration");
    assertThat(first.getString("start")).isEqualTo("2026-12-01T11:00:00+01:00");

    // After his account is closed, the same answer: the admin reads it again from the page.
    assertThat(node.api.post("/api/users/" + visio.mediatorId + "/deactivate", visio.admin, null).status()).isEqualTo(200);
    assertThat(node.api.get(path, visio.admin).array()).hasSize(2);
  }
}
