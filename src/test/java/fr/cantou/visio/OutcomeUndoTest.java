package fr.cantou.visio;

import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static fr.cantou.support.VisioTerritory.booking;
import static org.assertj.core.api.Assertions.assertThat;

/** "Terminé" and "Absent" can be taken back for 30 minutes by the administration's agents; the database judges the time. */
class OutcomeUndoTest extends VisioNodeTest {
  private String path(JsonObject a, String action) {
    return "/api/visio/appointments/" + a.getString("id") + "/" + action;
  }

  private JsonObject figures() {
    return node.api.get("/api/stats/overview?from=2026-11-01&to=2026-12-31", visio.admin).json().getJsonObject("visio");
  }

  @Test
  void an_absence_taken_back_within_30_minutes_books_it_again_tells_the_pages_and_the_figures_follow() {
    JsonObject a = visio.book("2026-11-30T10:00:00+01:00").json();
    clock.set(Instant.parse("2026-11-30T09:10:00Z"));
    int port = node.port();
    try (WsClient agent = WsClient.hello(port, visio.agent, null);
         WsClient citizen = WsClient.hello(port, a.getString("manageToken"), null);
         WsClient stranger = WsClient.hello(port, visio.otherAgent, null)) {
      assertThat(node.api.post(path(a, "no-show"), visio.agent, null).json().getString("status")).isEqualTo("no_show");
      assertThat(figures().getLong("noShows")).isEqualTo(1);

      clock.advance(Duration.ofMinutes(29));
      var undone = node.api.post(path(a, "undo-outcome"), visio.agent, null);
      assertThat(undone.status()).as(undone.toString()).isEqualTo(200);
      assertThat(undone.json().getString("status")).isEqualTo("booked");
      assertThat(agent.nextEvent(VisioEvents.REOPENED).getJsonObject("data").getString("status")).isEqualTo("booked");
      assertThat(citizen.nextEvent(VisioEvents.REOPENED).getJsonObject("data").getString("id")).isEqualTo(a.getString("id"));
      assertThat(figures().getLong("noShows")).isZero();
      // Pressed twice: there is nothing left to undo.
      assertThat(node.api.post(path(a, "undo-outcome"), visio.agent, null).status()).isEqualTo(409);

      // The CPAM's agent is told of her own administration's booking, never of the CAF's reopening.
      String cpam = visio.cpamService();
      node.api.post("/api/visio/appointments", booking(cpam, "2026-12-01T10:00:00+01:00"));
      JsonObject first = stranger.next(m -> "event".equals(m.getString("type"))
          && List.of("appointment.booked", VisioEvents.REOPENED).contains(m.getString("kind")));
      assertThat(first.getString("kind")).isEqualTo("appointment.booked");
    }
    // Its outcome can be given again, and counted again.
    assertThat(node.api.post(path(a, "complete"), visio.agent, null).status()).isEqualTo(200);
    assertThat(figures().getLong("completed")).isEqualTo(1);
    assertThat(figures().getLong("noShows")).isZero();
  }

  @Test
  void after_30_minutes_the_outcome_stays_and_the_refusal_says_why() {
    JsonObject a = visio.book("2026-11-30T10:00:00+01:00").json();
    clock.set(Instant.parse("2026-11-30T09:25:00Z"));
    assertThat(node.api.post(path(a, "complete"), visio.agent, null).status()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(30).plusSeconds(1));
    var late = node.api.send("POST", path(a, "undo-outcome"), visio.agent, null, Map.of("Accept-Language", "fr"));
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.detail()).isEqualTo("Ce rendez-vous est terminé depuis plus de 30 minutes ; ce choix ne peut plus être annulé.");
    assertThat(visio.withToken("GET", "/api/visio/appointments/" + a.getString("id"), a.getString("manageToken"), null)
        .json().getString("status")).isEqualTo("completed");
    assertThat(figures().getLong("completed")).isEqualTo(1);

    JsonObject open = visio.book("2026-11-30T11:00:00+01:00").json();
    assertThat(node.api.post(path(open, "undo-outcome"), visio.agent, null).status()).as("nothing to undo").isEqualTo(409);
  }

  @Test
  void only_an_agent_of_its_administration_may_take_it_back_and_a_call_goes_back_to_its_call() {
    visio.colleagues(1);
    String colleague = node.api.login("agent0@caf.test", fr.cantou.support.CareTerritory.PASSWORD);
    JsonObject a = node.api.post("/api/visio/appointments", visio.mediator, booking(visio.serviceId, "2026-11-30T10:00:00+01:00"))
        .json();
    clock.set(Instant.parse("2026-11-30T08:55:00Z"));
    node.api.post(path(a, "presence"), visio.agent, new JsonObject().put("state", "joined"));
    assertThat(node.api.post(path(a, "complete"), visio.agent, null).status()).isEqualTo(200);

    assertThat(node.api.post(path(a, "undo-outcome"), visio.otherAgent, null).status()).as("another administration")
        .isEqualTo(403);
    assertThat(node.api.post(path(a, "undo-outcome"), visio.mediator, null).status()).as("its mediator").isEqualTo(403);
    assertThat(node.api.post(path(a, "undo-outcome"), visio.admin, null).status()).as("an admin").isEqualTo(403);
    assertThat(visio.withToken("POST", path(a, "undo-outcome"), a.getString("manageToken"), null).status()).as("the citizen")
        .isEqualTo(403);
    var back = node.api.post(path(a, "undo-outcome"), colleague, null);
    assertThat(back.status()).as("a colleague of the same administration").isEqualTo(200);
    assertThat(back.json().getString("status")).isEqualTo("in_call");
  }
}
