package fr.cantou.web;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.FilePayload;
import fr.cantou.teleconsult.CareFiles;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * The care pages after an outside clinical-safety review: a list asked for before an event never takes back what the
 * event said; the form emptied when the request is created, not after its slow upload (which erased the next resident's
 * request she had begun).
 */
class CarePagesSafetyTest {
  static BrowserFixture web;

  @BeforeAll
  static void start() {
    web = new BrowserFixture();
  }

  @AfterEach
  void nothingNeverShownWasShown(TestInfo test) {
    BrowserFixture.assertNothingNeverShownWasShown(test.getDisplayName());
  }

  @AfterAll
  static void stop() {
    web.close();
  }

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
}
