package fr.cantou.web;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.WaitUntilState;
import fr.cantou.support.Eventually;
import fr.cantou.support.MutableClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a second outside review of the last mile (issue 11) found, walked as the person lives it: a button pressed
 * before the scripts came, a request sent with no visible answer, a birth year still to come, a request withdrawn by a
 * slip of the finger.
 */
class LastMileReview2Test {
  /**
   * The server's clock: real time (the real now as the class starts, not as it is loaded), set to a room's opening by
   * the one test that joins, then back.
   */
  static final MutableClock clock = MutableClock.startingNow();
  @org.junit.jupiter.api.extension.RegisterExtension
  static final BrowserFixture web = BrowserFixture.forTheClassFromNow(clock);

  /** A signed-in page opened again with its scripts held back (a slow link): what the served HTML alone does. */
  private static List<Route> withScriptsHeld(Page page, String path) {
    List<Route> scripts = new CopyOnWriteArrayList<>();
    page.route("**/js/*.js", scripts::add);
    page.navigate(web.url(path), new Page.NavigateOptions().setWaitUntil(WaitUntilState.COMMIT));
    return scripts;
  }

  private static void release(Page page, List<Route> scripts) {
    page.unroute("**/js/*.js");
    scripts.forEach(Route::resume);
  }

  /**
   * The nurse types her request while the scripts are still on their way and presses "Envoyer la demande": it waits,
   * disabled, and Enter sends nothing (the browser used to send the form itself as GET: all she typed was lost).
   */
  @Test
  void the_nurses_send_waits_for_the_script_and_nothing_typed_is_lost() {
    Page nurse = web.signIn(web.newTabletPage(), "infirmiere.salers");
    // Opened once in full first (its session settled), then again with the scripts on their way.
    assertThat(nurse.locator("#request button[type=submit]")).isEnabled();
    List<Route> scripts = withScriptsHeld(nurse, "/infirmiere.html");
    assertThat(nurse.locator("h1")).hasText("Téléconsultations de l'établissement");
    Locator send = nurse.locator("#request button[type=submit]");
    assertThat(send).isDisabled();
    nurse.locator("#reference").fill("R-LENT-1");
    nurse.locator("#reference").press("Enter");
    release(nurse, scripts);
    assertThat(send).isEnabled();
    assertThat(nurse).not().hasURL(Pattern.compile("\\?"));
    assertThat(nurse.locator("#reference")).hasValue("R-LENT-1");
    nurse.context().close();
  }

  /** The same on the admin's page: each "Créer" (and the audit's "Afficher") waits for the script. */
  @Test
  void the_admins_create_buttons_wait_for_the_script() {
    Page admin = web.signIn(web.newPage(), "admin");
    Locator creates = admin.locator("#org-form, #user-form, #specialty-form, #audit-form").locator("button[type=submit]");
    // Opened once in full first (its session settled), then again with the scripts on their way.
    assertThat(creates.first()).isEnabled();
    assertThat(admin.locator("#audit-list table, #audit-count:not(:empty)").first()).isAttached();
    List<Route> scripts = withScriptsHeld(admin, "/admin.html");
    assertThat(creates.first()).isAttached();
    assertThat(creates).hasCount(4);
    for (int i = 0; i < 4; i++) {
      assertThat(creates.nth(i)).isDisabled();
    }
    admin.locator("#org-name").fill("Mairie de Murat");
    admin.locator("#org-name").press("Enter");
    release(admin, scripts);
    for (int i = 0; i < 4; i++) {
      assertThat(creates.nth(i)).isEnabled();
    }
    assertThat(admin).not().hasURL(Pattern.compile("\\?"));
    assertThat(admin.locator("#org-name")).hasValue("Mairie de Murat");
    admin.context().close();
  }

  /**
   * Sent, her request shows "Demande envoyée. Elle est 1re dans la file d'attente." above the requests, focused (seen,
   * not only heard), so she does not send it twice.
   */
  @Test
  void the_nurse_sees_her_request_sent_and_its_place_in_words() {
    Page nurse = sentFromMassiac("R-VU-1", "Toux depuis deux jours");
    Locator outcome = nurse.locator("#nurse-outcome");
    assertThat(outcome).isVisible();
    assertThat(outcome).isFocused();
    assertThat(nurse.locator("#items article").filter(new Locator.FilterOptions().setHasText("R-VU-1")))
        .containsText("1re dans la file");
    PagesTest.assertAccessible(nurse, "tablette-infirmiere-demande-envoyee");

    // "Annuler la demande" asks first: dismissed, nothing is withdrawn; accepted, it is, and said above the list.
    Locator card = nurse.locator("#items article").filter(new Locator.FilterOptions().setHasText("R-VU-1"));
    card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Annuler la demande")).click();
    assertThat(Question.of(nurse).locator("button")).hasText(new String[] {"Oui, annuler la demande", "Non, garder la demande"});
    assertThat(Question.decline(nurse)).isEqualTo(
        "Annuler la demande R-VU-1 ? Elle quittera la file d'attente et ne sera pas prise en charge.");
    assertThat(card).hasCount(1);
    card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Annuler la demande")).click();
    Question.accept(nurse);
    assertThat(card).hasCount(0);
    assertThat(outcome).hasText("Demande R-VU-1 annulée : elle ne sera pas prise en charge.");
    assertThat(outcome).isFocused();
    nurse.context().close();
  }

  /** A request of the EHPAD of Massiac in palliative care, sent from its nurse's tablet: "1re dans la file". */
  private static Page sentFromMassiac(String reference, String reason) {
    Page nurse = web.signIn(web.newTabletPage(), "infirmiere.massiac");
    BrowserFixture.typeRequest(nurse, reference, "MR", "1936", reason);
    nurse.locator("#specialty").selectOption("soins_palliatifs");
    nurse.locator("#request button[type=submit]").click();
    assertThat(nurse.locator("#nurse-outcome")).hasText("Demande envoyée. Elle est 1re dans la file d'attente.");
    return nurse;
  }

