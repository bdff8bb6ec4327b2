package fr.cantou.web;

import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Request;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.WaitUntilState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The citizen's booking page on a link throttled to 60 kbit/s with 800 ms of latency (Chromium's own throttling,
 * through CDP). Its first step — the services to choose from — used to come some 16 s after the address was typed:
 * the page, then its script, then the scripts that script imports, then the ones those import, then the words and the
 * settings, then the services, then the points, each waiting for the one before. Now the step comes with the page
 * (the server writes it in, with the catalogue the script reads), a press on it before any script is kept, and the
 * scripts all come in one round trip (modulepreload). Asserted by structure, not by a stopwatch: the step is there
 * with every script held back; every script is asked before any has arrived; no request is made for the catalogue.
 * The times are printed (and written in docs/web.md).
 */
class LastMileSlowLinkTest {
  @org.junit.jupiter.api.extension.RegisterExtension
  static final BrowserFixture web = BrowserFixture.forTheClass();
  private static final LocatorAssertions.HasTextOptions SLOWLY = new LocatorAssertions.HasTextOptions().setTimeout(120_000);

  /** 60 kbit/s each way, 800 ms of latency: a weak rural link. */
  static void throttle(Page page) {
    CDPSession cdp = page.context().newCDPSession(page);
    cdp.send("Network.enable");
    com.google.gson.JsonObject slow = new com.google.gson.JsonObject();
    slow.addProperty("offline", false);
    slow.addProperty("latency", 800);
    slow.addProperty("downloadThroughput", 60_000 / 8);
    slow.addProperty("uploadThroughput", 60_000 / 8);
    cdp.send("Network.emulateNetworkConditions", slow);
  }

  /**
   * The page's words are lost on the way (no answer), then a proxy answers for a node away (502, its own HTML page):
   * the page reads them again and starts, in English as she chose, its button enabled. Before, the first loss stopped
   * the page's script (an error nothing caught): the sign-in button stayed disabled for good, no one could sign in.
   */
  @Test
  void the_pages_words_lost_on_the_way_are_read_again_and_the_page_starts() {
    Page page = web.newPhonePage();
    page.addInitScript("localStorage.setItem('cantou.lang', 'en')");
    java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
    page.route("**/i18n/en.json", route -> {
      switch (reads.incrementAndGet()) {
        case 1 -> route.abort();
        case 2 -> route.fulfill(new Route.FulfillOptions().setStatus(502).setContentType("text/html")
            .setBody("<html><body>502 Bad Gateway</body></html>"));
        default -> route.resume();
      }
    });
    page.navigate(web.url("/connexion.html"));
    assertThat(page.locator("h1")).hasText("Professional sign-in");
    assertThat(page).hasTitle("Sign in — Cantou");
    assertThat(page.locator("form button[type=submit]")).isEnabled();
    assertThat(page.locator("#lang")).isEnabled();
    assertThat(reads).hasValue(3);
    assertThat(web.takeScriptErrors()).isEmpty();
    page.context().close();
  }

  /**
   * The first read of the words stalls (no answer, no error: a link gone quiet): past the API's deadline of 30 s, by
   * the page's clock, it is given up and asked again, and the page starts. Before, the page waited on it for good, its
   * sign-in button disabled.
   */
  @Test
  void the_pages_words_stalled_on_the_way_are_asked_again_past_the_deadline() {
    Page page = web.newPhonePage();
    page.clock().install();
    List<Route> held = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    page.route("**/i18n/fr.json", route -> {
      if (asked.incrementAndGet() == 1) {
        held.add(route);
      } else {
        route.resume();
      }
    });
    page.navigate(web.url("/connexion.html"));
    page.waitForCondition(() -> !held.isEmpty());
    // The page's time stopped, then moved by the test only: the real seconds a loaded machine takes between two steps
    // do not move it (those before this line, a few at most, are why the first step stops short of the 30 s).
    page.clock().pauseAt(((Number) page.evaluate("Date.now()")).longValue() + 1_000);
    Locator signIn = page.locator("form button[type=submit]");
    page.clock().runFor(25_000);
    assertThat(signIn).isDisabled();
    // Meanwhile she is told why, and what to do if nothing comes.
    assertThat(page.locator("#js-wait")).containsText("Chargement de la page… Sur une connexion lente");
    assertThat(asked).as("asked once so far").hasValue(1);
    // Past the deadline, and the first pause before asking again (half a second at most).
    page.clock().runFor(10_000);
    assertThat(signIn).isEnabled();
    assertThat(page.locator("#js-wait")).hasCount(0);
    assertThat(page.locator("#lang")).isEnabled();
    assertThat(asked).hasValue(2);
    assertThat(web.takeScriptErrors()).isEmpty();
    page.context().close();
  }

