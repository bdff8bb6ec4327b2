package fr.cantou.web;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
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
 * event said.
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
}
