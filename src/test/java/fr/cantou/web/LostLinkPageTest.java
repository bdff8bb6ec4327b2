package fr.cantou.web;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import fr.cantou.support.Eventually;
import fr.cantou.support.MutableClock;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * "A lost link is not a lost appointment", on the booking page of a phone: the form in French
 * with its labels, errors under their fields, the one answer read out by the live region, and
 * the old link no longer working; a short link that no longer works lands on the form.
 */
class LostLinkPageTest {
  private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-30T07:00:00Z"));
  @org.junit.jupiter.api.extension.RegisterExtension
  static final BrowserFixture web = BrowserFixture.forTheClass(CLOCK);

  /** A phone's page on the server's time (the server's clock is fixed: the page must not live on the real date). */
  static Page phonePage() {
    Page page = web.newPhonePage();
    page.clock().install(new com.microsoft.playwright.Clock.InstallOptions().setTime(CLOCK.instant().toEpochMilli()));
    return page;
  }

  static JsonObject bookByPhone(String phone) {
    JsonObject service = web.node.api.get("/api/visio/services").array().stream().map(JsonObject.class::cast)
        .filter(s -> s.getString("name").startsWith("Carte Vitale")).findFirst().orElseThrow();
    LocalDate from = LocalDate.ofInstant(CLOCK.instant(), ZoneId.of("Europe/Paris")).plusDays(2);
    JsonObject slot = web.node.api.get("/api/visio/services/" + service.getString("id") + "/slots?from=" + from + "&to="
        + from.plusDays(6)).array().getJsonObject(0);
    var booked = web.node.api.post("/api/visio/appointments", new JsonObject().put("serviceId", service.getString("id"))
        .put("start", slot.getString("start")).put("citizen", new JsonObject().put("name", "Odette Lafon").put("phone", phone)));
    assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
    return booked.json();
  }

  int status(JsonObject a) {
    return web.node.api.send("GET", "/api/visio/appointments/" + a.getString("id"), null, null,
        Map.of("X-Manage-Token", a.getString("manageToken"))).status();
  }

  @Test
  void a_citizen_gets_a_new_link_with_her_reference_and_her_number_and_the_form_says_only_what_it_may() {
    JsonObject a = bookByPhone("06 45 12 78 90");
    Page page = phonePage();
    page.navigate(web.url("/rendez-vous.html"));
    Locator form = page.locator("#lost-link-form");
    assertThat(form).isHidden();
    page.getByText("Vous avez perdu le lien de votre rendez-vous ?").click();
    assertThat(form).isVisible();

    page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
        new Page.GetByRoleOptions().setName("Recevoir un nouveau lien")).click();
    Locator reference = page.getByLabel("Référence du rendez-vous");
    assertThat(page.locator("#lost-reference-error")).hasText("Indiquez la référence du rendez-vous, par exemple CAF-7K3Q9.");
    assertThat(page.locator("#lost-contact-error"))
        .hasText("Indiquez l'adresse e-mail ou le numéro de téléphone donné à la réservation.");
    assertThat(reference).hasAttribute("aria-invalid", "true");
    assertThat(reference).isFocused();
    assertThat(reference).hasAttribute("aria-describedby", java.util.regex.Pattern.compile("lost-reference-error"));
    PagesTest.assertAccessible(page, "telephone-lien-perdu-erreurs");

