package fr.cantou.web;

import com.deque.html.axecore.args.AxeRunOnlyOptions;
import com.deque.html.axecore.args.AxeRunOptions;
import com.deque.html.axecore.playwright.AxeBuilder;
import com.deque.html.axecore.results.AxeResults;
import com.deque.html.axecore.results.Rule;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** Every page in a real browser: it renders, it speaks French first, and axe finds nothing serious. */
class PagesTest {
  static final List<String> ALL_PAGES = List.of("/", "/connexion.html", "/rendez-vous.html", "/infirmiere.html", "/medecin.html",
      "/agent.html", "/mediateur.html", "/admin.html", "/accessibilite.html", "/mentions-legales.html", "/donnees-personnelles.html",
      "/liste-attente.html", "/invitation.html", "/mot-de-passe.html", "/mot-de-passe-oublie.html", "/nouveau-mot-de-passe.html");
  @org.junit.jupiter.api.extension.RegisterExtension
  static final BrowserFixture web = BrowserFixture.forTheClass();

  /**
   * One step of a journey, as its person sees it: nothing never to be shown has been shown on any page so far (and
   * none on this one now), axe finds no serious or critical issue, and the screenshot is saved.
   */
  static void assertAccessible(Page page, String name) {
    assertNoSeriousViolation(page, name);
    BrowserFixture.screenshot(page, name);
  }

  /** No "null" shown and no serious or critical violation of axe (without the screenshot, which waits for the page's load). */
  static void assertNoSeriousViolation(Page page, String name) {
    assertNeverNullOrUndefined(page, name);
    List<String> serious = axeViolations(page).stream()
        .filter(v -> "serious".equals(v.getImpact()) || "critical".equals(v.getImpact()))
        .map(v -> v.getId() + ": " + v.getHelp() + " " + v.getNodes().stream().map(n -> n.getTarget().toString()).toList())
        .toList();
    assertThat(serious).as("serious or critical violations on " + name).isEmpty();
  }

