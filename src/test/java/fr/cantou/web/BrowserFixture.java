package fr.cantou.web;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A node with the demo territory, a stand-in Jitsi origin that records what the pages ask
 * for (no Jitsi server runs here), and Debian's headless Chromium driven by Playwright.
 * A page test class holds one for all its tests, started before the first and closed after the last:
 * {@code @RegisterExtension static final BrowserFixture web = BrowserFixture.forTheClass();}.
 */
final class BrowserFixture implements AutoCloseable, BeforeAllCallback, AfterAllCallback, AfterEachCallback {
  static final String PASSWORD = "demo-password-1";
  /** What an admin types when making an account in a test; its owner replaces it with {@link #PASSWORD} first. */
  static final String TYPED_BY_ADMIN = "typed-by-the-admin";
  /**
   * A JitsiMeetExternalAPI that keeps the options it was given and says "joined"; each one is in
   * window.__jitsiApis, whose emit(name, event) plays an event of Jitsi (a drop: a fatal errorOccurred; a
   * hang-up with Jitsi's own button: videoConferenceLeft). A hang-up command says "left" at once, as Jitsi does; once disposed it says nothing.
   */
  private static final String STAND_IN = """
      window.__jitsi = window.__jitsi || [];
      window.__jitsiApis = window.__jitsiApis || [];
      window.JitsiMeetExternalAPI = class {
        constructor(domain, options) {
          this.listeners = {};
          this.roomName = options.roomName;
          window.__jitsiApis.push(this);
          window.__jitsi.push({ domain, roomName: options.roomName, jwt: options.jwt || null,
            displayName: options.userInfo && options.userInfo.displayName, lang: options.lang,
            startAudioOnly: options.configOverwrite && options.configOverwrite.startAudioOnly });
          const room = document.createElement('p');
          room.className = 'stand-in';
          room.textContent = 'Salle ' + options.roomName;
          options.parentNode.appendChild(room);
          setTimeout(() => this.emit('videoConferenceJoined', { roomName: options.roomName }), 50);
        }
        addListener(name, f) { (this.listeners[name] = this.listeners[name] || []).push(f); }
        emit(name, event) { if (!this.disposed) (this.listeners[name] || []).forEach((f) => f(event)); }
        executeCommand(name) { if (name === 'hangup') this.emit('videoConferenceLeft', { roomName: this.roomName }); }
        dispose() { this.disposed = true; }
      };
      """;

  /**
   * Watches every page of every context of this fixture, from its first paint until the test that opened it ends:
   * whenever a visible element's text (or its aria-label, title or alt, read out by screen readers) shows "null",
   * "undefined", "NaN", "[object Object]" or "Invalid Date", it is reported here, whichever state of whichever
   * journey showed it. A MutationObserver sees each change as it happens (no timer: pages on Playwright's fake
   * clock are watched too); an element hidden when it changed is checked again when it is shown.
   */
  private static final String NEVER_SHOWN = """
      (() => {
        const BAD = /\\b(null|undefined|NaN)\\b|\\[object Object\\]|Invalid Date/;
        const said = new Set();
        const report = (element, text) => {
          const at = text.search(BAD);
          const line = `${element.tagName.toLowerCase()}${element.id ? '#' + element.id : ''}: …${text.slice(Math.max(0, at - 60), at + 40)}…`;
          if (!said.has(line)) {
            said.add(line);
            window.__cantouNeverShown?.(line);
          }
        };
        const check = (node) => {
          const element = !node ? null : node.nodeType === 1 ? node : node.parentElement;
          if (!element || !element.isConnected || element.closest('script, style, template')) {
            return;
          }
          if (element.checkVisibility && !element.checkVisibility()) {
            return;
          }
          const text = element.innerText ?? '';
          if (BAD.test(text)) {
            report(element, text);
          }
          for (const named of [element, ...element.querySelectorAll('[aria-label], [title], [alt]')]) {
            for (const attribute of ['aria-label', 'title', 'alt']) {
              const value = named.getAttribute(attribute);
              if (value && BAD.test(value)) {
                report(named, `${attribute}=${value}`);
              }
            }
          }
        };
        const start = () => {
          check(document.body);
          new MutationObserver((records) => {
            for (const record of records) {
              if (record.type === 'childList') {
                record.addedNodes.forEach(check);
              } else {
                check(record.target);
              }
            }
          }).observe(document.documentElement, { subtree: true, childList: true, characterData: true, attributes: true,
            attributeFilter: ['hidden', 'class', 'style', 'aria-label', 'title', 'alt', 'open'] });
        };
        if (document.readyState === 'loading') {
          document.addEventListener('DOMContentLoaded', start);
        } else {
          start();
        }
      })();
      """;
  /** What {@link #NEVER_SHOWN} reported, "page element: …the text around it…", by any fixture (test classes run one by one). */
  static final List<String> neverShown = new java.util.concurrent.CopyOnWriteArrayList<>();