  /**
   * "Elle est 1re dans la file d'attente" is true while her request waits: once a doctor takes it, the line says
   * "Demande envoyée." (it said "1re dans la file" after the report had come, an outside tester found).
   */
  @Test
  void the_nurses_sent_line_stops_saying_a_place_in_the_queue_once_a_doctor_took_it() {
    Page nurse = sentFromMassiac("R-VU-2", "Plaie du talon");
    Locator outcome = nurse.locator("#nurse-outcome");
    String id = web.node.api.get("/api/teleconsultations", tokenOf("infirmiere.massiac")).array().stream()
        .map(JsonObject.class::cast).filter(i -> "R-VU-2".equals(i.getJsonObject("patient").getString("reference")))
        .findFirst().orElseThrow().getString("id");

    var claimed = web.node.api.post("/api/teleconsultations/" + id + "/claim", tokenOf("dr.garcia"), null);
    org.assertj.core.api.Assertions.assertThat(claimed.status()).as(claimed.toString()).isEqualTo(200);
    assertThat(outcome).hasText("Demande envoyée.");
    assertThat(nurse.locator("#items article").filter(new Locator.FilterOptions().setHasText("R-VU-2")))
        .not().containsText("dans la file");
    nurse.context().close();
    // Closed, so that dr.garcia has nothing open for the class's other tests (one at a time: "Prendre la suivante").
    var completed = web.node.api.post("/api/teleconsultations/" + id + "/complete", tokenOf("dr.garcia"),
        new JsonObject().put("report", "Soins locaux.").put("outcome", "advice_given"));
    org.assertj.core.api.Assertions.assertThat(completed.status()).as(completed.toString()).isEqualTo(200);
  }

  /** A birth year still to come is a slip: refused under the field by the page, and by the service if sent anyway. */
  @Test
  void a_birth_year_still_to_come_is_refused_by_the_page_and_the_service() {
    int next = Year.now().getValue() + 5;
    Page nurse = web.signIn(web.newTabletPage(), "infirmiere.massiac");
    BrowserFixture.typeRequest(nurse, "R-AN-1", "MR", String.valueOf(next), "Chute ce matin");
    nurse.locator("#request button[type=submit]").click();
    assertThat(nurse.locator("#birthYear-error"))
        .hasText("L'année de naissance est à venir. Indiquez une année entre 1900 et l'année en cours.");
    assertThat(nurse.locator("#birthYear")).hasAttribute("aria-invalid", "true");
    nurse.context().close();

    String token = web.node.api.post("/api/auth/login", new JsonObject().put("email", "infirmiere.massiac@cantal.demo")
        .put("password", BrowserFixture.PASSWORD)).json().getString("accessToken");
    var refused = web.node.api.post("/api/teleconsultations", token, new JsonObject()
        .put("patient", new JsonObject().put("reference", "R-AN-2").put("birthYear", next))
        .put("reason", "Chute ce matin").put("specialty", "any").put("urgency", "normal")
        .put("consent", new JsonObject().put("given", true)));
    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    assertThat(refused.toString()).contains("patient.birthYear");
  }

  /** A slot of the CPAM's service some days ahead, booked by phone for the citizen. */
  private static JsonObject booked(int daysAhead, String name, String phone) {
    return web.bookCarteVitale(null, daysAhead, name, phone);
  }

  /** The manage page of an appointment, the page's clock a minute after its room opened. */
  private static Page manageOpen(JsonObject booked) {
    return manageOpen(booked, page -> { });
  }

  /** The same, `before` done to the page before it opens (a route of its requests). */
  private static Page manageOpen(JsonObject booked, java.util.function.Consumer<Page> before) {
    Page page = web.newPhonePage();
    before.accept(page);
    Instant opened = OffsetDateTime.parse(booked.getString("start")).toInstant().minus(Duration.ofMinutes(9));
    // The server's clock too: the page goes by the server's time (the Date of its answers).
    clock.set(opened);
    page.clock().install(new com.microsoft.playwright.Clock.InstallOptions().setTime(opened.toEpochMilli()));
    page.navigate(web.url("/rendez-vous.html#" + booked.getString("manageToken")));
    assertThat(page.locator("#page-title")).hasText("Mon rendez-vous");
    return page;
  }

  /**
   * "Annuler le rendez-vous", asked and accepted, waits busy and disabled: a second press sends nothing, and one
   * message says what happened (the page showed three contradictory ones).
   */
  @Test
  void cancelling_an_appointment_is_sent_once_and_said_once() {
    JsonObject booked = booked(4, "Germaine Fabre", "06 39 98 13 01");
    Page page = web.newPhonePage();
    page.navigate(web.url("/rendez-vous.html#" + booked.getString("manageToken")));
    List<Route> held = new CopyOnWriteArrayList<>();
    page.route("**/cancel", held::add);
    Locator cancel = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Annuler le rendez-vous"));
    cancel.click();
    Question.accept(page);
    page.waitForCondition(() -> !held.isEmpty());
    Locator busy = page.locator("#manage button[aria-busy=true]");
    assertThat(busy).isDisabled();
    assertThat(busy).hasText("Envoi…");
    busy.evaluate("b => b.click()");
    // A second press while it goes asks nothing (the question would be on the page by now: it opens within the click).
    assertThat(page.locator("dialog.ask")).hasCount(0);
    assertThat(held).hasSize(1);
    page.unroute("**/cancel");
    held.forEach(Route::resume);
    Locator outcome = page.locator("#outcome");
    assertThat(outcome).hasText("Le rendez-vous est annulé.");
    assertThat(outcome).isFocused();
    assertThat(page.locator("#manage .error:visible")).hasCount(0);
    assertThat(page.locator("#manage [role=alert]:visible")).hasCount(0);
    page.context().close();
  }

  /**
   * Her service was withdrawn since she booked (the département closed it): "Changer de date" tells her that her
   * appointment stays at its date and can still be cancelled, where the page used to open a calendar of nothing.
   */
  @Test
  void changing_the_date_of_an_appointment_whose_service_was_withdrawn_tells_her_it_stays_at_its_date() {
    JsonObject booked = booked(4, "Honorine Delmas", "06 39 98 13 21");
    Page page = web.newPhonePage();
    // What the catalogue answers once her service is withdrawn: it is no longer listed.
    page.route("**/api/visio/services", route -> route.fulfill(new Route.FulfillOptions()
        .setStatus(200).setContentType("application/json").setBody("[]")));
    page.navigate(web.url("/rendez-vous.html#" + booked.getString("manageToken")));

    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Changer de date")).click();

    Locator outcome = page.locator("#outcome");
    assertThat(outcome).hasText("Ce service n'est plus proposé en ligne : votre rendez-vous reste à sa date, mais il ne "
        + "peut plus être déplacé. Vous pouvez encore l'annuler.");
    assertThat(outcome).isFocused();
    assertThat(page.locator("#wizard")).isHidden();
    assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Annuler le rendez-vous"))).isVisible();
    page.context().close();
  }

