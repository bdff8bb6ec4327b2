package fr.cantou.visio;

import fr.cantou.support.VisioTerritory;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Only the citizen is the citizen in her room (outside review, session 28, F1): an agent of another administration who
 * booked the appointment for someone (the CPAM's agent, for a CAF appointment) enters under her own name and is never
 * the citizen's side: no "a demandé à entrer", no waiting that stops "Absent". Every join and presence of a
 * professional is a line of the trail of changes; the citizen's own are not.
 */
class CompanionInTheRoomTest extends VisioNodeTest {
  /** The CPAM's agent books the CAF's 10:00 (Paris) this Monday for Jeanne Martin; its room opens at 9:50. */
  private JsonObject bookedByTheCpamsAgent() {
    return visio.bookAs(visio.otherAgent, "2026-11-30T10:00:00+01:00",
        new JsonObject().put("name", "Jeanne Martin").put("email", "jeanne.martin@example.fr"));
  }

  @Test
  void the_agent_of_another_administration_who_booked_it_enters_under_her_own_name_and_never_as_the_citizen() {
    JsonObject booked = bookedByTheCpamsAgent();
    String path = "/api/visio/appointments/" + booked.getString("id");
    clock.set(Instant.parse("2026-11-30T08:55:00Z"));
    try (WsClient agent = WsClient.hello(node.port(), visio.agent, null)) {
      var join = node.api.get(path + "/join", visio.otherAgent);
      assertThat(join.status()).as(join.toString()).isEqualTo(200);
      JsonObject jitsi = join.json().getJsonObject("jitsi");
      assertThat(jitsi.getString("displayName")).isEqualTo("Sandrine Malet (accompagne la personne)");
      assertThat(jitsi.getBoolean("moderator")).isFalse();

      assertThat(node.api.get(path, visio.agent).json().containsKey("citizenTriedAt")).as("she never tried").isFalse();
      for (String state : List.of("waiting", "joined", "failed")) {
        var said = node.api.post(path + "/presence", visio.otherAgent, new JsonObject().put("state", state));
        assertThat(said.status()).as(state + ": " + said).isEqualTo(200);
        JsonObject seen = node.api.get(path, visio.agent).json();
        assertThat(seen.getBoolean("citizenWaiting")).as(state + ": nobody of hers waits").isFalse();
        assertThat(seen.containsKey("citizenVideoFailedAt")).as(state + ": no video of hers failed").isFalse();
        assertThat(seen.getString("status")).as(state + ": the booker starts no call").isEqualTo("booked");
        // The agent hears of the companion (the card names her), never as the citizen trying or waiting.
        JsonObject heard = agent.nextEvent("appointment.waiting").getJsonObject("data");
        assertThat(heard.containsKey("citizenTriedAt")).as(state + ": heard, she never tried").isFalse();
        assertThat(heard.getBoolean("citizenWaiting")).as(state + ": heard, nobody of hers waits").isFalse();
      }

      // Her own press on "Rejoindre", later: the first waiting event after the companion's is hers.
      clock.set(Instant.parse("2026-11-30T08:57:00Z"));
      assertThat(visio.withToken("GET", path + "/join", booked.getString("manageToken"), null).status()).isEqualTo(200);
      assertThat(agent.nextEvent("appointment.waiting").getJsonObject("data").getString("citizenTriedAt"))
          .isEqualTo("2026-11-30T09:57:00+01:00");
    }

    // She never came: the CAF's agent marks her absent, whatever the booker said of her presence.
    node.api.post(path + "/presence", visio.otherAgent, new JsonObject().put("state", "waiting"));
    clock.set(Instant.parse("2026-11-30T09:05:00Z"));
    var absent = node.api.post(path + "/no-show", visio.agent, null);
    assertThat(absent.status()).as(absent.toString()).isEqualTo(200);
    assertThat(absent.json().getString("status")).isEqualTo("no_show");

    assertThat(changes(booked.getString("id"))).contains(
        "appointment.room_asked " + visio.otherAgentId,
        "appointment.presence_waiting " + visio.otherAgentId,
        "appointment.presence_failed " + visio.otherAgentId);
  }

  /**
   * Seen in the video only, the booker beside the person was nobody to the agent's card: her presence names her there
   * ({@code companionInRoom}, with an event), until she leaves or her video fails; nothing of the citizen's side moves.
   */
  @Test
  void the_agent_is_told_who_is_in_the_room_beside_her_until_she_leaves() {
    JsonObject booked = bookedByTheCpamsAgent();
    String path = "/api/visio/appointments/" + booked.getString("id");
    clock.set(Instant.parse("2026-11-30T08:55:00Z"));
    try (WsClient agent = WsClient.hello(node.port(), visio.agent, null)) {
      for (String state : List.of("joined", "left", "waiting", "failed")) {
        var said = node.api.post(path + "/presence", visio.otherAgent, new JsonObject().put("state", state));
        assertThat(said.status()).as(state + ": " + said).isEqualTo(200);
        String expected = state.equals("joined") || state.equals("waiting") ? "Sandrine Malet" : null;
        assertThat(said.json().getString("companionInRoom")).as(state).isEqualTo(expected);
        JsonObject heard = agent.nextEvent("appointment.waiting").getJsonObject("data");
        assertThat(heard.getString("companionInRoom")).as(state + ", heard").isEqualTo(expected);
        assertThat(heard.getBoolean("citizenWaiting")).as(state + ": nobody of hers waits").isFalse();
      }
    }
  }

  @Test
  void every_join_and_presence_of_a_professional_is_in_the_trail_and_the_citizens_own_are_not() {
    JsonObject booked = node.api.post("/api/visio/appointments", visio.mediator,
        VisioTerritory.booking(visio.serviceId, "2026-11-30T10:00:00+01:00")).json();
    String id = booked.getString("id");
    String path = "/api/visio/appointments/" + id;
    String token = booked.getString("manageToken");
    clock.set(Instant.parse("2026-11-30T08:55:00Z"));
    assertThat(visio.withToken("GET", path + "/join", token, null).status()).isEqualTo(200);
    assertThat(visio.withToken("POST", path + "/presence", token, new JsonObject().put("state", "waiting")).status()).isEqualTo(200);
    assertThat(node.api.get(path + "/join", visio.mediator).status()).isEqualTo(200);
    assertThat(node.api.post(path + "/presence", visio.mediator, new JsonObject().put("state", "left")).status()).isEqualTo(200);
    assertThat(node.api.get(path + "/join", visio.agent).status()).isEqualTo(200);
    assertThat(node.api.post(path + "/presence", visio.agent, new JsonObject().put("state", "joined")).status()).isEqualTo(200);

    assertThat(changes(id)).as("the booking's line, then the professionals' own, none of the citizen's").containsExactlyInAnyOrder(
        "appointment.booked " + visio.mediatorId,
        "appointment.room_asked " + visio.mediatorId,
        "appointment.presence_left " + visio.mediatorId,
        "appointment.room_asked " + visio.agentId,
        "appointment.agent_joined " + visio.agentId);
  }

  /** The appointment's lines in the trail of changes: "action author". */
  private List<String> changes(String id) {
    var page = node.api.get("/api/admin/audit?kind=change&limit=200&itemId=" + id, visio.admin);
    assertThat(page.status()).as(page.toString()).isEqualTo(200);
    return page.json().getJsonArray("items").stream().map(JsonObject.class::cast)
        .map(e -> e.getString("action") + " " + (e.getString("userId") == null ? e.getString("actor") : e.getString("userId")))
        .toList();
  }
}