  private final Clock clock;
  private final Map<String, String> settings;
  /** A clock the tests move, set to the real now as the class starts; null: the clock is used as given. */
  private final MutableClock setToNowAtStart;
  // Set by start(): at once by the constructors, before the class's first test by forTheClass's.
  TestNode node;
  private Vertx jitsiVertx;
  private Playwright playwright;
  Browser browser;

  BrowserFixture() {
    this(Clock.systemUTC());
  }

  /** With the server's clock given: a MutableClock lets a test open a room at its time. */
  BrowserFixture(Clock clock) {
    this(clock, Map.of());
  }

  /** With more settings for the node (an SMTP server to read the mails from, say). */
  BrowserFixture(Clock clock, Map<String, String> settings) {
    this(clock, settings, null);
    start();
  }

  private BrowserFixture(Clock clock, Map<String, String> settings, MutableClock setToNowAtStart) {
    this.clock = clock;
    this.settings = settings;
    this.setToNowAtStart = setToNowAtStart;
  }

  /** Started before the first test of the class that registers it (@RegisterExtension), closed after its last. */
  static BrowserFixture forTheClass() {
    return forTheClass(Clock.systemUTC());
  }

  /** The same, the server on this clock (a MutableClock at a fixed time lets the tests open a room at its time). */
  static BrowserFixture forTheClass(Clock clock) {
    return forTheClass(clock, Map.of());
  }

  /** The same, with more settings for the node (an SMS provider to send to, say). */
  static BrowserFixture forTheClass(Clock clock, Map<String, String> settings) {
    return new BrowserFixture(clock, settings, null);
  }

  /**
   * The same, the server on a clock the tests move, set to the real now as the class starts: not when the class is
   * loaded, which another class calling one of its helpers does long before.
   */
  static BrowserFixture forTheClassFromNow(MutableClock clock) {
    return new BrowserFixture(clock, Map.of(), clock);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (setToNowAtStart != null) {
      setToNowAtStart.set(Instant.now());
    }
    start();
  }