    reference.fill(a.getString("reference").toLowerCase());
    page.getByLabel("Adresse e-mail ou numéro de téléphone").fill("+33 6 45 12 78 90");
    page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
        new Page.GetByRoleOptions().setName("Recevoir un nouveau lien")).click();
    Locator result = page.locator("#lost-link-result");
    assertThat(result).hasText("Si ces informations correspondent à un rendez-vous, un nouveau lien vient d'être envoyé.");
    assertThat(result).hasAttribute("aria-live", "polite");
    assertThat(page.locator("#lost-reference-error")).hasCount(0);
    Eventually.until("the old link stops working", () -> status(a) == 403);
    PagesTest.assertAccessible(page, "telephone-lien-perdu-envoye");

    // A contact that matches nothing: the same sentence, nothing changes.
    JsonObject other = bookByPhone("06 45 12 78 91");
    reference.fill(other.getString("reference"));
    page.getByLabel("Adresse e-mail ou numéro de téléphone").fill("odette@example.fr");
    page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
        new Page.GetByRoleOptions().setName("Recevoir un nouveau lien")).click();
    assertThat(result).hasText("Si ces informations correspondent à un rendez-vous, un nouveau lien vient d'être envoyé.");
    assertThat(status(other)).isEqualTo(200);
  }

  @Test
  void a_short_link_that_no_longer_works_opens_the_form_and_says_why() {
    JsonObject a = bookByPhone("06 45 12 78 92");
    Page page = phonePage();
    page.navigate(web.url("/r/" + a.getString("reference") + ".aaaaaaaaaaaaaaaaaaaa"));
    assertThat(page).hasURL(java.util.regex.Pattern.compile("/rendez-vous\\.html\\?gerer#lien-perdu$"));
    // The booking's first step has loaded (it used to take the focus and the scroll, 2,700 px above the explanation).
    assertThat(page.locator("#wizard h2")).hasText("Quel service souhaitez-vous rencontrer ?");
    Locator why = page.locator("#lost-link-expired");
    assertThat(why).hasText(java.util.regex.Pattern.compile("^Ce lien ne fonctionne plus"));
    assertThat(why).isFocused();
    assertThat(why).isInViewport();
    assertThat(page.getByLabel("Référence du rendez-vous")).isInViewport();
    double formTop = page.locator("#lost-link-form").boundingBox().y;
    assertThat(formTop).as("the form comes before the booking").isLessThan(page.locator("#wizard").boundingBox().y);
    assertThat(page.evaluate("window.scrollY")).isEqualTo(0);
    PagesTest.assertAccessible(page, "telephone-lien-court-perime");
  }

  /** A landline gets no SMS: the page says so under the field, and asks nothing (her link keeps working). */
  @Test
  void a_landline_is_said_under_the_field_and_nothing_is_asked() {
    JsonObject a = bookByPhone("04 71 45 12 94");
    Page page = phonePage();
    java.util.List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    page.onRequest(r -> { if (r.url().endsWith("/api/visio/lost-link")) { asked.add(r.url()); } });
    page.navigate(web.url("/rendez-vous.html#retrouver"));
    assertThat(page.locator("#lien-perdu summary")).isFocused();
    page.getByLabel("Référence du rendez-vous").fill(a.getString("reference"));
    page.getByLabel("Adresse e-mail ou numéro de téléphone").fill("04 71 45 12 94");
    page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
        new Page.GetByRoleOptions().setName("Recevoir un nouveau lien")).click();
    assertThat(page.locator("#lost-contact-error")).containsText("il ne peut pas être envoyé à un téléphone fixe");
    assertThat(page.getByLabel("Adresse e-mail ou numéro de téléphone")).isFocused();
    org.assertj.core.api.Assertions.assertThat(asked).isEmpty();
    org.assertj.core.api.Assertions.assertThat(status(a)).as("her link").isEqualTo(200);

    // A mobile written the way some people do ("+33 (0)6…") is a mobile, as the server reads it: asked.
    page.getByLabel("Adresse e-mail ou numéro de téléphone").fill("+33 (0)6 45 12 78 94");
    page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
        new Page.GetByRoleOptions().setName("Recevoir un nouveau lien")).click();
    assertThat(page.locator("#lost-link-result"))
        .hasText("Si ces informations correspondent à un rendez-vous, un nouveau lien vient d'être envoyé.");
    assertThat(page.locator("#lost-contact-error")).hasCount(0);
    org.assertj.core.api.Assertions.assertThat(asked).hasSize(1);
  }

  @Test
  void a_reference_typed_with_spaces_is_her_reference_and_the_answer_takes_the_focus() {
    JsonObject a = bookByPhone("06 45 12 78 93");
    String[] parts = a.getString("reference").split("-");
    Page page = phonePage();
    page.navigate(web.url("/rendez-vous.html#retrouver"));
    assertThat(page.locator("#wizard h2")).hasText("Quel service souhaitez-vous rencontrer ?");
    assertThat(page.locator("#lien-perdu summary")).isFocused();
    // As read aloud from a letter: "caf, space, space, 7k3q9".
    page.getByLabel("Référence du rendez-vous").fill(parts[0].toLowerCase() + "  " + parts[1].toLowerCase());
    page.getByLabel("Adresse e-mail ou numéro de téléphone").fill("06 45 12 78 93");
    page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
        new Page.GetByRoleOptions().setName("Recevoir un nouveau lien")).click();
    Locator result = page.locator("#lost-link-result");
    assertThat(result).hasText("Si ces informations correspondent à un rendez-vous, un nouveau lien vient d'être envoyé.");
    assertThat(page.locator("#lost-reference-error")).hasCount(0);
    assertThat(result).isFocused();
    Eventually.until("the old link stops working", () -> status(a) == 403);

    // With a dot, the page's own check lets it through as well.
    page.getByLabel("Référence du rendez-vous").fill(parts[0] + "." + parts[1]);
    page.getByLabel("Adresse e-mail ou numéro de téléphone").fill("06 45 12 78 93");
    page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
        new Page.GetByRoleOptions().setName("Recevoir un nouveau lien")).click();
    assertThat(result).hasText("Si ces informations correspondent à un rendez-vous, un nouveau lien vient d'être envoyé.");
    assertThat(page.locator("#lost-reference-error")).hasCount(0);
    assertThat(result).isFocused();
  }

  @Test
  void the_home_page_leads_to_the_form_open() {
    Page page = phonePage();
    page.navigate(web.url("/"));
    page.getByText("Vous avez perdu le lien de votre rendez-vous ?").click();
    assertThat(page.locator("#lost-link-form")).isVisible();
    assertThat(page.locator("#lost-link-expired")).isHidden();
    assertThat(page.getByLabel("Référence du rendez-vous")).isVisible();
  }

  @Test
  void a_manage_link_that_no_longer_works_offers_the_form_open() {
    Page page = phonePage();
    page.navigate(web.url("/rendez-vous.html#00000000-0000-0000-0000-000000000000.nope"));
    Locator notFound = page.locator("#not-found");
    assertThat(notFound).isVisible();
    assertThat(page.locator("#lost-link-form")).isVisible();
    // The demo has no help number: no "appelez" with no number anywhere, but the form and the help address.
    assertThat(notFound).containsText("Vous pouvez recevoir un nouveau lien avec le formulaire ci-dessous");
    assertThat(notFound).not().containsText("appel");
    assertThat(notFound).not().containsText("Appel");
    assertThat(page.locator("#not-found-help")).hasText("Besoin d'aide ? Écrivez à aide@cantou.example.");
    assertThat(page.locator("#not-found-help a")).hasAttribute("href", "mailto:aide@cantou.example");
    PagesTest.assertAccessible(page, "telephone-lien-inconnu-formulaire");
  }

  @Test
  void a_bad_manage_link_offers_to_call_only_the_number_configured() {
    Page page = phonePage();
    JsonObject config = new JsonObject(web.node.api.get("/api/config").body()).put("helpPhone", "04 71 46 20 20");
    page.route("**/api/config", route -> route.fulfill(new com.microsoft.playwright.Route.FulfillOptions()
        .setContentType("application/json").setBody(config.encode())));
    page.navigate(web.url("/rendez-vous.html#00000000-0000-0000-0000-000000000000.nope"));
    Locator help = page.locator("#not-found-help");
    assertThat(help).hasText("Besoin d'aide ? Appelez le 04 71 46 20 20 ou écrivez à aide@cantou.example.");
    assertThat(help.locator("a[href='tel:0471462020']")).isVisible();

    page.locator("#lang").click();
    assertThat(page.locator("#not-found-help")).hasText("Need help? Call 04 71 46 20 20 or write to aide@cantou.example.");
    assertThat(page.locator("#not-found")).not().containsText("call the service");
  }
}
