package fr.cantou.web;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page that chooses a password from a mailed link takes the link's token out of the address bar even on a rural
 * line that drops one of the scripts it imports (found by the outside review r16: the module that took it out runs only
 * once every module it imports has come, and the token stayed there for whoever looks at the screen, copies the address
 * or reads the history); the reload its loading notice advises still serves the link.
 */
class PasswordLinkPageAttackTest {
  @RegisterExtension
  static final BrowserFixture web = BrowserFixture.forTheClass(Clock.systemUTC(), Map.of());

  @Test
  void the_token_leaves_the_address_bar_even_when_a_script_the_page_imports_never_comes() {
    String token = "Q2FudG91LXIxNi1hLXRva2VuLW9mLTMyLWJ5dGVzLWhlcmU";
    Page page = web.newPage();
    // The line drops one of the page's shared scripts (the others come).
    page.route("**/js/ui.js", Route::abort);
    page.navigate(web.url("/nouveau-mot-de-passe.html#" + token));
    // Loaded as far as it will: the page's own script arrived and was given its chance to run.
    page.waitForLoadState(com.microsoft.playwright.options.LoadState.LOAD);
    assertThat(page.url()).as("the address bar once the page has loaded what it could").doesNotContain(token);

    // The line back, she reloads as the notice says: the page still has her link, and checks it (the server, which
    // never made this token, is stood in for: the link works).
    java.util.List<String> checked = new java.util.concurrent.CopyOnWriteArrayList<>();
    page.route("**/api/auth/password-reset/check", route -> {
      checked.add(new io.vertx.core.json.JsonObject(route.request().postData()).getString("token"));
      route.fulfill(new Route.FulfillOptions().setStatus(200).setContentType("application/json")
          .setBody("{\"purpose\":\"reset\",\"expiresAt\":\"2026-12-07T10:40:00Z\"}"));
    });
    page.unroute("**/js/ui.js");
    page.reload();
    com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
            new Page.GetByRoleOptions().setName("Enregistrer mon mot de passe"))).isEnabled();
    assertThat(page.locator("#no-link").isHidden()).isTrue();
    assertThat(checked).containsExactly(token);
  }
}