  /**
   * Every page a test opened is closed after it. A page left open went on living for the rest of the class: signed-in
   * consoles kept their sockets, timers and re-renders for every later test's events (14 pages by the end of
   * FlowsTest, 10 of CarePagesTest), the two cores busy with pages nobody looked at. Before, the test fails when its
   * pages showed a value a person must never see ({@link #NEVER_SHOWN}) or threw an error nothing caught: a page that
   * throws has stopped part of its work, whatever the test looked at (i18n.js's loadLanguage did, on a fetch lost on
   * the way: KioskPageTest, PasswordResetPageTest, 7 December 2026). Whenever the test fails, or would, each page's
   * {@link PageJournal} is printed first.
   */
  @Override
  public void afterEach(ExtensionContext context) {
    if (browser == null) {
      return;
    }
    RuntimeException failed = null;
    for (BrowserContext open : List.copyOf(browser.contexts())) {
      try {
        open.close();
      } catch (RuntimeException e) {
        // The others are closed all the same; the first failure is the test's.
        failed = failed == null ? e : failed;
      }
    }
    // Taken once the pages are closed: what they reported until then (delivered with the close) is this test's, not
    // the next one's. What a page did after the test's last call to Playwright may still go unseen.
    List<String> thrown = takeScriptErrors();
    List<String> seen = List.copyOf(neverShown);
    neverShown.clear();
    boolean testFailed = context.getExecutionException().isPresent();
    if (testFailed || !thrown.isEmpty() || !seen.isEmpty()) {
      // Into the test's output (target/surefire-reports/…-output.txt), beside the node's log of the same instants.
      seen.forEach(line -> System.err.println("--- shown and never to be: " + line));
      List.copyOf(journals.values()).forEach(journal -> System.err.print(journal.printed()));
    }
    journals.clear();
    if (failed != null) {
      throw failed;
    }
    if (!testFailed) {
      org.assertj.core.api.Assertions.assertThat(seen).as("a page showed a value a person must never see ("
          + context.getDisplayName() + ")").isEmpty();
      org.assertj.core.api.Assertions.assertThat(thrown).as("errors the test's pages threw and nothing caught").isEmpty();
    }
  }