  /** "Rejoindre la visio" says "Connexion…" (busy, disabled) while the room comes: a double tap joins once. */
  @Test
  void the_citizens_join_waits_visibly_and_a_double_tap_joins_once() {
    JsonObject booked = booked(3, "Léonce Bouissou", "06 39 98 13 02");
    Page page = manageOpen(booked);
    List<Route> held = new CopyOnWriteArrayList<>();
    page.route("**/join", held::add);
    Locator join = page.locator("#join");
    assertThat(join).isEnabled();
    join.click();
    assertThat(join).hasAttribute("aria-busy", "true");
    assertThat(join).isDisabled();
    assertThat(join).hasText("Connexion…");
    join.evaluate("b => b.click()");
    page.waitForCondition(() -> !held.isEmpty());
    assertThat(held).hasSize(1);
    PagesTest.assertAccessible(page, "telephone-rendez-vous-connexion");
    held.forEach(Route::abort);
    page.context().close();
  }

  /**
   * "Ajouter à mon agenda" on a lost connection says so next to it, with "Réessayer", which brings the file; "Garder la
   * date actuelle" gives the keyboard back to "Changer de date".
   */
  @Test
  void adding_to_the_calendar_on_a_lost_connection_says_so_and_tries_again() {
    JsonObject booked = booked(3, "Augustine Rouquier", "06 39 98 13 03");
    Page page = web.newPhonePage();
    page.navigate(web.url("/rendez-vous.html#" + booked.getString("manageToken")));
    page.route("**/calendar.ics", Route::abort);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Ajouter à mon agenda")).click();
    Locator failed = page.locator("#calendar-failed");
    // A file to download, no answers of hers: not the booking form's "Vos réponses sont gardées" (r18).
    assertThat(failed).containsText("Connexion perdue. Réessayez dans un instant.");
    Locator retry = failed.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Réessayer"));
    assertThat(retry).isFocused();
    PagesTest.assertAccessible(page, "telephone-agenda-connexion-perdue");
    page.unroute("**/calendar.ics");
    var download = page.waitForDownload(retry::click);
    assertThat(download.suggestedFilename()).isEqualTo("rendez-vous.ics");
    assertThat(failed).hasCount(0);

    // "Garder la date actuelle": the page as it was, the keyboard back on "Changer de date".
    page.getByText("Changer de date").click();
    page.locator(".slots button").nth(1).click();
    assertThat(page.locator("#wizard h2")).hasText("Confirmer le changement");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Garder la date actuelle")).click();
    assertThat(page.locator("#change-date")).isFocused();
    page.context().close();
  }

  /**
   * The agent's "Rejoindre" before the room opens: "Connexion…" while asked, then why it is refused on that card
   * (not at the top of the list), the day and time in words as elsewhere; another day shown, it is gone.
   */
  @Test
  void the_agent_refused_the_room_sees_why_on_the_card_in_words_until_another_day() {
    JsonObject booked = booked(3, "Firmin Lacoste", "06 39 98 13 04");
    ZonedDateTime opens = OffsetDateTime.parse(booked.getString("start")).atZoneSameInstant(ZoneId.of("Europe/Paris"))
        .minusMinutes(10);
    Page agent = web.signIn(web.newTabletPage(), "agent.cpam");
    assertThat(agent.locator("#next-day")).isEnabled();
    agent.locator("#day").fill(opens.toLocalDate().toString());
    agent.locator("#day").dispatchEvent("change");
    Locator card = agent.locator("#appointments article").filter(new Locator.FilterOptions().setHasText("Firmin Lacoste"));
    List<Route> held = new CopyOnWriteArrayList<>();
    agent.route("**/join", held::add);
    Locator join = card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Rejoindre"));
    join.click();
    Locator busy = card.locator("button[aria-busy=true]");
    assertThat(busy).hasText("Connexion…");
    assertThat(busy).isDisabled();
    busy.evaluate("b => b.click()");
    agent.waitForCondition(() -> !held.isEmpty());
    assertThat(held).hasSize(1);
    agent.unroute("**/join");
    held.forEach(Route::resume);

    Locator refused = card.locator(".outcome");
    assertThat(refused).hasText("La salle ouvrira " + LastMileTest.inWords(opens)
        + ", quelques minutes avant le rendez-vous. Réessayez à ce moment-là.");
    assertThat(refused).isFocused();
    assertThat(agent.locator("#agent-error:visible, main > .error:visible")).hasCount(0);
    PagesTest.assertAccessible(agent, "tablette-agent-salle-pas-ouverte");
    agent.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Jour suivant")).click();
    agent.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Jour précédent")).click();
    assertThat(card).isVisible();
    assertThat(card.locator(".outcome")).hasCount(0);
    agent.context().close();
  }

  /**
   * The service refuses a nurse with no "Rattachement": said under that field (aria-invalid), not a general sentence.
   * The audit's end before its start is tied to "Au"; once shown, the focus goes to how many lines came.
   */
  @Test
  void the_admins_refusals_are_under_their_field_and_showing_the_trail_keeps_the_focus() {
    Page admin = web.signIn(web.newPage(), "admin");
    admin.navigate(web.url("/admin.html#users"));
    Locator create = admin.locator("#user-form button[type=submit]");
    assertThat(create).isEnabled();
    admin.locator("#user-name").fill("Berthe Malavialle");
    admin.locator("#user-email").fill("berthe.malavialle@cantal.demo");
    admin.locator("#user-password").fill("provisoire-2026");
    admin.locator("#user-role").selectOption("nurse");
    admin.locator("#user-org").selectOption("");
    create.click();
    Locator org = admin.locator("#user-org");
    assertThat(admin.locator("#user-org-error")).hasText("Ce rattachement ne convient pas à ce rôle : un·e infirmier·e, un agent "
        + "ou un médiateur est rattaché à une structure de son type ; un administrateur, à aucune.");
    assertThat(org).hasAttribute("aria-invalid", "true");
    assertThat(org).hasAttribute("aria-describedby", Pattern.compile("user-org-error"));
    assertThat(org).isFocused();
    PagesTest.assertAccessible(admin, "admin-rattachement-refuse");

    admin.navigate(web.url("/admin.html#audit"));
    Locator show = admin.locator("#audit-form button[type=submit]");
    assertThat(show).isEnabled();
    admin.locator("#audit-from").fill("2026-11-20");
    admin.locator("#audit-to").fill("2026-11-10");
    show.click();
    assertThat(admin.locator("#audit-error")).hasText("La date de fin doit venir après la date de début.");
    assertThat(admin.locator("#audit-to")).hasAttribute("aria-invalid", "true");
    assertThat(admin.locator("#audit-to")).hasAttribute("aria-describedby", "audit-error");
    admin.locator("#audit-to").fill("2026-11-30");
    show.click();
    assertThat(admin.locator("#audit-to")).not().hasAttribute("aria-invalid", "true");
    assertThat(admin.locator("#audit-count")).isFocused();
    admin.context().close();
  }