  /**
   * On a link so slow that the words take longer than the deadline to come (their parts 20 s apart by the page's
   * clock, 100 s in all), they are read whole, once: the deadline counts a silence, not the whole read. Before, a read
   * cut at 30 s started again from nothing, and on such a link the page never started. The answer's parts are given by
   * the test (the page's fetch of the words wrapped by an init script): the page's clock, not the machine, sets the pace.
   */
  @Test
  void the_pages_words_slower_than_the_deadline_come_whole_while_their_parts_keep_coming() {
    Page page = web.newPhonePage();
    page.clock().install();
    page.addInitScript("""
        (() => {
          const realFetch = window.fetch;
          const words = window.__words = { asked: 0 };
          window.fetch = async (input, init = {}) => {
            if (!String(input).includes('/i18n/')) {
              return realFetch(input, init);
            }
            words.asked += 1;
            words.text = await (await realFetch(input)).text();
            const body = new ReadableStream({ start(controller) { words.controller = controller; } });
            init.signal?.addEventListener('abort', () => words.controller.error(new DOMException('cut', 'AbortError')));
            return new Response(body, { status: 200, headers: { 'Content-Type': 'application/json' } });
          };
          words.send = (part, parts) => {
            const size = Math.ceil(words.text.length / parts);
            words.controller.enqueue(new TextEncoder().encode(words.text.slice(part * size, (part + 1) * size)));
            if (part === parts - 1) {
              words.controller.close();
            }
          };
        })();
        """);
    page.navigate(web.url("/connexion.html"));
    page.waitForCondition(() -> (boolean) page.evaluate("!!window.__words.controller"));
    page.clock().pauseAt(((Number) page.evaluate("Date.now()")).longValue() + 1_000);
    Locator signIn = page.locator("form button[type=submit]");
    for (int part = 0; part < 5; part++) {
      page.clock().runFor(20_000);
      org.assertj.core.api.Assertions.assertThat(page.evaluate("window.__words.asked"))
          .as("read once, not cut, %d s into it", (part + 1) * 20).isEqualTo(1);
      assertThat(signIn).isDisabled();
      page.evaluate("(part) => window.__words.send(part, 5)", part);
    }
    assertThat(signIn).isEnabled();
    org.assertj.core.api.Assertions.assertThat(page.evaluate("window.__words.asked")).as("read once").isEqualTo(1);
    assertThat(web.takeScriptErrors()).isEmpty();
    page.context().close();
  }

  /**
   * The words answered 404 (a deployment without them): a fault no second read mends, not asked again however long
   * the page waits; the page's script stops with the error, which names the file and its status, and the loading
   * line no longer says to wait or reload but to ask for help.
   */
  @Test
  void the_pages_words_refused_by_the_server_are_not_asked_again() {
    Page page = web.newPhonePage();
    page.clock().install();
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    page.route("**/i18n/fr.json", route -> {
      asked.incrementAndGet();
      route.fulfill(new Route.FulfillOptions().setStatus(404).setContentType("application/problem+json").setBody("{}"));
    });
    page.navigate(web.url("/connexion.html"));
    page.waitForCondition(() -> web.journalOf(page).contains("/i18n/fr.json: 404"));
    // A minute by the page's clock: twice the longest pause before a second read.
    page.clock().runFor(60_000);
    assertThat(asked).hasValue(1);
    assertThat(web.takeScriptErrors()).singleElement().asString().contains("/i18n/fr.json: 404");
    assertThat(page.locator("form button[type=submit]")).isDisabled();
    // Not "Chargement… rechargez la page": waiting or reloading will not mend it.
    assertThat(page.getByRole(com.microsoft.playwright.options.AriaRole.ALERT).filter(new Locator.FilterOptions()
        .setHasText("La page n'a pas pu se charger"))).containsText("Demandez de l'aide");
    page.context().close();
  }

