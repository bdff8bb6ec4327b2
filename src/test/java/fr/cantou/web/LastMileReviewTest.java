package fr.cantou.web;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.AriaRole;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an outside review of the last mile found (docs/web.md; /work/notes/lastmile4-review.md), walked as the person
 * lives it: an impatient second tap while the slots come over a slow link, a connection lost on the booking's first step
 * or on the manage link, the mediator refused the room before it opens, and a service of La Réunion whose times are
 * written in its own zone on every page (the département's is Paris).
 */
class LastMileReviewTest {
  @org.junit.jupiter.api.extension.RegisterExtension
  static final BrowserFixture web = BrowserFixture.forTheClass();

  /** A slot of the CPAM's service some days ahead, booked by phone (by a professional: {@code token}; null: the citizen). */
  static JsonObject book(String token, int daysAhead, String name, String phone) {
    return web.bookCarteVitale(token, daysAhead, name, phone);
  }

  private static Locator heading(Page page) {
    return page.locator("#wizard h2");
  }

  /** A phone on the booking's step 2 (home or a point), the CPAM's service chosen. */
  private static Page atThePlaceStep() {
    Page page = web.newPhonePage();
    page.navigate(web.url("/rendez-vous.html"));
    page.locator("#wizard .card").filter(new Locator.FilterOptions().setHasText("Carte Vitale")).locator("button.big").click();
    assertThat(heading(page)).hasText("D'où ferez-vous la visio ?");
    return page;
  }

  /**
   * The slots take a while: step 3 shows at once with "Recherche des créneaux disponibles…" (busy), so the place she
   * pressed is gone and a second tap asks nothing; an answer that comes after she went back is dropped (she stays where
   * she is); a lost connection says so with "Réessayer", which brings the slots. Booked with a phone only, the
   * convocation does not promise an e-mail.
   */
  @Test
  void on_a_phone_the_slots_step_shows_at_once_asks_once_drops_a_late_answer_and_says_a_lost_connection() {
    Page page = atThePlaceStep();
    List<Route> held = new CopyOnWriteArrayList<>();
    page.route("**/slots?*", held::add);

    page.getByText("Depuis chez moi").click();
    assertThat(heading(page)).hasText("Quel jour et à quelle heure ?");
    assertThat(page.locator("#searching")).hasText("Recherche des créneaux disponibles…");
    assertThat(page.locator("#wizard")).hasAttribute("aria-busy", "true");
    assertThat(page.getByText("Depuis chez moi")).hasCount(0);
    PagesTest.assertAccessible(page, "telephone-creneaux-recherche");
    assertThat(page).hasURL(java.util.regex.Pattern.compile("etape=3"));
    assertThat(held).hasSize(1);

    // She goes back while the slots are on their way; their answer then arrives: she stays on step 2.
    page.locator("#wizard button.back").click();
    assertThat(heading(page)).hasText("D'où ferez-vous la visio ?");
    Route late = held.remove(0);
    late.resume();
    late.request().response();
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)))");
    assertThat(heading(page)).hasText("D'où ferez-vous la visio ?");
    assertThat(page.locator("#wizard .slots")).hasCount(0);

    // The connection drops on the way: said in plain words, with "Réessayer"; once back, the slots come.
    page.unroute("**/slots?*");
    page.route("**/slots?*", Route::abort);
    page.getByText("Depuis chez moi").click();
    assertThat(page.locator("#load-failed")).containsText("Connexion perdue. Vos réponses sont gardées. Réessayez.");
    assertThat(page.locator("#wizard")).not().hasAttribute("aria-busy", "true");
    assertThat(heading(page)).hasText("Quel jour et à quelle heure ?");
    PagesTest.assertAccessible(page, "telephone-creneaux-connexion-perdue");
    page.unroute("**/slots?*");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Réessayer")).click();
    BrowserFixture.firstSlotAfterToday(page).click();
    assertThat(heading(page)).hasText("Vos coordonnées");

    page.locator("#name").fill("Marcelle Vidalenc");
    page.locator("#phone").fill("06 39 98 12 71");
    page.locator("#wizard button[type=submit]").click();
    assertThat(heading(page)).hasText("Votre rendez-vous est confirmé");
    assertThat(page.locator("#convocation")).not().containsText("e-mail");
    page.context().close();
  }

  /**
   * A double tap on the place: one request for the slots and one history entry; the answer of a second request (the
   * page before the fix asked twice) never paints step 3 over the contact step she reached meanwhile.
   */
  @Test
  void a_second_tap_while_the_slots_come_never_throws_her_back_from_the_next_step() {
    Page page = atThePlaceStep();
    List<Route> held = new CopyOnWriteArrayList<>();
    page.route("**/slots?*", held::add);
    Locator home = page.getByText("Depuis chez moi");
    home.click();
    // The impatient second tap, on whatever is still there to tap.
    home.evaluateAll("buttons => buttons.forEach((b) => b.click())");
    page.waitForCondition(() -> !held.isEmpty());
    held.get(0).resume();
    page.locator(".slots button").first().click();
    assertThat(heading(page)).hasText("Vos coordonnées");
    for (Route late : held.subList(1, held.size())) {
      late.resume();
      late.request().response();
    }
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)))");
    assertThat(heading(page)).hasText("Vos coordonnées");
    assertThat(page.locator("#name")).isVisible();
    assertThat(held).as("the slots asked once").hasSize(1);
    assertThat((Number) page.evaluate("() => history.length")).as("one history entry a step").isEqualTo(5);
    page.context().close();
  }

  /**
   * The lists do not come: the page says so (the loading line is gone by then) and "Réessayer" brings them. The page
   * reloaded in the middle of a booking (?etape=2) is the one on disk, whose script asks for the lists (at the first
   * step the server writes them in).
   */
  @Test
  void the_booking_page_that_cannot_reach_the_server_says_so_and_tries_again() {
    Page page = web.newPhonePage();
    page.route("**/api/visio/points", Route::abort);
    page.navigate(web.url("/rendez-vous.html?etape=2"));
    assertThat(page.locator("#load-failed")).containsText("Connexion perdue. Vos réponses sont gardées. Réessayez.");
    PagesTest.assertAccessible(page, "telephone-reservation-connexion-perdue");
    page.unroute("**/api/visio/points");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Réessayer")).click();
    assertThat(heading(page)).hasText("Quel service souhaitez-vous rencontrer ?");
    page.context().close();
  }

  /**
   * On a slow link a professional types her password before the page's script has come: "Se connecter" waits, disabled,
   * and Enter sends nothing (the browser used to send the form itself, the password in the page's address).
   */
  @Test
  void signing_in_before_the_script_arrives_sends_nothing_and_never_puts_the_password_in_the_address() {
    Page page = web.newTabletPage();
    List<Route> scripts = new CopyOnWriteArrayList<>();
    page.route("**/js/*.js", scripts::add);
    page.navigate(web.url("/connexion.html"), new Page.NavigateOptions()
        .setWaitUntil(com.microsoft.playwright.options.WaitUntilState.COMMIT));
    assertThat(page.locator("h1")).hasText("Connexion des professionnels");
    Locator submit = page.locator("button[type=submit]");
    assertThat(submit).isDisabled();
    page.locator("#email").fill("agent.caf@cantal.demo");
    page.locator("#password").fill(BrowserFixture.PASSWORD);
    page.locator("#password").press("Enter");
    page.unroute("**/js/*.js");
    scripts.forEach(Route::resume);
    assertThat(submit).isEnabled();
    assertThat(page).not().hasURL(java.util.regex.Pattern.compile("password"));
    assertThat(page.locator("#password")).hasValue(BrowserFixture.PASSWORD);
    submit.click();
    page.waitForURL(u -> u.endsWith("/agent.html"));
    page.context().close();
  }

  /** A manage link opened while the connection is lost is not called a bad link: "Connexion perdue", then it opens. */
  @Test
  void a_manage_link_opened_on_a_lost_connection_is_not_called_bad_and_opens_once_it_is_back() {
    JsonObject booked = book(null, 3, "Fernande Couderc", "06 39 98 12 72");
    Page page = web.newPhonePage();
    page.route("**/api/visio/appointments/*", Route::abort);
    page.navigate(web.url("/rendez-vous.html#" + booked.getString("manageToken")));
    assertThat(page.locator("#load-failed")).containsText("Connexion perdue");
    assertThat(page.locator("#not-found")).hasCount(0);
    assertThat(page.locator("#manage")).not().containsText("Prendre un nouveau rendez-vous");
    PagesTest.assertAccessible(page, "telephone-gerer-connexion-perdue");
    page.unroute("**/api/visio/appointments/*");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Réessayer")).click();
    assertThat(page.locator("#manage")).containsText(booked.getString("reference"));
    page.context().close();
  }

  /** Before the room opens, the mediator's "Rejoindre la visio à ses côtés" is refused: why is said on that card, seen. */
  @Test
  void the_mediator_refused_the_room_before_it_opens_sees_why_on_the_card() {
    String mediator = web.node.api.post("/api/auth/login", new JsonObject().put("email", "mediateur.riom@cantal.demo")
        .put("password", BrowserFixture.PASSWORD)).json().getString("accessToken");
    JsonObject booked = book(mediator, 3, "Raymond Bouygues", "06 39 98 12 73");
    Page page = web.newTabletPage();
    // The booking form below loads its services late (a slow link): when they come, it must not take the focus.
    List<Route> services = new CopyOnWriteArrayList<>();
    page.route("**/api/visio/services", services::add);
    web.signIn(page, "mediateur.riom");
    Locator card = page.locator("#appointments article").filter(new Locator.FilterOptions().setHasText("Raymond Bouygues"));
    card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Rejoindre la visio à ses côtés")).click();
    Locator refused = card.locator(".join-refused");
    assertThat(refused).isVisible();
    assertThat(refused).containsText("La salle ouvrira");
    assertThat(refused).isFocused();
    page.unroute("**/api/visio/services");
    services.forEach(Route::resume);
    assertThat(page.locator("#wizard h3")).isVisible();
    assertThat(refused).isFocused();
    PagesTest.assertAccessible(page, "tablette-mediateur-salle-pas-ouverte");
    assertThat(booked.getString("reference")).isNotBlank();
    page.context().close();
  }

  /**
   * A CAF of La Réunion (Indian/Reunion, four hours ahead of UTC, three of Paris in winter) opens at 9:00 its time: the
   * citizen's slots, her contact step, her manage page and the agent's day say 9:00 — not Paris's 6:00.
   */
  @Test
  void a_service_of_la_reunion_shows_its_times_in_its_own_zone_on_every_page() {
    ZoneId reunion = ZoneId.of("Indian/Reunion");
    String admin = web.node.adminToken();
    var api = web.node.api;
    String organisation = api.post("/api/organisations", admin, new JsonObject().put("kind", "administration")
        .put("name", "CAF de La Réunion").put("commune", "Saint-Denis").put("timeZone", "Indian/Reunion")).json().getString("id");
    var service = api.post("/api/visio/services", admin, new JsonObject().put("organisationId", organisation)
        .put("name", "Prestations familiales à La Réunion").put("description", "Un conseiller de la CAF de La Réunion.")
        .put("documents", new JsonArray().add("Votre numéro d'allocataire")).put("durationMinutes", 30)
        .put("referencePrefix", "CAFRE"));
    assertThat(service.status()).as(service.toString()).isEqualTo(201);
    assertThat(service.json().getString("timeZone")).isEqualTo("Indian/Reunion");
    var agent = api.post("/api/users", admin, new JsonObject().put("email", "agent.reunion@cantal.demo")
        .put("password", BrowserFixture.TYPED_BY_ADMIN).put("role", "agent").put("displayName", "Lina Payet")
        .put("organisationId", organisation));
    assertThat(agent.status()).as(agent.toString()).isEqualTo(201);
    api.chooseOwnPassword("agent.reunion@cantal.demo", BrowserFixture.TYPED_BY_ADMIN, BrowserFixture.PASSWORD);
    JsonArray weekly = new JsonArray();
    for (int day = 1; day <= 7; day++) {
      weekly.add(new JsonObject().put("weekday", day).put("start", "09:00").put("end", "12:00"));
    }
    var calendar = api.send("PUT", "/api/visio/agents/" + agent.json().getString("id") + "/availability", admin,
        new JsonObject().put("serviceIds", new JsonArray().add(service.json().getString("id"))).put("weekly", weekly)
            .put("bufferMinutes", 0).put("minNoticeMinutes", 0).put("horizonDays", 30).encode(),
        java.util.Map.of("Content-Type", "application/json"));
    assertThat(calendar.status()).as(calendar.toString()).isEqualTo(200);
    LocalDate from = LocalDate.now(reunion).plusDays(3);
    JsonObject slot = api.get("/api/visio/services/" + service.json().getString("id") + "/slots?from=" + from + "&to="
        + from.plusDays(6)).array().getJsonObject(0);
    ZonedDateTime start = OffsetDateTime.parse(slot.getString("start")).atZoneSameInstant(reunion);
    assertThat(start.getHour()).as("the first slot opens at 9:00 La Réunion time").isEqualTo(9);
    String words = LastMileTest.inWords(start);

    // The citizen's slots and her contact step: 9 h, its day in words.
    Page citizen = web.newPhonePage();
    citizen.navigate(web.url("/rendez-vous.html"));
    citizen.locator("#wizard .card").filter(new Locator.FilterOptions().setHasText("La Réunion")).locator("button.big").click();
    citizen.getByText("Depuis chez moi").click();
    Locator button = citizen.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(words).setExact(true));
    assertThat(button).hasText("9 h");
    button.click();
    assertThat(citizen.locator("#wizard form .notice")).hasText(LastMileTest.inWords(start));
    citizen.context().close();

    // Booked: her manage page says 9 h, and the room opening at 8 h 50, La Réunion time.
    var booked = api.post("/api/visio/appointments", new JsonObject().put("serviceId", service.json().getString("id"))
        .put("start", slot.getString("start")).put("citizen", new JsonObject().put("name", "Josiane Hoarau")
            .put("phone", "06 92 12 34 56")));
    assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
    Page manage = web.newPhonePage();
    manage.navigate(web.url("/rendez-vous.html#" + booked.json().getString("manageToken")));
    assertThat(manage.locator("#manage")).containsText(LastMileTest.inWords(start));
    assertThat(manage.locator("#opens-at")).containsText(LastMileTest.inWords(start.minusMinutes(10)));
    manage.context().close();

    // The agent of La Réunion, on the day of the appointment: its card says 09:00.
    Page day = web.signIn(web.newTabletPage(), "agent.reunion");
    // Its script has set the day shown to today (the day buttons are enabled then): another day is chosen after.
    assertThat(day.locator("#next-day")).isEnabled();
    day.locator("#day").fill(start.toLocalDate().toString());
    assertThat(day.locator("#appointments h3")).hasText("9 h — Josiane Hoarau");
    day.context().close();
  }

  /**
   * What carries no zone of its own — the agent's "today" — is the département's (GET /api/config's timeZone), not the
   * browser's: at 1:30 on 3 December in Paris, a tablet set to Cayenne's time (21:30 on the 2nd) shows the 3rd as today.
   */
  @Test
  void the_agents_today_is_the_departements_day_whatever_the_browsers_zone() {
    Page agent = web.newTabletPageIn("America/Cayenne");
    agent.clock().install(new com.microsoft.playwright.Clock.InstallOptions()
        .setTime(ZonedDateTime.of(2026, 12, 3, 1, 30, 0, 0, ZoneId.of("Europe/Paris")).toInstant().toEpochMilli()));
    web.signIn(agent, "agent.caf");
    assertThat(agent.locator("#next-day")).isEnabled();
    assertThat(agent.locator("#day")).hasValue("2026-12-03");
    assertThat(agent.locator("h1")).hasText("Mes rendez-vous du jour");
    agent.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Jour suivant")).click();
    assertThat(agent.locator("h1")).hasText("Mes rendez-vous du vendredi 4 décembre");
    agent.context().close();
  }
}