  /** Leave wholly in the past (2020) is a slip: refused under "Du" by the page, and by the service if sent anyway. */
  @Test
  void leave_wholly_in_the_past_is_refused_by_the_page_and_the_service() {
    Page agent = web.signIn(web.newTabletPage(), "agent.caf");
    agent.locator("#ex-start").fill("2020-03-02T09:00");
    agent.locator("#ex-end").fill("2020-03-02T17:00");
    agent.locator("#ex-reason").fill("Formation");
    agent.locator("#exception button[type=submit]").click();
    assertThat(agent.locator("#ex-start-error"))
        .hasText("Cette période est déjà passée. Indiquez une absence qui n'est pas encore finie (aujourd'hui ou plus tard).");
    assertThat(agent.locator("#ex-start")).hasAttribute("aria-invalid", "true");
    PagesTest.assertAccessible(agent, "tablette-agent-absence-passee");
    agent.context().close();

    String token = web.node.api.login("agent.caf@cantal.demo", BrowserFixture.PASSWORD);
    String agentId = web.node.api.get("/api/me", token).json().getString("id");
    var refused = web.node.api.post("/api/visio/agents/" + agentId + "/exceptions", token, new JsonObject()
        .put("start", "2020-03-02T09:00:00+01:00").put("end", "2020-03-02T17:00:00+01:00").put("reason", "Formation"));
    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    assertThat(refused.json().getString("field")).isEqualTo("start");
  }

  /**
   * An absence whose answer was lost (it arrived; the tablet never heard), saved again as it was: both sends carry the
   * same Idempotency-Key, her calendar holds it once.
   */
  @Test
  void an_absence_saved_again_after_its_answer_was_lost_is_written_once() {
    Page agent = web.signIn(web.newTabletPage(), "agent.caf");
    java.util.List<String> keys = BrowserFixture.losingTheFirstAnswer(agent, "**/api/visio/agents/*/exceptions");
    agent.locator("#ex-start").fill("2027-06-14T09:00");
    agent.locator("#ex-end").fill("2027-06-14T17:00");
    agent.locator("#ex-reason").fill("Formation");
    agent.locator("#exception button[type=submit]").click();
    assertThat(agent.locator("#ex-error")).isVisible();
    agent.locator("#exception button[type=submit]").click();
    assertThat(agent.locator("#ex-outcome")).hasText("Absence enregistrée.");

    String token = web.node.api.login("agent.caf@cantal.demo", BrowserFixture.PASSWORD);
    String agentId = web.node.api.get("/api/me", token).json().getString("id");
    var absences = web.node.api.get("/api/visio/agents/" + agentId + "/availability", token).json().getJsonArray("exceptions")
        .stream().map(JsonObject.class::cast).filter(x -> x.getString("start").startsWith("2027-06-14")).toList();
    org.assertj.core.api.Assertions.assertThat(absences).as("written once").hasSize(1);
    org.assertj.core.api.Assertions.assertThat(keys).hasSize(2);
    org.assertj.core.api.Assertions.assertThat(keys.get(0)).isNotEqualTo("null").isEqualTo(keys.get(1));
    web.node.api.send("DELETE", "/api/visio/agents/" + agentId + "/exceptions/" + absences.get(0).getLong("id"), token, null,
        java.util.Map.of());
    agent.context().close();
  }

  /**
   * An organisation whose answer was lost (it arrived; the admin's page never heard), created again as it was: the same
   * Idempotency-Key goes, the page says "Créé." — not "existe déjà", which made her believe it failed — and there is one.
   */
  @Test
  void an_organisation_created_again_after_its_answer_was_lost_is_said_created_and_made_once() {
    Page admin = web.signIn(web.newPage(), "admin");
    java.util.List<String> keys = BrowserFixture.losingTheFirstAnswer(admin, "**/api/organisations");
    BrowserFixture.typeOrganisation(admin, "tiers_lieu", "Tiers-lieu des Retours", "Mauriac");
    admin.locator("#org-form button[type=submit]").click();
    assertThat(admin.locator("#org-error")).isVisible();
    admin.locator("#org-form button[type=submit]").click();
    assertThat(admin.locator("#admin-outcome")).hasText("Créé.");

    String token = web.node.api.login("admin@cantal.demo", BrowserFixture.PASSWORD);
    org.assertj.core.api.Assertions.assertThat(web.node.api.get("/api/organisations", token).array().stream()
        .map(JsonObject.class::cast).filter(o -> o.getString("name").equals("Tiers-lieu des Retours"))).hasSize(1);
    org.assertj.core.api.Assertions.assertThat(keys).hasSize(2);
    org.assertj.core.api.Assertions.assertThat(keys.get(0)).isNotEqualTo("null").isEqualTo(keys.get(1));
    admin.context().close();
  }

  /** A manage link cut before its dot (the appointment's id alone) says it is a bad link, not the booking. */
  @Test
  void a_manage_link_cut_before_its_dot_is_explained_as_a_bad_link() {
    JsonObject booked = booked(3, "Rosalie Chambon", "06 39 98 13 05");
    Page page = web.newPhonePage();
    page.navigate(web.url("/rendez-vous.html#" + booked.getString("id")));
    assertThat(page.locator("#not-found")).containsText("Ce lien ne permet pas d'ouvrir un rendez-vous.");
    assertThat(page.locator("#not-found #book-again")).hasText("Prendre un nouveau rendez-vous");
    assertThat(page.locator("#page-title")).hasText("Mon rendez-vous");
    assertThat(page.locator("#wizard")).isHidden();
    PagesTest.assertAccessible(page, "telephone-lien-coupe");
    page.context().close();
  }

  /** On a slow link, a manage link never shows the booking's title while the scripts come: the page as served is neutral. */
  @Test
  void a_manage_link_never_claims_the_booking_before_its_script_decides() {
    JsonObject booked = booked(3, "Honorine Vernet", "06 39 98 13 06");
    Page page = web.newPhonePage();
    List<Route> scripts = withScriptsHeld(page, "/rendez-vous.html#" + booked.getString("manageToken"));
    assertThat(page.locator("h1")).hasText("Rendez-vous en visio");
    assertThat(page).hasTitle("Rendez-vous en visio — Cantou");
    release(page, scripts);
    assertThat(page.locator("#page-title")).hasText("Mon rendez-vous");
    assertThat(page).hasTitle("Mon rendez-vous — Cantou");
    assertThat(page.locator("#manage")).containsText(booked.getString("reference"));
    page.context().close();
  }

