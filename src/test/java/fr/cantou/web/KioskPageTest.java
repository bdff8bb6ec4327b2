package fr.cantou.web;

import com.microsoft.playwright.Clock;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import fr.cantou.support.Eventually;
import fr.cantou.support.MutableClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The screen of a point visio-accueil, on a 1024×768 touch tablet, as the citizen and the people
 * around her live it: the admin pairs it, the citizen taps her line (time and initial only),
 * the agent sees her waiting at once, joins, and the call opens on the screen; when it ends the
 * screen is back to the list and keeps nothing of her. The server's clock and each page's are
 * set by the test (the room open: ten minutes before her time), never read from the day it runs.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class KioskPageTest {
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  /** The screen's screen hears its appointment on its socket; a condition it waits for may take a few seconds on a busy machine. */
  private static final LocatorAssertions.IsVisibleOptions SOON = new LocatorAssertions.IsVisibleOptions().setTimeout(15_000);
  /** The server's clock: the real now as the class starts (not as it is loaded), then moved by the tests. */
  static final MutableClock clock = MutableClock.startingNow();
  @org.junit.jupiter.api.extension.RegisterExtension
  static final BrowserFixture web = BrowserFixture.forTheClassFromNow(clock);
  /** A point where the CPAM's agent has a free slot, that slot's start, and the CPAM's service. */
  static String pointId;
  static String pointName;
  static String serviceId;
  static Instant slot;

  /** Run after the fixture has started (an extension's beforeAll comes before the class's own). */
  @BeforeAll
  static void findAPointWithAFreeSlot() {
    JsonObject service = web.node.api.get("/api/visio/services").array().stream().map(JsonObject.class::cast)
        .filter(s -> s.getString("name").startsWith("Carte Vitale")).findFirst().orElseThrow();
    serviceId = service.getString("id");
    LocalDate from = LocalDate.now(clock.withZone(PARIS)).plusDays(1);
    for (Object p : web.node.api.get("/api/visio/points").array()) {
      JsonObject point = (JsonObject) p;
      JsonArray slots = web.node.api.get("/api/visio/services/" + serviceId + "/slots?from=" + from + "&to=" + from.plusDays(6)
          + "&pointId=" + point.getString("id")).array();
      if (!slots.isEmpty()) {
        pointId = point.getString("id");
        pointName = point.getString("name");
        slot = OffsetDateTime.parse(slots.getJsonObject(0).getString("start")).toInstant();
        break;
      }
    }
    assertThat(pointId).as("a point with a free slot of the CPAM").isNotNull();
  }

  @Test
  @org.junit.jupiter.api.Order(1)
  void paired_by_the_admin_the_screen_books_her_with_a_phone_only_checks_her_in_the_agent_joins_and_the_call_ends_leaving_nothing_behind() {
    // Three hours before the first free slot, on its day: the screen may still book it (two hours' notice).
    clock.set(max(clock.instant(), slot.minus(Duration.ofHours(3))));
    JsonObject robert = book(slot.plus(Duration.ofMinutes(20)), "Robert Fabre", "06 39 98 12 52");
    ch.qos.logback.classic.Logger smsLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("cantou.sms");
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> sent = new ch.qos.logback.core.read.ListAppender<>();
    sent.start();
    smsLog.addAppender(sent);

    // The admin pairs a screen of that point; its code is shown once.
    Page admin = web.newPage();
    web.signIn(admin, "admin");
    admin.navigate(web.url("/admin.html#screens"));
    admin.locator("#screen-point").selectOption(pointId);
    admin.locator("#screen-label").fill("Accueil, rez-de-chaussée");
    admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Associer un écran")).click();
    Locator shown = admin.locator("#pairing-code");
    assertThat(shown).isVisible();
    String code = shown.textContent().trim();
    assertThat(code).matches("[A-Z2-9]{5}-[A-Z2-9]{5}");
    assertThat(admin.locator("#screen-list")).containsText("Accueil, rez-de-chaussée");
    PagesTest.assertAccessible(admin, "admin-ecrans");

    // The screen: a touch tablet, on the server's time.
    Page screen = kioskPage();
    screen.navigate(web.url("/kiosque.html"));
    assertThat(screen.locator("h1")).hasText("Associer cet écran à un point visio-accueil");
    int history = (int) screen.evaluate("history.length");
    PagesTest.assertAccessible(screen, "kiosque-associer");
    screen.locator("#pair-code").fill(code.toLowerCase());
    screen.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Associer l'écran")).click();
    assertThat(screen.locator("h1")).hasText("Bienvenue ! Vous avez rendez-vous ?");
    assertThat(screen.locator("#kiosk-point")).containsText(pointName);

    // Jeanne has no appointment: with the mediator, she books the point's first free slot of the CPAM, a mobile only.
    screen.locator("#free-slots").click();
    assertThat(screen.locator("h1")).hasText("Les prochains créneaux libres ici");
    Locator cpam = screen.locator("#slots section").filter(new Locator.FilterOptions().setHasText("Carte Vitale"));
    assertThat(cpam.locator("button").first()).isVisible(SOON);
    PagesTest.assertAccessible(screen, "kiosque-creneaux-libres");
    cpam.locator("button").first().click();
    assertThat(screen.locator("h1")).hasText("Réserver ce créneau");
    PagesTest.assertAccessible(screen, "kiosque-reserver");
    screen.locator("#book-name").fill("Jeanne Vidal");
    screen.locator("#book-phone").fill("06 39 98 12 51");
    screen.locator("#book-confirm").click();
    assertThat(screen.locator("h1")).hasText("C'est réservé !");
    String reference = screen.locator("#booked-reference").textContent().trim();
    assertThat(reference).startsWith("CPAM-");
    assertThat(screen.locator("#booked-ticket")).containsText(pointName);
    assertThat(screen.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Imprimer"))).isVisible();
    assertThat(screen.locator("main")).not().containsText("06 39");
    PagesTest.assertAccessible(screen, "kiosque-reserve");
    // The confirmation goes by SMS: with no provider, the node's log says so (the number masked, never the text).
    Eventually.until("the confirmation SMS in the log", () -> logged(sent).stream()
        .anyMatch(line -> line.contains("event=sms_not_sent") && line.contains("51 ")));
    smsLog.detachAppender(sent);
    // The SMS's own line: never its text (the demo adds its link on a line of its own, event=demo_link: DemoLinksTest).
    assertThat(logged(sent)).noneMatch(line -> line.startsWith("event=sms_not_sent") && line.contains(reference));
    screen.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Terminer")).click();
    assertThat(screen.locator("h1")).hasText("Bienvenue ! Vous avez rendez-vous ?");

    // Ten minutes before her time: the room is open; the screen's list is read again within the minute.
    clock.set(slot.minus(Duration.ofMinutes(9)));
    screen.clock().setSystemTime(clock.instant().toEpochMilli());
    screen.clock().runFor(61_000);

    // The day's list: time and initial, never a name.
    Locator lines = screen.locator("#kiosk-list .kiosk-appointment");
    assertThat(lines).hasCount(2);
    assertThat(lines.first().locator(".kiosk-initial")).hasText("J.");
    assertThat(lines.nth(1).locator(".kiosk-initial")).hasText("R.");
    assertThat(screen.locator("main")).not().containsText("Jeanne");
    assertThat(screen.locator("main")).not().containsText("Vidal");
    assertThat(screen.locator("main")).not().containsText(reference);
    assertThat(screen.locator("main")).not().containsText("06 39");
    assertThat(lines.first()).hasAccessibleName(java.util.regex.Pattern.compile("^\\d{1,2} h( \\d{2})? J\\. Carte Vitale"));
    // A line is a target for a finger: at least 44 px high once laid out (waited for: the page's style may still be
    // arriving when the list is first written).
    assertThat(lines.first()).isVisible();
    screen.waitForFunction("line => line.getBoundingClientRect().height >= 44", lines.first().elementHandle());
    PagesTest.assertAccessible(screen, "kiosque-liste");

    // A minute with nothing new leaves the list as it is: a tap begun on a line is not lost to the line drawn anew.
    // Robert cancels: the next minute's list has one line fewer, and only then was the list drawn again. (A touch
    // before each minute keeps the screen from going back to its start, which draws everything anew.)
    screen.evaluate("() => { window.listsDrawn = 0; new MutationObserver((changes) => changes.forEach((c) => c.removedNodes"
        + ".forEach((n) => { if (n.id === 'kiosk-list') window.listsDrawn += 1; })))"
        + ".observe(document.body, { childList: true, subtree: true }); }");
    Runnable aMinuteLater = () -> {
      screen.evaluate("() => document.dispatchEvent(new Event('pointerdown'))");
      screen.clock().runFor(61_000);
    };
    screen.waitForResponse("**/api/visio/kiosk", aMinuteLater);
    assertThat(web.node.api.send("POST", "/api/visio/appointments/" + robert.getString("id") + "/cancel", null, null,
        java.util.Map.of("X-Manage-Token", robert.getString("manageToken"))).status()).isEqualTo(200);
    fr.cantou.support.Eventually.until("the list without Robert", () -> {
      aMinuteLater.run();
      return lines.count() == 1;
    });
    assertThat(lines.first().locator(".kiosk-initial")).hasText("J.");
    assertThat(screen.evaluate("window.listsDrawn")).isEqualTo(1);

    // The agent's day is open meanwhile.
    Page agent = web.newPage();
    agent.clock().install(new Clock.InstallOptions().setTime(clock.instant().toEpochMilli()));
    web.signIn(agent, "agent.cpam");
    Locator card = agent.locator("#appointments article").filter(new Locator.FilterOptions().setHasText("Jeanne Vidal"));
    assertThat(card).isVisible();
    assertThat(card.locator(".tag")).not().hasText("En salle d'attente");

    // She taps her line, says it is hers: checked in.
    lines.first().click();
    assertThat(screen.locator("h1")).hasText("Est-ce bien votre rendez-vous ?");
    PagesTest.assertAccessible(screen, "kiosque-confirmer");
    screen.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Oui, c'est moi")).click();
    assertThat(screen.locator("h1")).hasText("Merci, J. Vous êtes en salle d'attente.");
    PagesTest.assertAccessible(screen, "kiosque-salle-d-attente");

    // Live on the agent's page, no reload.
    assertThat(card.locator(".tag")).hasText("En salle d'attente");

    // The agent joins: the call opens on the screen (the stand-in Jitsi of the fixture).
    card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Rejoindre")).click();
    assertThat(agent.locator("#call .stand-in")).isVisible();
    assertThat(screen.locator("#call .stand-in")).isVisible(SOON);
    assertThat(screen.locator("#call h2")).hasText("Appel vidéo");
    assertThat(screen.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Passer en audio seulement (connexion faible)"))).isVisible();
    List<?> calls = (List<?>) screen.evaluate("window.__jitsi.map((c) => c.displayName)");
    assertThat(calls).hasSize(1);
    assertThat((String) calls.get(0)).startsWith("J. — ").doesNotContain("Vidal");
    // The real room is Jitsi's iframe, Jitsi's own page, not Cantou's; the fixture's stand-in paragraph, dark on the
    // frame's black, stands for it and is not the page's text.
    screen.evaluate("document.querySelectorAll('.stand-in').forEach((p) => { p.style.color = '#fff'; })");
    PagesTest.assertAccessible(screen, "kiosque-appel");

    // Her call ends on the screen: back to the list, and nothing of her is left.
    screen.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Quitter l'appel")).click();
    assertThat(screen.locator("h1")).hasText("Bienvenue ! Vous avez rendez-vous ?");
    assertThat(screen.locator("#call")).isHidden();
    assertThat(screen.locator("main")).not().containsText("Merci");
    assertNothingKeptBut(screen, history);
    PagesTest.assertAccessible(screen, "kiosque-apres-appel");
    admin.context().close();
    agent.context().close();
    screen.context().close();
  }

  @Test
  @org.junit.jupiter.api.Order(2)
  void left_untouched_the_screen_goes_back_to_french_and_its_list_and_a_revoked_screen_asks_for_a_new_code() {
    clock.set(max(clock.instant(), slot.minus(Duration.ofMinutes(30))));
    String kioskId = pair();

    Page screen = pairedScreen();
    int history = (int) screen.evaluate("history.length");

    // Someone switches to English, types half a reference, and walks away.
    screen.locator("#lang").click();
    assertThat(screen.locator("h1")).hasText("Welcome! Do you have an appointment?");
    screen.locator("#reference").fill("CPAM-7K");
    screen.locator("#free-slots").click();
    assertThat(screen.locator("h1")).hasText("The next free slots here");
    PagesTest.assertAccessible(screen, "kiosque-creneaux");
    screen.clock().fastForward("03:01");
    assertThat(screen.locator("h1")).hasText("Bienvenue ! Vous avez rendez-vous ?");
    assertThat(screen.locator("#reference")).hasValue("");
    assertNothingKeptBut(screen, history);

    // The admin revokes it: its socket closes (4401) and the pairing form shows at once, the token gone (no clock moved).
    var revoked = web.node.api.send("DELETE", "/api/visio/points/" + pointId + "/kiosks/" + kioskId, web.node.adminToken(), null,
        java.util.Map.of());
    assertThat(revoked.status()).isEqualTo(200);
    assertThat(screen.locator("h1")).hasText("Associer cet écran à un point visio-accueil");
    assertThat(screen.locator("main")).containsText("n'est plus associé");
    assertThat((int) screen.evaluate("localStorage.length")).isZero();
    PagesTest.assertAccessible(screen, "kiosque-retire");
    screen.context().close();
  }

  /**
   * The screen's pairing, its answer lost on the point's weak link (the code spent by then): "Associer l'écran" pressed
   * again sends the same code with the same key, and the screen is paired, where "this code pairs no screen" was said
   * (without the page's key: that 404, watched). One screen in the point's list.
   */
  @Test
  void a_pairing_whose_answer_was_lost_pairs_the_screen_when_sent_again() {
    JsonObject made = web.node.api.post("/api/visio/points/" + pointId + "/kiosks", web.node.adminToken(),
        new JsonObject().put("label", "Borne de l'entrée")).json();
    Page screen = kioskPage();
    screen.navigate(web.url("/kiosque.html"));
    List<String> keys = BrowserFixture.losingTheFirstAnswer(screen, "**/api/visio/kiosk/pair");
    screen.locator("#pair-code").fill(made.getString("code"));
    Locator pair = screen.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Associer l'écran"));
    pair.click();
    assertThat(screen.locator("#pair-error")).isVisible(SOON);
    assertThat(screen.locator("#pair-error")).isFocused();
    pair.click();
    assertThat(screen.locator("h1")).hasText("Bienvenue ! Vous avez rendez-vous ?", new LocatorAssertions.HasTextOptions()
        .setTimeout(15_000));
    org.assertj.core.api.Assertions.assertThat(keys).as("the same key sent twice").hasSize(2).doesNotContain("null")
        .containsOnly(keys.get(0));
    screen.unroute("**/api/visio/kiosk/pair");
    org.assertj.core.api.Assertions.assertThat(web.node.api.get("/api/visio/points/" + pointId + "/kiosks",
        web.node.adminToken()).array().stream().map(JsonObject.class::cast)
        .filter(k -> "Borne de l'entrée".equals(k.getString("label")))).as("one screen").hasSize(1);
  }

  /**
   * The admin's new screen, its answer lost on the way back (the screen made, its code never shown): "Associer un écran"
   * pressed again sends the same name with the same key, and the same screen is answered with a code that pairs it, where
   * a second screen and code were made (without the page's key: two screens listed, watched). One screen in the list.
   */
  @Test
  void a_screen_made_again_after_its_answer_was_lost_is_one_screen_whose_code_pairs() {
    Page admin = web.signIn(web.newPage(), "admin");
    admin.navigate(web.url("/admin.html#screens"));
    admin.locator("#screen-point").selectOption(pointId);
    List<String> keys = BrowserFixture.losingTheFirstAnswer(admin, "**/api/visio/points/*/kiosks");
    admin.locator("#screen-label").fill("Borne du guichet, après une coupure");
    Locator make = admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Associer un écran"));
    make.click();
    assertThat(admin.locator("#screen-error")).isVisible(SOON);
    assertThat(admin.locator("#screen-error")).isFocused();
    make.click();
    Locator shown = admin.locator("#pairing-code");
    assertThat(shown).isVisible();
    assertThat(admin.locator("#screen-error")).isHidden();
    org.assertj.core.api.Assertions.assertThat(keys).as("the same key sent twice").hasSize(2).doesNotContain("null")
        .containsOnly(keys.get(0));
    org.assertj.core.api.Assertions.assertThat(web.node.api.get("/api/visio/points/" + pointId + "/kiosks",
        web.node.adminToken()).array().stream().map(JsonObject.class::cast)
        .filter(k -> "Borne du guichet, après une coupure".equals(k.getString("label")))).as("one screen").hasSize(1);
    assertThat(admin.locator("#screen-list li").filter(new Locator.FilterOptions()
        .setHasText("Borne du guichet, après une coupure"))).hasCount(1);

    var paired = web.node.api.send("POST", "/api/visio/kiosk/pair", null, new JsonObject().put("code", shown.textContent().trim())
        .encode(), java.util.Map.of("Content-Type", "application/json"));
    org.assertj.core.api.Assertions.assertThat(paired.status()).as("the code shown pairs: " + paired).isEqualTo(201);
    admin.context().close();
  }

  /** The mediator pairs and removes the screens of the point his France Services house runs, and of no other. */
  @Test
  @org.junit.jupiter.api.Order(0)
  void the_mediator_pairs_and_removes_his_points_screens_from_his_page() {
    Page mediator = web.signIn(web.newTabletPage(), "mediateur.riom");
    assertThat(mediator.locator("#screens h2")).hasText("Les écrans de votre point visio-accueil");
    assertThat(mediator.locator("#screen-point option")).hasCount(1);
    assertThat(mediator.locator("#screen-point option")).hasText("France Services de Riom-ès-Montagnes — Riom-ès-Montagnes");

    mediator.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Associer un écran")).click();
    assertThat(mediator.locator("#screen-error")).hasText("Donnez un nom à l'écran.");
    mediator.locator("#screen-label").fill("Salle d'attente");
    mediator.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Associer un écran")).click();
    assertThat(mediator.locator("#pairing-code")).isVisible();
    assertThat(mediator.locator("#screen-code")).isFocused();
    assertThat(mediator.locator("#screen-list")).containsText("Code en attente de saisie");
    PagesTest.assertAccessible(mediator, "mediateur-ecrans");

    mediator.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Retirer l'écran Salle d'attente")).click();
    assertThat(Question.of(mediator).locator("button").first()).hasText("Oui, retirer l'écran");
    Question.accept(mediator);
    assertThat(mediator.locator("#screen-outcome")).hasText("L'écran « Salle d'attente » est retiré.");
    assertThat(mediator.locator("#screen-list")).hasText("Aucun écran n'est associé à ce point.");
    mediator.context().close();
  }

  /** Last: it moves the server's clock past the others' times (the server's clock only moves forward). */
  @Test
  @org.junit.jupiter.api.Order(3)
  void her_reference_typed_checks_her_in_and_the_agent_marking_it_done_closes_the_call_on_the_screen() {
    JsonObject marie = bookNextFreeSlotAndPair("Marie Delmas", "06 39 98 12 54");

    Page screen = pairedScreen();
    int history = (int) screen.evaluate("history.length");

    // A reference no appointment here has: said under the field, focused.
    screen.locator("#reference").fill("CPAM-ZZZZZ");
    screen.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Signaler mon arrivée")).click();
    assertThat(screen.locator("#reference-error")).containsText("Aucun rendez-vous de ce point ne porte cette référence");
    assertThat(screen.locator("#reference-error")).isFocused();
    PagesTest.assertAccessible(screen, "kiosque-reference-inconnue");
    // Hers, typed as on a phone's keyboard.
    screen.locator("#reference").fill(marie.getString("reference").toLowerCase().replace("-", " "));
    screen.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Signaler mon arrivée")).click();
    assertThat(screen.locator("h1")).hasText("Merci, M. Vous êtes en salle d'attente.");

    Page agent = web.newPage();
    agent.clock().install(new Clock.InstallOptions().setTime(clock.instant().toEpochMilli()));
    web.signIn(agent, "agent.cpam");
    Locator card = agent.locator("#appointments article").filter(new Locator.FilterOptions().setHasText("Marie Delmas"));
    assertThat(card.locator(".tag")).hasText("En salle d'attente");
    card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Rejoindre")).click();
    assertThat(screen.locator("#call .stand-in")).isVisible(SOON);

    // The agent says it is done: the screen closes the call by itself and keeps nothing.
    card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Terminé").setExact(true)).click();
    card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Oui, terminé")).click();
    assertThat(screen.locator("h1")).hasText("Bienvenue ! Vous avez rendez-vous ?", new LocatorAssertions.HasTextOptions().setTimeout(15_000));
    assertThat(screen.locator("#call")).isHidden();
    assertNothingKeptBut(screen, history);
    agent.context().close();
    screen.context().close();
  }

  /**
   * Her appointment cancelled by her administration while she waits at the screen: the screen says so and where to go
   * (it went back to its list without a word, her waiting screen gone under her eyes), then goes back to the list.
   */
  @Test
  @org.junit.jupiter.api.Order(3)
  void her_appointment_cancelled_while_she_waits_is_said_on_the_screen_before_the_list_comes_back() {
    JsonObject jeanne = bookNextFreeSlotAndPair("Jeanne Faucher", "06 39 98 12 57");
    Page screen = pairedScreen();
    screen.locator("#reference").fill(jeanne.getString("reference"));
    screen.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Signaler mon arrivée")).click();
    assertThat(screen.locator("h1")).hasText("Merci, J. Vous êtes en salle d'attente.");

    String agent = web.node.api.login("agent.cpam@cantal.demo", BrowserFixture.PASSWORD);
    org.assertj.core.api.Assertions.assertThat(web.node.api.post("/api/visio/appointments/" + jeanne.getString("id") + "/cancel",
        agent, null).status()).isEqualTo(200);
    assertThat(screen.locator("h1")).hasText("Rendez-vous annulé", new LocatorAssertions.HasTextOptions().setTimeout(15_000));
    assertThat(screen.locator("#kiosk-title")).isFocused();
    assertThat(screen.locator("main")).containsText("vient d'annuler votre rendez-vous de");
    assertThat(screen.locator("main")).containsText("Adressez-vous à l'accueil");
    PagesTest.assertAccessible(screen, "kiosque-rendez-vous-annule");
    screen.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("J'ai compris")).click();
    assertThat(screen.locator("h1")).hasText("Bienvenue ! Vous avez rendez-vous ?");
    screen.context().close();
  }

  /**
   * Her appointment moved by her administration while she waits at the screen. Within the day, the screen kept today's
   * old time; to another day, it heard nothing (the screen's event was sent only for an appointment of today) and kept
   * her waiting for a call that would not come. Now the new time is drawn and said, and she is still seen waiting by
   * the agent; moved to another day, the screen says the new day and time and where to ask, then the list comes back.
   */
  @Test
  @org.junit.jupiter.api.Order(3)
  void her_appointment_moved_while_she_waits_is_drawn_at_its_new_time_or_said_moved_to_another_day() {
    // A day of the point with a free slot more than the service's notice (2 h) after its first one: her slot is the first.
    LocalDate day = LocalDate.ofInstant(clock.instant(), PARIS).plusDays(1);
    for (int tries = 0; freeSlots(day).isEmpty() || !freeSlots(day).get(freeSlots(day).size() - 1)
        .isAfter(freeSlots(day).get(0).plus(Duration.ofMinutes(140))); tries++) {
      assertThat(tries).as("a day with slots far enough apart, in the two weeks from " + day).isLessThan(14);
      day = day.plusDays(1);
    }
    Instant booked = freeSlots(day).get(0);
    Instant later = freeSlots(day).get(freeSlots(day).size() - 1);
    JsonObject lucie = book(booked, "Lucie Boudou", "06 39 98 12 58");
    clock.set(booked.minus(Duration.ofMinutes(9)));
    kiosk = pair();
    Page screen = pairedScreen();
    screen.locator("#reference").fill(lucie.getString("reference"));
    screen.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Signaler mon arrivée")).click();
    assertThat(screen.locator("h1")).hasText("Merci, L. Vous êtes en salle d'attente.");
    assertThat(screen.locator("main")).containsText("Votre rendez-vous est à " + LastMileTest.clock(booked.atZone(PARIS)));
    String agent = web.node.api.login("agent.cpam@cantal.demo", BrowserFixture.PASSWORD);

    // Later the same day: the new time on her waiting screen, said, and the agent still sees her here.
    move(lucie, agent, later);
    assertThat(screen.locator("main")).containsText("Votre rendez-vous est à " + LastMileTest.clock(later.atZone(PARIS)),
        new LocatorAssertions.ContainsTextOptions().setTimeout(15_000));
    assertThat(screen.locator("h1")).hasText("Merci, L. Vous êtes en salle d'attente.");
    assertThat(screen.locator("#status")).hasText("Votre rendez-vous est déplacé à " + LastMileTest.clock(later.atZone(PARIS))
        + ". Restez devant l'écran.");
    Eventually.until("the agent sees her waiting at the new time", () -> web.node.api.get("/api/visio/appointments/"
        + lucie.getString("id"), agent).json().getBoolean("citizenWaiting"));

    // Another day: said, with the day and time, and where to ask; then the list.
    Instant otherDay = freeSlots(day.plusDays(1)).isEmpty() ? freeSlots(day.plusDays(3)).get(0) : freeSlots(day.plusDays(1)).get(0);
    move(lucie, agent, otherDay);
    assertThat(screen.locator("h1")).hasText("Rendez-vous déplacé", new LocatorAssertions.HasTextOptions().setTimeout(15_000));
    assertThat(screen.locator("#kiosk-title")).isFocused();
    assertThat(screen.locator("main")).containsText("il n'a pas lieu aujourd'hui, mais le "
        + LastMileTest.inWords(otherDay.atZone(PARIS)));
    assertThat(screen.locator("main")).containsText("Adressez-vous à l'accueil");
    PagesTest.assertAccessible(screen, "kiosque-rendez-vous-deplace");
    Eventually.until("the screen let her appointment of another day go", () -> web.node.api.send("GET",
        "/api/visio/kiosk/appointments/" + lucie.getString("id"), null, null, java.util.Map.of("X-Kiosk-Token", token)).status() == 404);
    screen.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("J'ai compris")).click();
    assertThat(screen.locator("h1")).hasText("Bienvenue ! Vous avez rendez-vous ?");
    screen.context().close();
  }

  /** The point's free slots of that day for the CPAM's service. */
  private static List<Instant> freeSlots(LocalDate day) {
    return web.node.api.get("/api/visio/services/" + serviceId + "/slots?from=" + day + "&to=" + day + "&pointId=" + pointId)
        .array().stream().map(JsonObject.class::cast).map(o -> OffsetDateTime.parse(o.getString("start")).toInstant()).toList();
  }

  private static void move(JsonObject appointment, String agent, Instant start) {
    var moved = web.node.api.post("/api/visio/appointments/" + appointment.getString("id") + "/reschedule", agent,
        new JsonObject().put("start", start.atZone(PARIS).format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME)));
    org.assertj.core.api.Assertions.assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
  }

  /**
   * The video server out of reach from the point's screen, the agent already in the room: her card says the video failed
   * at the point, with the point's phone, and says it aloud; "Réessayer" on the screen, once the server answers, puts her
   * in the room and the failure leaves the card.
   */
  @Test
  @org.junit.jupiter.api.Order(4)
  void the_screens_video_failing_tells_the_agent_to_call_the_point_and_retried_it_puts_her_in_the_room() {
    JsonObject rose = bookNextFreeSlotAndPair("Rose Vermenouze", "06 39 98 12 56");
    // Her agent: the one the booking went to (her page says only her own appointments' news).
    String login = BrowserFixture.cpamAgentOf(rose);
    String agentToken = web.node.api.login(login + "@cantal.demo", BrowserFixture.PASSWORD);
    String pointPhone = web.node.api.get("/api/visio/appointments/" + rose.getString("id"), agentToken).json().getString("pointPhone");
    org.assertj.core.api.Assertions.assertThat(pointPhone).as("the demo's points have a phone").isNotNull();

    Page agent = web.newPage();
    agent.clock().install(new Clock.InstallOptions().setTime(clock.instant().toEpochMilli()));
    web.signIn(agent, login);
    agent.locator("#day").fill(LocalDate.ofInstant(clock.instant(), PARIS).toString());
    agent.locator("#day").dispatchEvent("change");
    Locator card = agent.locator("#appointments article").filter(new Locator.FilterOptions().setHasText("Rose Vermenouze"));
    assertThat(card).isVisible();

    Page screen = pairedScreen();
    screen.route("**/external_api.js", route -> route.abort());
    screen.locator("#reference").fill(rose.getString("reference"));
    screen.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Signaler mon arrivée")).click();
    assertThat(screen.locator("h1")).hasText("Merci, R. Vous êtes en salle d'attente.");
    assertThat(card.locator(".tag")).hasText("En salle d'attente");
    // The agent is in the room first (through the API here): the screen follows, and its video cannot open.
    assertThat(web.node.api.post("/api/visio/appointments/" + rose.getString("id") + "/presence", agentToken,
        new JsonObject().put("state", "joined")).status()).isEqualTo(200);
    assertThat(screen.locator("#call .alert")).containsText("La visio ne peut pas s'ouvrir", new LocatorAssertions.ContainsTextOptions().setTimeout(15_000));

    assertThat(card.locator(".tag")).hasText("Vidéo impossible au point visio-accueil");
    assertThat(card.locator(".attempt")).containsText("la vidéo ne s'est pas ouverte sur l'écran du point visio-accueil : "
        + "téléphonez au point, au numéro ci-dessous.");
    Locator phone = card.locator("a[href^='tel:']").filter(new Locator.FilterOptions().setHasText(pointPhone));
    assertThat(phone).hasCount(1);
    assertThat(card).containsText("Point visio-accueil (" + pointName + ") :");
    assertThat(agent.locator("#status")).hasText("La vidéo de Rose Vermenouze ne s'ouvre pas au point visio-accueil : appelez le point.");
    PagesTest.assertAccessible(agent, "agent-video-impossible-au-point");

    screen.unroute("**/external_api.js");
    // On the point's weak link, the first "waiting" after the failure never reaches the server: sent again, it does.
    List<String> said = BrowserFixture.losingTheFirstRequest(screen, "**/api/visio/kiosk/appointments/*/presence");
    screen.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Réessayer")).click();
    assertThat(screen.locator("#call .stand-in")).isVisible(SOON);
    assertThat(card.locator(".attempt")).hasCount(0);
    org.assertj.core.api.Assertions.assertThat(said).as("what the screen said, the first lost").hasSize(2)
        .allMatch(body -> body.contains("\"waiting\""));
    screen.unroute("**/api/visio/kiosk/appointments/*/presence");
    assertThat(card.locator(".tag")).not().hasText("Vidéo impossible au point visio-accueil");
    org.assertj.core.api.Assertions.assertThat(web.node.api.get("/api/visio/appointments/" + rose.getString("id"), agentToken).json()
        .getBoolean("citizenWaiting")).as("in the room again through the screen").isTrue();

    // In the call, the room drops under her and cannot be entered again: a drop is not her leaving, so the screen keeps
    // her while it tries (it went back to its list after 15 s before), then says the video failed, and so does the card.
    screen.evaluate("""
        () => {
          const Base = window.JitsiMeetExternalAPI;
          window.JitsiMeetExternalAPI = class extends Base {
            constructor(domain, options) {
              super(domain, options);
              setTimeout(() => this.emit('errorOccurred', { error: { isFatal: true } }), 10);
            }
          };
          window.__jitsiApis.at(-1).emit('errorOccurred', { error: { isFatal: true } });
        }""");
    screen.clock().runFor(40_000);
    assertThat(screen.locator("#call .alert")).containsText("La visio ne peut pas s'ouvrir");
    assertThat(screen.locator("#call")).isVisible();
    assertThat(screen.locator("#call")).containsText("Réessayer");
    assertThat(card.locator(".tag")).hasText("Vidéo impossible au point visio-accueil");
    agent.context().close();
    screen.context().close();
  }

  /** After the others: revoked while she is in her call, the screen drops the call at once and keeps nothing. */
  @Test
  @org.junit.jupiter.api.Order(5)
  void revoked_during_a_call_the_screen_drops_the_call_at_once_and_keeps_nothing() {
    JsonObject paul = bookNextFreeSlotAndPair("Paul Chazal", "06 39 98 12 55");
    String kioskId = kiosk;
    Page screen = pairedScreen();

    screen.locator("#reference").fill(paul.getString("reference"));
    screen.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Signaler mon arrivée")).click();
    assertThat(screen.locator("h1")).hasText("Merci, P. Vous êtes en salle d'attente.");
    // The agent joins (through the API here): the screen hears it on its socket, not by asking.
    assertThat(web.node.api.post("/api/visio/appointments/" + paul.getString("id") + "/presence", web.node.api.login(
        "agent.cpam@cantal.demo", BrowserFixture.PASSWORD), new JsonObject().put("state", "joined")).status()).isEqualTo(200);
    assertThat(screen.locator("#call .stand-in")).isVisible();

    var revoked = web.node.api.send("DELETE", "/api/visio/points/" + pointId + "/kiosks/" + kioskId, web.node.adminToken(), null,
        java.util.Map.of());
    assertThat(revoked.status()).isEqualTo(200);
    assertThat(screen.locator("h1")).hasText("Associer cet écran à un point visio-accueil");
    assertThat(screen.locator("#call")).isHidden();
    assertThat(screen.locator("#call *")).hasCount(0);
    assertThat(screen.locator("main")).not().containsText("P.");
    assertThat((int) screen.evaluate("localStorage.length + sessionStorage.length")).isZero();
    PagesTest.assertAccessible(screen, "kiosque-retire-pendant-l-appel");
    screen.context().close();
  }

  /**
   * Last: "Scanner ma convocation" before a camera that shows her QR code (Chromium's fake camera fed from a Y4M file
   * written here). Chromium on Linux has no BarcodeDetector: the frames go to the server, which reads them. Cancel stops
   * the camera; held again, her code checks her in, and the camera is off.
   */
  @Test
  @org.junit.jupiter.api.Order(6)
  void her_convocations_qr_code_before_the_camera_checks_her_in_and_the_camera_stops() throws Exception {
    JsonObject rose = bookNextFreeSlotAndPair("Rose Vermenouze", "06 39 98 12 56");
    java.nio.file.Path video = java.nio.file.Files.createTempFile("cantou-convocation-", ".y4m");
    writeCameraFile(video, rose.getString("reference"));
    try (com.microsoft.playwright.Playwright playwright = com.microsoft.playwright.Playwright.create(
        new com.microsoft.playwright.Playwright.CreateOptions().setEnv(java.util.Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")))) {
      com.microsoft.playwright.Browser camera = playwright.chromium().launch(new com.microsoft.playwright.BrowserType.LaunchOptions()
          .setExecutablePath(java.nio.file.Path.of("/usr/bin/chromium")).setHeadless(true)
          .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
              "--use-file-for-fake-video-capture=" + video)));
      com.microsoft.playwright.BrowserContext context = camera.newContext(new com.microsoft.playwright.Browser.NewContextOptions()
          .setLocale("fr-FR").setViewportSize(1024, 768).setHasTouch(true));
      // Every camera stream the page opens, to see that its tracks end (the first about:blank has no camera to wrap).
      context.addInitScript("""
          window.__streams = [];
          if (navigator.mediaDevices) {
            const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
            navigator.mediaDevices.getUserMedia = async (c) => { const s = await open(c); window.__streams.push(s); return s; };
          }
          """);
      Page screen = web.watched(context);
      screen.clock().install(new Clock.InstallOptions().setTime(clock.instant().toEpochMilli()));
      screen.navigate(web.url("/kiosque.html"));
      screen.evaluate("([token]) => localStorage.setItem('cantou.kiosk', token)", List.of(token));
      screen.reload();
      assertThat(screen.locator("h1")).hasText("Bienvenue ! Vous avez rendez-vous ?");
      assertThat((boolean) screen.evaluate("'BarcodeDetector' in window")).as("Chromium on Linux reads no QR code itself").isFalse();

      // The frames are held a moment: the scanning view stays while it is checked.
      List<com.microsoft.playwright.Route> held = new java.util.concurrent.CopyOnWriteArrayList<>();
      screen.route("**/api/visio/kiosk/scan", held::add);
      screen.locator("#scan").click();
      assertThat(screen.locator("h1")).hasText("Scanner ma convocation");
      assertThat(screen.locator("h1")).isFocused();
      assertThat(screen.locator("#scan-help")).hasText("Présentez le QR code de votre convocation devant la caméra");
      assertThat(screen.locator("#scan-status")).containsText("La caméra cherche le QR code", SOON_TEXT);
      screen.waitForCondition(() -> !held.isEmpty());
      assertThat(screen.locator("body")).hasAttribute("data-scan-path", "server");
      com.microsoft.playwright.Request frame = held.get(0).request();
      assertThat(frame.headerValue("content-type")).isEqualTo("image/jpeg");
      assertThat(frame.headerValue("x-kiosk-token")).isEqualTo(token);
      assertThat(frame.postDataBuffer().length).isBetween(1000, 200 * 1024);
      PagesTest.assertAccessible(screen, "kiosque-scanner");

      // "Annuler": back to the list, the camera off, no frame sent any more.
      screen.locator("#scan-cancel").click();
      assertThat(screen.locator("h1")).hasText("Bienvenue ! Vous avez rendez-vous ?");
      assertThat((boolean) screen.evaluate("window.__streams.length === 1 && window.__streams.every((s) => "
          + "s.getTracks().every((t) => t.readyState === 'ended'))")).as("the camera opened, then off").isTrue();
      held.forEach(com.microsoft.playwright.Route::abort);
      held.clear();
      screen.unroute("**/api/visio/kiosk/scan");

      // Again: her code is read on the server and checks her in, as her reference typed would.
      screen.locator("#scan").click();
      assertThat(screen.locator("h1")).hasText("Merci, R. Vous êtes en salle d'attente.", new LocatorAssertions.HasTextOptions()
          .setTimeout(20_000));
      assertThat((boolean) screen.evaluate("window.__streams.length === 2 && window.__streams.every((s) => "
          + "s.getTracks().every((t) => t.readyState === 'ended'))")).as("the camera off once she is checked in").isTrue();
      assertThat(screen.locator("#scan-video")).hasCount(0);
      JsonObject day = web.node.api.send("GET", "/api/visio/kiosk", null, null, java.util.Map.of("X-Kiosk-Token", token)).json();
      assertThat(day.getJsonArray("appointments").stream().map(JsonObject.class::cast)
          .filter(a -> a.getString("id").equals(rose.getString("id"))).findFirst().orElseThrow().getBoolean("checkedIn")).isTrue();
      screen.locator("#not-me").click();
      assertThat(screen.locator("h1")).hasText("Bienvenue ! Vous avez rendez-vous ?");
      camera.close();
    } finally {
      java.nio.file.Files.deleteIfExists(video);
    }
  }

  private static final LocatorAssertions.ContainsTextOptions SOON_TEXT = new LocatorAssertions.ContainsTextOptions().setTimeout(15_000);

  /**
   * A camera that shows her QR code: YUV4MPEG2, 640×480, 10 frames a second, 4:2:0; each frame the code's luma (dark
   * modules on white, centred, large) and neutral chroma. Chromium loops it.
   */
  private static void writeCameraFile(java.nio.file.Path file, String reference) throws java.io.IOException {
    int w = 640;
    int h = 480;
    byte[] luma = fr.cantou.support.QrPictures.luma(reference, w, h, 10);
    byte[] chroma = new byte[(w / 2) * (h / 2)];
    java.util.Arrays.fill(chroma, (byte) 128);
    try (var out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(file))) {
      out.write(("YUV4MPEG2 W" + w + " H" + h + " F10:1 Ip A1:1 C420jpeg\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      for (int i = 0; i < 5; i++) {
        out.write("FRAME\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write(luma);
        out.write(chroma);
        out.write(chroma);
      }
    }
  }

  private String token;
  private String kiosk;

  /**
   * Her appointment at the point's next free slot (after the server's time: the other tests may have moved it), the
   * server's clock nine minutes before it (her room is open), and a screen of the point paired ({@link #pair()}).
   */
  private JsonObject bookNextFreeSlotAndPair(String name, String phone) {
    Instant start = nextFreeSlot();
    JsonObject booked = book(start, name, phone);
    clock.set(start.minus(Duration.ofMinutes(9)));
    kiosk = pair();
    return booked;
  }

  /** The next free slot of the point more than ten minutes after the server's time (the other tests may have moved it). */
  private static Instant nextFreeSlot() {
    Instant now = clock.instant();
    LocalDate from = LocalDate.ofInstant(now, PARIS);
    return web.node.api.get("/api/visio/services/" + serviceId + "/slots?from=" + from + "&to=" + from.plusDays(6)
            + "&pointId=" + pointId).array().stream().map(JsonObject.class::cast)
        .map(o -> OffsetDateTime.parse(o.getString("start")).toInstant()).filter(t -> t.isAfter(now.plus(Duration.ofMinutes(10))))
        .findFirst().orElseThrow();
  }

  /** A screen of the point paired through the API: its id; its token in {@link #token}. */
  private String pair() {
    JsonObject made = web.node.api.post("/api/visio/points/" + pointId + "/kiosks", web.node.adminToken(),
        new JsonObject().put("label", "Borne du hall")).json();
    token = web.node.api.post("/api/visio/kiosk/pair", new JsonObject().put("code", made.getString("code"))).json()
        .getString("token");
    return made.getString("id");
  }

  /** The screen paired by {@link #pair()}, its token in its storage as the pairing form leaves it, showing the day. */
  private Page pairedScreen() {
    Page screen = kioskPage();
    screen.navigate(web.url("/kiosque.html"));
    screen.evaluate("([token]) => localStorage.setItem('cantou.kiosk', token)", List.of(token));
    screen.reload();
    assertThat(screen.locator("h1")).hasText("Bienvenue ! Vous avez rendez-vous ?");
    return screen;
  }

  /** A 1024×768 touch tablet whose clock starts at the server's time. */
  private static Page kioskPage() {
    Page page = web.newTabletPage();
    page.clock().install(new Clock.InstallOptions().setTime(clock.instant().toEpochMilli()));
    return page;
  }

  /** Only the device token in the screen's storage; no history entry added since {@code history}. */
  @SuppressWarnings("unchecked")
  private static void assertNothingKeptBut(Page screen, int history) {
    assertThat((List<Object>) screen.evaluate("Object.keys(localStorage)")).containsExactly("cantou.kiosk");
    assertThat((int) screen.evaluate("sessionStorage.length")).isZero();
    assertThat((int) screen.evaluate("history.length")).isEqualTo(history);
  }

  private static JsonObject book(Instant start, String name, String phone) {
    var booked = web.node.api.post("/api/visio/appointments", new JsonObject().put("serviceId", serviceId)
        .put("start", start.atZone(PARIS).format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME)).put("pointId", pointId)
        .put("citizen", new JsonObject().put("name", name).put("phone", phone)));
    assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
    return booked.json();
  }

  /** The lines an appender kept so far (appended on the node's threads, under the appender's lock). */
  private static List<String> logged(ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender) {
    return fr.cantou.support.LogLines.messages(appender);
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
