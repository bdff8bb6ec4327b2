package fr.cantou.web;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.AriaRole;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a third outside review of the citizen's pages found, on a weak rural link and with a screen reader: a request
 * whose connection stalls (no answer, no error) left "Envoi…" for ever; a loading line came with its words already in
 * it, so that screen readers did not say it. And the visio-accueil's small last-mile defects left by earlier reviews:
 * closing the account of a mediator who booked for people with neither phone nor e-mail said nothing of them.
 */
class LastMileReview3Test {
  /** Past the pages' deadline for an answer (api.js, ANSWER_DEADLINE_MS: 30 s), on the page's own fake clock. */
  private static final long PAST_THE_DEADLINE_MS = 30_001;
  @org.junit.jupiter.api.extension.RegisterExtension
  static final BrowserFixture web = BrowserFixture.forTheClass();

  /**
   * Her booking sent, its connection stalls: nothing comes back, not even an error. The button said "Envoi…" for ever.
   * Now, past the deadline, the page says the connection does not answer, her answers kept; confirmed again, the
   * booking goes with the same Idempotency-Key (the first may have booked), and she sees it confirmed once.
   */
  @Test
  void a_booking_whose_answer_never_comes_is_said_after_a_while_and_sent_again_with_the_same_key() {
    Page page = web.newPhonePage();
    page.clock().install();
    toContactStep(page);
    page.locator("#name").fill("Odette Rouquier");
    page.locator("#email").fill("odette.rouquier@exemple.fr");
    List<String> keys = new CopyOnWriteArrayList<>();
    List<Route> stalled = new CopyOnWriteArrayList<>();
    page.route("**/api/visio/appointments", route -> {
      keys.add(route.request().headerValue("idempotency-key"));
      stalled.add(route);
    });
    Locator confirm = page.locator("#wizard button[type=submit]");
    confirm.click();
    assertThat(confirm).hasText("Envoi…");
    page.waitForCondition(() -> stalled.size() == 1);

    page.clock().runFor(PAST_THE_DEADLINE_MS);
    assertThat(page.locator("#wizard p.error[role=alert]"))
        .hasText("La connexion ne répond pas. Vos réponses sont gardées. Réessayez.");
    assertThat(confirm).isEnabled();
    assertThat(confirm).hasText("Confirmer le rendez-vous");
    assertThat(page.locator("#name")).hasValue("Odette Rouquier");

    page.unroute("**/api/visio/appointments");
    page.route("**/api/visio/appointments", route -> {
      keys.add(route.request().headerValue("idempotency-key"));
      route.resume();
    });
    confirm.click();
    assertThat(page.locator("#wizard h2")).hasText("Votre rendez-vous est confirmé");
    assertThat(keys).as("the booking sent again with the key of the send that got no answer").hasSize(2);
    assertThat(keys.get(1)).isNotBlank().isEqualTo(keys.get(0));
    page.context().close();
  }

  /**
   * Her appointment's page asks for her appointment and the connection stalls: it said "Chargement…" for ever. Past the
   * deadline it says the connection does not answer, with "Réessayer", which brings her appointment.
   */
  @Test
  void her_appointment_that_never_comes_is_said_after_a_while_with_try_again() {
    JsonObject booked = web.bookCarteVitale(null, 4, "Lucienne Bex", "06 39 98 12 21");
    Page page = web.newPhonePage();
    page.clock().install();
    List<Route> stalled = new CopyOnWriteArrayList<>();
    String appointment = "**/api/visio/appointments/" + booked.getString("id");
    page.route(appointment, stalled::add);
    page.navigate(web.url("/rendez-vous.html?gerer#" + booked.getString("manageToken")));
    page.waitForCondition(() -> stalled.size() == 1);
    assertThat(page.locator("#manage-loading")).isVisible();

    page.clock().runFor(PAST_THE_DEADLINE_MS);
    assertThat(page.locator("#load-failed")).containsText("La connexion ne répond pas.");
    assertThat(page.locator("#manage-loading")).hasCount(0);
    page.unroute(appointment);
    page.locator("#retry").click();
    assertThat(page.locator("#join")).hasText("Rejoindre la visio");
    page.context().close();
  }

  /**
   * A live region is heard when its text changes: her appointment's loading line, and the booking's "Recherche des
   * créneaux…", came into the page with their words already in them, and screen readers did not say them. Now each
   * comes empty, and its words follow.
   */
  @Test
  void the_loading_lines_come_empty_and_their_words_follow_so_that_screen_readers_say_them() {
    JsonObject booked = web.bookCarteVitale(null, 4, "Germaine Lavergne", "06 39 98 12 22");
    Page page = web.newPhonePage();
    // Each status line as it came into the page: its id and the words it held then.
    page.addInitScript("""
        window.__statusLines = [];
        new MutationObserver((records) => records.forEach((r) => r.addedNodes.forEach((n) => {
          if (n.nodeType !== 1) return;
          [n, ...n.querySelectorAll('[role=status]')].filter((e) => e.getAttribute('role') === 'status')
            .forEach((e) => window.__statusLines.push({ id: e.id, text: e.textContent }));
        }))).observe(document, { subtree: true, childList: true });
        """);
    List<Route> held = new CopyOnWriteArrayList<>();
    String appointment = "**/api/visio/appointments/" + booked.getString("id");
    page.route(appointment, held::add);
    page.navigate(web.url("/rendez-vous.html?gerer#" + booked.getString("manageToken")));
    page.waitForCondition(() -> held.size() == 1);
    assertThat(page.locator("#manage-loading"))
        .hasText("Chargement de votre rendez-vous… Sur une connexion lente, cela peut prendre un moment.");
    assertThat(page.evaluate("window.__statusLines.filter((l) => l.id === 'manage-loading').map((l) => l.text)"))
        .as("her appointment's loading line as it came into the page").isEqualTo(List.of(""));
    held.forEach(Route::resume);
    assertThat(page.locator("#join")).hasText("Rejoindre la visio");

    // The booking's slots, asked for while the step says it looks for them.
    page.unroute(appointment);
    List<Route> slots = new CopyOnWriteArrayList<>();
    page.route("**/slots?**", slots::add);
    page.navigate(web.url("/rendez-vous.html"));
    page.locator("#wizard .card").filter(new Locator.FilterOptions().setHasText("Carte Vitale")).locator("button.big").click();
    page.getByText("Depuis chez moi").click();
    page.waitForCondition(() -> slots.size() == 1);
    assertThat(page.locator("#searching")).hasText("Recherche des créneaux disponibles…");
    assertThat(page.evaluate("window.__statusLines.filter((l) => l.id === 'searching').map((l) => l.text)"))
        .as("the booking's searching line as it came into the page").isEqualTo(List.of(""));
    slots.forEach(Route::resume);
    assertThat(page.locator(".slots button").first()).isVisible();
    page.context().close();
  }