  /** A link on its own, aimed at by a finger, is at least 44 px high (WCAG 2.5.8's inline exception does not apply). */
  private static void atLeast44High(Locator link, String what) {
    assertThat(link).isVisible();
    // A live list may draw its card again meanwhile (a detached link measures 0): measured once it is settled.
    // The height judged is the one the wait saw: a second reading could fall on the next redraw and measure 0 again.
    java.util.function.DoubleSupplier height = () -> ((Number) link.evaluate("e => e.getBoundingClientRect().height")).doubleValue();
    double[] seen = {0};
    try {
      link.page().waitForCondition(() -> (seen[0] = height.getAsDouble()) >= 44.0, new Page.WaitForConditionOptions().setTimeout(5000));
    } catch (com.microsoft.playwright.TimeoutError e) {
      // Said below, with the height measured.
    }
    assertThat(seen[0]).as(what + " is at least 44 px high: " + link.evaluate(
        "e => e.outerHTML + ' ' + JSON.stringify(e.getBoundingClientRect()) + ' ' + getComputedStyle(e).display + ' '"
        + " + e.closest('[hidden]')?.outerHTML?.slice(0, 200)")).isGreaterThanOrEqualTo(44.0);
  }

  /**
   * The citizen's phone on the agent's card, "Appeler le 15", the help e-mail in the footer, "Prendre un nouveau
   * rendez-vous" on the bad link's page: each is a target of 44 px at least.
   */
  @Test
  void isolated_links_are_targets_of_44_pixels() {
    JsonObject booked = booked(5, "Eugénie Bastide", "06 39 98 13 07");
    Page agent = web.signIn(web.newTabletPage(), "agent.cpam");
    assertThat(agent.locator("#next-day")).isEnabled();
    agent.locator("#day").fill(booked.getString("start").substring(0, 10));
    agent.locator("#day").dispatchEvent("change");
    Locator card = agent.locator("#appointments article").filter(new Locator.FilterOptions().setHasText("Eugénie Bastide"));
    atLeast44High(card.locator("a[href^='tel:']"), "the citizen's phone on the agent's card");
    atLeast44High(agent.locator("footer .help-email"), "the help e-mail");
    agent.context().close();

    Page nurse = web.signIn(web.newPhonePage(), "infirmiere.massiac");
    assertThat(nurse.locator("#request button[type=submit]")).isEnabled();
    nurse.locator("input[name=urgency][value=urgent]").check();
    atLeast44High(nurse.locator("#call-15 a[href='tel:15']"), "Appeler le 15");
    nurse.context().close();

    Page bad = web.newPhonePage();
    bad.navigate(web.url("/rendez-vous.html#" + booked.getString("id") + ".pas-le-bon-jeton"));
    atLeast44High(bad.locator("#not-found #book-again"), "Prendre un nouveau rendez-vous");
    atLeast44High(bad.locator("footer .help-email"), "the help e-mail");
    bad.context().close();
  }

  private static String tokenOf(String login) {
    return web.node.api.login(login + "@cantal.demo", BrowserFixture.PASSWORD);
  }

  /**
   * The doctor: "Prendre la demande suivante" takes the keyboard to the consultation taken, then waits, disabled, saying
   * why, while it is in progress; "Rejoindre l'appel" says "Connexion…" and joins once; "Quitter l'appel" gives the
   * keyboard back; an empty report is refused on its field; her report sent stays in "Comptes rendus envoyés" after a
   * reload. The nurse's "J'ai vu" on the report's banner takes her keyboard to her requests.
   */
  @Test
  void the_doctor_takes_one_at_a_time_joins_once_and_keeps_her_reports_sent_across_a_reload() {
    String nurseToken = tokenOf("infirmiere.salers");
    var created = web.node.api.post("/api/teleconsultations", nurseToken, new JsonObject()
        .put("patient", new JsonObject().put("reference", "R-UNE-1")).put("reason", "Escarre talon gauche")
        .put("specialty", "soins_palliatifs").put("urgency", "normal").put("consent", new JsonObject().put("given", true)));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    Page nurse = web.signIn(web.newTabletPage(), "infirmiere.salers");
    Page doctor = web.signIn(web.newTabletPage(), "dr.garcia");
    doctor.locator("#available").click();
    // As she would: the request shows in her queue (the socket's snapshot has come) before she takes the next one. A
    // snapshot read before her take and arriving after its answer puts the item back in the queue for a moment, and
    // the heading she was taken to is hidden, then shown again without the keyboard (a clean-clone run, 3 December).
    assertThat(doctor.locator("#queue")).containsText("R-UNE-1");
    Locator next = doctor.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Prendre la demande suivante"));
    next.click();
    assertThat(doctor.locator("#current")).containsText("R-UNE-1");
    assertThat(doctor.locator("#current-title")).isFocused();
    assertThat(next).isDisabled();
    assertThat(doctor.locator("#next-why"))
        .hasText("Terminez votre téléconsultation en cours, ou remettez-la dans la file, avant d'en prendre une autre.");
    assertThat(next).hasAttribute("aria-describedby", "next-why");
    PagesTest.assertAccessible(doctor, "tablette-medecin-une-a-la-fois");

    List<Route> held = new CopyOnWriteArrayList<>();
    doctor.route("**/join", held::add);
    Locator join = doctor.locator("#current").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Rejoindre l'appel"));
    join.click();
    Locator busy = doctor.locator("#current button[aria-busy=true]");
    assertThat(busy).hasText("Connexion…");
    assertThat(busy).isDisabled();
    busy.evaluate("b => b.click()");
    doctor.waitForCondition(() -> !held.isEmpty());
    assertThat(held).hasSize(1);
    doctor.unroute("**/join");
    held.forEach(Route::resume);
    assertThat(doctor.locator("#call .stand-in")).isVisible();
    doctor.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Quitter l'appel")).click();
    assertThat(doctor.locator("#call")).isHidden();
    assertThat(doctor.locator(":focus")).hasCount(1);
    assertThat(doctor.locator("body")).not().isFocused();

    Locator send = doctor.locator("#report button[type=submit]");
    send.click();
    Locator text = doctor.locator("#report-text");
    assertThat(text).hasAttribute("aria-invalid", "true");
    assertThat(text).hasAttribute("aria-describedby", "report-error");
    assertThat(doctor.locator("#report-error")).isVisible();
    text.fill("Pansement hydrocolloïde, changer tous les trois jours.");
    send.click();
    // No conclusion is chosen for her: asked on its field.
    Locator outcome = doctor.locator("#outcome");
    assertThat(outcome).hasAttribute("aria-invalid", "true");
    assertThat(outcome).isFocused();
    assertThat(doctor.locator("#report-error")).hasText("Choisissez la conclusion du compte rendu.");
    assertThat(text).not().hasAttribute("aria-invalid", "true");
    outcome.selectOption("advice_given");
    send.click();
    assertThat(doctor.locator("#sent article")).containsText("R-UNE-1");
    assertThat(outcome).not().hasAttribute("aria-invalid", "true");
    assertThat(text).not().hasAttribute("aria-invalid", "true");
    assertThat(next).isEnabled();
    assertThat(doctor.locator("#next-why")).isHidden();
    doctor.reload();
    assertThat(doctor.locator("#sent article")).containsText("R-UNE-1");
    doctor.context().close();

    Locator banner = nurse.locator("#report-banner");
    assertThat(banner).containsText("R-UNE-1");
    banner.getByRole(AriaRole.BUTTON).click();
    assertThat(banner).isHidden();
    assertThat(nurse.locator("#open-title")).isFocused();
    nurse.context().close();
  }

