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
@org.junit.jupiter.api.extension.ExtendWith(NothingNeverShown.class)
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
}