  /**
   * axe's WCAG 2.1 A and AA rules on the page. Its default mode opens a blank page of its own for every analysis, to
   * merge the results of the page's frames there: about 1.1 s a call on the suite's machine, against 0.25 s for its
   * legacy mode, which runs in the page alone and does not look inside frames (7 December 2026; the suite calls it a
   * few hundred times). Cantou's pages have no frame but the video's, a stand-in in the tests: a page that has one,
   * before axe runs or by the time it ends, is analysed in the default mode, frames included (but for one axe cannot
   * enter, which Deque's AxeBuilder skips).
   */
  private static List<Rule> axeViolations(Page page) {
    AxeRunOnlyOptions wcag21aa = new AxeRunOnlyOptions();
    wcag21aa.setType("tag");
    wcag21aa.setValues(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa"));
    AxeRunOptions options = new AxeRunOptions();
    options.setRunOnly(wcag21aa);
    // Only the violations are read: in the legacy mode, the passes come back with one element each instead of all.
    options.setResultTypes(List.of("violations"));
    boolean framed = page.frames().size() > 1;
    AxeResults results = new AxeBuilder(page).options(options).setLegacyMode(!framed).analyze();
    if (!framed && page.frames().size() > 1) {
      results = new AxeBuilder(page).options(options).analyze();
    }
    assertThat(results.getErrorMessage()).as("axe's own error").isNull();
    return results.getViolations();
  }

  @Test
  void the_accessibility_check_fails_a_page_with_pale_text_or_an_unnamed_image_in_it_or_in_a_frame() {
    Page page = bookingPageWith("const pale = document.createElement('p'); pale.textContent = 'Texte pâle';"
        + " pale.style.color = '#ccc'; main.append(pale);"
        + " for (const id of ['sans-nom-1', 'sans-nom-2']) { const unnamed = document.createElement('img');"
        + " unnamed.id = id; unnamed.src = '/favicon.ico'; main.append(unnamed); }");
    // Every element that breaks a rule is named, not only the first.
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> assertNoSeriousViolation(page, "pale-and-unnamed"))
        .hasMessageContaining("color-contrast").hasMessageContaining("image-alt")
        .hasMessageContaining("#sans-nom-1").hasMessageContaining("#sans-nom-2");

    // A frame of the page's own, with an unnamed image inside: the check looks inside it too.
    Page framed = bookingPageWith("const frame = document.createElement('iframe'); frame.title = 'Cadre';"
        + " frame.srcdoc = '<html lang=fr><title>Cadre</title><body><img src=/favicon.ico></body></html>'; main.append(frame);");
    assertThat(framed.frameLocator("iframe").locator("img")).isAttached();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> assertNoSeriousViolation(framed, "unnamed-in-a-frame"))
        .hasMessageContaining("image-alt").hasMessageContaining("[iframe, img]");
  }

  @Test
  void the_journal_a_failed_test_prints_holds_the_pages_socket_and_refusals_but_no_token() {
    Page doctor = web.signIn(web.newPage(), "dr.garcia");
    doctor.waitForCondition(() -> web.journalOf(doctor).contains("socket received {\"type\":\"snapshot\""));
    doctor.evaluate("() => fetch('/api/nothing-here')");
    doctor.waitForCondition(() -> web.journalOf(doctor).contains("answered 404 GET " + web.url("/api/nothing-here")));

    org.assertj.core.api.Assertions.assertThat(web.journalOf(doctor)).startsWith("--- page ")
        .contains("socket opened ws://", "socket sent {\"type\":\"hello\",\"token\":\"…\"", "socket received {\"type\":\"welcome\"")
        // An access token is a JWT, whose header starts so: none is printed in the build's output.
        .doesNotContain("eyJ");
  }

  @Test
  void an_error_a_pages_script_throws_and_nothing_catches_is_kept_for_the_test() {
    Page page = web.newPage();
    page.navigate(web.url("/"));
    assertThat(page.locator("#lang")).isEnabled();
    page.evaluate("() => { setTimeout(() => { throw new Error('Erreur exprès'); }); Promise.reject(new Error('Rejet exprès')); }");
    page.waitForCondition(() -> web.journalOf(page).contains("Erreur exprès") && web.journalOf(page).contains("Rejet exprès"));

    // Taken here: left, BrowserFixture.afterEach fails the test with them (and prints the pages' journals).
    org.assertj.core.api.Assertions.assertThat(web.takeScriptErrors()).hasSize(2)
        .anySatisfy(error -> org.assertj.core.api.Assertions.assertThat(error).contains("Erreur exprès"))
        .anySatisfy(error -> org.assertj.core.api.Assertions.assertThat(error).contains("Rejet exprès"));
    org.assertj.core.api.Assertions.assertThat(web.takeScriptErrors()).isEmpty();
  }

  /** The booking page on a phone, its scripts there, then {@code added} run with {@code main} its main element. */
  private static Page bookingPageWith(String added) {
    Page page = web.newPage(BrowserFixture.Screen.PHONE);
    page.navigate(web.url("/rendez-vous.html"));
    assertThat(page.locator("#lang")).isEnabled();
    page.evaluate("() => { const main = document.querySelector('main'); " + added + " }");
    return page;
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
  void the_language_switch_turns_the_page_to_english_and_back_with_the_keyboard_on_it() {
    Page page = web.newPage();
    page.navigate(web.url("/"));
    // Disabled until the scripts have come (a press before would do nothing): focused once it works.
    assertThat(page.locator("#lang")).isEnabled();
    page.locator("#lang").focus();
    page.keyboard().press("Enter");
    assertThat(page.locator("h1")).hasText("Welcome to Cantou");
    assertThat(page.locator("html")).hasAttribute("lang", "en");
    // The page comes back with the keyboard where it was, not at its top (an outside tester found <body>).
    assertThat(page.locator("#lang")).isFocused();
    page.keyboard().press("Enter");
    assertThat(page.locator("h1")).hasText("Bienvenue sur Cantou");
    assertThat(page.locator("#lang")).isFocused();
    page.reload();
    assertThat(page.locator("h1")).hasText("Bienvenue sur Cantou");
    assertThat(page.locator("#lang")).isEnabled();
    assertThat(page.locator("#lang")).not().isFocused();
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
    for (String page : ALL_PAGES) {
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
      assertThat(html).as(page).contains("<noscript>").contains("<footer class=\"help\">").containsPattern("<h1[^>]*>[^<]+</h1>")
          // Who runs it and the legal pages, before any script.
          .contains("Département du Cantal").contains("href=\"/accessibilite.html\"").contains("href=\"/mentions-legales.html\"")
          .contains("href=\"/donnees-personnelles.html\"").contains("mailto:");
    }
  }

  /**
   * A staff page opened signed out sends itself to the sign-in page once its script runs, possibly after the checks on
   * its header passed: that navigation, begun by the page as the next one begins, aborts the next (net::ERR_ABORTED).
   * The next is asked again then.
   */
  private static void navigateAfterItsRedirect(Page page, String url) {
    try {
      page.navigate(url);
    } catch (com.microsoft.playwright.PlaywrightException e) {
      if (!String.valueOf(e.getMessage()).contains("ERR_ABORTED")) {
        throw e;
      }
      page.waitForLoadState();
      page.navigate(url);
    }
  }

  /** What a person sees of who runs the service, on a phone and on a tablet, on every page. */
  @Test
  void every_page_names_the_service_and_its_departement_and_links_the_legal_pages() {
    // The smallest phones, and 400 % zoom on a 1280-px screen: 320 CSS px, where nothing may scroll sideways (RGAA 10.11).
    Page smallest = web.newPhonePage();
    smallest.setViewportSize(320, 640);
    for (Page page : List.of(smallest, web.newPhonePage(), web.newTabletPage())) {
      String size = page.viewportSize().width + "";
      for (String path : ALL_PAGES) {
        navigateAfterItsRedirect(page, web.url(path));
        try {
          namesTheServiceAndLinksTheLegalPages(page, path, size);
        } catch (com.microsoft.playwright.PlaywrightException e) {
          // A staff page sends a visitor without a session to sign in once its script has come: on a loaded machine,
          // after the checks began. The page it went to is checked whole.
          if (!String.valueOf(e.getMessage()).contains("Execution context was destroyed")) {
            throw e;
          }
          page.waitForLoadState();
          namesTheServiceAndLinksTheLegalPages(page, path, size);
        }
      }
      page.context().close();
    }
  }

  private static void namesTheServiceAndLinksTheLegalPages(Page page, String path, String size) {
    assertThat(page.locator("header.top .service")).hasText("Cantou");
    assertThat(page.locator("header.top .operator-name")).hasText("Département du Cantal");
    assertThat(page.locator("header.top .operator-name")).isVisible();
    assertThat(page.locator("#lang")).isVisible();
    var footer = page.locator("footer");
    assertThat(footer.getByRole(com.microsoft.playwright.options.AriaRole.LINK,
        new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Accessibilité : partiellement conforme"))).isVisible();
    assertThat(footer.getByRole(com.microsoft.playwright.options.AriaRole.LINK,
        new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Mentions légales"))).isVisible();
    assertThat(footer.getByRole(com.microsoft.playwright.options.AriaRole.LINK,
        new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Données personnelles"))).isVisible();
    assertThat(footer.locator(".help-email")).hasText("aide@cantou.example");
    assertThat(footer.locator(".help-email")).hasAttribute("href", "mailto:aide@cantou.example");
    // The header never pushes the page sideways.
    org.assertj.core.api.Assertions.assertThat((Boolean) page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")).as(path + " " + size).isTrue();
    assertNeverNullOrUndefined(page, path + " " + size);
  }

  @Test
  void the_legal_pages_say_what_a_person_needs_and_are_accessible() {
    Page page = web.newPhonePage();
    page.navigate(web.url("/"));
    page.locator("footer").getByText("Accessibilité : partiellement conforme").click();
    assertThat(page.locator("h1")).hasText("Déclaration d'accessibilité");
    assertThat(page.locator("#conformity")).containsText("partiellement conforme");
    assertThat(page.locator("#conformity")).containsText("RGAA");
    assertThat(page.locator("main")).containsText("Niveau visé : AA");
    assertThat(page.locator("#signaler")).hasText("Signaler un problème");
    assertThat(page.locator("main .help-email")).hasAttribute("href", "mailto:aide@cantou.example");
    assertThat(page.locator("main")).containsText("Défenseur des droits");
    assertAccessible(page, "accessibilite");

    page.locator("footer").getByText("Mentions légales").click();
    assertThat(page.locator("h1")).hasText("Mentions légales");
    assertThat(page.locator("main")).containsText("Département du Cantal édite Cantou");
    assertThat(page.locator("main")).containsText("n'est pas un site de l'État");
    assertAccessible(page, "mentions-legales");

    page.locator("footer").getByText("Données personnelles").click();
    assertThat(page.locator("h1")).hasText("Données personnelles");
    // How long, from this deployment's settings (the defaults: 30 and 90 days).
    assertThat(page.locator("main")).containsText("Combien de temps : effacées 30 jours après le rendez-vous.");
    assertThat(page.locator("main")).containsText("Combien de temps : effacées 90 jours après la clôture de la demande.");
    assertThat(page.locator("main")).containsText("Ce qui est gardé : votre nom");
    assertThat(page.locator("main")).containsText("Pourquoi : organiser le rendez-vous");
    assertThat(page.locator("#droits")).hasText("Vos droits : qui contacter");
    assertThat(page.locator("main")).containsText("CNIL");
    assertAccessible(page, "donnees-personnelles");
    assertNeverNullOrUndefined(page, "donnees-personnelles");

    page.locator("#lang").click();
    assertThat(page.locator("h1")).hasText("Personal data");
    assertThat(page.locator("main")).containsText("How long: erased 30 days after the appointment.");
    assertThat(page.locator("footer")).containsText("Accessibility: partially compliant");
    assertThat(page.locator("header.top .tagline")).hasText("Video appointments and teleconsultation");
    page.locator("#lang").click();
    page.context().close();
  }

  /** The header and footer follow the public settings: another département, its logo, a help line. */
  @Test
  void the_operator_name_logo_and_help_line_come_from_the_settings() {
    var config = new io.vertx.core.json.JsonObject(web.node.api.get("/api/config").body());
    org.assertj.core.api.Assertions.assertThat(config.getString("operatorName")).isEqualTo("Département du Cantal");
    org.assertj.core.api.Assertions.assertThat(config.getString("logoUrl")).isEmpty();
    org.assertj.core.api.Assertions.assertThat(config.getInteger("patientDataDays")).isEqualTo(90);
    org.assertj.core.api.Assertions.assertThat(config.getInteger("citizenDataDays")).isEqualTo(30);

    Page page = web.newTabletPage();
    String logo = "data:image/svg+xml;base64," + java.util.Base64.getEncoder().encodeToString(
        "<svg xmlns='http://www.w3.org/2000/svg' width='40' height='40'><rect width='40' height='40' fill='#2a6'/></svg>".getBytes());
    page.route("**/api/config", route -> route.fulfill(new com.microsoft.playwright.Route.FulfillOptions()
        .setContentType("application/json").setBody(config.copy().put("operatorName", "Département de la Sarthe")
            .put("logoUrl", logo).put("helpPhone", "02 43 54 72 72").put("citizenDataDays", 45).encode())));
    page.navigate(web.url("/donnees-personnelles.html"));
    assertThat(page.locator("header.top .operator-name")).hasText("Département de la Sarthe");
    assertThat(page.locator("#operator-logo")).isVisible();
    assertThat(page.locator("footer .help-phone")).hasAttribute("href", "tel:0243547272");
    assertThat(page.locator("footer .help-phone")).hasText("02 43 54 72 72");
    assertThat(page.locator("main")).containsText("Département de la Sarthe est responsable des données");
    assertThat(page.locator("main")).containsText("effacées 45 jours après le rendez-vous");
    assertAccessible(page, "donnees-personnelles-sarthe");
    page.context().close();

    // A logo of its own address comes after the page: on a phone its place is kept, nothing in the header moves.
    Page phone = web.newPhonePage();
    List<com.microsoft.playwright.Route> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    phone.route("**/logo-sarthe.svg", held::add);
    phone.route("**/api/config", route -> route.fulfill(new com.microsoft.playwright.Route.FulfillOptions()
        .setContentType("application/json").setBody(config.copy().put("operatorName", "Département de la Sarthe")
            .put("logoUrl", web.url("/logo-sarthe.svg")).encode())));
    phone.navigate(web.url("/donnees-personnelles.html"));
    assertThat(phone.locator("#operator-logo")).isVisible();
    phone.waitForCondition(() -> held.size() == 1);
    com.microsoft.playwright.Locator language = phone.locator("#lang");
    double[] before = LastMileTest.placesOf(language, phone.locator("main h1"));
    held.get(0).fulfill(new com.microsoft.playwright.Route.FulfillOptions().setContentType("image/svg+xml").setBody(
        "<svg xmlns='http://www.w3.org/2000/svg' width='240' height='60'><rect width='240' height='60' fill='#2a6'/></svg>"));
    phone.waitForFunction("() => { const l = document.getElementById('operator-logo'); return l.complete && l.naturalWidth > 0; }");
    org.assertj.core.api.Assertions.assertThat(LastMileTest.placesOf(language, phone.locator("main h1")))
        .as("the language switch and the page's heading once the logo came").containsExactly(before, LastMileTest.HALF_A_PIXEL);
    phone.context().close();
  }

  /**
   * No page state ever shows "null", "undefined", "NaN", "[object Object]" or "Invalid Date" to a person: not this
   * page now, nor any page of the journey before (every change of every page is watched: BrowserFixture.NEVER_SHOWN).
   */
  static void assertNeverNullOrUndefined(Page page, String where) {
    String text = (String) page.evaluate("() => document.body.innerText");
    assertThat(text).as(where).doesNotContainPattern("\\b(null|undefined|NaN)\\b|\\[object Object\\]|Invalid Date");
    BrowserFixture.assertNothingNeverShownWasShown(where);
  }

}
