package fr.cantou.web;

import com.microsoft.playwright.Clock;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.AriaRole;
import fr.cantou.support.MutableClock;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * Jitsi's script (~110 kB) on her 60 kbit/s link takes some 15 s: the page gave up on it after a fixed 15 s and told her
 * the video server could not be reached while it was arriving. Now the page asks for it as soon as her room is near
 * (before her press), says it is still coming while it comes, and judges it out of reach on its error or after a minute
 * and a half. The script is held back by the test (a route answered when the test says) and the page's clock is
 * Playwright's, moved by the test: "more than 15 s" and "a minute and a half" pass without waiting for them.
 */
class VideoScriptSlowLinkTest {
  /** The server's clock: the real now as the class starts, then set by each test before her appointment. */
  static final MutableClock clock = MutableClock.startingNow();
  @org.junit.jupiter.api.extension.RegisterExtension
  static final BrowserFixture web = BrowserFixture.forTheClassFromNow(clock);

  /**
   * Her manage page, five minutes before her appointment (her room open), its clock the test's; Jitsi's script held,
   * returned once the page has asked for it: her room is open, so its script is on its way before she presses anything.
   */
  private static Page herPageBeforeHerAppointment(JsonObject booked, List<Route> script) {
    Instant fiveMinutesBefore = OffsetDateTime.parse(booked.getString("start")).toInstant().minus(Duration.ofMinutes(5));
    clock.set(fiveMinutesBefore);
    Page page = web.newPhonePage();
    // Its address and any of a new attempt (one given up asks for "external_api.js?again=1").
    page.route("**/external_api.js*", script::add);
    page.clock().install(new Clock.InstallOptions().setTime(fiveMinutesBefore.toEpochMilli()));
    page.navigate(web.url("/rendez-vous.html?gerer#" + booked.getString("manageToken")));
    assertThat(page.locator("#page-title")).hasText("Mon rendez-vous");
    page.waitForCondition(() -> script.size() == 1);
    return page;
  }

  /** "Rejoindre la visio" pressed with the keyboard; returned once the call's panel is there (its timers running). */
  private static void joinWithTheKeyboard(Page page) {
    page.locator("#join").focus();
    page.keyboard().press("Enter");
    assertThat(page.locator("#call h2")).hasText("Appel vidéo");
  }

  @Test
  void the_script_is_asked_before_her_press_and_one_that_takes_over_15_s_opens_the_room() {
    JsonObject booked = web.bookCarteVitale(null, 3, "Germaine Vidal", "06 39 98 14 01");
    List<Route> script = new CopyOnWriteArrayList<>();
    Page page = herPageBeforeHerAppointment(booked, script);
    assertThat(page.locator("#call")).isHidden();

    joinWithTheKeyboard(page);
    Locator message = page.locator("#call p.notice[role=status]").first();
    assertThat(message).containsText("Connexion à la salle");
    page.clock().runFor(16_000);
    assertThat(message).hasText("La visio arrive encore : sur une connexion lente, cela peut prendre une minute. "
        + "Restez sur cette page.");
    assertThat(page.locator("#call .alert")).isHidden();
    page.clock().runFor(30_000);
    assertThat(page.locator("#call .alert")).isHidden();
    assertThat(message).containsText("La visio arrive encore");
    PagesTest.assertAccessible(page, "visio-script-lent");

    // 46 s after her press (the fixed 15 s had said "unreachable" long before), the script arrives: she is in the room.
    script.get(0).resume();
    assertThat(page.locator("#call .stand-in")).isVisible();
    assertThat(page.locator("#waiting")).hasText("Vous êtes en salle d'attente. L'agent va vous rejoindre.");
    assertThat(page.locator("#call .alert")).isHidden();
    org.assertj.core.api.Assertions.assertThat(script).as("one load of the script, begun before her press").hasSize(1);
    page.context().close();
  }