  /**
   * The rare 409 "Cette réservation a déjà été faite." (her key made a booking already, its answer lost) came with
   * "Choisir un autre créneau", as a slot taken does: her first booking exists, and a second one was offered. The page
   * says it exists and where to find it, and offers neither another time nor "Confirmer" again.
   */
  @Test
  void a_booking_made_already_is_said_so_and_no_other_time_is_offered() {
    Page page = web.newPhonePage();
    toContactStep(page);
    page.locator("#name").fill("Odette Rouquier");
    page.locator("#email").fill("odette.rouquier@exemple.fr");
    // The server's own refusal, as it writes it.
    String madeAlready = fr.cantou.platform.http.Problem.of(fr.cantou.platform.http.ApiException
        .conflict("This booking was made already.").kind("booking-made"), java.util.Locale.FRENCH).toJson().encode();
    page.route("**/api/visio/appointments", route -> route.fulfill(new Route.FulfillOptions().setStatus(409)
        .setContentType("application/problem+json").setBody(madeAlready)));
    page.locator("#wizard button[type=submit]").click();

    Locator said = page.locator("#wizard p.error[role=alert]");
    assertThat(said).containsText("Votre rendez-vous a déjà été pris lors d'un envoi précédent");
    assertThat(said.locator("a")).hasAttribute("href", "/rendez-vous.html?gerer#retrouver");
    assertThat(said).isFocused();
    assertThat(page.locator("#other-slot")).hasCount(0);
    assertThat(page.locator("#wizard button[type=submit]")).isHidden();
    page.context().close();
  }

  private static void toContactStep(Page page) {
    page.navigate(web.url("/rendez-vous.html"));
    page.locator("#wizard .card").filter(new Locator.FilterOptions().setHasText("Carte Vitale")).locator("button.big").click();
    page.getByText("Depuis chez moi").click();
    BrowserFixture.firstSlotAfterToday(page).click();
    assertThat(page.locator("#wizard h2")).hasText("Vos coordonnées");
  }

  /**
   * A mediator booked beside two people with neither phone nor e-mail: once his account is closed nothing reaches them
   * (nothing is sent to a closed account). The admin's question says so, with their references, and so does the line
   * after; asked for a mediator with none, the question is the usual one.
   */
  @Test
  void deactivating_a_mediator_names_what_he_booked_for_people_without_any_contact() {
    String mediator = web.node.api.login("mediateur.pierrefort@cantal.demo", BrowserFixture.PASSWORD);
    LocalDate from = LocalDate.now(ZoneId.of("Europe/Paris")).plusDays(3);
    JsonObject first = web.bookCarteVitale(mediator, from, new JsonObject().put("name", "Paulette Vergne"));
    JsonObject second = web.bookCarteVitale(mediator, from, new JsonObject().put("name", "Marcel Vergne"));
    Page admin = web.signIn(web.newTabletPage(), "admin");
    admin.navigate(web.url("/admin.html#users"));

    String who = "Hugo Astruc, médiateur numérique";
    Locator deactivate = admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Désactiver " + who));
    deactivate.click();
    String question = Question.decline(admin);
    org.assertj.core.api.Assertions.assertThat(question)
        .startsWith("Désactiver le compte de " + who + " ? Cette personne ne pourra plus se connecter. 2 rendez-vous à venir "
            + "ont été pris par ce compte pour des personnes sans téléphone ni e-mail")
        .contains(first.getString("reference") + ", Carte Vitale", second.getString("reference") + ", Carte Vitale");
    assertThat(deactivate).isFocused();

    deactivate.click();
    Question.accept(admin);
    Locator outcome = admin.locator("#admin-outcome");
    assertThat(outcome).containsText("Compte de " + who + " désactivé. 2 rendez-vous à venir ont été pris par ce compte");
    assertThat(outcome).containsText(first.getString("reference"));
    assertThat(outcome).containsText(second.getString("reference"));
    assertThat(outcome).isFocused();

    String other = "Lucas Meyniel, conseiller France Services";
    admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Désactiver " + other)).click();
    org.assertj.core.api.Assertions.assertThat(Question.decline(admin))
        .isEqualTo("Désactiver le compte de " + other + " ? Cette personne ne pourra plus se connecter.");
    admin.context().close();
  }
}
