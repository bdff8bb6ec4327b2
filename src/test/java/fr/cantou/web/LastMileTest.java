package fr.cantou.web;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Clock;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import fr.cantou.support.Api;
import fr.cantou.support.CareTerritory;
import fr.cantou.support.MutableClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The last mile, as the person in front of the page lives it: a citizen on a 390-px phone
 * waiting for her room to open, the video server out of reach, a doctor on a tablet. The
 * server's clock and each page's clock are set by the test, never read from the day it runs;
 * the server's only moves forward (sessions and sign-in counters are kept by its time).
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class LastMileTest {
  /**
   * The tests that move the server's clock days ahead run after the others: the booking pages ask for the slots of
   * the next two weeks by the page's own clock, which the server's must not have left behind. {@link #manage} moves it
   * (the page goes by the server's time): a test that opens her page at another time than now is one of them.
   */
  private static final int MOVES_THE_CLOCK = Integer.MAX_VALUE;
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  /** The server's clock: the real now as the class starts (not as it is loaded), then moved by the tests. */
  static final MutableClock clock = MutableClock.startingNow();
  @org.junit.jupiter.api.extension.RegisterExtension
  static final BrowserFixture web = BrowserFixture.forTheClassFromNow(clock);

  /** A slot of the CPAM's service some days ahead (after a weekend, whatever the day), booked by phone. */
  static JsonObject bookByPhone(int daysAhead, String name, String phone) {
    return bookByPhone(null, daysAhead, name, phone);
  }

  /** The same, booked by a professional ({@code token}; null: the citizen herself). */
  static JsonObject bookByPhone(String token, int daysAhead, String name, String phone) {
    return bookByPhone(token, null, daysAhead, name, phone);
  }

  /** Booked at the first point visio-accueil of the territory, where her QR code checks her in. */
  static JsonObject bookAtPointByPhone(int daysAhead, String name, String phone) {
    String point = web.node.api.get("/api/visio/points").array().getJsonObject(0).getString("id");
    return bookByPhone(null, point, daysAhead, name, phone);
  }

  private static JsonObject bookByPhone(String token, String pointId, int daysAhead, String name, String phone) {
    JsonObject service = web.node.api.get("/api/visio/services").array().stream().map(JsonObject.class::cast)
        .filter(s -> s.getString("name").startsWith("Carte Vitale")).findFirst().orElseThrow();
    LocalDate from = LocalDate.now(clock.withZone(PARIS)).atStartOfDay(PARIS).plusDays(daysAhead).toLocalDate();
    JsonArray slots = web.node.api.get("/api/visio/services/" + service.getString("id") + "/slots?from=" + from + "&to="
        + from.plusDays(6) + (pointId == null ? "" : "&pointId=" + pointId)).array();
    JsonObject slot = slots.getJsonObject(0);
    JsonObject body = new JsonObject().put("serviceId", service.getString("id")).put("start", slot.getString("start"))
        .put("citizen", new JsonObject().put("name", name).put("phone", phone));
    var booked = web.node.api.post("/api/visio/appointments", token, pointId == null ? body : body.put("pointId", pointId));
    assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
    return booked.json();
  }

  /**
   * Where an element is on the page (left, top), not on the screen: a scroll between two readings (a click brings its
   * target into view) moves neither, so only a real shift of the layout shows.
   */
  static double[] placeOf(Locator element) {
    @SuppressWarnings("unchecked")
    List<Number> place = (List<Number>) element.evaluate(
        "e => { const r = e.getBoundingClientRect(); return [r.left + window.scrollX, r.top + window.scrollY]; }");
    return new double[] {place.get(0).doubleValue(), place.get(1).doubleValue()};
  }

  /** The places of these elements, one after the other: [left, top, left, top…]. */
  static double[] placesOf(Locator... elements) {
    return java.util.Arrays.stream(elements).map(LastMileTest::placeOf).flatMapToDouble(java.util.Arrays::stream).toArray();
  }

  static final org.assertj.core.data.Offset<Double> HALF_A_PIXEL = org.assertj.core.data.Offset.offset(0.5);

  /** "mercredi 2 décembre à 8 h 50", "… à 9 h" on the hour: how the page must say it. */
  static String inWords(ZonedDateTime time) {
    String day = DateTimeFormatter.ofPattern("EEEE d MMMM", Locale.FRENCH).format(time);
    return (time.getDayOfMonth() == 1 ? day.replaceFirst(" 1 ", " 1er ") : day) + " à " + clock(time);
  }

  /** A time as the pages write it in French: "9 h", "16 h 30". */
  static String clock(ZonedDateTime time) {
    return time.getHour() + " h" + (time.getMinute() == 0 ? "" : String.format(" %02d", time.getMinute()));
  }

  /** Her manage page, its clock and the server's at {@code pageTime} (the page goes by the server's time). */
  static Page manage(Page page, JsonObject booked, Instant pageTime) {
    clock.set(pageTime);
    page.clock().install(new Clock.InstallOptions().setTime(pageTime.toEpochMilli()));
    page.navigate(web.url("/rendez-vous.html?gerer#" + booked.getString("manageToken")));
    assertThat(page.locator("#page-title")).hasText("Mon rendez-vous");
    return page;
  }

  @org.junit.jupiter.api.Order(MOVES_THE_CLOCK)
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(BrowserFixture.Screen.class)
  void the_join_button_appears_at_the_opening_time_without_a_reload_and_says_the_time_in_words_before(BrowserFixture.Screen screen) {
    JsonObject booked = bookByPhone(3, "Lucienne Chanut", "06 39 98 12 01");
    ZonedDateTime start = OffsetDateTime.parse(booked.getString("start")).atZoneSameInstant(PARIS);
    ZonedDateTime opens = start.minusMinutes(10);
    Page page = manage(web.newPage(screen), booked, opens.minusMinutes(2).toInstant());

    Locator join = page.locator("#join");
    assertThat(join).hasText("Rejoindre la visio");
    assertThat(join).isDisabled();
    assertThat(page.locator("#opens-at")).hasText("La salle ouvrira le " + inWords(opens) + ", 10 minutes avant le rendez-vous.");
    assertThat(join).hasAttribute("aria-describedby", "opens-at");
    assertThat(page.locator("#manage")).containsText(inWords(start));
    assertThat(page.locator("#manage")).not().containsText("null");
    Locator tryDevices = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Tester micro et caméra"));
    assertThat(tryDevices).isVisible();
    // From home, no QR code (only a point's screen reads it): "Rejoindre la visio" is on her first screen, no scrolling.
    assertThat(page.locator("#qr-code")).hasCount(0);
    if (screen == BrowserFixture.Screen.PHONE) {
      page.setViewportSize(360, 640);
      org.assertj.core.api.Assertions.assertThat(placeOf(join)[1] + join.boundingBox().height)
          .as("the bottom of \"Rejoindre la visio\" on the first screen of a 360×640 phone").isLessThanOrEqualTo(640);
      page.setViewportSize(390, 844);
    }
    PagesTest.assertAccessible(page, screen.prefix + "rendez-vous-avant-ouverture");
    double[] before = placeOf(tryDevices);

    // Two minutes later on the page's clock, with no reload: the room is open, and says since when. Its line stays, so
    // "Tester micro et caméra" under it stays too: it moved up, under her finger, as the line went.
    page.clock().fastForward("02:01");
    assertThat(join).isEnabled();
    org.assertj.core.api.Assertions.assertThat(placeOf(tryDevices)).as("\"Tester micro et caméra\" as the room opens")
        .containsExactly(before, HALF_A_PIXEL);
    assertThat(page.locator("#opens-at")).hasText("La salle a ouvert le " + inWords(opens) + ", 10 minutes avant le rendez-vous.");
    BrowserFixture.screenshot(page, screen.prefix + "rendez-vous-salle-ouverte");
    page.context().close();
  }

  /** nginx's own answer while the nodes behind it restart: an HTML page, not the API's JSON. */
  private static com.microsoft.playwright.Route.FulfillOptions nginx502() {
    return new com.microsoft.playwright.Route.FulfillOptions().setStatus(502).setContentType("text/html")
        .setBody("<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>");
  }

  /** The waiting list's place and a guest's invitation, answered by a proxy's 502: "Réessayer", never a bad link. */
  @Test
  void a_gateway_error_on_a_waiting_place_or_an_invitation_says_try_again_never_that_the_link_is_bad() {
    String fake = java.util.UUID.randomUUID() + ".secret";
    com.microsoft.playwright.Route.FulfillOptions gateway = nginx502();
    Page place = web.newPhonePage();
    place.route("**/api/visio/waiting-list/*", route -> route.fulfill(gateway));
    place.navigate(web.url("/liste-attente.html#" + fake));
    assertThat(place.locator("#load-failed")).containsText("Le service ne répond pas pour le moment.");
    assertThat(place.locator("#not-found")).hasCount(0);
    place.context().close();

    Page guest = web.newPhonePage();
    guest.route("**/api/teleconsultations/*/invitation", route -> route.fulfill(gateway));
    guest.navigate(web.url("/invitation.html#" + fake));
    assertThat(guest.locator("#load-failed")).containsText("Le service ne répond pas pour le moment.");
    assertThat(guest.locator("#retry")).isVisible();
    guest.context().close();
  }

  /**
   * Her appointment's page says it is loading until the appointment is drawn: on a slow link the page's loading line
   * went with the scripts and left the heading alone for seconds (an outside tester, 60 kbit/s: 2 s).
   */
  @Test
  void her_appointments_page_says_it_is_loading_until_the_appointment_comes() {
    JsonObject booked = bookByPhone(4, "Simone Chanut", "06 39 98 12 11");
    Page page = web.newPhonePage();
    String appointment = "**/api/visio/appointments/" + booked.getString("id");
    List<com.microsoft.playwright.Route> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    page.route(appointment, held::add);
    manage(page, booked, clock.instant());
    page.waitForCondition(() -> !held.isEmpty());
    assertThat(page.locator("#js-wait")).hasCount(0);
    Locator loading = page.locator("#manage-loading");
    assertThat(loading).hasText("Chargement de votre rendez-vous… Sur une connexion lente, cela peut prendre un moment.");
    assertThat(loading).hasAttribute("role", "status");

    held.forEach(com.microsoft.playwright.Route::resume);
    assertThat(page.locator("#join")).hasText("Rejoindre la visio");
    assertThat(loading).hasCount(0);
    page.context().close();
  }

  /**
   * A proxy's error page while the nodes restart (nginx's 502, HTML) is not a bad link: her page says the service is
   * not answering, with "Réessayer", and the link still works. It said "Ce lien ne permet pas d'ouvrir un rendez-vous"
   * and opened the form that replaces the link (an outside tester, 5 December 2026).
   */
  @Test
  void a_gateway_error_on_her_appointment_says_try_again_never_that_her_link_is_bad() {
    JsonObject booked = bookByPhone(4, "Yvette Chanut", "06 39 98 12 10");
    Page page = web.newPhonePage();
    String appointment = "**/api/visio/appointments/" + booked.getString("id");
    page.route(appointment, route -> route.fulfill(nginx502()));
    manage(page, booked, clock.instant());
    assertThat(page.locator("#load-failed")).containsText("Le service ne répond pas pour le moment. Réessayez dans quelques instants.");
    assertThat(page.locator("#not-found")).hasCount(0);
    assertThat(page.locator("#lien-perdu")).not().hasAttribute("open", "");

    page.unroute(appointment);
    page.locator("#retry").click();
    assertThat(page.locator("#join")).hasText("Rejoindre la visio");
    assertThat(page.locator("#manage")).containsText(booked.getString("reference"));
    page.context().close();
  }

  /**
   * "La salle a ouvert le …" is one letter longer than "La salle ouvrira le …": at some widths it takes one more line
   * (about 5 % of phone widths and dates, an outside review measured). The line keeps the height of the taller of the
   * two at every width from 320 to 430 px, so the opening moves "Tester micro et caméra" on no phone.
   */
  @org.junit.jupiter.api.Order(MOVES_THE_CLOCK)
  @Test
  void the_opening_line_keeps_its_height_at_every_phone_width() {
    JsonObject booked = bookByPhone(3, "Berthe Chanut", "06 39 98 12 09");
    Instant opens = OffsetDateTime.parse(booked.getString("start")).toInstant().minus(Duration.ofMinutes(10));
    Page page = manage(web.newPhonePage(), booked, opens.minusSeconds(60));
    Locator tryDevices = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Tester micro et caméra"));
    assertThat(page.locator("#join")).isDisabled();
    java.util.Map<Integer, Double> before = new java.util.LinkedHashMap<>();
    for (int width = 320; width <= 430; width += 2) {
      page.setViewportSize(width, 844);
      before.put(width, placeOf(tryDevices)[1]);
    }
    page.clock().fastForward("01:01");
    assertThat(page.locator("#join")).isEnabled();
    java.util.Map<Integer, Double> after = new java.util.LinkedHashMap<>();
    for (int width : before.keySet()) {
      page.setViewportSize(width, 844);
      after.put(width, placeOf(tryDevices)[1]);
    }
    org.assertj.core.api.Assertions.assertThat(after).as("\"Tester micro et caméra\", width by width, as the room opens")
        .isEqualTo(before);
    page.context().close();
  }

  /**
   * "Connexion…" stays busy while the room comes, whatever wakes the page meanwhile (the tab coming back, its focus):
   * the view is drawn again only when what it shows changes, so a second tap joins nothing twice.
   */
  @org.junit.jupiter.api.Order(MOVES_THE_CLOCK)
  @org.junit.jupiter.api.Test
  void joining_stays_busy_when_the_page_wakes_meanwhile() {
    JsonObject booked = bookByPhone(3, "Eugénie Chanut", "06 39 98 12 08");
    Instant opens = OffsetDateTime.parse(booked.getString("start")).toInstant().minus(Duration.ofMinutes(10));
    Page page = web.newPhonePage();
    List<com.microsoft.playwright.Route> joins = new java.util.concurrent.CopyOnWriteArrayList<>();
    page.route("**/join", joins::add);
    manage(page, booked, opens.plusSeconds(30));
    Locator join = page.locator("#join");
    join.click();
    page.waitForCondition(() -> joins.size() == 1);
    assertThat(join).hasText("Connexion…");

    page.evaluate("() => { window.dispatchEvent(new Event('focus')); document.dispatchEvent(new Event('visibilitychange')); }");
    stillJoiningOnce(join, joins);
    joins.get(0).abort();
    page.context().close();
  }

  /** "Connexion…", busy and disabled: a second tap sends no second /join. */
  private static void stillJoiningOnce(Locator join, List<com.microsoft.playwright.Route> joins) {
    assertThat(join).hasText("Connexion…");
    assertThat(join).isDisabled();
    assertThat(join).hasAttribute("aria-busy", "true");
    join.dispatchEvent("click");
    org.assertj.core.api.Assertions.assertThat(joins).hasSize(1);
  }

  /**
   * The agent enters while the citizen's room is still coming: her page says so (drawn again), and her button stays
   * "Connexion…", busy; once the room's answer came (refused here), it is "Rejoindre la visio" again.
   */
  @org.junit.jupiter.api.Order(MOVES_THE_CLOCK)
  @org.junit.jupiter.api.Test
  void joining_stays_busy_when_the_agent_comes_meanwhile() {
    JsonObject booked = bookByPhone(4, "Augustine Rouquet", "06 39 98 12 09");
    Instant start = OffsetDateTime.parse(booked.getString("start")).toInstant();
    clock.set(start.minus(Duration.ofMinutes(5)));
    Page page = web.newPhonePage();
    List<com.microsoft.playwright.Route> joins = new java.util.concurrent.CopyOnWriteArrayList<>();
    page.route("**/join", joins::add);
    manage(page, booked, start.minus(Duration.ofMinutes(5)));
    Locator join = page.locator("#join");
    join.click();
    page.waitForCondition(() -> joins.size() == 1);
    assertThat(join).hasText("Connexion…");

    String agent = web.node.api.login("agent.cpam@cantal.demo", BrowserFixture.PASSWORD);
    var joined = web.node.api.post("/api/visio/appointments/" + booked.getString("id") + "/presence", agent,
        new JsonObject().put("state", "joined"));
    assertThat(joined.status()).as(joined.toString()).isEqualTo(200);
    assertThat(page.locator("#manage dl dd").nth(3)).hasText("En cours");
    stillJoiningOnce(join, joins);

    joins.get(0).abort();
    assertThat(join).hasText("Rejoindre la visio");
    assertThat(join).isEnabled();
    page.context().close();
  }

  static void testDevices(Page page) {
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Tester micro et caméra")).click();
  }

  @org.junit.jupiter.api.Order(MOVES_THE_CLOCK)
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(BrowserFixture.Screen.class)
  void the_device_check_shows_the_camera_or_says_plainly_what_is_missing(BrowserFixture.Screen screen) {
    JsonObject booked = bookByPhone(3, "Roger Vaissière", "06 39 98 12 02");
    Instant before = OffsetDateTime.parse(booked.getString("start")).toInstant().minus(Duration.ofHours(2));

    Page granted = web.newPage(screen);
    granted.context().grantPermissions(List.of("camera", "microphone"));
    testDevices(manage(granted, booked, before));
    assertThat(granted.locator("#device-result")).hasText("Votre caméra et votre micro fonctionnent. Votre image s'affiche ci-dessous.");
    assertThat(granted.locator("video.preview")).isVisible();
    BrowserFixture.screenshot(granted, screen.prefix + "test-camera");
    granted.getByText("Arrêter le test").click();
    assertThat(granted.locator("video.preview")).isHidden();
    granted.context().close();

    Page refused = web.newPage(screen);
    refused.addInitScript("navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('no', 'NotAllowedError'));");
    testDevices(manage(refused, booked, before));
    assertThat(refused.locator("#device-result")).containsText("L'accès à la caméra et au micro a été refusé.");
    assertThat(refused.locator("#device-result")).containsText("touchez le cadenas");
    assertThat(refused.locator("video.preview")).isHidden();
    PagesTest.assertAccessible(refused, screen.prefix + "test-camera-refuse");
    refused.context().close();

    Page without = web.newPage(screen);
    without.addInitScript("Object.defineProperty(navigator, 'mediaDevices', { value: undefined });");
    testDevices(manage(without, booked, before));
    assertThat(without.locator("#device-result")).containsText("Ce navigateur ne permet pas de tester la caméra et le micro.");
    without.context().close();
  }

  /**
   * "Tester micro et caméra" pressed with the keyboard keeps it while the browser asks her (its answer held here):
   * disabled, it dropped the focus to the page's top, and a screen reader user lost her place. Pressed again meanwhile,
   * nothing is asked twice; once she answered, the result is said beside it (role=status), the keyboard still on it.
   */
  @org.junit.jupiter.api.Order(MOVES_THE_CLOCK)
  @Test
  void the_device_check_waiting_for_the_browser_keeps_the_keyboard_and_asks_once() {
    JsonObject booked = bookByPhone(3, "Marinette Vaissière", "06 39 98 12 78");
    Instant before = OffsetDateTime.parse(booked.getString("start")).toInstant().minus(Duration.ofHours(2));
    Page page = web.newPhonePage();
    page.addInitScript("""
        window.__asked = 0;
        navigator.mediaDevices.getUserMedia = () => {
          window.__asked += 1;
          return new Promise((resolve) => { window.__answer = () => resolve(new MediaStream()); });
        };
        """);
    manage(page, booked, before);
    Locator test = page.locator("#device-test");
    test.focus();
    page.keyboard().press("Enter");
    page.waitForCondition(() -> ((Number) page.evaluate("window.__asked")).intValue() == 1);
    assertThat(page.locator("#device-result")).containsText("Votre navigateur va vous demander d'utiliser la caméra et le micro");
    assertThat(test).hasAttribute("aria-disabled", "true");
    assertThat(test).hasAttribute("aria-busy", "true");
    assertThat(test).isFocused();
    page.keyboard().press("Enter");
    page.keyboard().press(" ");
    assertThat(test).isFocused();

    page.evaluate("() => window.__answer()");
    assertThat(page.locator("#device-result")).hasText("Votre caméra et votre micro fonctionnent. Votre image s'affiche ci-dessous.");
    assertThat(test).not().hasAttribute("aria-disabled", "true");
    assertThat(test).isFocused();
    // Asked after the presses were handled: had they asked again, the count would say so.
    assertThat(((Number) page.evaluate("window.__asked")).intValue()).as("asked").isEqualTo(1);
    page.context().close();
  }

  /**
   * The agent cancels an appointment from her card (ill, the office closed): asked first, the question says who will be
   * told — her SMS, or, for someone without phone or e-mail, the mediator who booked it beside her — and the card says
   * it is done. Before, the card had no way to cancel: the agent's leave was refused over it, with nothing to do.
   */
  @Test
  void the_agent_cancels_from_her_card_and_is_told_who_will_hear_of_it() {
    JsonObject booked = bookByPhone(9, "Odette Chabrier", "06 39 98 12 07");
    String day = booked.getString("start").substring(0, 10);
    JsonObject service = web.node.api.get("/api/visio/services").array().stream().map(JsonObject.class::cast)
        .filter(s -> s.getString("name").startsWith("Carte Vitale")).findFirst().orElseThrow();
    JsonObject slot = web.node.api.get("/api/visio/services/" + service.getString("id") + "/slots?from=" + day + "&to=" + day)
        .array().getJsonObject(0);
    var contactless = web.node.api.post("/api/visio/appointments", web.node.api.login("mediateur.riom@cantal.demo",
        BrowserFixture.PASSWORD), new JsonObject().put("serviceId", service.getString("id")).put("start", slot.getString("start"))
        .put("citizen", new JsonObject().put("name", "Baptiste Fabre")));
    assertThat(contactless.status()).as(contactless.toString()).isEqualTo(201);

    Page agent = web.signIn(web.newPage(), "agent.cpam");
    assertThat(agent.locator("#appointments > *").first()).isVisible();
    agent.locator("#day").fill(day);
    agent.locator("#day").dispatchEvent("change");
    Locator card = agent.locator("#appointments article").filter(new Locator.FilterOptions().setHasText("Odette Chabrier"));
    assertThat(card).isVisible();
    card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Annuler le rendez-vous")).click();
    Locator question = card.locator(".confirm-box");
    assertThat(question).isFocused();
    assertThat(question).containsText("La personne sera prévenue par SMS.");
    assertThat(question).containsText("L'annulation est définitive");
    org.assertj.core.api.Assertions.assertThat(question.getAttribute("aria-describedby")).as("who is told, read with the question")
        .isNotBlank();
    PagesTest.assertAccessible(agent, "agent-annulation-question");
    card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Oui, annuler le rendez-vous")).click();
    assertThat(card.locator(".outcome")).containsText("annulé (Odette Chabrier). La personne sera prévenue par SMS.");
    assertThat(card.locator(".tag")).hasText("Annulé");
    // Focused in place of the question, the line is read out, and not said again in the status line (AgentDayPageTest).
    assertThat(card.locator(".outcome")).hasAttribute("aria-label", "Rendez-vous de " + clock(OffsetDateTime.parse(
        booked.getString("start")).atZoneSameInstant(PARIS)) + " annulé (Odette Chabrier). La personne sera prévenue par SMS.");
    assertThat(card.locator(".outcome")).isFocused();
    org.assertj.core.api.Assertions.assertThat(web.node.api.send("GET", "/api/visio/appointments/" + booked.getString("id"), null,
        null, java.util.Map.of("X-Manage-Token", booked.getString("manageToken"))).json().getString("status")).isEqualTo("cancelled");

    Locator his = agent.locator("#appointments article").filter(new Locator.FilterOptions().setHasText("Baptiste Fabre"));
    his.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Annuler le rendez-vous")).click();
    assertThat(his.locator(".confirm-box")).containsText("Lucas Meyniel, conseiller France Services, qui a pris le rendez-vous "
        + "pour elle, recevra un e-mail.");
    // "Ne rien changer": nothing is cancelled, and the keyboard is back on the card.
    his.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Ne rien changer")).click();
    assertThat(his.locator(".tag")).not().hasText("Annulé");
    assertThat(his.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Annuler le rendez-vous"))).isFocused();
    agent.context().close();
    org.assertj.core.api.Assertions.assertThat(web.node.api.post("/api/visio/appointments/" + contactless.json().getString("id")
        + "/cancel", web.node.api.login("mediateur.riom@cantal.demo", BrowserFixture.PASSWORD), null).status()).isEqualTo(200);
  }

  @org.junit.jupiter.api.Order(MOVES_THE_CLOCK)
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(BrowserFixture.Screen.class)
  void when_the_video_server_cannot_be_reached_nobody_is_said_waiting_and_the_agent_has_the_phone_number(BrowserFixture.Screen screen) {
    // Typed with dots: kept as the French write it.
    JsonObject booked = bookByPhone(4, "Marcelle Bouygues", "06.39.98.12.03");
    assertThat(booked.getJsonObject("citizen").getString("phone")).isEqualTo("06 39 98 12 03");
    Instant start = OffsetDateTime.parse(booked.getString("start")).toInstant();
    clock.set(start.minus(Duration.ofMinutes(5)));

    // Her agent's day is open first: what happens at the citizen's end reaches her card live.
    Page agent = web.signIn(web.newPage(screen), BrowserFixture.cpamAgentOf(booked));
    assertThat(agent.locator("#appointments > *").first()).isVisible();
    agent.locator("#day").fill(booked.getString("start").substring(0, 10));
    agent.locator("#day").dispatchEvent("change");
    Locator card = agent.locator("#appointments article").filter(new Locator.FilterOptions().setHasText("Marcelle Bouygues"));
    assertThat(card).isVisible();

    Page citizen = web.newPage(screen);
    citizen.route("**/external_api.js", route -> route.abort());
    manage(citizen, booked, start.minus(Duration.ofMinutes(5)));
    citizen.locator("#join").click();
    Locator problem = citizen.locator("#call .alert");
    assertThat(problem).containsText("La visio ne peut pas s'ouvrir : le serveur vidéo ne répond pas pour le moment.");
    assertThat(problem).containsText("Ce n'est pas votre connexion");
    assertThat(problem).containsText("l'agent peut vous appeler au 06 39 98 12 03");
    assertThat(citizen.locator("#call .frame")).isHidden();
    assertThat(citizen.locator("#waiting")).isHidden();
    assertThat(citizen.locator("main")).not().containsText("salle d'attente");
    PagesTest.assertAccessible(citizen, screen.prefix + "visio-injoignable");

    // Her failure is on the agent's card at once, with when she tried and her number: the agent calls, she is not "late".
    String tried = clock(clock.instant().atZone(java.time.ZoneId.of("Europe/Paris")));
    assertThat(card.locator(".tag")).hasText("Vidéo impossible chez la personne");
    assertThat(card.locator(".attempt")).hasText("À " + tried + ", la vidéo ne s'est pas ouverte chez cette personne : "
        + "téléphonez-lui au numéro ci-dessous.");
    assertThat(agent.locator("#status")).hasText("La vidéo de Marcelle Bouygues ne s'ouvre pas : téléphonez-lui.");
    Locator phone = card.locator("a[href='tel:+33639981203']");
    assertThat(phone).hasText("06 39 98 12 03");
    assertThat(card).not().containsText("En salle d'attente");
    assertThat(web.node.api.send("GET", "/api/visio/appointments/" + booked.getString("id"), null, null,
        java.util.Map.of("X-Manage-Token", booked.getString("manageToken"))).json().getBoolean("citizenWaiting")).isFalse();

    // Nothing to switch to audio only now: the button is withheld (unseen, out of the keyboard's way), its place kept.
    Locator audioOnly = citizen.locator("#call .actions button").first();
    Locator leave = citizen.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Quitter l'appel"));
    assertThat(audioOnly).hasText("Passer en audio seulement (connexion faible)");
    assertThat(audioOnly).isHidden();
    double[] leaveUnreachable = placeOf(leave);

    // The video server answers again, its script slowly: "Réessayer" enters, and only then is she waiting.
    citizen.unroute("**/external_api.js");
    List<com.microsoft.playwright.Route> script = new java.util.concurrent.CopyOnWriteArrayList<>();
    citizen.route("**/external_api.js", script::add);
    citizen.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Réessayer")).click();
    citizen.waitForCondition(() -> script.size() == 1);
    assertThat(citizen.locator("#call")).containsText("Connexion à la salle…");
    assertThat(audioOnly).isVisible();
    double[] connecting = placesOf(audioOnly, leave);
    script.get(0).resume();
    citizen.unroute("**/external_api.js");
    assertThat(citizen.locator("#call .stand-in")).isVisible();
    // The room came under the buttons: none of them moved, from the server unreachable to the room open.
    org.assertj.core.api.Assertions.assertThat(placesOf(audioOnly, leave)).as("the call's buttons once the room came")
        .containsExactly(connecting, HALF_A_PIXEL);
    org.assertj.core.api.Assertions.assertThat(placeOf(leave)).as("\"Quitter l'appel\" from the alert to the room")
        .containsExactly(leaveUnreachable, HALF_A_PIXEL);
    assertThat(citizen.locator("#waiting")).hasText("Vous êtes en salle d'attente. L'agent va vous rejoindre.");
    assertThat(card).containsText("En salle d'attente");
    // In now: her failure is past.
    assertThat(card.locator(".attempt")).hasCount(0);
    BrowserFixture.screenshot(agent, screen.prefix + "agent-usager-en-attente");
    citizen.context().close();
    agent.context().close();
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(BrowserFixture.Screen.class)
  void the_doctor_whose_video_fails_is_given_the_care_home_phone(BrowserFixture.Screen screen) {
    String nurse = web.node.api.login("infirmiere.murat@cantal.demo", BrowserFixture.PASSWORD);
    // Each screen its own doctor: her consultation is the only one she holds.
    String specialty = screen == BrowserFixture.Screen.PHONE ? "cardiologie" : "dermatologie";
    String login = screen == BrowserFixture.Screen.PHONE ? "dr.roux" : "dr.lafon";
    JsonObject created = web.node.api.post("/api/teleconsultations", nurse, CareTerritory.request(specialty, "normal")).json();
    assertThat(created.getString("organisationPhone")).isEqualTo("04 65 71 11 33");
    String doctorToken = web.node.api.login(login + "@cantal.demo", BrowserFixture.PASSWORD);
    assertThat(web.node.api.post("/api/teleconsultations/" + created.getString("id") + "/claim", doctorToken, null).status())
        .isEqualTo(200);

    Page doctor = web.newPage(screen);
    doctor.route("**/external_api.js", route -> route.abort());
    web.signIn(doctor, login);
    Locator current = doctor.locator("#current");
    assertThat(current.locator("a[href='tel:+33465711133']")).hasText("04 65 71 11 33");
    current.getByText("Rejoindre l'appel").click();
    Locator problem = doctor.locator("#call .alert");
    assertThat(problem).containsText("le serveur vidéo ne répond pas");
    assertThat(problem).containsText("Appelez l'établissement au téléphone : 04 65 71 11 33");
    assertThat(problem.locator("a[href='tel:+33465711133']")).isVisible();
    PagesTest.assertAccessible(doctor, screen.prefix + "medecin-visio-injoignable");
    doctor.context().close();
  }

  static Page toContactStep(Page page) {
    page.navigate(web.url("/rendez-vous.html"));
    page.locator("#wizard .card").filter(new Locator.FilterOptions().setHasText("Carte Vitale")).locator("button.big").click();
    page.getByText("Depuis chez moi").click();
    page.locator(".slots button").first().click();
    assertThat(page.locator("#wizard h2")).hasText("Vos coordonnées");
    return page;
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(BrowserFixture.Screen.class)
  void the_contact_step_says_under_each_field_what_to_correct_and_keeps_the_answers_when_the_link_drops(BrowserFixture.Screen screen) {
    Page page = toContactStep(web.newPage(screen));
    Locator confirm = page.locator("#wizard button[type=submit]");
    confirm.click();
    assertThat(page.locator("#name-error")).hasText("Indiquez votre nom et votre prénom.");
    assertThat(page.locator("#name")).hasAttribute("aria-invalid", "true");
    assertThat(page.locator("#name")).hasAttribute("aria-describedby", "name-error");
    assertThat(page.locator("#name")).isFocused();
    assertThat(page.locator("#email-error")).hasText(
        "Indiquez une adresse e-mail ou un numéro de téléphone, pour recevoir la confirmation.");
    assertThat(page.locator("#email")).hasAttribute("aria-describedby", "email-hint email-error");
    PagesTest.assertAccessible(page, screen.prefix + "coordonnees-erreurs");

    page.locator("#name").fill("Marcel Delort");
    page.locator("#email").fill("marcel.delort@");
    confirm.click();
    assertThat(page.locator("#email-error")).hasText("Cette adresse e-mail n'est pas complète. Format attendu : nom@exemple.fr");
    assertThat(page.locator("#name-error")).hasCount(0);
    assertThat(page.locator("#name")).not().hasAttribute("aria-invalid", "true");

    // What only the server can judge comes back under its field, in the page's words.
    page.locator("#email").fill("");
    page.locator("#phone").fill("06.39.98.12.77");
    page.locator("#name").fill("Voir impots-gouv.fr");
    confirm.click();
    assertThat(page.locator("#name-error")).hasText(
        "Écrivez seulement un nom et un prénom, sans adresse web ni phrase. Exemple : Marie Dupont");
    assertThat(page.locator("#wizard")).not().containsText("pattern");
    assertThat(page.locator("#wizard")).not().containsText("citizen");

    // The link drops: the answers stay, and the page says so.
    page.locator("#name").fill("Marcel Delort");
    page.route("**/api/visio/appointments", route -> route.abort("internetdisconnected"));
    confirm.click();
    assertThat(page.locator("#wizard p.error[role=alert]")).hasText("Connexion perdue. Vos réponses sont gardées. Réessayez.");
    assertThat(page.locator("#name")).hasValue("Marcel Delort");
    assertThat(page.locator("#phone")).hasValue("06.39.98.12.77");
    page.unroute("**/api/visio/appointments");

    // Back: the answer takes its time; the button says it waits and a second press sends nothing.
    List<com.microsoft.playwright.Route> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    page.route("**/api/visio/appointments", held::add);
    confirm.click();
    assertThat(confirm).hasText("Envoi…");
    assertThat(confirm).isDisabled();
    assertThat(confirm).hasAttribute("aria-busy", "true");
    page.locator("#wizard form").evaluate("form => form.requestSubmit()");
    assertThat(held).hasSize(1);
    held.get(0).resume();
    assertThat(page.locator("#wizard h2")).hasText("Votre rendez-vous est confirmé");
    assertThat(held).hasSize(1);
    page.context().close();
  }

  /**
   * Her booking reached the server but its answer was lost on the way back; she then corrects a typo and confirms
   * again. The same key with other answers was refused in schema English ("Idempotency-Key…"), at every try and after a
   * reload: now the send is asked again as it first went, and the booking made then is what she sees.
   */
  @Test
  void a_booking_whose_answer_was_lost_is_found_again_after_she_corrects_an_answer() {
    Page page = toContactStep(web.newPage(BrowserFixture.Screen.PHONE));
    page.locator("#name").fill("Armand Vigier");
    page.locator("#email").fill("armand.vigier@exemple.fe");
    List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
    page.route("**/api/visio/appointments", route -> {
      sent.add(route.request().postData());
      route.fetch();
      route.abort("internetdisconnected");
    });
    Locator confirm = page.locator("#wizard button[type=submit]");
    confirm.click();
    assertThat(page.locator("#wizard p.error[role=alert]")).hasText("Connexion perdue. Vos réponses sont gardées. Réessayez.");
    page.unroute("**/api/visio/appointments");
    page.route("**/api/visio/appointments", route -> {
      sent.add(route.request().postData());
      route.resume();
    });

    page.locator("#email").fill("armand.vigier@exemple.fr");
    confirm.click();
    assertThat(page.locator("#wizard h2")).hasText("Votre rendez-vous est confirmé");
    assertThat(page.locator("main")).not().containsText("Idempotency");
    org.assertj.core.api.Assertions.assertThat(sent).as("the first send asked again as it went").hasSize(2)
        .allSatisfy(body -> org.assertj.core.api.Assertions.assertThat(body).contains("armand.vigier@exemple.fe"));
    page.context().close();
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(BrowserFixture.Screen.class)
  void a_nurse_on_a_tablet_writes_initials_as_she_does_and_sees_a_wrong_year_under_its_field(BrowserFixture.Screen screen) {
    Page nurse = web.signIn(web.newPage(screen), "infirmiere.salers");
    String reference = "R-441" + screen.ordinal();
    BrowserFixture.typeRequest(nurse, reference, "m.r.", "19 34", "Toux fébrile depuis deux jours");
    nurse.locator("#request button[type=submit]").click();
    assertThat(nurse.locator("#birthYear-error")).hasText(
        "L'année n'est pas reconnue. Format attendu : quatre chiffres, par exemple 1934.");
    assertThat(nurse.locator("#birthYear")).hasAttribute("aria-describedby", "birthYear-hint birthYear-error");
    assertThat(nurse.locator("#initials-error")).hasCount(0);
    PagesTest.assertAccessible(nurse, screen.prefix + "infirmiere-erreur");

    nurse.locator("#birthYear").fill("1934");
    nurse.locator("#request button[type=submit]").click();
    Locator mine = nurse.locator("#items article").filter(new Locator.FilterOptions().setHasText(reference));
    assertThat(mine).containsText("MR");
    assertThat(nurse.locator("#birthYear-error")).hasCount(0);
    nurse.context().close();
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(BrowserFixture.Screen.class)
  void each_booking_step_is_a_history_entry_and_nothing_is_lost_by_back_forward_or_a_reload(BrowserFixture.Screen screen) {
    Page page = web.newPage(screen);
    page.navigate(web.url("/rendez-vous.html"));
    Locator stepper = page.locator("#stepper");
    Locator heading = page.locator("#wizard h2");
    assertThat(stepper).hasText("Étape 1 sur 4");
    assertThat(page.locator("#wizard button.back")).hasCount(0);
    page.locator("#wizard .card").filter(new Locator.FilterOptions().setHasText("Carte Vitale")).locator("button.big").click();
    assertThat(stepper).hasText("Étape 2 sur 4");
    assertThat(page).hasURL(java.util.regex.Pattern.compile(".*\\?etape=2$"));
    Locator back = page.locator("#wizard button.back");
    assertThat(back).hasText("Retour");
    assertThat(back.boundingBox().y).isLessThan(heading.boundingBox().y);
    PagesTest.assertAccessible(page, screen.prefix + "rendez-vous-etape-2");
    page.getByText("Depuis chez moi").click();
    assertThat(stepper).hasText("Étape 3 sur 4");
    page.locator(".slots button").first().click();
    assertThat(stepper).hasText("Étape 4 sur 4");
    page.locator("#name").fill("Josette Mazars");
    page.locator("#phone").fill("06 39 98 12 55");
    page.locator("input[name=needs][value=hearing]").check();

    page.goBack();
    assertThat(heading).hasText("Quel jour et à quelle heure ?");
    assertThat(stepper).hasText("Étape 3 sur 4");
    page.goForward();
    assertThat(heading).hasText("Vos coordonnées");
    assertThat(page.locator("#name")).hasValue("Josette Mazars");
    assertThat(page.locator("input[name=needs][value=hearing]")).isChecked();

    page.reload();
    assertThat(heading).hasText("Vos coordonnées");
    assertThat(stepper).hasText("Étape 4 sur 4");
    assertThat(page.locator("#name")).hasValue("Josette Mazars");
    assertThat(page.locator("#phone")).hasValue("06 39 98 12 55");
    assertThat(page.locator("input[name=needs][value=hearing]")).isChecked();

    // "Retour" at the top is the browser's Back: Forward comes back to where she was.
    page.locator("#wizard button.back").click();
    assertThat(stepper).hasText("Étape 3 sur 4");
    page.goBack();
    assertThat(heading).hasText("D'où ferez-vous la visio ?");
    page.goForward();
    assertThat(stepper).hasText("Étape 3 sur 4");
    page.locator(".slots button").first().click();
    assertThat(page.locator("#name")).hasValue("Josette Mazars");
    page.locator("#wizard button[type=submit]").click();
    assertThat(heading).hasText("Votre rendez-vous est confirmé");
    assertThat(page.locator("#stepper")).hasCount(0);
    org.assertj.core.api.Assertions.assertThat(page.evaluate("() => sessionStorage.getItem('cantou.booking')")).isNull();
    BrowserFixture.screenshot(page, screen.prefix + "rendez-vous-confirme");
    page.context().close();
  }

  /**
   * At 60 kbit/s with 800 ms of latency, the booking page reads (heading, what is loading, where to
   * find help) while its scripts are still on the way — held here until the page has been read,
   * as if they never came — and works once they arrive: the whole booking is then made on that link.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(BrowserFixture.Screen.class)
  void on_a_slow_link_the_booking_page_reads_before_its_scripts_arrive_and_works_once_they_do(BrowserFixture.Screen screen) {
    Page page = web.newPage(screen);
    LastMileSlowLinkTest.throttle(page);
    List<com.microsoft.playwright.Route> scripts = new java.util.concurrent.CopyOnWriteArrayList<>();
    page.route("**/js/*.js", scripts::add);
    long asked = System.nanoTime();
    page.navigate(web.url("/rendez-vous.html"), new Page.NavigateOptions()
        .setWaitUntil(com.microsoft.playwright.options.WaitUntilState.COMMIT));

    // Neither booking nor managing before the script decides (a manage link carries the same page).
    assertThat(page.locator("h1")).hasText("Rendez-vous en visio");
    assertThat(page.locator("h1")).isVisible();
    long read = System.nanoTime();
    assertThat(page.locator("#js-wait")).containsText("Chargement de la page");
    assertThat(page.locator("footer")).containsText("Une maison France Services ou un médiateur numérique");
    assertThat(page).hasTitle("Rendez-vous en visio — Cantou");
    // The first step is in the page as served (LastMileSlowLinkTest): it reads before the scripts too.
    assertThat(page.locator("#wizard h2")).hasText("Quel service souhaitez-vous rencontrer ?");
    // She may already be pressing a service when the scripts come: nothing of the step moves then. (Measured once the
    // style sheet is in: the browser paints nothing before it.)
    page.waitForFunction("() => document.querySelector('link[rel=stylesheet]').sheet !== null", null,
        new Page.WaitForFunctionOptions().setTimeout(120_000));
    Locator service = page.locator("#wizard .card").filter(new Locator.FilterOptions().setHasText("Carte Vitale"))
        .locator("button.big");
    double[] before = placeOf(service);

    page.unroute("**/js/*.js");
    scripts.forEach(com.microsoft.playwright.Route::resume);
    // The scripts ran (the page names itself; setUpPage took the loading line away): the step is theirs now.
    assertThat(page).hasTitle("Prendre rendez-vous en visio — Cantou",
        new com.microsoft.playwright.assertions.PageAssertions.HasTitleOptions().setTimeout(120_000));
    assertThat(page.locator("#js-wait")).hasCount(0);
    assertThat(page.locator("#wizard h2")).hasText("Quel service souhaitez-vous rencontrer ?");
    org.assertj.core.api.Assertions.assertThat(placeOf(service)).as("the service's button once the scripts came")
        .containsExactly(before, HALF_A_PIXEL);
    BrowserFixture.screenshot(page, screen.prefix + "lien-lent-pret");
    long ready = System.nanoTime();

    // The whole booking on the same slow link: each step arrives, the confirmation waits visibly and is sent once.
    var slowly = new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(120_000);
    List<String> bookings = new java.util.concurrent.CopyOnWriteArrayList<>();
    page.onRequest(request -> {
      if ("POST".equals(request.method()) && request.url().endsWith("/api/visio/appointments")) {
        bookings.add(request.url());
      }
    });
    page.locator("#wizard .card").filter(new Locator.FilterOptions().setHasText("Carte Vitale")).locator("button.big").click();
    assertThat(page.locator("#wizard h2")).hasText("D'où ferez-vous la visio ?", slowly);
    // The step as served gone, the page's heading names the booking (kept neutral over it: it would have moved it).
    assertThat(page.locator("h1")).hasText("Prendre rendez-vous en visio");
    page.getByText("Depuis chez moi").click();
    assertThat(page.locator("#wizard h2")).hasText("Quel jour et à quelle heure ?", slowly);
    page.locator(".slots button").first().click(new Locator.ClickOptions().setTimeout(120_000));
    assertThat(page.locator("#wizard h2")).hasText("Vos coordonnées", slowly);
    page.locator("#name").fill("Léontine Bras");
    page.locator("#phone").fill("06 39 98 12 61");
    Locator confirm = page.locator("#wizard button[type=submit]");
    confirm.click();
    assertThat(confirm).hasText("Envoi…");
    assertThat(confirm).hasAttribute("aria-busy", "true");
    page.locator("#wizard form").evaluate("form => form.requestSubmit()");
    assertThat(page.locator("#wizard h2")).hasText("Votre rendez-vous est confirmé", slowly);
    assertThat(page.locator("#reference")).not().isEmpty();
    org.assertj.core.api.Assertions.assertThat(bookings).hasSize(1);
    PagesTest.assertAccessible(page, screen.prefix + "lien-lent-confirme");
    System.out.printf("slow link (%s): heading read after %d ms, booking ready %d ms after the scripts were let through, "
            + "booked %d ms later%n", screen, (read - asked) / 1_000_000, (ready - read) / 1_000_000,
        (System.nanoTime() - ready) / 1_000_000);
    page.context().close();
  }

  /** Visible targets smaller than 44 × 44 CSS pixels (a checkbox counts with its label). */
  static List<?> smallTargets(Page page) {
    return (List<?>) page.evaluate("() => [...document.querySelectorAll('button, a.button, summary, label.check, select, "
        + "input:not([type=checkbox]):not([type=radio]), textarea')].filter((e) => e.offsetParent !== null)"
        + ".map((e) => { const r = e.getBoundingClientRect(); return `${e.outerHTML.slice(0, 90)} ${r.width}×${r.height}`; })"
        + ".filter((x, i, all) => { const m = x.match(/ ([0-9.]+)×([0-9.]+)$/); return Number(m[1]) < 44 || Number(m[2]) < 44; })");
  }

  @Test
  void on_a_phone_every_target_takes_a_finger_long_links_wrap_and_the_convocation_prints() {
    Page page = web.newPhonePage();
    page.navigate(web.url("/rendez-vous.html"));
    Locator vitale = page.locator("#wizard .card").filter(new Locator.FilterOptions().setHasText("Carte Vitale"));
    assertThat(vitale.locator("summary")).hasText("Pièces à apporter");
    assertThat(smallTargets(page)).isEmpty();
    vitale.locator("button.big").click();
    page.getByText("Depuis chez moi").click();
    page.locator(".slots button").first().click();
    assertThat(page.locator("#wizard h2")).hasText("Vos coordonnées");
    assertThat(smallTargets(page)).isEmpty();
    page.locator("#name").fill("Gisèle Lavergne-Castanier");
    page.locator("#email").fill("gisele.lavergne-castanier.des-estives@exemple-de-messagerie.fr");
    page.locator("#wizard button[type=submit]").click();
    assertThat(page.locator("#wizard h2")).hasText("Votre rendez-vous est confirmé");

    // The convocation shows the short link, typed from paper (the manage link is behind its own button); the page never
    // scrolls sideways.
    assertThat(page.locator("#convocation code")).hasText(java.util.regex.Pattern.compile("/r/CPAM-[A-Z0-9]+\\.[a-z2-7]{20}$"));
    assertThat(page.locator("#manage-link")).hasAttribute("href", java.util.regex.Pattern.compile("/rendez-vous\\.html\\?gerer#.+"));
    org.assertj.core.api.Assertions.assertThat((Boolean) page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")).isTrue();
    assertThat(smallTargets(page)).isEmpty();
    PagesTest.assertAccessible(page, "telephone-convocation");

    page.emulateMedia(new Page.EmulateMediaOptions().setMedia(com.microsoft.playwright.options.Media.PRINT));
    Locator convocation = page.locator("#convocation");
    assertThat(convocation).isVisible();
    assertThat(convocation).containsText("Convocation — rendez-vous en visio");
    assertThat(convocation).containsText("Carte Vitale");
    assertThat(convocation).containsText(page.locator("#reference").textContent());
    assertThat(convocation).containsText("Pièces à apporter");
    assertThat(convocation).containsText("Comment rejoindre la visio");
    assertThat(page.locator("header.top")).isHidden();
    assertThat(page.locator("#print")).isHidden();
    BrowserFixture.screenshot(page, "convocation-imprimee");
    page.context().close();

    Page doctor = web.signIn(web.newTabletPage(), "dr.lafon");
    assertThat(doctor.locator("label.check:has(#alerts)")).isVisible();
    assertThat(smallTargets(doctor)).isEmpty();
    doctor.context().close();
  }

  /**
   * On a slow link the QR code comes seconds after the page. It takes the place kept for it: the buttons under it stay
   * where they were, so a finger already on "Changer de date" does not land on something else.
   */
  @org.junit.jupiter.api.Order(MOVES_THE_CLOCK)
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(BrowserFixture.Screen.class)
  void the_qr_code_arriving_late_moves_no_button(BrowserFixture.Screen screen) {
    JsonObject booked = bookAtPointByPhone(5, screen == BrowserFixture.Screen.PHONE ? "Rose Chanut" : "Rosine Chanut",
        "06 39 98 12 07");
    ZonedDateTime start = OffsetDateTime.parse(booked.getString("start")).atZoneSameInstant(PARIS);
    Page page = web.newPage(screen);
    List<com.microsoft.playwright.Route> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    page.route("**/qr-code.svg", held::add);
    manage(page, booked, start.minusDays(1).toInstant());
    page.waitForCondition(() -> held.size() == 1);
    Locator change = page.locator("#change-date");
    Locator join = page.locator("#join");
    double[] before = placesOf(change, join);

    held.get(0).resume();
    assertHerQrCode(page, booked.getString("reference"));
    assertThat(page.locator("#qr-code .qr-pending")).hasCount(0);
    org.assertj.core.api.Assertions.assertThat(placesOf(change, join)).as("the buttons' places once the QR code came")
        .containsExactly(before, HALF_A_PIXEL);
    page.context().close();
  }

  /** Her QR code (made from her reference on the server), named for a screen reader, her reference beside it, printed. */
  static void assertHerQrCode(Page citizen, String reference) {
    Locator qr = citizen.locator("#qr-code svg[role=img]");
    assertThat(qr).isVisible();
    assertThat(qr).hasAttribute("aria-label", "QR code de votre rendez-vous, référence " + reference);
    assertThat(citizen.locator("#qr-code figcaption")).containsText(reference);
    citizen.emulateMedia(new Page.EmulateMediaOptions().setMedia(com.microsoft.playwright.options.Media.PRINT));
    assertThat(qr).isVisible();
    citizen.emulateMedia(new Page.EmulateMediaOptions().setMedia(com.microsoft.playwright.options.Media.SCREEN));
  }

  @org.junit.jupiter.api.Order(MOVES_THE_CLOCK)
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(BrowserFixture.Screen.class)
  void moving_asks_first_and_can_be_undone_cancelling_says_so_with_a_way_to_book_again_and_a_bad_link_says_what_to_do(BrowserFixture.Screen screen) {
    JsonObject booked = bookByPhone(5, "Henriette Fau", "06 39 98 12 06");
    ZonedDateTime start = OffsetDateTime.parse(booked.getString("start")).atZoneSameInstant(PARIS);
    Page page = manage(web.newPage(screen), booked, start.minusDays(1).toInstant());
    page.getByText("Changer de date").click();
    Locator other = page.locator(".slots button").nth(3);
    String otherLabel = other.getAttribute("aria-label");
    other.click();
    assertThat(page.locator("#wizard h2")).hasText("Confirmer le changement");
    assertThat(page.locator("#wizard")).containsText("Votre rendez-vous du " + inWords(start) + " sera déplacé au ");
    PagesTest.assertAccessible(page, screen.prefix + "deplacer-confirmer");
    page.locator("#confirm-move").click();
    Locator outcome = page.locator("#outcome");
    assertThat(outcome).containsText("Rendez-vous déplacé au ");
    assertThat(outcome).isFocused();
    Locator when = page.locator("#manage dl dd").nth(1);
    assertThat(when).not().hasText(inWords(start));
    page.locator("#undo-move").click();
    assertThat(outcome).hasText("Le rendez-vous est revenu au " + inWords(start) + ".");
    assertThat(when).hasText(inWords(start));
    org.assertj.core.api.Assertions.assertThat(otherLabel).isNotBlank();

    page.getByText("Annuler le rendez-vous").click();
    Locator question = Question.of(page);
    assertThat(question).containsText("Voulez-vous vraiment annuler ce rendez-vous ?");
    assertThat(question.locator("button")).hasText(new String[] {"Oui, annuler le rendez-vous", "Non, garder le rendez-vous"});
    PagesTest.assertAccessible(page, screen.prefix + "rendez-vous-annuler-question");
    // Escape keeps it, as "Non" does, and the keyboard is back on the button that asked.
    page.keyboard().press("Escape");
    assertThat(page.locator("dialog.ask")).hasCount(0);
    Locator cancel = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Annuler le rendez-vous").setExact(true));
    assertThat(cancel).isFocused();
    assertThat(page.locator("#manage")).not().containsText("annulé");
    cancel.click();
    Question.accept(page);
    assertThat(outcome).hasText("Le rendez-vous est annulé.");
    assertThat(page.locator("#closed")).containsText("Ce rendez-vous est annulé.");
    assertThat(page.locator("#closed a")).hasAttribute("href", "/rendez-vous.html");
    assertThat(page.locator("#closed a")).hasText("Prendre un nouveau rendez-vous");
    assertThat(page.locator("#join")).hasCount(0);
    assertThat(page.locator("main")).not().containsText("null");
    PagesTest.assertAccessible(page, screen.prefix + "rendez-vous-annule");
    page.context().close();

    Page bad = web.newPage(screen);
    bad.navigate(web.url("/rendez-vous.html?gerer#" + booked.getString("id") + ".pas-le-bon-jeton"));
    assertThat(bad.locator("#not-found")).containsText("Ce lien ne permet pas d'ouvrir un rendez-vous.");
    assertThat(bad.locator("#not-found")).containsText("seul le plus récent fonctionne");
    assertThat(bad.locator("#not-found #book-again")).hasText("Prendre un nouveau rendez-vous");
    PagesTest.assertAccessible(bad, screen.prefix + "lien-invalide");
    bad.context().close();
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(BrowserFixture.Screen.class)
  void the_agent_moves_from_day_to_day_with_the_title_following_and_the_nurse_marking_urgent_is_reminded_of_the_15(BrowserFixture.Screen screen) {
    Page agent = web.newPage(screen);
    agent.clock().install(new Clock.InstallOptions().setTime(ZonedDateTime.of(2026, 12, 2, 9, 0, 0, 0, PARIS).toInstant().toEpochMilli()));
    web.signIn(agent, "agent.caf");
    Locator title = agent.locator("h1");
    assertThat(title).hasText("Mes rendez-vous du jour");
    agent.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Jour suivant")).click();
    assertThat(title).hasText("Mes rendez-vous du jeudi 3 décembre");
    assertThat(agent.locator("#day")).hasValue("2026-12-03");
    assertThat(agent).hasTitle("Mes rendez-vous du jeudi 3 décembre — Cantou");
    agent.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Jour précédent")).click();
    agent.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Jour précédent")).click();
    assertThat(title).hasText("Mes rendez-vous du mardi 1er décembre");
    agent.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Aujourd'hui")).click();
    assertThat(title).hasText("Mes rendez-vous du jour");
    PagesTest.assertAccessible(agent, screen.prefix + "agent-jours");
    agent.context().close();

    Page nurse = web.signIn(web.newPage(screen), "infirmiere.massiac");
    Locator reminder = nurse.locator("#call-15");
    assertThat(reminder).isHidden();
    nurse.locator("input[name=urgency][value=urgent]").check();
    assertThat(reminder).containsText("Urgence vitale ? Appelez d'abord le 15.");
    assertThat(reminder.locator("a[href='tel:15']")).hasText("Appeler le 15");
    PagesTest.assertAccessible(nurse, screen.prefix + "infirmiere-urgence");
    nurse.locator("input[name=urgency][value=normal]").check();
    assertThat(reminder).isHidden();
    nurse.context().close();
  }

  /**
   * A slot taken while she fills in her name: the refusal comes with "Choisir un autre créneau" beside it, which shows
   * the day's slots again without it (the only way back was "Retour" at the top of the step, an outside tester found).
   * Booked then with a landline, her confirmation promises no SMS: only mobiles get one.
   */
  @Test
  void a_slot_taken_while_she_fills_the_form_offers_another_beside_the_refusal_and_a_landline_is_promised_no_sms() {
    JsonObject service = web.node.api.get("/api/visio/services").array().stream().map(JsonObject.class::cast)
        .filter(s -> s.getString("name").startsWith("Carte Vitale")).findFirst().orElseThrow();
    LocalDate today = LocalDate.now(clock.withZone(PARIS));
    String first = web.node.api.get("/api/visio/services/" + service.getString("id") + "/slots?from=" + today + "&to="
            + today.plusDays(13)).array().stream().map(o -> ((JsonObject) o).getString("start"))
        .filter(start -> start.substring(0, 10).compareTo(today.toString()) > 0).findFirst().orElseThrow();
    String day = first.substring(0, 10);
    Page page = web.newPhonePage();
    page.navigate(web.url("/rendez-vous.html"));
    page.locator("#wizard .card").filter(new Locator.FilterOptions().setHasText("Carte Vitale")).locator("button.big").click();
    page.getByText("Depuis chez moi").click();
    Locator firstOfTheDay = BrowserFixture.firstSlotOf(page, day);
    String taken = firstOfTheDay.textContent();
    firstOfTheDay.click();
    page.locator("#name").fill("Lucie Bros");
    page.locator("#phone").fill("06 39 98 12 12");

    // Meanwhile, a mediator books that slot with every agent who had it.
    String mediator = web.node.api.login("mediateur.riom@cantal.demo", BrowserFixture.PASSWORD);
    int status = 201;
    for (int n = 1; status == 201; n++) {
      org.assertj.core.api.Assertions.assertThat(n).as("bookings of one slot").isLessThan(100);
      String letters = "" + (char) ('a' + n / 26) + (char) ('a' + n % 26);
      Api.Response other = web.node.api.post("/api/visio/appointments", mediator, new JsonObject()
          .put("serviceId", service.getString("id")).put("start", first)
          .put("citizen", new JsonObject().put("name", "Personne " + letters).put("email", "personne" + n + "@example.fr")));
      status = other.status();
      org.assertj.core.api.Assertions.assertThat(status).as(other.toString()).isIn(201, 409);
    }

    page.getByText("Confirmer le rendez-vous").click();
    assertThat(page.locator("#wizard .error")).containsText("Veuillez en choisir un autre.");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Choisir un autre créneau")).click();
    assertThat(BrowserFixture.firstSlotOf(page, day)).isVisible();
    assertThat(BrowserFixture.firstSlotOf(page, day)).not().hasText(taken);

    // Booked with a landline: no SMS reaches it (only mobiles get one), so none is promised.
    BrowserFixture.firstSlotOf(page, day).click();
    page.locator("#phone").fill("04 71 48 12 12");
    page.getByText("Confirmer le rendez-vous").click();
    assertThat(page.locator("#wizard h2")).hasText("Votre rendez-vous est confirmé");
    assertThat(page.locator("#convocation")).containsText("Gardez ce lien");
    assertThat(page.locator("#convocation")).not().containsText("SMS");
    page.context().close();
  }

  /** At 320 px (a small phone, or 200 % zoom) the agent's week scrolls in its own box: the page never sideways. */
  @Test
  void the_agents_page_at_320_px_never_scrolls_sideways() {
    Page agent = web.newPhonePage();
    agent.setViewportSize(320, 640);
    web.signIn(agent, "agent.solidarites");
    assertThat(agent.locator("#availability table input").first()).isVisible();
    Number page = (Number) agent.evaluate("() => document.documentElement.scrollWidth");
    org.assertj.core.api.Assertions.assertThat(page.intValue()).as("the page's width at 320 px").isLessThanOrEqualTo(320);
    // Each day's name on one line: squeezed by the time fields, "Lundi" was cut into a column of letters.
    @SuppressWarnings("unchecked")
    List<Number> lines = (List<Number>) agent.evaluate("() => [...document.querySelectorAll('#availability table tbody th')]"
        + ".map((th) => { const r = document.createRange(); r.selectNodeContents(th); return new Set([...r.getClientRects()]"
        + ".map((line) => Math.round(line.top))).size; })");
    org.assertj.core.api.Assertions.assertThat(lines).as("lines of each day's name").hasSize(7).allMatch(n -> n.intValue() == 1);
    agent.context().close();
  }

  /**
   * The waiting lists' line holds its place while her day loads: read after the day, it came in above it and moved
   * "Jour suivant" and her appointments down (an outside tester, on a tablet at 60 kbit/s: 94 px).
   */
  @Test
  void the_waiting_lists_line_holds_its_place_while_the_agents_day_loads() {
    Page agent = web.newTabletPage();
    List<com.microsoft.playwright.Route> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    agent.route("**/waiting-list", held::add);
    agent.clock().install(new Clock.InstallOptions().setTime(clock.instant().toEpochMilli()));
    web.signIn(agent, "agent.solidarites");
    Locator nextDay = agent.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Jour suivant"));
    assertThat(nextDay).isEnabled();
    assertThat(agent.locator("#appointments > *").first()).isVisible();
    agent.waitForCondition(() -> !held.isEmpty());
    Locator line = agent.locator("#waiting-length");
    assertThat(line).hasText("Listes d'attente : chargement…");
    double[] before = placesOf(nextDay, agent.locator("#list-title"));

    agent.unroute("**/waiting-list");
    held.forEach(com.microsoft.playwright.Route::resume);
    assertThat(line).containsText(" en liste d'attente");
    org.assertj.core.api.Assertions.assertThat(placesOf(nextDay, agent.locator("#list-title")))
        .as("her day's buttons and list once the waiting lists are read").containsExactly(before, HALF_A_PIXEL);
    agent.context().close();
  }

  /** Its lists out of reach, the line says so (and tries again each minute): "chargement…" never stays for ever. */
  @Test
  void the_waiting_lists_line_says_when_they_cannot_be_read() {
    Page agent = web.newPhonePage();
    agent.route("**/waiting-list", com.microsoft.playwright.Route::abort);
    web.signIn(agent, "agent.solidarites");
    assertThat(agent.locator("#waiting-length"))
        .hasText("Listes d'attente : lecture impossible pour le moment, nouvel essai dans une minute.");
    agent.context().close();
  }

  /**
   * The agent's line of the waiting lists says "0" too: shown only when someone waited, it came with the first person
   * in line (read every minute) and moved her day's buttons and appointments down under her pointer.
   */
  @org.junit.jupiter.api.Test
  void someone_joining_a_waiting_list_moves_nothing_of_the_agents_day() {
    String token = web.node.api.login("agent.solidarites@cantal.demo", BrowserFixture.PASSWORD);
    String organisation = web.node.api.get("/api/me", token).json().getString("organisationId");
    JsonObject service = web.node.api.get("/api/visio/services", token).array().stream().map(JsonObject.class::cast)
        .filter(s -> organisation.equals(s.getString("organisationId"))).findFirst().orElseThrow();
    Page agent = web.newPhonePage();
    agent.clock().install(new Clock.InstallOptions().setTime(clock.instant().toEpochMilli()));
    web.signIn(agent, "agent.solidarites");
    Locator line = agent.locator("#waiting-length");
    assertThat(line).hasText(service.getString("name") + " : 0 en liste d'attente");
    Locator today = agent.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Aujourd'hui"));
    double[] before = placesOf(today, agent.locator("#list-title"));

    Api.Response joined = web.node.api.post("/api/visio/waiting-list", token, new JsonObject()
        .put("serviceId", service.getString("id")).put("citizen", new JsonObject().put("name", "Germaine Bos")
            .put("phone", "06 39 98 12 77")));
    org.assertj.core.api.Assertions.assertThat(joined.status()).as(joined.toString()).isEqualTo(201);
    agent.clock().fastForward("01:00");
    assertThat(line).hasText(service.getString("name") + " : 1 en liste d'attente");
    org.assertj.core.api.Assertions.assertThat(placesOf(today, agent.locator("#list-title")))
        .as("her day's buttons and list once someone waits").containsExactly(before, HALF_A_PIXEL);
    agent.context().close();
  }

  /** "Terminé" and "Absent" are asked first, next to the card, and say what they did. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(BrowserFixture.Screen.class)
  void the_agent_confirms_finished_or_absent_next_to_the_card_and_sees_what_it_did(BrowserFixture.Screen screen) {
    String finished = screen == BrowserFixture.Screen.PHONE ? "Paulette Vidal" : "Odette Vidal";
    String absent = screen == BrowserFixture.Screen.PHONE ? "Gaston Lafon" : "Marius Lafon";
    JsonObject first = bookByPhone(5, finished, "06 39 98 12 41");
    JsonObject second = bookByPhone(5, absent, "06 39 98 12 42");
    String time = clock(OffsetDateTime.parse(first.getString("start")).atZoneSameInstant(PARIS));
    Page agent = web.signIn(web.newPage(screen), "agent.cpam");
    assertThat(agent.locator("#appointments > *").first()).isVisible();
    agent.locator("#day").fill(first.getString("start").substring(0, 10));
    agent.locator("#day").dispatchEvent("change");
    Locator card = agent.locator("#appointments article").filter(new Locator.FilterOptions().setHasText(finished));
    Locator done = card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Terminé").setExact(true));

    // Asked first; "Ne rien changer" leaves it as it was.
    done.click();
    Locator question = card.locator(".confirm-box");
    assertThat(question).containsText("Marquer le rendez-vous de " + time + " avec " + finished + " comme terminé ?");
    assertThat(question).containsText("Vous pourrez annuler ce choix pendant 30 minutes.");
    assertThat(question).isFocused();
    PagesTest.assertAccessible(agent, screen.prefix + "agent-confirmer-termine");
    card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Ne rien changer")).click();
    assertThat(question).isHidden();
    assertThat(card.locator(".tag")).hasText("Confirmé");
    // Read apart from the service that follows it, not run together ("Confirmé Aide au logement").
    assertThat(card).containsText("Confirmé · ");

    // Confirmed: the button waits ("Envoi…", aria-busy), then the card says what was done.
    done.click();
    List<com.microsoft.playwright.Route> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    agent.route("**/complete", held::add);
    Locator yes = card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Oui, terminé"));
    yes.click();
    assertThat(card.locator("[aria-busy=true]")).hasText("Envoi…");
    assertThat(card.locator("[aria-busy=true]")).isDisabled();
    agent.waitForCondition(() -> held.size() == 1);
    held.get(0).resume();
    Locator outcome = card.locator(".outcome");
    assertThat(outcome.locator("p")).hasText("Rendez-vous de " + time + " avec " + finished + " : marqué terminé.");
    assertThat(outcome.locator("button")).hasText("Annuler");
    assertThat(outcome).isFocused();
    assertThat(card.locator(".tag")).hasText("Terminé");
    assertThat(card.getByRole(AriaRole.BUTTON)).hasCount(1);
    agent.unroute("**/complete");

    // Before its start, "Absent" is not offered (it could only be refused); "Terminé" is.
    Locator other = agent.locator("#appointments article").filter(new Locator.FilterOptions().setHasText(absent));
    assertThat(other.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Terminé").setExact(true))).isVisible();
    assertThat(other.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Absent").setExact(true))).hasCount(0);
    assertThat(other.locator(".tag")).hasText("Confirmé");
    assertThat(outcome).isVisible();
    PagesTest.assertNeverNullOrUndefined(agent, "agent");
    PagesTest.assertAccessible(agent, screen.prefix + "agent-termine");
    agent.context().close();
  }

  /**
   * Her name and "Se déconnecter" come with the scripts, seconds after the page on a slow link: their places are kept
   * from the first frame, so the title and what follows never move down under a finger.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(BrowserFixture.Screen.class)
  void the_header_keeps_the_place_of_the_name_and_sign_out_before_the_scripts(BrowserFixture.Screen screen) {
    Page page = web.signIn(web.newPage(screen), "agent.cpam");
    assertThat(page.locator("#who")).not().isEmpty();
    List<com.microsoft.playwright.Route> scripts = new java.util.concurrent.CopyOnWriteArrayList<>();
    page.route("**/js/*.js", scripts::add);
    page.navigate(web.url("/agent.html"), new Page.NavigateOptions()
        .setWaitUntil(com.microsoft.playwright.options.WaitUntilState.COMMIT));
    Locator title = page.locator("h1");
    assertThat(title).isVisible();
    page.waitForCondition(() -> !scripts.isEmpty());
    // The stylesheet may still be on its way when the scripts are asked for (a loaded CI machine): the place that counts
    // is the styled one a person sees, not the browser's default layout before it.
    page.waitForFunction("() => [...document.querySelectorAll('link[rel=stylesheet]')].every((l) => l.sheet)", null,
        new Page.WaitForFunctionOptions().setTimeout(120_000));
    assertThat(page.locator("#who")).isEmpty();
    double[] before = placeOf(title);
    page.unroute("**/js/*.js");
    scripts.forEach(com.microsoft.playwright.Route::resume);
    assertThat(page.locator("#who")).hasText("Sandrine Malet (CPAM)");
    assertThat(page.locator("#logout")).isEnabled();
    org.assertj.core.api.Assertions.assertThat(placeOf(title)).as("the title once the name came")
        .containsExactly(before, HALF_A_PIXEL);
    page.context().close();
  }

  /**
   * The pages read a phone number as the server does: the same international form (the agent's "tel:" link dials what the
   * SMS is sent to; an overseas mobile under its own code, Saint-Pierre-et-Miquelon's too) and the same answer to "will
   * she get an SMS?".
   */
  @Test
  void the_pages_read_a_phone_number_as_the_server_does() {
    List<String> typed = List.of("06 39 98 12 34", "06.12.34.56.78", "+33 (0)6 12 34 56 78", "0033 7 81 22 33 44",
        "04 71 45 12 34", "08 99 12 34 56", "06 92 12 34 56", "+262 692 12 34 56", "+33 6 92 12 34 56", "06 39 61 23 45",
        "+590 690 12 34 56", "+262 0692 12 34 56", "06 94 12 34 56", "06 97 12 34 56", "+596 596 12 34 56", "02 62 12 34 56", "+262 123 45 67 89",
        "05 08 55 12 34", "+508 55 12 34", "+33 5 08 55 12 34", "+508 0 55 12 34", "05 08 41 23 45", "+508 1234 5678",
        "+49 176 1234 5678", "+882 1600 0000 00");
    Page page = web.newPage(BrowserFixture.Screen.PHONE);
    page.navigate(web.url("/rendez-vous.html"));
    @SuppressWarnings("unchecked")
    List<List<Object>> read = (List<List<Object>>) page.evaluate("async (typed) => { const m = await import('/js/contact.js');"
        + " return typed.map((p) => [m.international(p), m.isMobile(p)]); }", typed);
    for (int i = 0; i < typed.size(); i++) {
      String number = typed.get(i);
      org.assertj.core.api.Assertions.assertThat(read.get(i)).as(number)
          .containsExactly(fr.cantou.platform.PhoneNumbers.canonical(number), fr.cantou.platform.PhoneNumbers.textable(number));
    }
    page.context().close();
  }

  /**
   * She pressed "Rejoindre" and her room never came (a weak link, the script still on its way): the agent's card says when
   * she asked, and "Absent" asks the agent to call her first.
   */
  @org.junit.jupiter.api.Order(MOVES_THE_CLOCK)
  @Test
  void a_citizen_who_asked_to_enter_is_not_marked_absent_without_the_agent_being_told() {
    JsonObject booked = bookByPhone(3, "Simone Delpeuch", "06 39 98 12 44");
    OffsetDateTime start = OffsetDateTime.parse(booked.getString("start"));
    Instant asked = start.toInstant().minus(Duration.ofMinutes(3));
    clock.set(asked);
    Page citizen = web.newPage(BrowserFixture.Screen.PHONE);
    List<com.microsoft.playwright.Route> script = new java.util.concurrent.CopyOnWriteArrayList<>();
    citizen.route("**/external_api.js", script::add);
    manage(citizen, booked, asked);
    citizen.locator("#join").click();
    // Her join answered (the call's panel comes after it), the script still on its way: asked by the page as it
    // opened, her room open, and held.
    assertThat(citizen.locator("#call h2")).isVisible();
    citizen.waitForCondition(() -> script.size() == 1);

    Instant later = start.toInstant().plus(Duration.ofMinutes(6));
    clock.set(later);
    Page agent = web.newPage(BrowserFixture.Screen.PHONE);
    agent.clock().install(new Clock.InstallOptions().setTime(later.toEpochMilli()));
    web.signIn(agent, "agent.cpam");
    assertThat(agent.locator("#appointments > *").first()).isVisible();
    agent.locator("#day").fill(booked.getString("start").substring(0, 10));
    agent.locator("#day").dispatchEvent("change");
    Locator card = agent.locator("#appointments article").filter(new Locator.FilterOptions().setHasText("Simone Delpeuch"));
    String when = clock(asked.atZone(PARIS));
    assertThat(card.locator(".attempt")).hasText("A demandé à entrer dans la visio à " + when + " ; n'est pas en salle d'attente.");
    card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Absent").setExact(true)).click();
    assertThat(card.locator(".confirm-box")).containsText("Cette personne a demandé à entrer dans la visio à " + when
        + " : téléphonez-lui avant de noter une absence.");
    PagesTest.assertAccessible(agent, "agent-absence-apres-essai");
    card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Ne rien changer")).click();
    assertThat(card.locator(".tag")).hasText("En retard");
    citizen.context().close();
    agent.context().close();
  }

  /**
   * Her page says what happens at the other end, where she looks: the agent in the room before her (join now), a call
   * running past its end still joined (agents start late; the page once said the room was closed while the agent
   * waited in it), her administration cancelling — said, and the keyboard on what replaced the button she was on.
   */
  @org.junit.jupiter.api.Order(MOVES_THE_CLOCK)
  @Test
  void her_page_says_what_the_agent_did_and_a_call_running_late_is_joined_again() {
    JsonObject booked = bookByPhone(5, "Léonie Cabrol", "06 39 98 12 51");
    JsonObject cancelled = bookByPhone(6, "Léonie Cabrol", "06 39 98 12 51");
    String agent = web.node.api.login("agent.cpam@cantal.demo", BrowserFixture.PASSWORD);
    Instant start = OffsetDateTime.parse(booked.getString("start")).toInstant();
    Instant end = OffsetDateTime.parse(booked.getString("end")).toInstant();
    clock.set(start.minus(Duration.ofMinutes(2)));
    Page citizen = manage(web.newPage(BrowserFixture.Screen.PHONE), booked, start.minus(Duration.ofMinutes(2)));
    assertThat(citizen.locator("#join")).isEnabled();

    String path = "/api/visio/appointments/" + booked.getString("id");
    assertThat(web.node.api.post(path + "/presence", agent, new JsonObject().put("state", "joined")).status()).isEqualTo(200);
    String waitsForHer = "L'agent est dans la salle et vous attend : touchez « Rejoindre la visio ».";
    assertThat(citizen.locator("#agent-waiting")).hasText(waitsForHer);
    assertThat(citizen.locator("#status")).hasText(waitsForHer);

    Instant late = end.plus(Duration.ofMinutes(10));
    clock.set(late);
    citizen.clock().setSystemTime(late.toEpochMilli());
    citizen.evaluate("() => window.dispatchEvent(new Event('focus'))");
    assertThat(citizen.locator("#join")).isEnabled();
    assertThat(citizen.locator("main")).not().containsText("la salle est fermée");
    citizen.context().close();

    Page other = manage(web.newPage(BrowserFixture.Screen.PHONE), cancelled, late);
    other.locator("#change-date").focus();
    assertThat(web.node.api.post("/api/visio/appointments/" + cancelled.getString("id") + "/cancel", agent, null).status())
        .isEqualTo(200);
    assertThat(other.locator("#status")).hasText("Votre rendez-vous a été annulé.");
    assertThat(other.locator("#closed")).isFocused();
    PagesTest.assertAccessible(other, "rendez-vous-annule-par-l-administration");
    other.context().close();
  }

  /** Beside the person, the mediator is her side of the call: in the room, the agent sees her waiting; gone, no longer. */
  @org.junit.jupiter.api.Order(MOVES_THE_CLOCK)
  @Test
  void the_mediator_in_the_room_beside_the_person_shows_her_waiting_to_the_agent() {
    String mediator = web.node.api.login("mediateur.riom@cantal.demo", BrowserFixture.PASSWORD);
    String agent = web.node.api.login("agent.cpam@cantal.demo", BrowserFixture.PASSWORD);
    JsonObject booked = bookByPhone(mediator, 4, "Fernand Chabrier", "06 39 98 12 45");
    String path = "/api/visio/appointments/" + booked.getString("id");
    Instant before = OffsetDateTime.parse(booked.getString("start")).toInstant().minus(Duration.ofMinutes(4));
    clock.set(before);
    Page page = web.newTabletPage();
    page.clock().install(new Clock.InstallOptions().setTime(before.toEpochMilli()));
    web.signIn(page, "mediateur.riom");
    page.locator("#appointments article").filter(new Locator.FilterOptions().setHasText("Fernand Chabrier"))
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Rejoindre la visio à ses côtés")).click();
    assertThat(page.locator("#call .stand-in")).isVisible();
    page.waitForCondition(() -> web.node.api.get(path, agent).json().getBoolean("citizenWaiting"));
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Quitter l'appel")).click();
    page.waitForCondition(() -> !web.node.api.get(path, agent).json().getBoolean("citizenWaiting"));
    assertThat(web.node.api.get(path, agent).json().getString("citizenTriedAt")).isNotNull();
    page.context().close();
  }

  /**
   * "Absent" given by mistake: the line that says it was done offers "Annuler"; pressed, the card is back as it was, with its
   * buttons, and a colleague's page open on the same day follows.
   */
  @org.junit.jupiter.api.Order(MOVES_THE_CLOCK)
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(BrowserFixture.Screen.class)
  void the_agent_marks_absent_sees_annuler_beside_what_was_done_undoes_it_and_the_card_is_back(BrowserFixture.Screen screen) {
    JsonObject booked = bookByPhone(2, "Albertine Rouquet", "06 39 98 12 43");
    OffsetDateTime start = OffsetDateTime.parse(booked.getString("start"));
    String time = clock(start.atZoneSameInstant(PARIS));
    // Ten minutes after its start, on the server and in the agents' browsers: she can be marked absent.
    Instant later = start.toInstant().plus(Duration.ofMinutes(10));
    clock.set(later);
    Page agent = web.newPage(screen);
    Page colleague = web.newPage(screen);
    for (Page page : List.of(agent, colleague)) {
      page.clock().install(new Clock.InstallOptions().setTime(later.toEpochMilli()));
    }
    web.signIn(agent, "agent.cpam");
    web.signIn(colleague, "agent2.cpam");
    List<Locator> cards = new java.util.ArrayList<>();
    for (Page page : List.of(agent, colleague)) {
      assertThat(page.locator("#appointments > *").first()).isVisible();
      page.locator("#day").fill(booked.getString("start").substring(0, 10));
      page.locator("#day").dispatchEvent("change");
      cards.add(page.locator("#appointments article").filter(new Locator.FilterOptions().setHasText("Albertine Rouquet")));
    }
    Locator card = cards.get(0);
    Locator theirs = cards.get(1);
    card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Absent").setExact(true)).click();
    assertThat(card.locator(".confirm-box")).containsText("Vous pourrez annuler ce choix pendant 30 minutes.");
    card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Oui, noter l'absence")).click();
    Locator outcome = card.locator(".outcome");
    assertThat(outcome).containsText("Rendez-vous de " + time + " (Albertine Rouquet) : absence notée.");
    assertThat(outcome).isFocused();
    assertThat(card.locator(".tag")).hasText("Absent");
    assertThat(theirs.locator(".tag")).hasText("Absent");
    Locator undo = outcome.locator("button.undo-outcome");
    assertThat(undo).hasText("Annuler");
    assertThat(outcome.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Annuler").setExact(true))).isVisible();
    PagesTest.assertNeverNullOrUndefined(agent, "agent absent");
    PagesTest.assertAccessible(agent, screen.prefix + "agent-absent-annulable");

    List<com.microsoft.playwright.Route> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    agent.route("**/undo-outcome", held::add);
    undo.click();
    assertThat(undo).hasText("Envoi…");
    assertThat(undo).hasAttribute("aria-busy", "true");
    agent.waitForCondition(() -> held.size() == 1);
    held.get(0).resume();
    assertThat(outcome).hasText("Rendez-vous de " + time + " avec Albertine Rouquet : choix annulé, le rendez-vous est de nouveau à traiter.");
    assertThat(outcome).isFocused();
    assertThat(outcome.getByRole(AriaRole.BUTTON)).hasCount(0);
    assertThat(card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Absent").setExact(true))).isVisible();
    assertThat(card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Terminé").setExact(true))).isVisible();
    assertThat(card.locator(".tag")).not().hasText("Absent");
    // The colleague's page follows the event.
    assertThat(theirs.locator(".tag")).not().hasText("Absent");
    assertThat(theirs.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Absent").setExact(true))).isVisible();
    agent.unroute("**/undo-outcome");
    assertThat(web.node.api.send("GET", "/api/visio/appointments/" + booked.getString("id"), null, null,
        java.util.Map.of("X-Manage-Token", booked.getString("manageToken"))).json().getString("status")).isEqualTo("booked");
    PagesTest.assertNeverNullOrUndefined(agent, "agent absent annule");
    PagesTest.assertAccessible(agent, screen.prefix + "agent-absent-annule");
    agent.context().close();
    colleague.context().close();
  }

  /**
   * The nurse on a tablet: her open requests first, beside the new request form, each state with its colour and its sign;
   * cancelling says so above the list. The doctor giving one back is told where it went.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(BrowserFixture.Screen.class)
  void the_nurse_sees_open_requests_first_with_signs_and_both_see_what_cancel_and_give_back_did(BrowserFixture.Screen screen) {
    String nurseToken = web.node.api.login("infirmiere.massiac@cantal.demo", BrowserFixture.PASSWORD);
    String doctorToken = web.node.api.login("dr.mercier@cantal.demo", BrowserFixture.PASSWORD);
    JsonObject waiting = CareTerritory.request("geriatrie", "normal");
    String wait = "M-WAIT" + screen.ordinal();
    String take = "M-TAKEN" + screen.ordinal();
    waiting.getJsonObject("patient").put("reference", wait);
    JsonObject taken = CareTerritory.request("medecine_generale", "normal");
    taken.getJsonObject("patient").put("reference", take);
    JsonObject first = web.node.api.post("/api/teleconsultations", nurseToken, waiting).json();
    JsonObject second = web.node.api.post("/api/teleconsultations", nurseToken, taken).json();
    assertThat(web.node.api.post("/api/teleconsultations/" + second.getString("id") + "/claim", doctorToken, null).status())
        .isEqualTo(200);

    Page nurse = web.signIn(web.newPage(screen), "infirmiere.massiac");
    Locator open = nurse.locator("#items");
    Locator waitingCard = open.locator("article").filter(new Locator.FilterOptions().setHasText(wait));
    Locator takenCard = open.locator("article").filter(new Locator.FilterOptions().setHasText(take));
    assertThat(waitingCard.locator(".tag.status-queued")).hasText("◔En attente");
    assertThat(waitingCard.locator(".tag.status-queued .icon")).hasAttribute("aria-hidden", "true");
    assertThat(takenCard.locator(".tag.status-assigned")).hasText("➜Prise en charge");
    // Distinct colours too.
    Object queuedColour = waitingCard.locator(".tag.status-queued").evaluate("e => getComputedStyle(e).color + getComputedStyle(e).backgroundColor");
    Object takenColour = takenCard.locator(".tag.status-assigned").evaluate("e => getComputedStyle(e).color + getComputedStyle(e).backgroundColor");
    assertThat(queuedColour).isNotEqualTo(takenColour);
    // Two columns on the 1024-px tablet: the open requests on the left, the form beside them, both at the top.
    var requests = nurse.locator("#open-title").boundingBox();
    var form = nurse.locator("#new-title").boundingBox();
    if (screen == BrowserFixture.Screen.TABLET) {
      assertThat(requests.x).isLessThan(form.x);
      assertThat(Math.abs(requests.y - form.y)).isLessThan(5.0);
    } else {
      // One column on the phone: her requests first, above the form.
      assertThat(requests.y).isLessThan(form.y);
    }
    PagesTest.assertAccessible(nurse, screen.prefix + "infirmiere-deux-colonnes");

    waitingCard.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Annuler la demande")).click();
    Question.accept(nurse);
    Locator nurseOutcome = nurse.locator("#nurse-outcome");
    assertThat(nurseOutcome).hasText("Demande " + wait + " annulée : elle ne sera pas prise en charge.");
    assertThat(nurseOutcome).isFocused();
    assertThat(waitingCard).hasCount(0);
    PagesTest.assertNeverNullOrUndefined(nurse, "infirmiere");

    Page doctor = web.signIn(web.newPage(screen), "dr.mercier");
    assertThat(doctor.locator("#current")).containsText(take);
    doctor.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Remettre dans la file")).click();
    Locator doctorOutcome = doctor.locator("#doctor-outcome");
    assertThat(doctorOutcome).hasText("Demande " + take + " remise dans la file : un autre médecin peut la prendre.");
    assertThat(doctorOutcome).isFocused();
    assertThat(doctor.locator("#current")).isHidden();
    PagesTest.assertNeverNullOrUndefined(doctor, "medecin");
    PagesTest.assertAccessible(doctor, screen.prefix + "medecin-rendue");
    // The nurse's page follows: back in the queue, with its sign.
    assertThat(takenCard.locator(".tag.status-queued")).hasText("◔En attente");
    nurse.context().close();
    doctor.context().close();
    assertThat(first.getString("id")).isNotBlank();
  }

  /** A mediator at his France Services books for someone else: the words say so, his point comes first, then a new one. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(BrowserFixture.Screen.class)
  void the_mediator_books_for_another_person_from_his_point_prints_the_convocation_and_starts_a_new_one(BrowserFixture.Screen screen) {
    Page page = web.signIn(web.newPage(screen), "mediateur.riom");
    // Each step a sub-part of his section "Prendre un rendez-vous pour une personne" (an h2): an h3.
    Locator heading = page.locator("#wizard h3[tabindex]");
    assertThat(heading).hasText("Quel service la personne souhaite-t-elle rencontrer ?");
    assertThat(page.locator("#wizard h2")).hasCount(0);
    page.locator("#wizard .card").filter(new Locator.FilterOptions().setHasText("Carte Vitale")).locator("button.big").click();
    assertThat(heading).hasText("D'où la personne fera-t-elle la visio ?");
    assertThat(page.locator("#home-point")).hasText("Ici, à France Services de Riom-ès-Montagnes");
    assertThat(page.locator("#commune")).hasValue("Riom-ès-Montagnes");
    assertThat(page.locator("#wizard")).containsText("Depuis chez elle");
    PagesTest.assertAccessible(page, screen.prefix + "mediateur-lieu");
    page.locator("#home-point").click();
    assertThat(heading).hasText("Quel jour et à quelle heure ?");
    page.locator(".slots button").first().click();
    assertThat(heading).hasText("Pour qui prenez-vous rendez-vous ?");
    assertThat(page.getByLabel("Nom et prénom de la personne")).isVisible();
    assertThat(page.locator("#contact-hint")).containsText("la confirmation et les rappels lui seront envoyés");
    PagesTest.assertAccessible(page, screen.prefix + "mediateur-pour-qui");
    page.getByLabel("Nom et prénom de la personne").fill("Raymonde Chastel");
    page.getByLabel("Son téléphone").fill("06 39 98 12 55");
    page.locator("#wizard button[type=submit]").click();
    assertThat(heading).hasText("Le rendez-vous de la personne est confirmé");
    Locator convocation = page.locator("#convocation");
    assertThat(convocation).containsText("France Services de Riom-ès-Montagnes");
    assertThat(convocation).containsText("Carte Vitale");
    assertThat(page.locator("#print")).hasText("Imprimer la convocation");
    PagesTest.assertNeverNullOrUndefined(page, "mediateur confirmation");
    PagesTest.assertAccessible(page, screen.prefix + "mediateur-confirme");
    page.emulateMedia(new Page.EmulateMediaOptions().setMedia(com.microsoft.playwright.options.Media.PRINT));
    assertThat(convocation).isVisible();
    assertThat(page.locator("header.top")).isHidden();
    assertThat(page.locator("#new-booking")).isHidden();
    page.emulateMedia(new Page.EmulateMediaOptions().setMedia(com.microsoft.playwright.options.Media.SCREEN));
    page.locator("#new-booking").click();
    assertThat(heading).hasText("Quel service la personne souhaite-t-elle rencontrer ?");
    // The one just booked is in his list.
    assertThat(page.locator("#appointments")).containsText("Raymonde Chastel");
    page.context().close();
  }

  /**
   * The trail's requests of this page, answered with one line whose item names the filter it answers ("filtre-change"
   * for kind=change, else {@code otherItem}), so that a test sees which answer the page shows; a first page says
   * {@code next} (null: none), a page asked with a cursor says none.
   */
  private static List<String> answeringTheTrail(Page admin, String otherItem, String next) {
    List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    admin.route(java.util.regex.Pattern.compile(".*/api/admin/audit\\?.*"), route -> {
      asked.add(route.request().url());
      String item = route.request().url().contains("kind=change") ? "filtre-change" : otherItem;
      JsonObject line = new JsonObject().put("at", "2026-11-18T09:15:30Z").put("kind", "change")
          .put("action", "specialty.created").put("actor", "user").put("userId", "u").put("userName", "Claire Vermenouze")
          .put("userRole", "admin").put("itemKind", "specialty").put("itemId", item);
      String cursor = route.request().url().contains("cursor") ? null : next;
      route.fulfill(new com.microsoft.playwright.Route.FulfillOptions().setStatus(200).setContentType("application/json")
          .setBody(new JsonObject().put("items", new JsonArray().add(line)).put("next", cursor).encode()));
    });
    return asked;
  }

  /** "Afficher les lignes plus anciennes" follows the filters of the lines shown, even when the form was changed since. */
  @Test
  void older_lines_of_the_audit_trail_follow_the_filters_of_the_lines_shown() {
    Page admin = web.signIn(web.newTabletPage(), "admin");
    List<String> asked = answeringTheTrail(admin, "x", "7.c.1");
    admin.navigate(web.url("/admin.html#audit"));
    admin.getByLabel("Type d'action").selectOption("change");
    admin.locator("#audit-form button[type=submit]").click();
    // The answer to "change" shown (not the first load's, which shows the button too): its filters are the page's now.
    assertThat(admin.locator("#audit-list")).containsText("filtre-change");
    assertThat(admin.locator("#audit-more")).isVisible();
    int before = asked.size();
    admin.getByLabel("Type d'action").selectOption("read");
    admin.locator("#audit-more").click();
    assertThat(admin.locator("#audit-list tbody tr")).hasCount(2);
    String older = asked.get(before);
    org.assertj.core.api.Assertions.assertThat(older).contains("kind=change").contains("cursor=7.c.1").doesNotContain("kind=read");
    admin.context().close();
  }

  /**
   * On a slow link the admin filters the trail before the page has finished loading: the page's own first load, coming
   * after, does not replace her lines with those of whatever the form holds by then.
   */
  @Test
  void the_trail_an_admin_asked_for_while_the_page_loaded_is_not_replaced_by_its_first_load() {
    Page admin = web.signIn(web.newTabletPage(), "admin");
    // The page signing in landed on has read everything (nothing of it is held below), then another document is loaded.
    assertThat(admin.locator("#user-list")).containsText("Claire Vermenouze");
    admin.navigate("about:blank");
    List<String> asked = answeringTheTrail(admin, "filtre-autre", null);
    // The page's first reads held back: its script is in and the form usable, its lists not yet asked for.
    List<com.microsoft.playwright.Route> organisations = new java.util.concurrent.CopyOnWriteArrayList<>();
    admin.route("**/api/organisations", organisations::add);
    admin.navigate(web.url("/admin.html#audit"));
    admin.waitForCondition(() -> organisations.size() == 1);
    admin.getByLabel("Type d'action").selectOption("change");
    admin.locator("#audit-form button[type=submit]").click();
    assertThat(admin.locator("#audit-list")).containsText("filtre-change");
    admin.getByLabel("Type d'action").selectOption("read");
    admin.unroute("**/api/organisations");
    organisations.forEach(com.microsoft.playwright.Route::resume);
    // The users' list is asked for in the same instant as the trail's first lines would be: once it shows, that
    // request would have been made.
    assertThat(admin.locator("#user-list")).containsText("Claire Vermenouze");
    assertThat(admin.locator("#audit-list")).containsText("filtre-change");
    org.assertj.core.api.Assertions.assertThat(asked).as("the trail's requests").hasSize(1)
        .allMatch(u -> u.contains("kind=change"));
    admin.context().close();
  }

  /** A range of the week the server refuses (weekly.N in what was sent) is said under that range, not under Monday's. */
  @Test
  void a_refused_range_of_the_agents_week_is_said_under_its_own_row() {
    Page agent = web.signIn(web.newTabletPage(), "agent.caf");
    Locator form = agent.locator("#availability-form");
    assertThat(form).isVisible();
    // Whatever the calendar holds, the third range sent is Wednesday morning's once Monday to Wednesday mornings are set.
    for (int day = 1; day <= 7; day++) {
      for (int part = 1; part <= 2; part++) {
        agent.locator("#d" + day + "s" + part).fill("");
        agent.locator("#d" + day + "e" + part).fill("");
      }
    }
    for (int day = 1; day <= 3; day++) {
      agent.locator("#d" + day + "s1").fill("09:00");
      agent.locator("#d" + day + "e1").fill("12:00");
    }
    List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
    agent.route("**/api/visio/agents/*/availability", route -> {
      if (!"PUT".equals(route.request().method())) {
        route.resume();
        return;
      }
      sent.add(route.request().postData());
      route.fulfill(new com.microsoft.playwright.Route.FulfillOptions().setStatus(400).setContentType("application/problem+json")
          .setBody("{\"title\":\"Bad Request\",\"status\":400,\"field\":\"weekly.2.end\",\"detail\":\"Invalid field 'weekly.2.end'.\"}"));
    });
    form.locator("button[type=submit]").click();
    assertThat(agent.locator("#d3e1-error")).hasText("Indiquez le début et la fin, la fin après le début. Format attendu : 08:30 puis 12:00.");
    assertThat(agent.locator("#d3e1")).hasAttribute("aria-invalid", "true");
    assertThat(agent.locator("#d1s1-error")).hasCount(0);
    org.assertj.core.api.Assertions.assertThat(new JsonObject(sent.get(0)).getJsonArray("weekly").getJsonObject(2).getInteger("weekday"))
        .isEqualTo(3);
    agent.unroute("**/api/visio/agents/*/availability");
    PagesTest.assertAccessible(agent, "tablette-agent-plage-refusee");
    agent.context().close();
  }

  /** The statistics' CSV: the button waits visibly while the file comes, then says so; a refusal is said, never saved as a file. */
  @Test
  void the_admin_exports_the_statistics_with_a_visible_wait_and_a_refusal_said() throws Exception {
    Page admin = web.signIn(web.newTabletPage(), "admin");
    Locator export = admin.locator("#stats-export");
    assertThat(export).hasText("Exporter en CSV");
    List<com.microsoft.playwright.Route> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    admin.route("**/api/stats/export.csv*", held::add);
    com.microsoft.playwright.Download download = admin.waitForDownload(() -> {
      export.click();
      assertThat(export).hasText("Envoi…");
      assertThat(export).isDisabled();
      assertThat(export).hasAttribute("aria-busy", "true");
      admin.waitForCondition(() -> held.size() == 1);
      held.get(0).resume();
    });
    org.assertj.core.api.Assertions.assertThat(download.suggestedFilename()).isEqualTo("cantou-statistiques.csv");
    org.assertj.core.api.Assertions.assertThat(java.nio.file.Files.readString(download.path())).contains("téléconsultations");
    Locator outcome = admin.locator("#admin-outcome");
    assertThat(outcome).hasText("Statistiques exportées (fichier CSV).");
    assertThat(export).hasText("Exporter en CSV");
    admin.unroute("**/api/stats/export.csv*");

    admin.route("**/api/stats/export.csv*", route -> route.fulfill(new com.microsoft.playwright.Route.FulfillOptions()
        .setStatus(503).setContentType("application/problem+json")
        .setBody("{\"title\":\"Service indisponible\",\"status\":503,\"detail\":\"La base de données ne répond pas ; réessayez dans quelques secondes.\"}")));
    List<com.microsoft.playwright.Download> saved = new java.util.concurrent.CopyOnWriteArrayList<>();
    admin.onDownload(saved::add);
    export.click();
    assertThat(outcome).hasText("La base de données ne répond pas ; réessayez dans quelques secondes.");
    assertThat(outcome).hasClass(java.util.regex.Pattern.compile("\\berror\\b"));
    assertThat(export).isEnabled();
    org.assertj.core.api.Assertions.assertThat(saved).isEmpty();
    PagesTest.assertAccessible(admin, "tablette-admin-export-refuse");
    admin.context().close();
  }

  /** The admin: one concern per view from a menu, dates the French way, refusals under their field, a question before deactivating. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(BrowserFixture.Screen.class)
  void the_admin_goes_from_view_to_view_sees_french_dates_refusals_under_fields_and_confirms_deactivating(BrowserFixture.Screen screen) {
    Page admin = web.newPage(screen);
    admin.clock().install(new Clock.InstallOptions().setTime(ZonedDateTime.of(2026, 12, 2, 9, 0, 0, 0, PARIS).toInstant().toEpochMilli()));
    web.signIn(admin, "admin");
    Locator stats = admin.locator("#stats");
    assertThat(stats).containsText("Du 2 novembre 2026 au 2 décembre 2026");
    assertThat(admin.locator("#users")).isHidden();
    assertThat(admin.locator(".admin-menu a[href='#stats']")).hasAttribute("aria-current", "page");
    PagesTest.assertNeverNullOrUndefined(admin, "admin statistiques");
    PagesTest.assertAccessible(admin, screen.prefix + "admin-statistiques");

    for (String[] view : new String[][] {{"Établissements et organismes", "organisations"}, {"Spécialités", "specialties"},
        {"Visio-accueil", "visio"}, {"Disponibilités des agents", "calendars"}, {"Journal des accès", "audit"},
        {"Utilisateurs", "users"}}) {
      admin.locator(".admin-menu").getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName(view[0]).setExact(true)).click();
      assertThat(admin).hasURL(java.util.regex.Pattern.compile("#" + view[1] + "$"));
      assertThat(admin.locator("#" + view[1] + " h2").first()).isFocused();
      assertThat(stats).isHidden();
      assertThat(admin.locator("section.view:visible")).hasCount(1);
      assertThat(admin.locator(".admin-menu a[href='#" + view[1] + "']")).hasAttribute("aria-current", "page");
      // Its tables and forms fit the screen: nothing pushes the page sideways.
      assertThat(admin.locator("#" + view[1] + " table, #" + view[1] + " form").first()).isVisible();
      org.assertj.core.api.Assertions.assertThat((Boolean) admin.evaluate(
          "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")).as(view[1] + " " + screen).isTrue();
    }
    assertThat(admin.locator("#calendars-body")).isHidden();

    // Refusals under their field.
    admin.locator("#user-form button[type=submit]").click();
    assertThat(admin.locator("#user-name-error")).hasText("Ce champ est à remplir.");
    assertThat(admin.locator("#user-name")).hasAttribute("aria-invalid", "true");
    assertThat(admin.locator("#user-name")).isFocused();
    admin.locator("#user-email").fill("pas-une-adresse");
    admin.locator("#user-password").fill("court");
    admin.locator("#user-form button[type=submit]").click();
    assertThat(admin.locator("#user-email-error")).hasText("Adresse e-mail non valable. Format attendu : nom@exemple.fr");
    assertThat(admin.locator("#user-password-error")).hasText("Le mot de passe provisoire doit compter 10 caractères au moins.");
    assertThat(admin.locator("#user-email")).hasAttribute("aria-describedby", "user-email-error");
    PagesTest.assertAccessible(admin, screen.prefix + "admin-refus");

    // Deactivating asks first: declined, nothing changes; accepted, the page says it.
    String who = screen == BrowserFixture.Screen.PHONE ? "Chloé Rigal, conseillère France Services" : "Damien Aubert (Préfecture)";
    Locator deactivate = admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Désactiver " + who));
    deactivate.click();
    assertThat(Question.decline(admin)).isEqualTo("Désactiver le compte de " + who + " ? Cette personne ne pourra plus se connecter.");
    assertThat(deactivate).isVisible();
    assertThat(deactivate).isFocused();
    deactivate.click();
    Question.accept(admin);
    Locator outcome = admin.locator("#admin-outcome");
    assertThat(outcome).hasText("Compte de " + who + " désactivé.");
    assertThat(outcome).isFocused();
    assertThat(deactivate).hasCount(0);
    PagesTest.assertNeverNullOrUndefined(admin, "admin utilisateurs");
    admin.context().close();
  }

  /**
   * The admin's audit trail: filtered by kind of action and by day, each line with its moment the
   * French way in Paris time, who, what, which item and from which address; a wrong period said
   * under the form; the same lines exported as a CSV file.
   */
  @Test
  void the_admin_reads_the_audit_trail_filtered_by_kind_and_day_and_exports_it() throws Exception {
    String adminToken = web.node.api.login("admin@cantal.demo", BrowserFixture.PASSWORD);
    Page admin = web.signIn(web.newTabletPage(), "admin");
    Instant now = clock.instant();
    // Two weeks before the clock's day, never a 1st (the page writes it "1er"): inside the audit's
    // one-year retention whatever the day the suite runs (a fixed 18 November 2026 would have been
    // purged under the page's eyes from 18 November 2027).
    LocalDate day = LocalDate.ofInstant(now, PARIS).minusDays(14);
    day = day.getDayOfMonth() == 1 ? day.minusDays(1) : day;
    ZonedDateTime moment = day.atTime(10, 15, 30).atZone(PARIS);
    clock.set(moment.toInstant());
    try {
      org.assertj.core.api.Assertions.assertThat(web.node.api.post("/api/specialties", adminToken,
          new JsonObject().put("code", "journal_essai").put("label", "Essai du journal")).status()).isEqualTo(201);
    } finally {
      clock.set(now);
    }

    // The page's script has run (it marks the view shown), so a press on the menu is heard: one before it only changes
    // the address, and the view it names is then shown without taking the focus (a clean-clone run, 3 December 2026).
    assertThat(admin.locator(".admin-menu a[href='#stats']")).hasAttribute("aria-current", "page");
    admin.locator(".admin-menu").getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Journal des accès")
        .setExact(true)).click();
    assertThat(admin.locator("#audit h2")).isFocused();
    assertThat(admin.locator(".admin-menu a[href='#audit']")).hasAttribute("aria-current", "page");
    admin.getByLabel("Type d'action").selectOption("change");
    admin.getByLabel("Du (jour inclus)").fill(day.plusDays(1).toString());
    admin.getByLabel("Au (jour inclus)").fill(day.toString());
    admin.locator("#audit-form button[type=submit]").click();
    assertThat(admin.locator("#audit-error")).hasText("La date de fin doit venir après la date de début.");

    admin.getByLabel("Du (jour inclus)").fill(day.toString());
    admin.locator("#audit-form button[type=submit]").click();
    Locator row = admin.locator("#audit-list tbody tr");
    assertThat(row).hasCount(1);
    assertThat(row).containsText(DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.FRENCH).format(day) + " à 10:15:30");
    assertThat(row).containsText("Claire Vermenouze (Conseil départemental) (Administrateur)");
    assertThat(row).containsText("Spécialité créée");
    assertThat(row).containsText("Spécialité journal_essai");
    assertThat(row).containsText("127.0.0.1");
    assertThat(admin.locator("#audit-count")).hasText("1 ligne affichée.");
    assertThat(admin.locator("#audit-more")).isHidden();
    assertThat(admin.locator("#audit-error")).isHidden();
    PagesTest.assertNeverNullOrUndefined(admin, "admin journal");
    PagesTest.assertAccessible(admin, "tablette-admin-journal");

    // A proxy's page instead of the file (a node restarting): said in the page's words, not the status line's English.
    admin.route("**/audit/export.csv*", route -> route.fulfill(nginx502()));
    admin.locator("#audit-export").click();
    assertThat(admin.locator("#audit-error")).hasText("Le service ne répond pas pour le moment. Réessayez dans quelques instants.");
    admin.unroute("**/audit/export.csv*");
    com.microsoft.playwright.Download download = admin.waitForDownload(() -> admin.locator("#audit-export").click());
    org.assertj.core.api.Assertions.assertThat(download.suggestedFilename()).isEqualTo("cantou-journal-des-acces.csv");
    String csv = java.nio.file.Files.readString(download.path());
    org.assertj.core.api.Assertions.assertThat(csv.lines().skip(1).toList()).singleElement().asString()
        .contains("specialty.created", "journal_essai", "Claire Vermenouze", moment.toOffsetDateTime().toString());
    assertThat(admin.locator("#admin-outcome")).hasText("Journal exporté (fichier CSV).");
    admin.context().close();
  }

  /**
   * The admin's service and point forms: every refusal under its field with the expected format, never the schema's
   * words; "Envoi…" while a request waits, nothing sent twice; withdrawing asks first, then waits visibly.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(BrowserFixture.Screen.class)
  void the_admin_service_and_point_forms_say_refusals_under_their_fields_wait_visibly_and_withdrawing_asks_first(
      BrowserFixture.Screen screen) {
    Page admin = web.signIn(web.newPage(screen), "admin");
    admin.navigate(web.url("/admin.html#visio"));
    Locator view = admin.locator("#visio");
    Locator service = admin.locator("#service-form");
    assertThat(service.locator("#sv-prefix-hint")).hasText("Format attendu : 2 à 6 lettres majuscules sans accent, par exemple CAF.");
    service.locator("button[type=submit]").click();
    assertThat(admin.locator("#sv-name-error")).hasText("Ce champ est à remplir.");
    assertThat(admin.locator("#sv-name")).hasAttribute("aria-invalid", "true");
    assertThat(admin.locator("#sv-name")).isFocused();
    assertThat(admin.locator("#sv-prefix-error")).hasText("Préfixe non valable. Format attendu : 2 à 6 lettres majuscules sans accent, "
        + "par exemple CAF.");
    assertThat(admin.locator("#sv-prefix")).hasAttribute("aria-describedby", "sv-prefix-hint sv-prefix-error");
    assertThat(admin.locator("#sv-error")).hasText("2 informations sont à corriger : voyez les messages au-dessus des champs.");
    // Above the form's button, not at the top of the page.
    assertThat(admin.locator("#admin-error")).isHidden();
    PagesTest.assertAccessible(admin, screen.prefix + "admin-service-refus");

    // Only the server knows the name is taken: said under the name, in French.
    admin.locator("#sv-org").selectOption(new com.microsoft.playwright.options.SelectOption().setLabel("CAF du Cantal"));
    admin.locator("#sv-name").fill("Aide au logement");
    admin.locator("#sv-duration").fill("3");
    admin.locator("#sv-prefix").fill("lgt");
    service.locator("button[type=submit]").click();
    assertThat(admin.locator("#sv-duration-error")).hasText("Durée non valable. Format attendu : un nombre de minutes entre 5 et 240, "
        + "par exemple 30.");
    assertThat(admin.locator("#sv-prefix-error")).hasCount(0);
    admin.locator("#sv-duration").fill("30");
    service.locator("button[type=submit]").click();
    assertThat(admin.locator("#sv-name-error")).hasText("Cette administration a déjà un service de ce nom.");
    assertThat(view).not().containsText("pattern");
    assertThat(view).not().containsText("String");
    assertThat(view).not().containsText("Instance");

    // A new one: "Envoi…" while it waits, one request whatever the presses, then the outcome under the menu.
    String name = "Prime de Noël " + screen;
    admin.locator("#sv-name").fill(name);
    admin.locator("#sv-prefix").fill(screen == BrowserFixture.Screen.PHONE ? "noelp" : "noelt");
    List<com.microsoft.playwright.Route> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    admin.route("**/api/visio/services", route -> {
      if ("POST".equals(route.request().method())) {
        held.add(route);
      } else {
        route.resume();
      }
    });
    Locator submit = service.locator("button[type=submit]");
    submit.click();
    assertThat(submit).hasText("Envoi…");
    assertThat(submit).isDisabled();
    assertThat(submit).hasAttribute("aria-busy", "true");
    service.evaluate("form => form.requestSubmit()");
    admin.waitForCondition(() -> held.size() == 1);
    held.get(0).resume();
    Locator outcome = admin.locator("#admin-outcome");
    assertThat(outcome).hasText("Créé.");
    assertThat(outcome).isFocused();
    assertThat(view.locator("table").first()).containsText(name);
    assertThat(held).hasSize(1);
    admin.unroute("**/api/visio/services");

    // The point form: closing before opening is said under the closing time.
    admin.locator("#pt-name").fill("Tiers-lieu de Pleaux " + screen);
    admin.locator("#pt-commune").fill("Pleaux");
    admin.locator("#pt-d2s1").fill("14:00");
    admin.locator("#pt-d2e1").fill("09:00");
    admin.locator("#point-form button[type=submit]").click();
    assertThat(admin.locator("#pt-d2s1-error")).hasText("Indiquez le début et la fin, la fin après le début, l'après-midi après "
        + "le matin. Format attendu : 09:00 puis 12:00.");
    assertThat(admin.locator("#pt-d2s1")).hasAttribute("aria-describedby", "pt-hours-hint pt-d2s1-error");
    assertThat(admin.locator("#pt-d2s1")).isFocused();
    PagesTest.assertAccessible(admin, screen.prefix + "admin-point-refus");
    admin.locator("#pt-d2e1").fill("17:00");
    admin.locator("#point-form button[type=submit]").click();
    assertThat(outcome).hasText("Créé.");
    Locator points = view.locator("table").nth(1);
    assertThat(points).containsText("Tiers-lieu de Pleaux " + screen);

    // Withdrawing asks first: declined, nothing is sent; accepted, the button waits, then the outcome.
    Locator withdraw = admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Retirer Tiers-lieu de Pleaux " + screen));
    withdraw.click();
    assertThat(Question.of(admin).locator("button").first()).hasText("Oui, fermer le point");
    assertThat(Question.decline(admin)).isEqualTo("Fermer définitivement le point « Tiers-lieu de Pleaux " + screen
        + " » ? Il ne sera plus proposé.");
    assertThat(withdraw).isEnabled();
    List<com.microsoft.playwright.Route> withdrawals = new java.util.concurrent.CopyOnWriteArrayList<>();
    admin.route("**/withdraw", withdrawals::add);
    withdraw.click();
    Question.accept(admin);
    assertThat(withdraw).hasText("Envoi…");
    assertThat(withdraw).hasAttribute("aria-busy", "true");
    assertThat(withdraw).isDisabled();
    admin.waitForCondition(() -> withdrawals.size() == 1);
    withdrawals.get(0).resume();
    assertThat(outcome).hasText("« Tiers-lieu de Pleaux " + screen + " » retiré.");
    assertThat(points).not().containsText("Tiers-lieu de Pleaux " + screen);
    admin.unroute("**/withdraw");
    PagesTest.assertAccessible(admin, screen.prefix + "admin-point-retire");
    admin.context().close();
  }

  /**
   * Every state the journeys reach, on a phone and on a tablet, as its person reads it: the citizen's appointment
   * finished, cancelled or erased, and a bad link; the agent's day with them, and an empty day; the mediator's list
   * with the person whose data is erased, and an empty one; the nurse's and the doctor's empty lists. Every change of
   * every page is watched for "null", "undefined", "NaN", "[object Object]" and "Invalid Date" (BrowserFixture), and
   * axe finds nothing serious at each step.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(BrowserFixture.Screen.class)
  void every_state_the_journeys_reach_reads_plainly_on_a_phone_and_a_tablet(BrowserFixture.Screen screen) {
    String mediator = web.node.api.login("mediateur.pierrefort@cantal.demo", BrowserFixture.PASSWORD);
    String agentToken = web.node.api.login("agent.cpam@cantal.demo", BrowserFixture.PASSWORD);
    // A week of slots per screen, well inside the service's 30-day horizon: some working day of it
    // is free of public holidays whatever the day the suite runs (20 and 27 days ahead left the tablet
    // from 1 to 4 January on 5 December: a holiday, a weekend and the horizon's end, no slot).
    int days = 9 + 7 * screen.ordinal();
    JsonObject finished = bookByPhone(mediator, days, "Marthe Lavigne", "06 39 98 12 51");
    JsonObject cancelled = bookByPhone(mediator, days, "Émile Couderc", "06 39 98 12 52");
    JsonObject erased = bookByPhone(mediator, days, "Yvette Salvage", "06 39 98 12 53");
    assertThat(web.node.api.post("/api/visio/appointments/" + finished.getString("id") + "/complete", agentToken, null).status())
        .isEqualTo(200);
    for (var pair : List.of(List.of(cancelled, "/cancel"), List.of(erased, "/erasure"))) {
      JsonObject a = (JsonObject) pair.get(0);
      assertThat(web.node.api.send("POST", "/api/visio/appointments/" + a.getString("id") + pair.get(1), null, null,
          java.util.Map.of("X-Manage-Token", a.getString("manageToken"))).status()).isEqualTo(200);
    }
    String name = screen.name().toLowerCase(Locale.ROOT);

    // The citizen: finished, cancelled, erased, each says so with a way to book again; a bad link says what to do.
    Page citizen = web.newPage(screen);
    for (var state : List.of(List.of(finished, "Ce rendez-vous a eu lieu.", "termine"), List.of(cancelled, "Ce rendez-vous est annulé.",
        "annule"), List.of(erased, "Ce rendez-vous est annulé.", "efface"))) {
      // From elsewhere, as from the mail: a change of '#' alone reloads the page, which a navigation would race.
      citizen.navigate("about:blank");
      manage(citizen, (JsonObject) state.get(0), clock.instant());
      assertThat(citizen.locator("#closed")).containsText((String) state.get(1));
      assertThat(citizen.locator("#closed a")).hasText("Prendre un nouveau rendez-vous");
      PagesTest.assertAccessible(citizen, name + "-rendez-vous-" + state.get(2));
    }
    citizen.navigate("about:blank");
    citizen.navigate(web.url("/rendez-vous.html?gerer#" + finished.getString("id") + ".jeton-faux"));
    assertThat(citizen.locator("#not-found")).containsText("Ce lien ne permet pas d'ouvrir un rendez-vous.");
    PagesTest.assertAccessible(citizen, name + "-lien-invalide");
    citizen.context().close();

    // The agent: the three on their day, then a day with none.
    Page agent = web.signIn(web.newPage(screen), "agent.cpam");
    assertThat(agent.locator("#appointments > *").first()).isVisible();
    agent.locator("#day").fill(finished.getString("start").substring(0, 10));
    agent.locator("#day").dispatchEvent("change");
    Locator cards = agent.locator("#appointments article");
    assertThat(cards.filter(new Locator.FilterOptions().setHasText("Marthe Lavigne")).locator(".tag")).hasText("Terminé");
    assertThat(cards.filter(new Locator.FilterOptions().setHasText("Émile Couderc")).locator(".tag")).hasText("Annulé");
    assertThat(cards.filter(new Locator.FilterOptions().setHasText(erased.getString("reference")))).containsText("Données effacées");
    PagesTest.assertAccessible(agent, name + "-agent-termine-annule-efface");
    agent.locator("#day").fill(LocalDate.parse(finished.getString("start").substring(0, 10)).plusDays(200).toString());
    agent.locator("#day").dispatchEvent("change");
    assertThat(agent.locator("#appointments")).hasText("Aucun rendez-vous ce jour-là.");
    PagesTest.assertAccessible(agent, name + "-agent-jour-vide");
    agent.context().close();

    // The mediator who booked them: the erased one is said so; another mediator has none yet.
    Page booker = web.signIn(web.newPage(screen), "mediateur.pierrefort");
    assertThat(booker.locator("#appointments")).containsText("Données effacées");
    assertThat(booker.locator("#appointments")).containsText("Marthe Lavigne");
    PagesTest.assertAccessible(booker, name + "-mediateur-liste");
    booker.context().close();
    Page newcomer = web.signIn(web.newPage(screen), "mediatrice.maurs");
    assertThat(newcomer.locator("#appointments")).hasText("Aucun rendez-vous pris pour l'instant.");
    PagesTest.assertAccessible(newcomer, name + "-mediateur-liste-vide");
    newcomer.context().close();

    // The nurse with no request, the doctor with an empty queue.
    Page nurse = web.signIn(web.newPage(screen), "infirmiere.condat");
    assertThat(nurse.locator("#items")).containsText("Aucune demande en cours.");
    PagesTest.assertAccessible(nurse, name + "-infirmiere-vide");
    nurse.context().close();
    Page doctor = web.signIn(web.newPage(screen), "dr.bonnet");
    assertThat(doctor.locator("#queue")).hasText("Aucune demande en attente.");
    PagesTest.assertAccessible(doctor, name + "-medecin-file-vide");
    doctor.context().close();
  }

  /** The agent's leave: refusals under the field, then what was saved, under the form. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(BrowserFixture.Screen.class)
  void the_agent_leave_form_says_under_each_field_what_to_correct_and_then_what_was_saved(BrowserFixture.Screen screen) {
    Page agent = web.signIn(web.newPage(screen), "agent.caf");
    Locator form = agent.locator("#exception");
    Locator save = form.locator("button[type=submit]");
    save.click();
    assertThat(agent.locator("#ex-start-error")).hasText("Indiquez le début de l'absence (jour et heure).");
    assertThat(agent.locator("#ex-end-error")).hasText("Indiquez la fin de l'absence (jour et heure).");
    assertThat(agent.locator("#ex-start")).hasAttribute("aria-invalid", "true");
    assertThat(agent.locator("#ex-start")).isFocused();
    LocalDate day = LocalDate.now(clock.withZone(PARIS)).plusDays(40 + screen.ordinal());
    agent.locator("#ex-start").fill(day + "T14:00");
    agent.locator("#ex-end").fill(day + "T08:00");
    save.click();
    assertThat(agent.locator("#ex-end-error")).hasText("La fin doit venir après le début.");
    assertThat(agent.locator("#ex-start-error")).hasCount(0);
    PagesTest.assertAccessible(agent, screen.prefix + "agent-absence-refus");
    agent.locator("#ex-end").fill(day + "T18:00");
    save.click();
    Locator saved = agent.locator("#ex-outcome");
    assertThat(saved).hasText("Absence enregistrée.");
    assertThat(saved).isFocused();
    assertThat(agent.locator("#ex-end")).not().hasAttribute("aria-invalid", "true");
    agent.context().close();
  }
}
