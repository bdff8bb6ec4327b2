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
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * What an outside review of the last mile found (6 December 2026, session 29: an elderly citizen on a 360×740 phone at
 * 60 kbit/s, a nurse on a tablet, a doctor on a laptop whose Wi-Fi drops). The server's clock is the test's; each test
 * books its own appointments some days after the server's now, which only moves forward.
 */
class LastMileReview4Test {
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  /** The server's clock: the real now as the class starts (not as it is loaded), then moved by the tests. */
  static final MutableClock clock = MutableClock.startingNow();
  @org.junit.jupiter.api.extension.RegisterExtension
  static final BrowserFixture web = BrowserFixture.forTheClassFromNow(clock);

  /** The page's clock and the server's at {@code at}. */
  static Page at(Page page, Instant at) {
    clock.set(at);
    page.clock().install(new Clock.InstallOptions().setTime(at.toEpochMilli()));
    return page;
  }

  /**
   * In the room, her page tells the server she waits there. On her weak link that one request was lost, and never sent
   * again: the agent's card said she was not in the waiting room ("Absent" was then accepted while she sat in it), and
   * her own page never said she was waiting. Now it is sent again until the server has it, while she is in the room.
   */
  @Test
  void her_waiting_lost_on_the_way_is_sent_again_until_the_agent_sees_her_in_the_waiting_room() {
    JsonObject booked = web.bookCarteVitale(null, LocalDate.now(clock.withZone(PARIS)).plusDays(3),
        new JsonObject().put("name", "Germaine Vigier").put("phone", "06 39 98 14 01"));
    Instant fiveBefore = AgentDayPageTest.startOf(booked).minus(Duration.ofMinutes(5));
    Page citizen = at(web.newPhonePage(), fiveBefore);
    // The first "waiting" never reaches the server (the link dropped on the way); what follows goes through.
    List<String> said = losingTheFirstPresence(citizen);
    citizen.navigate(web.url("/rendez-vous.html?gerer#" + booked.getString("manageToken")));
    citizen.locator("#join").click();
    assertThat(citizen.locator("#waiting")).hasText("Vous êtes en salle d'attente. L'agent va vous rejoindre.");
    org.assertj.core.api.Assertions.assertThat(said).as("what her page said, the first lost").hasSize(2)
        .allMatch(body -> body.contains("\"waiting\""));

    Locator card = agentsCard(booked, fiveBefore, "Germaine Vigier");
    assertThat(card.locator(".tag").first()).hasText("En salle d'attente");
    card.page().context().close();
    citizen.context().close();
  }

  /** The same beside the mediator: his page says she waits, lost once, again until the server has it. */
  @Test
  void the_mediators_waiting_lost_on_the_way_is_sent_again_until_the_agent_sees_her_in_the_waiting_room() {
    String mediator = web.node.api.login("mediateur.riom@cantal.demo", BrowserFixture.PASSWORD);
    JsonObject booked = web.bookCarteVitale(mediator, LocalDate.now(clock.withZone(PARIS)).plusDays(4),
        new JsonObject().put("name", "Léontine Vigier").put("phone", "06 39 98 14 02"));
    Instant fiveBefore = AgentDayPageTest.startOf(booked).minus(Duration.ofMinutes(5));
    Page page = at(web.newTabletPage(), fiveBefore);
    List<String> said = losingTheFirstPresence(page);
    web.signIn(page, "mediateur.riom");
    page.locator("#appointments article").filter(new Locator.FilterOptions().setHasText("Léontine Vigier"))
        .getByText("Rejoindre la visio à ses côtés").click();
    assertThat(page.locator("#call [role=status]").first()).hasText("Vous êtes dans l'appel.");

    Locator card = agentsCard(booked, fiveBefore, "Léontine Vigier");
    assertThat(card.locator(".tag").first()).hasText("En salle d'attente");
    org.assertj.core.api.Assertions.assertThat(said).as("what his page said, the first lost").hasSize(2)
        .allMatch(body -> body.contains("\"waiting\""));
    card.page().context().close();
    page.context().close();
  }

  /**
   * A new request in the queue was said to the doctor's screen reader with the specialty's code: "Nouvelle demande en
   * attente (geriatrie)." (and "soins_palliatifs", "plaies_cicatrisation"). Now with its name, as her cards write it.
   */
  @Test
  @SuppressWarnings("unchecked")
  void a_new_request_is_said_to_the_doctor_with_its_specialtys_name_not_its_code() {
    Page doctor = web.newPage();
    doctor.addInitScript("""
        window.__said = [];
        document.addEventListener('DOMContentLoaded', () => {
          const status = document.getElementById('status');
          new MutationObserver(() => { if (status.textContent) { window.__said.push(status.textContent); } })
            .observe(status, { childList: true, characterData: true, subtree: true });
        });
        """);
    java.util.concurrent.atomic.AtomicInteger snapshots = BrowserFixture.snapshotsOf(doctor);
    web.signIn(doctor, "dr.mercier");
    // Her queue live: a request written before would come in the snapshot, not as news.
    doctor.waitForCondition(() -> snapshots.get() > 0);
    String nurse = web.node.api.login("infirmiere.salers@cantal.demo", BrowserFixture.PASSWORD);
    JsonObject request = fr.cantou.support.CareTerritory.request("geriatrie", "normal");
    request.getJsonObject("patient").put("reference", "R-GERIA-4");
    org.assertj.core.api.Assertions.assertThat(web.node.api.post("/api/teleconsultations", nurse, request).status()).isEqualTo(201);
    assertThat(doctor.locator("#queue")).containsText("R-GERIA-4");
    doctor.waitForFunction("() => window.__said.some((s) => s.startsWith('Nouvelle demande en attente'))");
    org.assertj.core.api.Assertions.assertThat((List<Object>) doctor.evaluate("() => window.__said")).as("what her screen reader heard")
        .contains("Nouvelle demande en attente (Gériatrie).");
    doctor.context().close();
  }

