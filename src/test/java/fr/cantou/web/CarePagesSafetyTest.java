package fr.cantou.web;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.FileChooser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.FilePayload;
import fr.cantou.teleconsult.CareFiles;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * The care pages after an outside clinical-safety review: a list asked for before an event never takes back what the
 * event said; a photo chosen from a card goes only once the nurse said yes to the resident it names; the form emptied
 * when the request is created, not after its slow upload (which erased the next resident's request she had begun); and
 * the language switch, which reloads the page, asks before losing what is typed and not sent.
 */
class CarePagesSafetyTest {
  @org.junit.jupiter.api.extension.RegisterExtension
  static final BrowserFixture web = BrowserFixture.forTheClass();

  private static String login(String who) {
    return web.node.api.login(who + "@cantal.demo", BrowserFixture.PASSWORD);
  }

  private static String requestFor(String nurse, String reference) {
    return web.nurseRequest(nurse, reference);
  }

  private static Locator cardOf(Page nurse, String reference) {
    return nurse.locator("#items article").filter(new Locator.FilterOptions().setHasText(reference));
  }

  private static FilePayload photo(String name) {
    return new FilePayload(name, "image/jpeg", CareFiles.photoWithGps(64, 48, 1));
  }

  /**
   * A doctor comes online: the nurse's page asks for its whole list again. The answer (read by the server then, the
   * request still waiting) is held while the doctor takes the request: its event says "Prise en charge". The older
   * answer, released after, leaves the card as the event said (it said "En attente" again until the next event).
   */
  @Test
  void a_list_asked_for_before_an_event_never_takes_back_what_the_event_said() {
    String nurseToken = login("infirmiere.salers");
    String garcia = login("dr.garcia");
    String id = requestFor(nurseToken, "R-GEN-1");
    web.node.api.post("/api/presence", garcia, new JsonObject().put("status", "offline"));
    Page nurse = web.signIn(web.newPage(BrowserFixture.Screen.TABLET), "infirmiere.salers");
    Locator status = cardOf(nurse, "R-GEN-1").locator(".tag[class*=status-]");
    assertThat(status).hasText("◔En attente");
    List<Runnable> held = new CopyOnWriteArrayList<>();
    nurse.route("**/api/teleconsultations", route -> {
      if (!"GET".equals(route.request().method()) || !held.isEmpty()) {
        route.resume();
        return;
      }
      // The list as the server has it now, its answer kept on the way.
      APIResponse answer = route.fetch();
      held.add(() -> route.fulfill(new Route.FulfillOptions().setResponse(answer)));
    });

    web.node.api.post("/api/presence", garcia, new JsonObject().put("status", "available"));
    nurse.waitForCondition(() -> !held.isEmpty());
    var claimed = web.node.api.post("/api/teleconsultations/" + id + "/claim", garcia, null);
    org.assertj.core.api.Assertions.assertThat(claimed.status()).as(claimed.toString()).isEqualTo(200);
    assertThat(status).hasText("➜Prise en charge");

    BrowserFixture.markAnswersRead(nurse);
    held.forEach(Runnable::run);
    nurse.waitForFunction("() => window.__answered.some((url) => url.endsWith('/api/teleconsultations'))");
    org.assertj.core.api.Assertions.assertThat(status.textContent()).isEqualTo("➜Prise en charge");
    web.node.api.post("/api/teleconsultations/" + id + "/cancel", nurseToken, null);
    nurse.context().close();
  }

  /**
   * Photos chosen from a card are sent only once she says yes to a question naming that card's resident as the card
   * does (reference · initials · year of birth), asked in the page's own dialog (the keyboard on "Annuler" first).
   * Cancelled, nothing goes and the keyboard is back on the card's button; said yes to, the photo goes to that request.
   */
  @Test
  void a_photo_chosen_from_a_card_goes_only_once_she_confirmed_the_resident_it_names() {
    String token = login("infirmiere.salers");
    String id = requestFor(token, "R-PHO-A");
    requestFor(token, "R-PHO-B");
    Page nurse = web.signIn(web.newPage(BrowserFixture.Screen.TABLET), "infirmiere.salers");
    List<String> uploads = new CopyOnWriteArrayList<>();
    nurse.route("**/api/teleconsultations/*/files", route -> {
      if ("POST".equals(route.request().method())) {
        uploads.add(route.request().url());
      }
      route.resume();
    });
    Locator card = cardOf(nurse, "R-PHO-A");
    Locator add = card.locator("button[data-files=add]");

    FileChooser chooser = nurse.waitForFileChooser(add::click);
    chooser.setFiles(new FilePayload[] {photo("plaie-1.jpg"), photo("plaie-2.jpg")});
    Locator question = Question.of(nurse);
    assertThat(question).hasAttribute("role", "alertdialog");
    assertThat(question.locator(".question")).hasText("Envoyer 2 photos dans la demande de R-PHO-A · JD · 1938 ?");
    assertThat(question.locator("button").nth(0)).hasText("Envoyer");
    assertThat(question.locator("button").nth(1)).hasText("Annuler");
    assertThat(question.locator("button").nth(1)).isFocused();
    org.assertj.core.api.Assertions.assertThat(uploads).as("sent before she answered").isEmpty();
    nurse.keyboard().press("Escape");
    assertThat(nurse.locator("dialog.ask")).hasCount(0);
    assertThat(add).isFocused();
    assertThat(nurse.locator("#status")).hasText("Envoi annulé : rien n'a été envoyé.");

    chooser = nurse.waitForFileChooser(add::click);
    chooser.setFiles(photo("plaie-3.jpg"));
    assertThat(Question.of(nurse).locator(".question")).hasText("Envoyer 1 photo dans la demande de R-PHO-A · JD · 1938 ?");
    nurse.keyboard().press("Shift+Tab");
    nurse.keyboard().press("Enter");
    assertThat(card.locator("img.thumb")).hasCount(1);
    assertThat(nurse.locator("#status")).hasText("Fichiers ajoutés à la demande R-PHO-A : 1.");
    // The photo said yes to has arrived: the two declined never went.
    org.assertj.core.api.Assertions.assertThat(uploads).hasSize(1);
    org.assertj.core.api.Assertions.assertThat(web.node.api.get("/api/teleconsultations/" + id, token).json()
        .getJsonArray("files")).hasSize(1);
    assertThat(cardOf(nurse, "R-PHO-B").locator("img.thumb")).hasCount(0);
    nurse.context().close();
  }

  /**
   * A request with a photo on a slow link: the form is empty as soon as the request exists, and what she types there
   * for the next resident while the photo still goes stays when its upload ends.
   */
  @Test
  void the_next_residents_request_typed_while_a_photo_goes_stays_when_the_upload_ends() {
    Page nurse = web.signIn(web.newPage(BrowserFixture.Screen.TABLET), "infirmiere.salers");
    List<Route> held = new CopyOnWriteArrayList<>();
    nurse.route("**/api/teleconsultations/*/files", held::add);
    BrowserFixture.typeRequest(nurse, "R-SLOW-1", "AB", "1931", "Plaie du coude");
    nurse.locator("#request-files").setInputFiles(photo("coude.jpg"));
    nurse.locator("#request button[type=submit]").click();
    nurse.waitForCondition(() -> !held.isEmpty());
    assertThat(cardOf(nurse, "R-SLOW-1")).hasCount(1);

    BrowserFixture.typeRequest(nurse, "R-SLOW-2", "CD", "1944", "Toux depuis ce matin");
    held.forEach(Route::resume);
    nurse.unroute("**/api/teleconsultations/*/files");
    assertThat(cardOf(nurse, "R-SLOW-1").locator("img.thumb")).hasCount(1);
    assertThat(nurse.locator("#status")).hasText("Fichiers ajoutés à la demande R-SLOW-1 : 1.");
    assertThat(nurse.locator("#request button[type=submit]")).not().hasAttribute("aria-busy", "true");
    assertThat(nurse.locator("#reference")).hasValue("R-SLOW-2");
    assertThat(nurse.locator("#initials")).hasValue("CD");
    assertThat(nurse.locator("#birthYear")).hasValue("1944");
    assertThat(nurse.locator("#reason")).hasValue("Toux depuis ce matin");
    assertThat(nurse.locator("#consent")).isChecked();
    nurse.context().close();
  }

  /**
   * Her photo refused because the service is busy (429: her other files still going; 503: the node's queue full), cut
   * for coming too slowly (408, a weak line) or by a lost connection is said as "send again", out loud (role=alert), and
   * kept: the keyboard on "Renvoyer", which sends it again without choosing it anew, under the same Idempotency-Key
   * (stored once, were a cut send stored after all); once it has gone, the error and the button leave.
   */
  @Test
  void a_photo_refused_while_the_service_is_busy_or_cut_is_kept_and_sent_again_with_renvoyer() {
    String token = login("infirmiere.salers");
    String id = requestFor(token, "R-BUSY-1");
    Page nurse = web.signIn(web.newPage(BrowserFixture.Screen.TABLET), "infirmiere.salers");
    List<String> keys = new CopyOnWriteArrayList<>();
    List<Integer> refusals = new CopyOnWriteArrayList<>(List.of(429, 503, 408, 0));
    nurse.route("**/api/teleconsultations/" + id + "/files", route -> {
      keys.add(String.valueOf(route.request().headers().get("idempotency-key")));
      if (refusals.isEmpty()) {
        route.resume();
        return;
      }
      int status = refusals.remove(0);
      if (status == 0) {
        route.abort("connectionreset");
        return;
      }
      String detail = switch (status) {
        case 429 -> "Vos autres fichiers sont encore en cours d’envoi ; patientez un instant qu’ils soient arrivés, puis "
            + "renvoyez celui-ci.";
        case 503 -> "Le service est occupé : il reçoit beaucoup de photos et de documents en ce moment ; renvoyez le vôtre "
            + "dans un instant.";
        default -> "L’envoi arrivait trop lentement et a été interrompu : vérifiez la connexion, puis recommencez.";
      };
      route.fulfill(new Route.FulfillOptions().setStatus(status).setContentType("application/problem+json")
          .setHeaders(java.util.Map.of("Retry-After", "5"))
          .setBody(new JsonObject().put("type", "about:blank").put("status", status).put("detail", detail).encode()));
    });
    Locator card = cardOf(nurse, "R-BUSY-1");
    nurse.waitForFileChooser(card.locator("button[data-files=add]")::click).setFiles(photo("talon.jpg"));
    Question.of(nurse).locator("button").nth(0).click();

    Locator error = card.locator(".upload-error");
    assertThat(error).hasText("talon.jpg n'est pas encore envoyé : Vos autres fichiers sont encore en cours d’envoi ; "
        + "patientez un instant qu’ils soient arrivés, puis renvoyez celui-ci. Il est gardé : appuyez sur « Renvoyer » dans "
        + "un instant.");
    assertThat(error).hasAttribute("role", "alert");
    Locator again = card.locator("button[data-files=retry]");
    assertThat(again).hasText("Renvoyer");
    assertThat(again).hasAttribute("aria-label", "Renvoyer talon.jpg dans la demande R-BUSY-1");
    assertThat(again).isFocused();

    nurse.keyboard().press("Enter");
    assertThat(error).hasText("talon.jpg n'est pas encore envoyé : Le service est occupé : il reçoit beaucoup de photos et "
        + "de documents en ce moment ; renvoyez le vôtre dans un instant. Il est gardé : appuyez sur « Renvoyer » dans un "
        + "instant.");
    assertThat(again).isFocused();

    nurse.keyboard().press("Enter");
    assertThat(error).hasText("talon.jpg n'est pas encore envoyé : L’envoi arrivait trop lentement et a été interrompu : "
        + "vérifiez la connexion, puis recommencez. Il est gardé : appuyez sur « Renvoyer » dans un instant.");
    assertThat(again).isFocused();

    nurse.keyboard().press("Enter");
    assertThat(error).hasText("talon.jpg n'est pas encore envoyé : La connexion a été coupée pendant l'envoi. Il est "
        + "gardé : appuyez sur « Renvoyer » dans un instant.");
    assertThat(again).isFocused();

    again.click();
    assertThat(card.locator("img.thumb")).hasCount(1);
    assertThat(nurse.locator("#status")).hasText("Fichiers ajoutés à la demande R-BUSY-1 : 1.");
    assertThat(card.locator(".upload-error")).hasCount(0);
    assertThat(card.locator("button[data-files=retry]")).hasCount(0);
    org.assertj.core.api.Assertions.assertThat(keys).as("one photo, its one key on every send").hasSize(5)
        .doesNotContain("null").containsOnly(keys.get(0));
    org.assertj.core.api.Assertions.assertThat(web.node.api.get("/api/teleconsultations/" + id, token).json()
        .getJsonArray("files")).hasSize(1);
    web.node.api.post("/api/teleconsultations/" + id + "/cancel", token, null);
    nurse.context().close();
  }

  /**
   * A photo chosen with a new request, refused because the node's queue is full (503): the request is sent, the line
   * under the form says the photo did not follow yet and waits on the request's card, whose "Renvoyer" sends it.
   */
  @Test
  void a_photo_of_a_new_request_refused_while_the_service_is_busy_waits_on_its_card_for_renvoyer() {
    Page nurse = web.signIn(web.newPage(BrowserFixture.Screen.TABLET), "infirmiere.salers");
    List<Integer> refusals = new CopyOnWriteArrayList<>(List.of(503));
    nurse.route("**/api/teleconsultations/*/files", route -> {
      if (refusals.isEmpty()) {
        route.resume();
        return;
      }
      int status = refusals.remove(0);
      route.fulfill(new Route.FulfillOptions().setStatus(status).setContentType("application/problem+json")
          .setHeaders(java.util.Map.of("Retry-After", "5")).setBody(new JsonObject().put("type", "about:blank")
              .put("status", status).put("detail", "Le service est occupé : il reçoit beaucoup de photos et de documents "
                  + "en ce moment ; renvoyez le vôtre dans un instant.").encode()));
    });
    BrowserFixture.typeRequest(nurse, "R-BUSY-2", "EF", "1936", "Plaie du talon");
    nurse.locator("#request-files").setInputFiles(photo("talon.jpg"));
    nurse.locator("#request button[type=submit]").click();

    assertThat(nurse.locator("#request-files-error")).hasText("La demande de R-BUSY-2 est envoyée, mais talon.jpg n'a pas "
        + "encore suivi : Le service est occupé : il reçoit beaucoup de photos et de documents en ce moment ; renvoyez le "
        + "vôtre dans un instant. Il est gardé sur sa carte, dans « Demandes en cours » : appuyez sur « Renvoyer » dans un "
        + "instant.");
    Locator card = cardOf(nurse, "R-BUSY-2");
    assertThat(card.locator(".upload-error")).hasAttribute("role", "alert");
    card.locator("button[data-files=retry]").click();
    assertThat(card.locator("img.thumb")).hasCount(1);
    assertThat(card.locator("button[data-files=retry]")).hasCount(0);
    String id = card.getAttribute("data-id");
    web.node.api.post("/api/teleconsultations/" + id + "/cancel", login("infirmiere.salers"), null);
    nurse.context().close();
  }

  /**
   * The language switch reloads the page. With a request half typed, it asks first, naming what would be lost; "no"
   * keeps it, the keyboard back on the switch; "yes" switches. With nothing typed, it switches at once.
   */
  @Test
  void the_language_switch_asks_before_losing_the_nurses_half_typed_request() {
    Page nurse = web.signIn(web.newPage(BrowserFixture.Screen.TABLET), "infirmiere.salers");
    // Her page ready (its list drawn): the form's text is watched from then on (a loaded CI machine typed before it).
    assertThat(nurse.locator("#items > *").first()).isVisible();
    nurse.locator("#reference").fill("R-LANG-1");
    nurse.locator("#lang").click();
    org.assertj.core.api.Assertions.assertThat(Question.decline(nurse))
        .isEqualTo("Changer de langue efface la demande en cours de saisie. Continuer ?");
    assertThat(nurse.locator("#lang")).isFocused();
    assertThat(nurse.locator("html")).hasAttribute("lang", "fr");
    assertThat(nurse.locator("#reference")).hasValue("R-LANG-1");

    nurse.locator("#lang").click();
    Question.accept(nurse);
    assertThat(nurse.locator("html")).hasAttribute("lang", "en");
    assertThat(nurse.locator("#lang")).hasText("Français");
    // In English, nothing typed: back to French at once.
    nurse.locator("#lang").click();
    assertThat(nurse.locator("html")).hasAttribute("lang", "fr");
    assertThat(nurse.locator("#lang")).hasText("English");
    nurse.context().close();
  }

  /** The doctor's report and her message, typed and not sent, are named before the switch reloads the page. */
  @Test
  void the_language_switch_asks_before_losing_the_doctors_report_and_message() {
    String nurseToken = login("infirmiere.salers");
    String id = requestFor(nurseToken, "R-LANG-2");
    var claimed = web.node.api.post("/api/teleconsultations/" + id + "/claim", login("dr.planchon"), null);
    org.assertj.core.api.Assertions.assertThat(claimed.status()).as(claimed.toString()).isEqualTo(200);
    Page doctor = web.signIn(web.newPage(BrowserFixture.Screen.TABLET), "dr.planchon");
    assertThat(doctor.locator("#current-item")).containsText("R-LANG-2");
    doctor.locator("#report-text").fill("Plaie propre, pansement gras tous les deux jours.");
    doctor.locator("#lang").click();
    org.assertj.core.api.Assertions.assertThat(Question.decline(doctor))
        .isEqualTo("Changer de langue efface le compte rendu en cours. Continuer ?");
    doctor.locator("#current-item textarea").fill("Pouvez-vous prendre sa température ?");
    doctor.locator("#lang").click();
    org.assertj.core.api.Assertions.assertThat(Question.decline(doctor))
        .isEqualTo("Changer de langue efface le message en cours d'écriture et le compte rendu en cours. Continuer ?");
    assertThat(doctor.locator("#report-text")).hasValue("Plaie propre, pansement gras tous les deux jours.");
    assertThat(doctor.locator("#current-item textarea")).hasValue("Pouvez-vous prendre sa température ?");
    assertThat(doctor.locator("html")).hasAttribute("lang", "fr");
    web.node.api.post("/api/teleconsultations/" + id + "/cancel", nurseToken, null);
    doctor.context().close();
  }
}