  @Test
  void the_page_as_served_carries_the_first_step_and_the_catalogue_but_not_in_the_middle_of_a_booking() {
    Page page = web.newPhonePage();
    String served = page.request().get(web.url("/rendez-vous.html")).text();
    assertThat(served).contains("Étape 1 sur 4", "Quel service souhaitez-vous rencontrer ?", "Carte Vitale",
        "Pièces à apporter", "id=\"booking-data\"", "name=\"service\"");
    // A reload at step 3 is the script's to draw (from the draft): the page as it is on disk.
    String later = page.request().get(web.url("/rendez-vous.html?etape=3")).text();
    assertThat(later).doesNotContain("booking-data").doesNotContain("Carte Vitale").contains("<div id=\"wizard\"></div>");
    page.context().close();
  }

  /**
   * With every script held back (as if they never came), the first step is there, pressable; the press goes as a plain
   * form (?etape=2&service=…), and once the scripts arrive the booking goes on at step 2 with that service chosen.
   */
  @Test
  void on_a_slow_link_the_first_step_reads_before_any_script_and_a_press_on_it_is_kept() {
    Page page = web.newPhonePage();
    throttle(page);
    List<Route> scripts = new CopyOnWriteArrayList<>();
    page.route("**/js/*.js", scripts::add);
    List<String> api = new CopyOnWriteArrayList<>();
    page.onRequest(request -> {
      if (request.url().contains("/api/")) {
        api.add(request.url());
      }
    });
    page.navigate(web.url("/rendez-vous.html"), new Page.NavigateOptions().setWaitUntil(WaitUntilState.COMMIT));
    Locator step = page.locator("#wizard");
    assertThat(step.locator("h2")).hasText("Quel service souhaitez-vous rencontrer ?", SLOWLY);
    assertThat(page.locator("#stepper")).hasText("Étape 1 sur 4");
    Locator vitale = step.locator(".card").filter(new Locator.FilterOptions().setHasText("Carte Vitale"));
    assertThat(vitale.locator("button.big")).isEnabled();
    assertThat(vitale.locator("summary")).hasText("Pièces à apporter");
    assertThat(page.locator("#js-wait")).containsText("Chargement de la page");
    assertThat(api).noneMatch(u -> u.contains("/api/visio/"));
    PagesTest.assertNoSeriousViolation(page, "lien-lent-etape-servie");

    vitale.locator("button.big").click();
    page.waitForURL(Pattern.compile(".*\\?etape=2&service=[0-9a-f-]+$"), new Page.WaitForURLOptions().setTimeout(120_000)
        .setWaitUntil(WaitUntilState.COMMIT));
    page.unroute("**/js/*.js");
    scripts.forEach(Route::resume);
    assertThat(step.locator("h2")).hasText("D'où ferez-vous la visio ?", SLOWLY);
    assertThat(page).hasURL(Pattern.compile(".*/rendez-vous\\.html\\?etape=2$"));
    page.getByText("Depuis chez moi").click();
    assertThat(step.locator("h2")).hasText("Quel jour et à quelle heure ?", SLOWLY);
    assertThat(step).containsText("Carte Vitale");
    page.context().close();
  }