  /**
   * The doctor's Wi-Fi drops: the browser knows at once (navigator.onLine, its "offline" event), but the page waited for
   * its socket, whose path may stay "open" until two heartbeats go unanswered: for about 40 s her queue looked live,
   * "Disponible" pressed, with no word that nothing came any more. Now the banner says so at once, and goes when the
   * socket is heard again.
   */
  @Test
  void the_doctors_wifi_dropping_is_said_at_once_and_its_return_too() {
    Page doctor = web.signIn(web.newPage(), "dr.teyssier");
    assertThat(doctor.locator("#available")).isEnabled();
    // Her presence read and said (the page is on its socket), before the Wi-Fi goes.
    assertThat(doctor.locator("#status")).hasText("Vous êtes indisponible.");
    Locator banner = doctor.locator("#offline");
    assertThat(banner).isHidden();
    // Chromium's own emulation, as the Wi-Fi going: the browser offline, the open socket left as it was (Playwright's
    // setOffline closes it, which a dropped Wi-Fi does not).
    com.microsoft.playwright.CDPSession cdp = doctor.context().newCDPSession(doctor);
    cdp.send("Network.enable");
    cdp.send("Network.emulateNetworkConditions", linkOffline(true));
    assertThat(banner).hasText("Connexion perdue. Nous nous reconnectons…");
    cdp.send("Network.emulateNetworkConditions", linkOffline(false));
    assertThat(banner).isHidden();
    assertThat(doctor.locator("#status")).hasText("Connexion rétablie.");
    doctor.context().close();
  }

  /**
   * A button that waits ("Envoi…") is disabled, and the browser then drops its focus to the page's top; when the
   * answer did not move the keyboard anywhere (a message to the doctor lost on the way: the refusal said, her text
   * kept), it stayed there, and Tab started again from the header. Now the keyboard is back on the button.
   */
  @Test
  void a_message_lost_on_the_way_leaves_the_keyboard_on_its_send_button() {
    String nurse = web.node.api.login("infirmiere.salers@cantal.demo", BrowserFixture.PASSWORD);
    JsonObject request = fr.cantou.support.CareTerritory.request("dermatologie", "normal");
    request.getJsonObject("patient").put("reference", "R-MSG-4");
    String item = "/api/teleconsultations/" + web.node.api.post("/api/teleconsultations", nurse, request).json().getString("id");
    org.assertj.core.api.Assertions.assertThat(web.node.api.post(item + "/claim",
        web.node.api.login("dr.lafon@cantal.demo", BrowserFixture.PASSWORD), null).status()).isEqualTo(200);
    Page page = web.signIn(web.newTabletPage(), "infirmiere.salers");
    page.route("**/api/teleconsultations/*/messages", com.microsoft.playwright.Route::abort);
    Locator card = page.locator("#items article").filter(new Locator.FilterOptions().setHasText("R-MSG-4"));
    card.locator("textarea").fill("Rougeur étendue depuis ce matin, photo ajoutée.");
    Locator send = card.getByText("Envoyer le message");
    send.click();
    assertThat(card.locator(".composer .error")).containsText("Connexion perdue");
    assertThat(send).isFocused();
    assertThat(card.locator("textarea")).hasValue("Rougeur étendue depuis ce matin, photo ajoutée.");
    page.context().close();
  }

  static com.google.gson.JsonObject linkOffline(boolean offline) {
    com.google.gson.JsonObject conditions = new com.google.gson.JsonObject();
    conditions.addProperty("offline", offline);
    conditions.addProperty("latency", 0);
    conditions.addProperty("downloadThroughput", -1);
    conditions.addProperty("uploadThroughput", -1);
    return conditions;
  }

  /** What this page says of its presence in the room (each body); the first never reaches the server. */
  static List<String> losingTheFirstPresence(Page page) {
    return BrowserFixture.losingTheFirstRequest(page, "**/api/visio/appointments/*/presence");
  }

  /** Her card on her agent's day, the page's clock at {@code at}. */
  static Locator agentsCard(JsonObject booked, Instant at, String name) {
    Page agent = at(web.newPage(), at);
    web.signIn(agent, BrowserFixture.cpamAgentOf(booked));
    agent.locator("#day").fill(OffsetDateTime.parse(booked.getString("start")).atZoneSameInstant(PARIS).toLocalDate().toString());
    agent.locator("#day").dispatchEvent("change");
    return agent.locator("#appointments article").filter(new Locator.FilterOptions().setHasText(name));
  }
}
