package fr.cantou.visio;

import fr.cantou.support.Api;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A point's screen sees on its socket what its HTTP shows, as that narrows: its point withdrawn, its socket closes as its
 * HTTP is refused; the next day, a resume does not bring back yesterday's check-ins (outside review of session 38).
 */
class ScreenSightTest extends VisioNodeTest {

  @Test
  void a_screen_whose_point_is_withdrawn_is_closed_like_its_http_and_hears_nothing_more() {
    String jeanne = KioskTest.bookAtPoint(node, visio, "09:00", "Jeanne Vidal").getString("id");
    String token = KioskTest.screen(node, visio, visio.pointId);
    try (WsClient screen = watching(token, jeanne)) {

      // Her appointment over (no outcome yet), the point has nothing to come: the admin withdraws it.
      clock.set(Instant.parse("2026-11-30T09:05:00Z"));
      Api.Response withdrawn = node.api.post("/api/visio/points/" + visio.pointId + "/withdraw", visio.admin, null);
      assertThat(withdrawn.status()).as(withdrawn.toString()).isEqualTo(204);
      // HTTP now refuses the screen, and a new hello of it is refused.
      assertThat(KioskTest.kiosk(node, "GET", "/api/visio/kiosk", token, null).status()).isEqualTo(403);
      try (WsClient again = WsClient.connect(node.port())) {
        again.send(new JsonObject().put("type", "hello").put("token", token));
        assertThat(again.awaitClose()).isEqualTo(4401);
      }

      // The agent records the outcome: the open socket of the withdrawn point's screen is told of it.
      Api.Response absent = node.api.post("/api/visio/appointments/" + jeanne + "/no-show", visio.agent, null);
      assertThat(absent.status()).as(absent.toString()).isEqualTo(200);
      int code;
      try {
        code = screen.awaitClose();
      } catch (AssertionError e) {
        throw new AssertionError("the withdrawn point's screen was never closed; it heard meanwhile: "
            + screen.drain(java.time.Duration.ZERO), e);
      }
      assertThat(code).as("its socket ends as its HTTP does").isEqualTo(4401);
    }
  }

  /**
   * A resume is judged now, as a GET is ("Resume"): visio has no {@code ReplayCheck}, so a screen resuming from an id of
   * yesterday is replayed the appointment it checked in yesterday, which its GET (404, "nor one it checked in today")
   * and its snapshot no longer show.
   */
  @Test
  void a_screen_resuming_the_next_day_is_not_replayed_yesterdays_check_in_its_get_no_longer_shows() {
    String jeanne = KioskTest.bookAtPoint(node, visio, "09:00", "Jeanne Vidal").getString("id");
    JsonObject tuesday = fr.cantou.support.VisioTerritory.booking(visio.serviceId, "2026-12-01T10:00:00+01:00")
        .put("pointId", visio.pointId);
    tuesday.getJsonObject("citizen").put("name", "Rose Vermenouze");
    Api.Response booked = node.api.post("/api/visio/appointments", visio.mediator, tuesday);
    assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
    String rose = booked.json().getString("id");
    String token = KioskTest.screen(node, visio, visio.pointId);

    Position position = checkedIn(token, jeanne);

    // Tuesday morning: the screen's GET no longer shows Monday's check-in.
    clock.set(Instant.parse("2026-12-01T07:00:00Z"));
    assertThat(KioskTest.kiosk(node, "GET", "/api/visio/kiosk/appointments/" + jeanne, token, null).status())
        .isIn(403, 404);
    try (WsClient resumed = WsClient.connect(node.port())) {
      resumed.send(new JsonObject().put("type", "hello").put("token", token).put("since", position.since()).put("stream", position.stream()));
      JsonObject welcome = resumed.next(m -> "welcome".equals(m.getString("type")));
      // Rose checks in: her event comes after whatever the replay sends.
      assertThat(KioskTest.kiosk(node, "POST", "/api/visio/kiosk/check-in", token,
          new JsonObject().put("appointmentId", rose)).status()).isEqualTo(200);
      java.util.List<JsonObject> heard = new java.util.ArrayList<>();
      JsonObject m;
      do {
        m = resumed.next(x -> true);
        heard.add(m);
      } while (!("event".equals(m.getString("type")) && rose.equals(m.getJsonObject("data").getString("id"))));
      assertThat(heard).as("resumed: %s; what the screen was sent before Rose's check-in", welcome.getBoolean("resumed"))
          .noneMatch(x -> "event".equals(x.getString("type")) && jeanne.equals(x.getJsonObject("data").getString("id")));
    }
  }