  /**
   * Scripts let through: the step reads with the page, every script of the page is asked before the first one has
   * arrived (one round trip, not a waterfall), the catalogue is never asked, and a press once the scripts run stays in
   * the page (no new load).
   */
  @Test
  void on_a_slow_link_the_scripts_come_in_one_round_trip_and_the_catalogue_is_not_asked() {
    for (BrowserFixture.Screen screen : BrowserFixture.Screen.values()) {
      Page page = web.newPage(screen);
      throttle(page);
      Map<String, Long> asked = new ConcurrentHashMap<>();
      Map<String, Long> arrived = new ConcurrentHashMap<>();
      List<String> documents = new CopyOnWriteArrayList<>();
      long start = System.nanoTime();
      page.onRequest(request -> {
        asked.putIfAbsent(request.url(), System.nanoTime() - start);
        if ("document".equals(request.resourceType())) {
          documents.add(request.url());
        }
      });
      page.onRequestFinished(request -> arrived.putIfAbsent(request.url(), System.nanoTime() - start));
      page.navigate(web.url("/rendez-vous.html"), new Page.NavigateOptions().setWaitUntil(WaitUntilState.COMMIT));
      assertThat(page.locator("#wizard h2")).hasText("Quel service souhaitez-vous rencontrer ?", SLOWLY);
      long read = System.nanoTime() - start;
      // The scripts ran: the page named itself (in the same task as the step's presses became the script's), and
      // setUpPage took the loading line away (under the step, it may not even have arrived when the step reads).
      assertThat(page).hasTitle("Prendre rendez-vous en visio — Cantou",
          new com.microsoft.playwright.assertions.PageAssertions.HasTitleOptions().setTimeout(120_000));
      assertThat(page.locator("#js-wait")).hasCount(0);
      long ready = System.nanoTime() - start;

      List<String> modules = asked.keySet().stream().filter(u -> u.contains("/js/")).toList();
      assertThat(modules).hasSize(9);
      long firstArrived = modules.stream().mapToLong(u -> arrived.getOrDefault(u, Long.MAX_VALUE)).min().orElseThrow();
      assertThat(modules).allSatisfy(u -> assertThat(asked.get(u)).as(u + " asked before any script arrived")
          .isLessThan(firstArrived));
      assertThat(asked.keySet()).noneMatch(u -> u.contains("/api/visio/"));

      page.locator("#wizard .card").filter(new Locator.FilterOptions().setHasText("Carte Vitale")).locator("button.big").click();
      assertThat(page.locator("#wizard h2")).hasText("D'où ferez-vous la visio ?");
      assertThat(page).hasURL(Pattern.compile(".*/rendez-vous\\.html\\?etape=2$"));
      assertThat(documents).hasSize(1);
      page.goBack();
      assertThat(page.locator("#wizard h2")).hasText("Quel service souhaitez-vous rencontrer ?");
      assertThat(page.locator("#wizard .card")).not().hasCount(0);
      System.out.printf("slow link (%s): first step read after %d ms, scripts ready after %d ms (module requests %s)%n",
          screen, read / 1_000_000, ready / 1_000_000, modules.size());
      page.context().close();
    }
  }

  /**
   * Her appointment's page, opened from its link while the scripts are on their way: never the booking's first step
   * (one press on a service there started a new booking instead of showing hers); once they come, her appointment. The
   * link she was given says so to the server (?gerer: the fragment, her token, never reaches it).
   */
  @Test
  void her_appointments_link_never_shows_the_booking_step_before_the_scripts() {
    io.vertx.core.json.JsonObject booked = web.bookCarteVitale(null, 3, "Germaine Vidal", "06 39 98 12 74");
    String link = web.node.api.get("/r/" + booked.getString("reference") + ".x").headers().firstValue("Location").orElseThrow();
    assertThat(link).startsWith("/rendez-vous.html?gerer#");
    Page page = web.newPhonePage();
    List<Route> scripts = new CopyOnWriteArrayList<>();
    page.route("**/js/*.js", scripts::add);
    page.navigate(web.url("/rendez-vous.html?gerer#" + booked.getString("manageToken")),
        new Page.NavigateOptions().setWaitUntil(WaitUntilState.COMMIT));
    assertThat(page.locator("h1")).isVisible();
    assertThat(page.locator("#wizard button")).hasCount(0);
    assertThat(page.locator("#booking-data")).hasCount(0);
    page.unroute("**/js/*.js");
    scripts.forEach(Route::resume);
    assertThat(page.locator("#manage")).containsText(booked.getString("reference"),
        new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
    assertThat(page.locator("#wizard button")).hasCount(0);
    page.context().close();
  }
}