  /** The errors the running test's pages threw and nothing caught so far, taken: {@link #afterEach} no longer sees them. */
  List<String> takeScriptErrors() {
    return List.copyOf(journals.values()).stream().flatMap(journal -> journal.takeThrown().stream()).toList();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  private void start() {
    // An assertion waits for its condition and returns as soon as it holds: a longer limit costs a passing test
    // nothing. Playwright's 5 s was shorter than a stall of the 2 shared cores CI runs on (the node, PostgreSQL and
    // Chromium at once): a page that was right failed for being late (FlowsTest, 5 December 2026).
    com.microsoft.playwright.assertions.PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
    loadCompressionClasses();
    jitsiVertx = Vertx.vertx();
    HttpServer jitsi = TestNode.await(jitsiVertx.createHttpServer()
        .requestHandler(request -> request.response().putHeader("Content-Type", "application/javascript").end(STAND_IN))
        .listen(0, "127.0.0.1"));
    Map<String, String> env = new java.util.HashMap<>(Map.of(
        // The territory without its past months and today's bookings: each test makes what it reads (DemoActivityTest has them).
        "CANTOU_DEMO", "true", "CANTOU_DEMO_PASSWORD", PASSWORD, "CANTOU_DEMO_ACTIVITY", "false",
        "CANTOU_JITSI_DOMAIN", "127.0.0.1:" + jitsi.actualPort(), "CANTOU_JITSI_SCHEME", "http"));
    env.putAll(settings);
    node = TestNode.start(TestDatabase.fresh(), env, clock);
    playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
        .setExecutablePath(Path.of("/usr/bin/chromium"))
        .setHeadless(true)
        .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync",
            // A camera and a microphone that exist, for the device check (used only where granted).
            "--use-fake-device-for-media-stream")));
  }

  /**
   * The first compressed answer of the JVM (a page, a script) loads Netty's encoder classes on an
   * event loop, which takes over the 500 ms the node's watch allows on a busy two-core machine
   * (seen once, in Netty's HttpContentCompressor): loaded here first, on the test's thread, as
   * Chromium asks for them.
   */
  private static void loadCompressionClasses() {
    io.netty.channel.embedded.EmbeddedChannel channel = new io.netty.channel.embedded.EmbeddedChannel(
        new io.netty.handler.codec.http.HttpContentCompressor());
    io.netty.handler.codec.http.DefaultFullHttpRequest request = new io.netty.handler.codec.http.DefaultFullHttpRequest(
        io.netty.handler.codec.http.HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpMethod.GET, "/");
    request.headers().set("Accept-Encoding", "gzip, deflate, br, zstd");
    channel.writeInbound(request);
    io.netty.handler.codec.http.DefaultFullHttpResponse response = new io.netty.handler.codec.http.DefaultFullHttpResponse(
        io.netty.handler.codec.http.HttpVersion.HTTP_1_1, io.netty.handler.codec.http.HttpResponseStatus.OK,
        io.netty.buffer.Unpooled.copiedBuffer("<p>Cantou</p>".repeat(200), java.nio.charset.StandardCharsets.UTF_8));
    response.headers().set("Content-Type", "text/html").set("Content-Length", response.content().readableBytes());
    channel.writeOutbound(response);
    channel.finishAndReleaseAll();
  }

  String url(String path) {
    return node.api.base() + path;
  }

  /** A fresh browser profile (its own sessionStorage), French first. */
  Page newPage() {
    return watched(browser.newContext(new Browser.NewContextOptions().setLocale("fr-FR").setViewportSize(1200, 900)));
  }

  /** A 390×844 phone, by touch: the citizen at home. */
  Page newPhonePage() {
    return watched(browser.newContext(new Browser.NewContextOptions().setLocale("fr-FR").setViewportSize(390, 844)
        .setIsMobile(true).setHasTouch(true).setDeviceScaleFactor(2)));
  }

  /** A 1024×768 tablet: the nurse in the care home, the doctor between two patients. */
  Page newTabletPage() {
    return watched(browser.newContext(new Browser.NewContextOptions().setLocale("fr-FR").setViewportSize(1024, 768)
        .setHasTouch(true)));
  }

  /** The two screens every journey is walked on: a 390×844 phone and a 1024×768 tablet. */
  enum Screen {
    PHONE("telephone-"), TABLET("tablette-");

    /** How its screenshots' names begin. */
    final String prefix;

    Screen(String prefix) {
      this.prefix = prefix;
    }
  }

  Page newPage(Screen screen) {
    return screen == Screen.PHONE ? newPhonePage() : newTabletPage();
  }

  /**
   * A tablet in another time zone than the server's (the browser's zone: a person in Guyane, a PC set wrong), French
   * first.
   */
  Page newTabletPageIn(String timeZoneId) {
    return watched(browser.newContext(new Browser.NewContextOptions().setLocale("fr-FR").setViewportSize(1024, 768)
        .setTimezoneId(timeZoneId)));
  }

  /**
   * A page of this context (of this fixture's browser or another a test launched), watched from its first paint by
   * {@link #NEVER_SHOWN}, its journal kept and its errors taken, as every page of the test: checked by
   * {@link #afterEach}, which closes only the contexts of this fixture's browser.
   */
  Page watched(BrowserContext context) {
    context.exposeBinding("__cantouNeverShown", (source, args) -> {
      neverShown.add(source.page().url().replaceAll("#.*", "#…") + " " + args[0]);
      return null;
    });
    context.addInitScript(NEVER_SHOWN);
    context.onPage(page -> journals.put(page, PageJournal.of(page, String.valueOf(journals.size() + 1))));
    return context.newPage();
  }

  /** The journals of the pages the running test opened, in the order they opened. */
  private final Map<Page, PageJournal> journals = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>());

  /** What {@code page} lived through so far, as printed when its test fails. */
  String journalOf(Page page) {
    PageJournal journal = journals.get(page);
    if (journal == null) {
      throw new IllegalArgumentException("a page of a context this fixture did not open (newPage…): it keeps no journal");
    }
    return journal.printed();
  }

  /**
   * Fails when any page of this fixture has shown "null", "undefined", "NaN", "[object Object]" or "Invalid
   * Date" since the last call (after each test, and at each step a test checks); then starts afresh.
   */
  static void assertNothingNeverShownWasShown(String where) {
    List<String> seen = List.copyOf(neverShown);
    neverShown.clear();
    org.assertj.core.api.Assertions.assertThat(seen).as("a page showed a value a person must never see (" + where + ")").isEmpty();
  }

  Page signIn(String login) {
    return signIn(newPage(), login);
  }

  Page signIn(Page page, String login) {
    page.navigate(url("/connexion.html"));
    page.locator("#email").fill(login + "@cantal.demo");
    page.locator("#password").fill(PASSWORD);
    page.locator("button[type=submit]").click();
    page.waitForURL(u -> !u.contains("connexion"));
    return page;
  }

  /** A slot of the CPAM's service some days ahead, booked by phone (by a professional: {@code token}; null: the citizen). */
  io.vertx.core.json.JsonObject bookCarteVitale(String token, int daysAhead, String name, String phone) {
    return bookCarteVitale(token, java.time.LocalDate.now(java.time.ZoneId.of("Europe/Paris")).plusDays(daysAhead),
        new io.vertx.core.json.JsonObject().put("name", name).put("phone", phone));
  }

  /** The login of the CPAM agent a booking of "Carte Vitale" went to (the demo's CPAM has two). */
  static String cpamAgentOf(io.vertx.core.json.JsonObject booked) {
    return booked.getString("agentName").startsWith("Sandrine Malet") ? "agent.cpam" : "agent2.cpam";
  }

  /** The demo's "Carte Vitale" service (the CPAM's, two agents). */
  String carteVitaleId() {
    return node.api.get("/api/visio/services").array().stream().map(io.vertx.core.json.JsonObject.class::cast)
        .filter(s -> s.getString("name").startsWith("Carte Vitale")).findFirst().orElseThrow().getString("id");
  }

  /** The first free slot's start of a service in the week from {@code from}. */
  String firstSlot(String serviceId, java.time.LocalDate from) {
    return node.api.get("/api/visio/services/" + serviceId + "/slots?from=" + from + "&to=" + from.plusDays(6)).array()
        .getJsonObject(0).getString("start");
  }

  /** Its first free slot from {@code from}, booked for {@code citizen} (her name, any contact) by {@code token} (null: herself). */
  io.vertx.core.json.JsonObject bookCarteVitale(String token, java.time.LocalDate from, io.vertx.core.json.JsonObject citizen) {
    String service = carteVitaleId();
    var booked = node.api.post("/api/visio/appointments", token, new io.vertx.core.json.JsonObject()
        .put("serviceId", service).put("start", firstSlot(service, from)).put("citizen", citizen));
    org.assertj.core.api.Assertions.assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
    return booked.json();
  }

  /** An open request of the Salers nurse for this resident (general practice; JD, born 1938), made by the API: its id. */
  String nurseRequest(String nurseToken, String reference) {
    io.vertx.core.json.JsonObject body = fr.cantou.support.CareTerritory.request("medecine_generale", "normal");
    body.getJsonObject("patient").put("reference", reference);
    var created = node.api.post("/api/teleconsultations", nurseToken, body);
    org.assertj.core.api.Assertions.assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return created.json().getString("id");
  }

  /**
   * Marks, in the page, when each answer's body has been read and everything waiting on it has run: its URL is then in
   * {@code window.__answered} (wait for it there before checking that the answer changed nothing).
   */
  static void markAnswersRead(Page page) {
    page.evaluate("() => { const text = Response.prototype.text; window.__answered = [];"
        + " Response.prototype.text = function () { const url = this.url;"
        + " return text.call(this).then((body) => { setTimeout(() => window.__answered.push(url)); return body; }); }; }");
  }

  /**
   * The snapshots the page's sockets received, counted (call before the page opens its socket). What is written after
   * the count moved reaches the page as a live event; written before, it comes in the snapshot, never announced.
   */
  static java.util.concurrent.atomic.AtomicInteger snapshotsOf(Page page) {
    java.util.concurrent.atomic.AtomicInteger snapshots = new java.util.concurrent.atomic.AtomicInteger();
    page.onWebSocket(socket -> socket.onFrameReceived(frame -> {
      if (frame.text() != null && frame.text().startsWith("{\"type\":\"snapshot\"")) {
        snapshots.incrementAndGet();
      }
    }));
    return snapshots;
  }

  /** The Idempotency-Key of each POST to {@code path}; the first reaches the server, and its answer is lost on the way back. */
  static java.util.List<String> losingTheFirstAnswer(Page page, String path) {
    java.util.List<String> keys = new java.util.concurrent.CopyOnWriteArrayList<>();
    page.route(path, route -> {
      if (!"POST".equals(route.request().method())) {
        route.resume();
        return;
      }
      keys.add(String.valueOf(route.request().headers().get("idempotency-key")));
      if (keys.size() == 1) {
        route.fetch();
        route.abort();
      } else {
        route.resume();
      }
    });
    return keys;
  }

  /** The bodies sent to {@code path}; the first never reaches the server (the link dropped on the way), the others do. */
  static java.util.List<String> losingTheFirstRequest(Page page, String path) {
    java.util.List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
    page.route(path, route -> {
      said.add(route.request().postData());
      if (said.size() == 1) {
        route.abort();
      } else {
        route.resume();
      }
    });
    return said;
  }

  /** The admin's new organisation, typed in its form (its section opened from the menu), not yet sent. */
  static void typeOrganisation(Page admin, String kind, String name, String commune) {
    admin.locator(".admin-menu").getByRole(com.microsoft.playwright.options.AriaRole.LINK,
        new com.microsoft.playwright.Locator.GetByRoleOptions().setName("Établissements et organismes")).click();
    admin.locator("#org-kind").selectOption(kind);
    admin.locator("#org-name").fill(name);
    admin.locator("#org-commune").fill(commune);
  }

  /** The nurse's new request, typed as she would: reference, initials, year of birth, reason, consent. */
  static void typeRequest(Page nurse, String reference, String initials, String birthYear, String reason) {
    nurse.locator("#reference").fill(reference);
    nurse.locator("#initials").fill(initials);
    nurse.locator("#birthYear").fill(birthYear);
    nurse.locator("#reason").fill(reason);
    nurse.locator("#consent").check();
  }

  /**
   * The first slot of a day after today on the booking's slot step, as the page lists them. On the real clock today's
   * first slot may fall inside the service's notice while the test fills the form (its start passes now + 2 h), and the
   * booking is then refused: a slot from tomorrow on never is. The day's section is found by the heading the page itself
   * writes for it.
   */
  static com.microsoft.playwright.Locator firstSlotAfterToday(Page page) {
    com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(page.locator("#wizard .slots button").first())
        .isVisible();
    String today = java.time.LocalDate.now(java.time.ZoneId.of("Europe/Paris")).toString();
    String day = (String) page.evaluate("(today) => [...document.querySelectorAll('#wizard [data-day]')]"
        + ".map((s) => s.dataset.day).find((d) => d > today)", today);
    org.assertj.core.api.Assertions.assertThat(day).as("a day after " + today + " among the slots shown").isNotNull();
    return firstSlotOf(page, day);
  }

  /** The first slot of that day (ISO) on the booking's slot step. */
  static com.microsoft.playwright.Locator firstSlotOf(Page page, String isoDay) {
    return page.locator("#wizard [data-day='" + isoDay + "'] .slots button").first();
  }

  static void screenshot(Page page, String name) {
    try {
      Files.createDirectories(Path.of("target", "screenshots"));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "screenshots", name + ".png")).setFullPage(true));
  }

  /** Closes what started: after a start that failed half-way too (afterAll runs when beforeAll threw). */
  @Override
  public void close() {
    if (browser != null) {
      browser.close();
    }
    if (playwright != null) {
      playwright.close();
    }
    if (node != null) {
      node.close();
    }
    if (jitsiVertx != null) {
      TestNode.await(jitsiVertx.close());
    }
  }
}