  /**
   * Her data erased the day of her check-in (she asked, with her link): a screen resuming from before is replayed her
   * appointment's events without her initial — the erasure took it out of the screen's copies too.
   */
  @Test
  void a_screen_resuming_after_her_erasure_is_not_replayed_her_initial() {
    JsonObject booked = KioskTest.bookAtPoint(node, visio, "09:00", "Jeanne Vidal");
    String jeanne = booked.getString("id");
    String rose = KioskTest.bookAtPoint(node, visio, "10:00", "Rose Vermenouze").getString("id");
    String token = KioskTest.screen(node, visio, visio.pointId);
    Position position = checkedIn(token, jeanne);
    Api.Response erased = visio.withToken("POST", "/api/visio/appointments/" + jeanne + "/erasure",
        booked.getString("manageToken"), null);
    assertThat(erased.status()).as(erased.toString()).isEqualTo(200);

    try (WsClient resumed = WsClient.connect(node.port())) {
      resumed.send(new JsonObject().put("type", "hello").put("token", token).put("since", position.since()).put("stream", position.stream()));
      assertThat(resumed.next(m -> "welcome".equals(m.getString("type"))).getBoolean("resumed")).isTrue();
      assertThat(KioskTest.kiosk(node, "POST", "/api/visio/kiosk/check-in", token,
          new JsonObject().put("appointmentId", rose)).status()).isEqualTo(200);
      java.util.List<JsonObject> hers = new java.util.ArrayList<>();
      JsonObject m;
      do {
        m = resumed.next(x -> true);
        if ("event".equals(m.getString("type")) && jeanne.equals(m.getJsonObject("data").getString("id"))) {
          hers.add(m);
        }
      } while (!("event".equals(m.getString("type")) && rose.equals(m.getJsonObject("data").getString("id"))));
      assertThat(hers).as("her check-in and her cancellation, replayed").hasSizeGreaterThanOrEqualTo(2)
          .allSatisfy(e -> assertThat(e.getJsonObject("data").getString("initial")).isIn(null, "?"));
    }
  }

  /**
   * A withdrawal closes the point's screens, which the kiosk page answers as a revocation (its Jitsi frame closed): it is
   * refused while a call goes on there, even past its slot (review r25: closing the point at the end of its last day cut
   * the citizen's call).
   */
  @Test
  void a_call_under_way_at_a_screen_is_not_cut_by_its_points_withdrawal() {
    String jeanne = KioskTest.bookAtPoint(node, visio, "09:00", "Jeanne Vidal").getString("id");
    String token = KioskTest.screen(node, visio, visio.pointId);
    try (WsClient screen = watching(token, jeanne)) {
      clock.set(Instant.parse("2026-11-30T07:55:00Z"));
      assertThat(node.api.post("/api/visio/appointments/" + jeanne + "/presence", visio.agent,
          new JsonObject().put("state", "joined")).status()).isEqualTo(200);
      screen.next(m -> "event".equals(m.getString("type")) && "in_call".equals(m.getJsonObject("data").getString("status")));

      // 9 h 45 in Paris: her 9 h slot is over, her call goes on (status in_call, as the agent's page shows it).
      clock.set(Instant.parse("2026-11-30T08:45:00Z"));
      Api.Response shown = node.api.get("/api/visio/appointments/" + jeanne, visio.agent);
      assertThat(shown.json().getString("status")).as(shown.toString()).isEqualTo("in_call");

      Api.Response withdrawn = node.api.post("/api/visio/points/" + visio.pointId + "/withdraw", visio.admin, null);
      assertThat(withdrawn.status()).as("the point withdrawn under her call: %s; her screen's socket then: %s", withdrawn,
          withdrawn.status() == 204 ? "closed " + screen.awaitClose() : "open").isEqualTo(409);
    }
  }

