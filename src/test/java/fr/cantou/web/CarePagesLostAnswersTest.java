package fr.cantou.web;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.Locator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * The nurse's and the doctor's pages on a link that drops (a care home's weak Wi-Fi, a doctor's laptop): a request or
 * its answer lost on the way is tried again or said, never silently dropped, and what did reach the server is said done.
 */
class CarePagesLostAnswersTest {
  @org.junit.jupiter.api.extension.RegisterExtension
  static final BrowserFixture web = BrowserFixture.forTheClass();

  /**
   * The list of specialties, read once as the page starts, gets no answer: the page says it waits for the link (the
   * offline banner), reads it again, and starts — the nurse's "Envoyer la demande", the doctor's "Disponible" ready.
   */
  @ParameterizedTest
  @CsvSource({
      "infirmiere.salers, #request button[type=submit]",
      "dr.mercier, #available"})
  void a_professionals_page_whose_first_read_of_the_specialties_is_lost_reads_it_again_and_starts(String login, String ready) {
    Page page = web.newTabletPage();
    AtomicBoolean linkBack = new AtomicBoolean();
    page.route("**/api/specialties", route -> {
      if (linkBack.get()) {
        route.resume();
      } else {
        route.abort();
      }
    });
    web.signIn(page, login);
    assertThat(page.locator("#offline")).hasText("Connexion perdue. Nous nous reconnectons…");
    assertThat(page.locator(ready)).isDisabled();
    linkBack.set(true);
    assertThat(page.locator(ready)).isEnabled();
    assertThat(page.locator("#offline")).isHidden();
    page.context().close();
  }

  /**
   * She presses "Disponible" as her Wi-Fi drops: the request is lost. The page says her availability did not change
   * (she must never believe she is in the rota when no request will come to her), "Disponible" not pressed; pressed
   * again, it goes, and the refusal goes with it.
   */
  @Test
  void a_doctors_availability_lost_on_the_way_is_said_not_changed_and_can_be_sent_again() {
    Page doctor = web.newTabletPage();
    AtomicInteger sent = new AtomicInteger();
    doctor.route("**/api/presence", route -> {
      if ("POST".equals(route.request().method()) && sent.incrementAndGet() == 1) {
        route.abort();
      } else {
        route.resume();
      }
    });
    web.signIn(doctor, "dr.teyssier");
    assertThat(doctor.locator("#status")).hasText("Vous êtes indisponible.");
    Locator available = doctor.locator("#available");
    available.click();
    Locator failed = doctor.locator("#presence-error");
    assertThat(failed).hasText("Votre disponibilité n'a pas changé. Connexion perdue. Réessayez dans un instant.");
    assertThat(failed).hasAttribute("role", "alert");
    assertThat(available).hasAttribute("aria-pressed", "false");
    assertThat(available).hasText("Disponible");

    available.click();
    assertThat(available).hasAttribute("aria-pressed", "true");
    assertThat(failed).isHidden();
    assertThat(doctor.locator("#status")).hasText("Vous êtes disponible.");
    doctor.context().close();
  }

  /**
   * She sends her report; it reaches the server, and its answer is lost on her Wi-Fi. The live event then says her
   * consultation is completed: the page says her report was sent ("Compte rendu envoyé à l'établissement."), never
   * "Connexion perdue" about what was done, and her consultation goes with its form.
   */
  @Test
  void a_report_whose_answer_was_lost_is_said_sent_when_its_event_comes() {
    String nurse = web.node.api.login("infirmiere.salers@cantal.demo", BrowserFixture.PASSWORD);
    String garcia = web.node.api.login("dr.garcia@cantal.demo", BrowserFixture.PASSWORD);
    String id = web.nurseRequest(nurse, "R-LOST-REPORT");
    var claimed = web.node.api.post("/api/teleconsultations/" + id + "/claim", garcia, null);
    org.assertj.core.api.Assertions.assertThat(claimed.status()).as(claimed.toString()).isEqualTo(200);
    Page doctor = web.signIn(web.newTabletPage(), "dr.garcia");
    assertThat(doctor.locator("#current")).containsText("R-LOST-REPORT");
    // Done on the server, its answer lost.
    doctor.route("**/complete", route -> {
      route.fetch();
      route.abort();
    });
    doctor.locator("#report-text").fill("Pas de signe de gravité. Hydratation, surveillance de la température 48 h.");
    doctor.locator("#outcome").selectOption("advice_given");
    doctor.locator("#report button[type=submit]").click();
    Locator notice = doctor.locator("#sent-notice");
    assertThat(notice).hasText("Compte rendu envoyé à l'établissement.");
    assertThat(notice).isFocused();
    assertThat(doctor.locator("#current")).isHidden();
    assertThat(doctor.locator("#sent")).containsText("R-LOST-REPORT");
    assertThat(doctor.locator("#report-error")).isHidden();
    doctor.context().close();
  }
}