  @Test
  void a_script_that_never_comes_is_said_after_a_long_while_with_her_phone_and_retry_loads_it_afresh() {
    JsonObject booked = web.bookCarteVitale(null, 4, "Raymonde Couderc", "06 39 98 14 02");
    List<Route> script = new CopyOnWriteArrayList<>();
    Page page = herPageBeforeHerAppointment(booked, script);

    joinWithTheKeyboard(page);
    Locator problem = page.locator("#call .alert");
    page.clock().runFor(16_000);
    assertThat(page.locator("#call p.notice[role=status]").first()).containsText("La visio arrive encore");
    assertThat(problem).isHidden();
    page.clock().runFor(75_000);
    assertThat(problem).containsText("La visio n'est pas arrivée en une minute et demie : la connexion est trop lente "
        + "en ce moment, ou le serveur vidéo ne répond pas.");
    assertThat(problem).containsText("l'agent peut vous appeler au 06 39 98 14 02");
    assertThat(problem).not().containsText("Ce n'est pas votre connexion");
    assertThat(page.locator("#call .frame")).isHidden();
    Locator retry = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Réessayer"));
    assertThat(retry).isVisible();
    PagesTest.assertAccessible(page, "visio-script-jamais-arrive");

    // "Réessayer" asks for the script afresh (the lost load is given up), and the room opens when it comes.
    retry.click();
    page.waitForCondition(() -> script.size() == 2);
    assertThat(problem).isHidden();
    script.get(1).resume();
    assertThat(page.locator("#call .stand-in")).isVisible();
    assertThat(page.locator("#waiting")).hasText("Vous êtes en salle d'attente. L'agent va vous rejoindre.");
    page.context().close();
  }

  @Test
  void the_agents_day_asks_for_the_script_once_a_room_of_hers_opens_soon() {
    JsonObject booked = web.bookCarteVitale(null, 5, "Lucien Fabre", "06 39 98 14 03");
    Instant tenMinutesBefore = OffsetDateTime.parse(booked.getString("start")).toInstant().minus(Duration.ofMinutes(10));
    clock.set(tenMinutesBefore);
    Page agent = web.newPage();
    List<Route> script = new CopyOnWriteArrayList<>();
    agent.route("**/external_api.js", script::add);
    agent.clock().install(new Clock.InstallOptions().setTime(tenMinutesBefore.toEpochMilli()));
    web.signIn(agent, BrowserFixture.cpamAgentOf(booked));
    assertThat(agent.locator("#appointments article").filter(new Locator.FilterOptions().setHasText("Lucien Fabre")))
        .isVisible();
    agent.waitForCondition(() -> script.size() == 1);
    agent.context().close();
  }

  @Test
  void the_doctors_page_asks_for_the_script_as_soon_as_she_has_a_consultation_to_join() {
    String nurse = web.node.api.login("infirmiere.murat@cantal.demo", BrowserFixture.PASSWORD);
    String id = web.nurseRequest(nurse, "VS-0001");
    String doctorToken = web.node.api.login("dr.mercier@cantal.demo", BrowserFixture.PASSWORD);
    org.assertj.core.api.Assertions.assertThat(web.node.api.post("/api/teleconsultations/" + id + "/claim", doctorToken, null)
        .status()).isEqualTo(200);
    Page doctor = web.newTabletPage();
    List<Route> script = new CopyOnWriteArrayList<>();
    doctor.route("**/external_api.js", script::add);
    web.signIn(doctor, "dr.mercier");
    assertThat(doctor.locator("#current").getByText("Rejoindre l'appel")).isVisible();
    doctor.waitForCondition(() -> script.size() == 1);
    script.get(0).resume();
    doctor.locator("#current").getByText("Rejoindre l'appel").click();
    assertThat(doctor.locator("#call .stand-in")).isVisible();
    org.assertj.core.api.Assertions.assertThat(script).as("the script loaded once, before her press").hasSize(1);
    doctor.context().close();
  }
}