  /**
   * "Today" is the point's day, not UTC's: a point in Cayenne (UTC-3) checks her in on Monday morning; its screen resumes
   * at 23:30 there, still Monday, already Tuesday in UTC: its GET still shows her, and so does its replay (review r25).
   */
  @Test
  void a_screen_resuming_before_its_points_midnight_is_replayed_todays_check_in_though_utc_is_the_next_day() {
    String jeanne = KioskTest.bookAtPoint(node, visio, "09:00", "Jeanne Vidal").getString("id");
    String token = KioskTest.screen(node, visio, visio.pointId);
    // Booked on Paris' hours, then the point's zone set (the fixture's hours are Paris').
    TestNode.await(node.node().platform().pool().preparedQuery("UPDATE visio_point SET time_zone = 'America/Cayenne' WHERE id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(java.util.UUID.fromString(visio.pointId))));
    clock.set(Instant.parse("2026-11-30T07:55:00Z"));
    Position position = checkedIn(token, jeanne);
    // 23:30 in Cayenne on Monday, 2:30 UTC on Tuesday.
    clock.set(Instant.parse("2026-12-01T02:30:00Z"));
    assertThat(KioskTest.kiosk(node, "GET", "/api/visio/kiosk/appointments/" + jeanne, token, null).status())
        .as("its GET still shows her").isEqualTo(200);
    try (WsClient resumed = WsClient.connect(node.port())) {
      resumed.send(new JsonObject().put("type", "hello").put("token", token).put("since", position.since()).put("stream", position.stream()));
      assertThat(resumed.next(m -> "welcome".equals(m.getString("type"))).getBoolean("resumed")).isTrue();
      assertThat(resumed.nextEvent("kiosk.appointment").getJsonObject("data").getString("id"))
          .as("her check-in, replayed the same local day").isEqualTo(jeanne);
    }
  }

  /** The screen's socket, greeted, then told of her check-in on that screen; left open. */
  private WsClient watching(String token, String appointment) {
    WsClient screen = WsClient.hello(node.port(), token, null);
    screen.next(m -> "snapshot".equals(m.getString("type")));
    assertThat(KioskTest.kiosk(node, "POST", "/api/visio/kiosk/check-in", token,
        new JsonObject().put("appointmentId", appointment)).status()).isEqualTo(200);
    assertThat(screen.nextEvent("kiosk.appointment").getJsonObject("data").getString("id")).isEqualTo(appointment);
    return screen;
  }

  /** Where a screen's socket stood before it checked her in (its stream, its last event), the check-in done. */
  private record Position(String stream, long since) {}

  private Position checkedIn(String token, String appointment) {
    try (WsClient first = WsClient.connect(node.port())) {
      first.send(new JsonObject().put("type", "hello").put("token", token));
      String stream = first.next(m -> "welcome".equals(m.getString("type"))).getString("stream");
      long since = first.next(m -> "snapshot".equals(m.getString("type"))).getLong("lastEventId");
      assertThat(KioskTest.kiosk(node, "POST", "/api/visio/kiosk/check-in", token,
          new JsonObject().put("appointmentId", appointment)).status()).isEqualTo(200);
      assertThat(first.nextEvent("kiosk.appointment").getJsonObject("data").getString("id")).isEqualTo(appointment);
      return new Position(stream, since);
    }
  }

}
