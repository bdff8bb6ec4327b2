package fr.cantou.web;

import com.deque.html.axecore.playwright.AxeBuilder;
import com.deque.html.axecore.results.AxeResults;
import com.deque.html.axecore.results.Rule;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** Every page in a real browser: it renders, it speaks French first, and axe finds nothing serious. */
class PagesTest {
  static BrowserFixture web;

  @BeforeAll
  static void start() {
    web = new BrowserFixture();
  }

  @AfterAll
  static void stop() {
    web.close();
  }

  static void assertAccessible(Page page, String name) {
    AxeResults results = new AxeBuilder(page).withTags(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")).analyze();
    List<String> serious = results.getViolations().stream()
        .filter(v -> "serious".equals(v.getImpact()) || "critical".equals(v.getImpact()))
        .map(v -> v.getId() + ": " + v.getHelp() + " " + v.getNodes().stream().map(n -> n.getTarget().toString()).toList())
        .toList();
    assertThat(serious).as("serious or critical violations on " + name).isEmpty();
    BrowserFixture.screenshot(page, name);
  }

  @Test
  void the_home_page_leads_citizens_and_professionals() {
    Page page = web.newPage();
    page.navigate(web.url("/"));
    assertThat(page.locator("h1")).hasText("Bienvenue sur Cantou");
    assertThat(page.locator("html")).hasAttribute("lang", "fr");
    assertAccessible(page, "accueil");
  }

  @Test
  void the_language_switch_turns_the_page_to_english_and_back() {
    Page page = web.newPage();
    page.navigate(web.url("/"));
    page.locator("#lang").click();
    assertThat(page.locator("h1")).hasText("Welcome to Cantou");
    assertThat(page.locator("html")).hasAttribute("lang", "en");
    page.locator("#lang").click();
    assertThat(page.locator("h1")).hasText("Bienvenue sur Cantou");
  }

  @Test
  void refusals_of_the_server_are_shown_in_the_language_of_the_page() {
    Page page = web.newPage();
    page.navigate(web.url("/rendez-vous.html"));
    String ask = "async () => { const api = await import('/js/api.js');"
        + " try { await api.request('/api/visio/appointments/00000000-0000-4000-8000-000000000000',"
        + " { anonymous: true, manageToken: 'x.y' }); return 'no refusal'; } catch (e) { return e.message; } }";
    org.assertj.core.api.Assertions.assertThat(page.evaluate(ask)).isEqualTo("Ce rendez-vous n’existe pas.");

    page.locator("#lang").click();
    assertThat(page.locator("html")).hasAttribute("lang", "en");
    org.assertj.core.api.Assertions.assertThat(page.evaluate(ask)).isEqualTo("No such appointment.");
  }

  @Test
  void sign_in_refuses_a_wrong_password_with_a_clear_message() {
    Page page = web.newPage();
    page.navigate(web.url("/connexion.html"));
    assertAccessible(page, "connexion");
    page.locator("#email").fill("dr.mercier@cantal.demo");
    page.locator("#password").fill("not-the-password");
    page.locator("button[type=submit]").click();
    assertThat(page.locator("#error")).hasText("L'adresse e-mail ou le mot de passe est incorrect.");
  }

  @Test
  void after_sign_in_the_next_page_is_only_ever_a_page_of_this_site() {
    for (String[] attempt : new String[][] {{"/%5Cevil.example/piege", "/medecin.html"}, {"//evil.example/", "/medecin.html"},
        {"https://evil.example/", "/medecin.html"}, {"/.//evil.example/", "/.//evil.example/"},
        {"/%2e//evil.example/", "/%2e//evil.example/"}, {"/medecin.html?onglet=file", "/medecin.html?onglet=file"}}) {
      Page page = web.newPage();
      page.navigate(web.url("/connexion.html?next=" + attempt[0]));
      page.locator("#email").fill("dr.mercier@cantal.demo");
      page.locator("#password").fill(BrowserFixture.PASSWORD);
      page.locator("button[type=submit]").click();
      page.waitForURL(u -> !u.contains("connexion"));
      org.assertj.core.api.Assertions.assertThat(java.net.URI.create(page.url()).getHost()).as(attempt[0]).isEqualTo("127.0.0.1");
      page.context().close();
    }
  }

  @Test
  void each_professional_lands_on_an_accessible_console() {
    for (String[] who : new String[][] {{"infirmiere.murat", "infirmiere", "Téléconsultations de l'établissement"},
        {"dr.mercier", "medecin", "File de téléconsultation"}, {"agent.caf", "agent", "Mes rendez-vous du jour"},
        {"mediateur.riom", "mediateur", "Rendez-vous pour les usagers"}, {"admin", "admin", "Administration du département"}}) {
      Page page = web.signIn(who[0]);
      assertThat(page).hasURL(web.url("/" + who[1] + ".html"));
      assertThat(page.locator("h1")).hasText(who[2]);
      page.waitForLoadState();
      page.waitForTimeout(500);
      assertAccessible(page, who[1]);
      page.context().close();
    }
  }

  @Test
  void the_booking_path_is_accessible_at_every_step() {
    Page page = web.newPage();
    page.navigate(web.url("/rendez-vous.html"));
    assertThat(page.locator("#wizard h2")).hasText("Quel service souhaitez-vous rencontrer ?");
    assertAccessible(page, "rendez-vous-1-service");
    page.locator("#wizard button.big").first().click();
    assertThat(page.locator("#wizard h2")).hasText("D'où ferez-vous la visio ?");
    assertAccessible(page, "rendez-vous-2-lieu");
    page.locator("#wizard button.big").first().click();
    assertThat(page.locator("#wizard h2")).hasText("Quel jour et à quelle heure ?");
    assertAccessible(page, "rendez-vous-3-creneau");
    page.locator(".slots button").first().click();
    assertThat(page.locator("#wizard h2")).hasText("Vos coordonnées");
    assertAccessible(page, "rendez-vous-4-coordonnees");
  }

  /** As served, before any script: the French text of every translated element, the help line, the noscript line. */
  @Test
  void every_page_reads_in_french_from_its_html_alone() throws java.io.IOException {
    io.vertx.core.json.JsonObject french = new io.vertx.core.json.JsonObject(
        java.nio.file.Files.readString(java.nio.file.Path.of("webapp", "i18n", "fr.json")));
    java.util.regex.Pattern translated = java.util.regex.Pattern.compile("data-i18n=\"([^\"]+)\"[^>]*>([^<]*)<");
    for (String page : List.of("/", "/connexion.html", "/rendez-vous.html", "/infirmiere.html", "/medecin.html", "/agent.html",
        "/mediateur.html", "/admin.html")) {
      String html = web.node.api.get(page).body();
      java.util.regex.Matcher m = translated.matcher(html);
      int count = 0;
      while (m.find()) {
        Object text = french;
        for (String part : m.group(1).split("\\.")) {
          text = ((io.vertx.core.json.JsonObject) text).getValue(part);
        }
        assertThat(m.group(2).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")).as(page + " " + m.group(1)).isEqualTo(text);
        count++;
      }
      assertThat(count).as(page).isGreaterThan(3);
      assertThat(html).as(page).contains("<noscript>").contains("<footer class=\"help\">").containsPattern("<h1[^>]*>[^<]+</h1>");
    }
  }
}
