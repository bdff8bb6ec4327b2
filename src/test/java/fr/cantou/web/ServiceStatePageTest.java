package fr.cantou.web;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import fr.cantou.realtime.WebSocketGateway;
import fr.cantou.support.Eventually;
import org.junit.jupiter.api.Test;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * When the node says on the WebSocket that its database is away, then back (what
 * {@code DatabaseStopTest} proves it says), the nurse's page says so plainly in French, in the
 * banner screen readers hear at once, and says it is back when it is.
 */
class ServiceStatePageTest {
  @org.junit.jupiter.api.extension.RegisterExtension
  static final BrowserFixture web = BrowserFixture.forTheClass();

  @Test
  void the_nurse_is_told_plainly_when_the_server_loses_its_database_and_when_it_is_back() {
    Page nurse = web.signIn("infirmiere.massiac");
    Locator banner = nurse.locator("#offline");
    assertThat(banner).isHidden();
    WebSocketGateway gateway = web.node.node().gateway();
    // Said again until the page has greeted and shows it (a socket still greeting is told after its welcome).
    Eventually.until("the page shows the degraded service", () -> {
      gateway.databaseAnswers(false);
      return banner.isVisible();
    });
    assertThat(banner).hasText("Connexion au serveur perturbée : vos données sont gardées. "
        + "Tout reprendra dès son retour, sans recharger la page.");
    assertThat(banner).hasAttribute("role", "alert");

    gateway.databaseAnswers(true);
    assertThat(banner).isHidden();
    assertThat(nurse.locator("#status")).hasText("Connexion rétablie.");
  }
}