  /** A wrong password or an empty field: the fields concerned are marked aria-invalid and described by the refusal. */
  @Test
  void sign_in_refusals_mark_the_fields_they_concern() {
    Page page = web.newTabletPage();
    page.navigate(web.url("/connexion.html"));
    Locator submit = page.locator("button[type=submit]");
    page.locator("#email").fill("agent.caf@cantal.demo");
    submit.click();
    assertThat(page.locator("#error")).isVisible();
    assertThat(page.locator("#password")).hasAttribute("aria-invalid", "true");
    assertThat(page.locator("#password")).hasAttribute("aria-describedby", "error");
    assertThat(page.locator("#email")).not().hasAttribute("aria-invalid", "true");
    page.locator("#password").fill("pas-le-bon-mot-de-passe");
    submit.click();
    assertThat(page.locator("#error")).hasText("L'adresse e-mail ou le mot de passe est incorrect.");
    assertThat(page.locator("#email")).hasAttribute("aria-invalid", "true");
    assertThat(page.locator("#password")).hasAttribute("aria-invalid", "true");
    PagesTest.assertAccessible(page, "tablette-connexion-refusee");
    page.context().close();
  }

  /**
   * The citizen's call: "Réessayer" keeps the keyboard on the call; leaving gives it back to "Rejoindre la visio" and
   * "Tester micro et caméra" is there again (it was gone until a reload), its button keeping the keyboard too.
   */
  @Test
  void leaving_the_call_gives_the_keyboard_back_and_the_device_check_returns() {
    JsonObject booked = booked(3, "Céleste Vigier", "06 39 98 13 08");
    Instant now = clock.instant();
    clock.set(OffsetDateTime.parse(booked.getString("start")).toInstant().minus(Duration.ofMinutes(9)));
    try {
      joinLeaveAndTestDevices(booked);
    } finally {
      clock.set(now);
    }
  }

  /**
   * The call's settings cannot be read when she joins (the link dropped between two answers): said in French, and her
   * "Rejoindre la visio" is there again to try. It said "Failed to fetch" (a raw fetch of /api/config).
   */
  @Test
  void a_join_whose_settings_cannot_be_read_says_so_in_french_and_can_be_tried_again() {
    JsonObject booked = booked(3, "Clémence Vigier", "06 39 98 13 09");
    Instant now = clock.instant();
    clock.set(OffsetDateTime.parse(booked.getString("start")).toInstant().minus(Duration.ofMinutes(9)));
    try {
      // Lost from the page's opening on: her room open, the page reads them at once to load the call's script early.
      Page page = manageOpen(booked, lost -> lost.route("**/api/config", Route::abort));
      page.locator("#join").click();
      Locator error = page.locator("#manage .error[role=alert]");
      assertThat(error).hasText("Connexion perdue. Réessayez dans un instant.");
      page.unroute("**/api/config");
      assertThat(page.locator("#join")).isEnabled();
      assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Tester micro et caméra"))).isVisible();
      page.locator("#join").click();
      assertThat(page.locator("#call h2")).isVisible();
      page.context().close();
    } finally {
      clock.set(now);
    }
  }

  private static void joinLeaveAndTestDevices(JsonObject booked) {
    // The video server cannot be reached first (from the page's opening on: her room open, the page asks for the video
    // script at once): "Réessayer" keeps the keyboard on the call's heading.
    Page page = manageOpen(booked, unreachable -> unreachable.route("**/external_api.js", Route::abort));
    page.locator("#join").click();
    Locator retry = page.locator("#call-retry");
    assertThat(retry).isVisible();
    page.unroute("**/external_api.js");
    retry.click();
    assertThat(page.locator("#call .stand-in")).isVisible();
    assertThat(page.locator("#call h2")).isFocused();
    assertThat(page.locator("#device-test")).isHidden();
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Quitter l'appel")).click();
    assertThat(page.locator("#join")).isFocused();
    // A re-render (a live event, the tab coming back) makes the buttons anew: the keyboard stays on "Rejoindre".
    page.evaluate("window.dispatchEvent(new Event('focus'))");
    assertThat(page.locator("#join")).isFocused();
    Locator test = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Tester micro et caméra"));
    assertThat(test).isVisible();
    // Disabled while it asks, the button gets the keyboard back once the result is said.
    test.click();
    assertThat(page.locator("#device-result")).not().isEmpty();
    assertThat(test).isEnabled();
    assertThat(test).isFocused();
    page.context().close();
  }

