package fr.cantou.web;

import com.microsoft.playwright.Clock;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import fr.cantou.support.MutableClock;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * A device whose clock is wrong (a mairie's PC 20 minutes slow, an old phone an hour fast): her manage page decided the
 * opening of the room by it, and kept "Rejoindre la visio" disabled while the room was open, or said the appointment
 * was over at its opening. The pages now go by the server's time (the Date of its answers). The server's clock is the
 * test's; each test books its own appointment some days after the server's now, which only moves forward.
 */
class WrongDeviceClockTest {
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  /** The server's clock: the real now as the class starts (not as it is loaded), then moved by the tests. */
  static final MutableClock clock = MutableClock.startingNow();
  @org.junit.jupiter.api.extension.RegisterExtension
  static final BrowserFixture web = BrowserFixture.forTheClassFromNow(clock);

  static JsonObject book(int daysAhead, String name, String phone) {
    return web.bookCarteVitale(null, LocalDate.now(clock.withZone(PARIS)).plusDays(daysAhead),
        new JsonObject().put("name", name).put("phone", phone));
  }

  /** Her manage page, the server's clock at {@code server} and her phone's at {@code page}. */
  static Page manage(JsonObject booked, Instant server, Instant page) {
    clock.set(server);
    Page citizen = web.newPhonePage();
    citizen.clock().install(new Clock.InstallOptions().setTime(page.toEpochMilli()));
    citizen.navigate(web.url("/rendez-vous.html?gerer#" + booked.getString("manageToken")));
    return citizen;
  }

  @Test
  void her_phone_twenty_minutes_slow_she_may_join_when_the_room_opens_by_the_servers_clock() {
    JsonObject booked = book(3, "Marcelle Bouygues", "06 39 98 15 01");
    Instant fiveBefore = AgentDayPageTest.startOf(booked).minus(Duration.ofMinutes(5));
    Page citizen = manage(booked, fiveBefore, fiveBefore.minus(Duration.ofMinutes(20)));
    assertTheRoomOpen(citizen);
    citizen.context().close();
  }

  @Test
  void her_phone_an_hour_fast_the_appointment_is_not_over_at_its_opening() {
    JsonObject booked = book(4, "Odette Bouygues", "06 39 98 15 02");
    Instant nineBefore = AgentDayPageTest.startOf(booked).minus(Duration.ofMinutes(9));
    Page citizen = manage(booked, nineBefore, nineBefore.plus(Duration.ofHours(1)));
    assertTheRoomOpen(citizen);
    assertThat(citizen.locator("#manage")).not().containsText("Le rendez-vous est passé");
    citizen.context().close();
  }

  /**
   * The agent in the room, her page told by its socket: "Rejoindre la visio" is pressable, whatever the clocks say (here
   * a proxy took the Date off the answers, and her phone is 20 minutes slow).
   */
  @Test
  void the_agent_in_the_room_her_join_is_pressable_whatever_the_clocks_say() {
    JsonObject booked = book(5, "Yvonne Bouygues", "06 39 98 15 03");
    Instant fiveBefore = AgentDayPageTest.startOf(booked).minus(Duration.ofMinutes(5));
    clock.set(fiveBefore);
    Page citizen = web.newPhonePage();
    citizen.route("**/api/**", route -> {
      var answer = route.fetch();
      Map<String, String> headers = new HashMap<>(answer.headers());
      headers.remove("date");
      route.fulfill(new com.microsoft.playwright.Route.FulfillOptions().setResponse(answer).setHeaders(headers));
    });
    citizen.clock().install(new Clock.InstallOptions().setTime(fiveBefore.minus(Duration.ofMinutes(20)).toEpochMilli()));
    citizen.navigate(web.url("/rendez-vous.html?gerer#" + booked.getString("manageToken")));
    assertThat(citizen.locator("#join")).isDisabled();

    String agent = web.node.api.login(BrowserFixture.cpamAgentOf(booked) + "@cantal.demo", BrowserFixture.PASSWORD);
    var joined = web.node.api.post("/api/visio/appointments/" + booked.getString("id") + "/presence", agent,
        new JsonObject().put("state", "joined"));
    org.assertj.core.api.Assertions.assertThat(joined.status()).as(joined.toString()).isEqualTo(200);
    assertThat(citizen.locator("#agent-waiting")).hasText("L'agent est dans la salle et vous attend : touchez « Rejoindre la visio ».");
    assertThat(citizen.locator("#join")).isEnabled();
    citizen.context().close();
  }

  /** The mediator's bookings: "Annulé" in red and "Absent" in orange, as on the agent's page, no longer all green. */
  @Test
  void the_mediators_cards_colour_each_status_as_the_agents_page_does() {
    String mediator = web.node.api.login("mediateur.riom@cantal.demo", BrowserFixture.PASSWORD);
    JsonObject kept = web.bookCarteVitale(mediator, LocalDate.now(clock.withZone(PARIS)).plusDays(6),
        new JsonObject().put("name", "Irène Bouygues").put("phone", "06 39 98 15 04"));
    JsonObject cancelled = web.bookCarteVitale(mediator, LocalDate.now(clock.withZone(PARIS)).plusDays(7),
        new JsonObject().put("name", "Paulette Bouygues").put("phone", "06 39 98 15 05"));
    var done = web.node.api.send("POST", "/api/visio/appointments/" + cancelled.getString("id") + "/cancel", null, null,
        Map.of("X-Manage-Token", cancelled.getString("manageToken")));
    org.assertj.core.api.Assertions.assertThat(done.status()).as(done.toString()).isEqualTo(200);

    Page page = web.newTabletPage();
    page.clock().install(new Clock.InstallOptions().setTime(clock.instant().toEpochMilli()));
    web.signIn(page, "mediateur.riom");
    Locator cancelledTag = card(page, "Paulette Bouygues").locator(".tag");
    assertThat(cancelledTag).hasText("Annulé");
    assertThat(cancelledTag).hasAttribute("class", "tag urgent");
    assertThat(card(page, "Irène Bouygues").locator(".tag")).hasAttribute("class", "tag ok");
    page.context().close();
  }

  static void assertTheRoomOpen(Page citizen) {
    assertThat(citizen.locator("#join")).isEnabled();
    assertThat(citizen.locator("#opens-at")).containsText("La salle a ouvert le");
  }

  static Locator card(Page page, String name) {
    return page.locator("#appointments article").filter(new Locator.FilterOptions().setHasText(name));
  }
}