  /**
   * Moved after he printed it, her convocation bore the old time: the mediator prints it again from his list, with the
   * time and the link of now, and the print holds that sheet alone.
   */
  @Test
  void the_mediator_prints_her_convocation_again_at_its_new_time() {
    String mediator = web.node.api.login("mediateur.riom@cantal.demo", BrowserFixture.PASSWORD);
    JsonObject booked = web.bookCarteVitale(mediator, 5, "Fernande Roux", "06 39 98 13 10");
    String id = booked.getString("id");
    java.time.LocalDate later = OffsetDateTime.parse(booked.getString("start")).toLocalDate().plusDays(7);
    String newStart = web.firstSlot(booked.getString("serviceId"), later);
    org.assertj.core.api.Assertions.assertThat(web.node.api.post("/api/visio/appointments/" + id + "/reschedule", mediator,
        new JsonObject().put("start", newStart)).status()).isEqualTo(200);
    JsonObject now = web.node.api.get("/api/visio/appointments/" + id + "/convocation", mediator).json();

    Page page = web.signIn(web.newTabletPage(), "mediateur.riom");
    page.locator("button[data-reprint='" + id + "']").click();
    Locator sheet = page.locator("#reprint .convocation");
    assertThat(page.locator("#reprint h3")).isFocused();
    assertThat(page.locator("#reprint h3")).hasText("Convocation de Fernande Roux, à jour");
    assertThat(sheet).containsText(booked.getString("reference"));
    assertThat(sheet).containsText("Fernande Roux");
    assertThat(sheet.locator(".link code")).hasText(web.url(now.getString("shortLink")));
    java.time.ZonedDateTime at = OffsetDateTime.parse(newStart).atZoneSameInstant(java.time.ZoneId.of("Europe/Paris"));
    String day = at.getDayOfMonth() + (at.getDayOfMonth() == 1 ? "er " : " ")
        + at.format(java.time.format.DateTimeFormatter.ofPattern("MMMM", java.util.Locale.FRENCH));
    assertThat(sheet.locator("dd").nth(1)).containsText(day);
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }");
    page.locator("#reprint-print").click();
    org.assertj.core.api.Assertions.assertThat(page.evaluate("() => window.printed")).isEqualTo(1);
    // Printed (its button or Ctrl+P), the reprint alone: the page says so before the print.
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))");
    assertThat(page.locator("body")).hasClass(java.util.regex.Pattern.compile("printing-one"));
    page.emulateMedia(new Page.EmulateMediaOptions().setMedia(com.microsoft.playwright.options.Media.PRINT));
    assertThat(sheet).isVisible();
    page.context().close();
  }

  /** The mediator books for someone else: the words speak of that person, and her manage page opens in a new tab. */
  @Test
  void the_mediator_books_in_words_for_another_person() {
    Page page = web.signIn(web.newTabletPage(), "mediateur.riom");
    page.locator("#wizard .card").filter(new Locator.FilterOptions().setHasText("Carte Vitale")).locator("button.big").click();
    Locator wizard = page.locator("#wizard");
    assertThat(wizard).containsText("D'où la personne fera-t-elle la visio ?");
    assertThat(wizard).containsText("Ou dans un point visio-accueil près de chez elle");
    assertThat(wizard).not().containsText("près de chez vous");
    page.getByText("Depuis chez elle").click();
    page.locator(".slots button").first().click();
    assertThat(wizard).containsText("Quelqu'un l'accompagne");
    assertThat(wizard).not().containsText("Une personne m'accompagne");
    page.locator("#name").fill("Marius Fabre");
    page.locator("#phone").fill("06 39 98 13 09");
    page.locator("#wizard button[type=submit]").click();
    assertThat(page.locator("#convocation")).isVisible();
    assertThat(wizard).not().containsText("Ajouter à mon agenda");
    assertThat(wizard).not().containsText("Gérer mon rendez-vous");
    assertThat(page.locator("#manage-link")).hasAttribute("target", "_blank");
    Locator card = page.locator("#appointments article").filter(new Locator.FilterOptions().setHasText("Marius Fabre"));
    assertThat(card.locator("h3")).hasText(Pattern.compile(" à \\d{1,2} h( \\d{2})? — Marius Fabre$"));
    page.context().close();
  }

  /**
   * Someone at the desk has no mobile and no e-mail: the mediator books with her name alone, and the page says what
   * follows (nothing sent to her, the convocation to print and hand over, the appointment kept on his page).
   */
  @Test
  void the_mediator_books_for_someone_with_neither_phone_nor_email_and_prints_her_convocation() {
    Page page = web.signIn(web.newTabletPage(), "mediateur.riom");
    page.locator("#wizard .card").filter(new Locator.FilterOptions().setHasText("Carte Vitale")).locator("button.big").click();
    page.getByText("Depuis chez elle").click();
    page.locator(".slots button").first().click();
    assertThat(page.locator("#contact-hint")).hasText("Son adresse e-mail ou son téléphone, si elle en a : la confirmation et "
        + "les rappels lui seront envoyés (par SMS sur un portable). Sans l'un ni l'autre, imprimez la convocation et "
        + "remettez-la-lui.");
    page.locator("#name").fill("Léontine Vergne");
    page.locator("#wizard button[type=submit]").click();
    assertThat(page.locator("#convocation")).isVisible();
    // The convocation is printed and handed to her: it speaks to her; what follows for the mediator is said outside it.
    assertThat(page.locator("#convocation #keep-link")).hasText("Gardez ce lien : il permet de rejoindre la visio, de changer "
        + "ou d'annuler le rendez-vous.");
    Locator forHim = page.locator("#no-contact");
    assertThat(forHim).hasText("La personne n'a donné ni e-mail ni téléphone : elle ne recevra ni confirmation ni rappel. "
        + "Imprimez cette convocation et remettez-la-lui. Le rendez-vous reste dans votre liste : vous pourrez y rejoindre la "
        + "visio à ses côtés ou l'annuler.");
    org.assertj.core.api.Assertions.assertThat((Boolean) forHim.evaluate("e => !e.closest('.convocation')")).isTrue();
    assertThat(page.locator("#print")).isVisible();
    // The link she will type from the paper is the short one, as in SMS (the manage link is 130 characters).
    assertThat(page.locator("#convocation-link")).hasText(Pattern.compile("^http://127\\.0\\.0\\.1:\\d+/r/CPAM-[A-Z0-9]+\\.[a-z2-7]{20}$"));
    PagesTest.assertAccessible(page, "tablette-mediateur-sans-contact");

    // The agent has no number of hers: she reaches her through the France Services house that booked it.
    Page agent = web.signIn(web.newPhonePage(), "agent.cpam");
    assertThat(agent.locator("#appointments > *").first()).isVisible();
    String mediator = web.node.api.login("mediateur.riom@cantal.demo", BrowserFixture.PASSWORD);
    String day = web.node.api.get("/api/visio/appointments", mediator).array().stream().map(JsonObject.class::cast)
        .filter(a -> "Léontine Vergne".equals(a.getJsonObject("citizen").getString("name"))).findFirst().orElseThrow()
        .getString("start").substring(0, 10);
    agent.locator("#day").fill(day);
    agent.locator("#day").dispatchEvent("change");
    Locator hers = agent.locator("#appointments article").filter(new Locator.FilterOptions().setHasText("Léontine Vergne"));
    assertThat(hers.locator(".contact")).hasText("Par le médiateur (Lucas Meyniel, conseiller France Services) : 04 65 71 20 15");
    assertThat(hers.locator("a[href='tel:+33465712015']")).isVisible();
    agent.context().close();

    // His list holds it for her: cancelling is asked first, named for her, and said.
    Locator card = page.locator("#appointments article").filter(new Locator.FilterOptions().setHasText("Léontine Vergne"));
    Locator cancel = card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Annuler le rendez-vous Léontine Vergne"));
    cancel.click();
    assertThat(Question.of(page)).containsText("Annuler le rendez-vous de Léontine Vergne, ");
    Question.decline(page);
    assertThat(cancel).isFocused();
    cancel.click();
    Question.accept(page);
    assertThat(card.locator(".tag")).hasText("Annulé");
    assertThat(page.locator("#status")).hasText("Rendez-vous de Léontine Vergne annulé.");
    page.context().close();
  }

  /**
   * The citizen asks for a new link (from another device, say) while her manage page is open: the page's socket is
   * closed by the server and the page says at once that this link no longer works and how to get the new one — it
   * kept knocking with the old link, saying nothing.
   */
  @Test
  void a_link_renewed_while_its_page_is_open_says_so_on_the_page() {
    JsonObject booked = booked(6, "Rose Cayrol", "06 39 98 13 11");
    Page page = web.newPhonePage();
    page.navigate(web.url("/rendez-vous.html#" + booked.getString("manageToken")));
    assertThat(page.locator("#page-title")).hasText("Mon rendez-vous");
    assertThat(page.locator("#offline")).isHidden();
    Eventually.until("the page's socket is open", () -> web.node.node().gateway().connected() > 0);
    var renewed = web.node.api.send("POST", "/api/visio/appointments/" + booked.getString("id") + "/manage-link", null, "{}",
        java.util.Map.of("X-Manage-Token", booked.getString("manageToken"), "Content-Type", "application/json"));
    assertThat(renewed.status()).as(renewed.toString()).isIn(202, 204);
    assertThat(page.locator("#not-found")).isVisible();
    assertThat(page.locator("#not-found")).isFocused();
    assertThat(page.locator("#offline")).isHidden();
    page.context().close();
  }

  /**
   * The mediator's booking steps are history entries, like the citizen's: the browser's Back shows the previous step with
   * its answers and stays on his page (it left the page, losing the booking under way).
   */
  @Test
  void the_mediators_back_button_goes_one_step_back_and_stays_on_his_page() {
    Page page = web.signIn(web.newTabletPage(), "mediateur.riom");
    Locator stepper = page.locator("#stepper");
    assertThat(stepper).hasText("Étape 1 sur 4");
    page.locator("#wizard .card").filter(new Locator.FilterOptions().setHasText("Carte Vitale")).locator("button.big").click();
    assertThat(stepper).hasText("Étape 2 sur 4");
    page.getByText("Depuis chez elle").click();
    assertThat(stepper).hasText("Étape 3 sur 4");
    page.goBack();
    assertThat(stepper).hasText("Étape 2 sur 4");
    page.goBack();
    assertThat(stepper).hasText("Étape 1 sur 4");
    assertThat(page).hasURL(Pattern.compile(".*/mediateur\\.html$"));
    page.goForward();
    assertThat(stepper).hasText("Étape 2 sur 4");
    page.getByText("Depuis chez elle").click();
    assertThat(stepper).hasText("Étape 3 sur 4");
    // "Retour" at the top is the same Back.
    page.locator("#wizard button.back").click();
    assertThat(stepper).hasText("Étape 2 sur 4");
    assertThat(page).hasURL(Pattern.compile(".*/mediateur\\.html\\?etape=2$"));
    page.context().close();
  }

  /**
   * The admin's statistics: every table header has words (read by screen readers), figures written the French way; the
   * users' last column is named; the page's icon is served (no 404 on every page).
   */
  @Test
  void the_admins_tables_have_named_headers_and_the_site_has_its_icon() {
    // A request of the period (pneumologie: in no demo doctor's queue), so that the statistics have a table.
    // Cancelled at once: counted in the period, in nobody's queue (a test moving the clock would escalate it to the GPs).
    String nurse = web.node.api.login("infirmiere.condat@cantal.demo", BrowserFixture.PASSWORD);
    var created = web.node.api.post("/api/teleconsultations", nurse, fr.cantou.support.CareTerritory.request("pneumologie", "normal"));
    assertThat(created.status()).isEqualTo(201);
    assertThat(web.node.api.post("/api/teleconsultations/" + created.json().getString("id") + "/cancel", nurse, new JsonObject())
        .status()).isEqualTo(200);
    Page admin = web.signIn(web.newPage(), "admin");
    assertThat(admin.locator("#stats-body table").first()).isAttached();
    assertThat(admin.locator("#stats-body th:empty, #user-list th:empty")).hasCount(0);
    admin.navigate(web.url("/admin.html#users"));
    assertThat(admin.locator("#user-list th").nth(4)).hasText("Actions");
    assertThat(admin.locator("#stats-body")).not().containsText("(s)");
    admin.navigate(web.url("/admin.html#audit"));
    assertThat(admin.locator("#audit-count")).not().containsText("(s)");
    admin.context().close();
    assertThat(web.node.api.get("/favicon.ico").status()).isEqualTo(200);
    assertThat(web.node.api.get("/favicon.svg").status()).isEqualTo(200);
  }

  /** "Aller au contenu", the first Tab of every page, is a 44-pixel target like the others (it was 43). */
  @Test
  void the_skip_link_is_a_full_size_target() {
    Page page = web.newPhonePage();
    // A page that puts the focus nowhere itself: the first Tab is the skip link's.
    page.navigate(web.url("/accessibilite.html"));
    page.keyboard().press("Tab");
    Locator skip = page.locator(".skip");
    assertThat(skip).isFocused();
    assertThat(skip.boundingBox().height).isGreaterThanOrEqualTo(44);
    assertThat(skip.boundingBox().width).isGreaterThanOrEqualTo(44);
    page.context().close();
  }

  /** A period with nothing in it: each figure says "Pas encore de chiffres", never an empty table. */
  @Test
  void statistics_of_an_empty_period_say_so_instead_of_empty_tables() {
    Page admin = web.newPage();
    admin.route("**/api/stats/overview*", route -> route.fulfill(new Route.FulfillOptions().setStatus(200)
        .setContentType("application/json").setBody(new JsonObject()
            .put("teleconsultations", new JsonObject().put("byOrganisation", new JsonArray()).put("bySpecialty", new JsonArray())
                .put("byKind", new JsonArray()).putNull("medianWaitMinutes").putNull("p90WaitMinutes"))
            .put("visio", new JsonObject().put("bookings", new JsonArray()).put("completed", 0).put("noShows", 0)
                .put("cancelled", 0)).encode())));
    web.signIn(admin, "admin");
    Locator stats = admin.locator("#stats-body");
    assertThat(stats.getByText("Pas encore de chiffres pour cette période.")).hasCount(4);
    assertThat(stats).containsText("Attente avant prise en charge : pas encore de données pour cette période.");
    assertThat(stats).not().containsText("–");
    assertThat(stats.locator("table")).hasCount(0);
    assertThat(stats).not().containsText("null");
    PagesTest.assertAccessible(admin, "admin-statistiques-vides");
    admin.context().close();
  }
}
