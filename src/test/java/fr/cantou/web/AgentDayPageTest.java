package fr.cantou.web;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Clock;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.WebSocketRoute;
import com.microsoft.playwright.options.AriaRole;
import fr.cantou.support.MutableClock;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * The agent's day as she works it on a laptop with a weak link, all day long: the page left open overnight, her citizen
 * arriving in the waiting room while she looks at another day, "Absent" around the waiting room, a GET answered after
 * the live events, and the call she is in. The server's clock and the page's are the test's; each test books its own
 * appointments some days after the server's now, which only moves forward.
 */
class AgentDayPageTest {
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  /** Beeps counted, not played: the page's "bip" is an oscillator started. */
  private static final String COUNTED_BEEPS = """
      window.__beeps = 0;
      window.AudioContext = class {
        constructor() { this.currentTime = 0; this.destination = {}; }
        createOscillator() { return { frequency: {}, connect: (g) => g, start: () => { window.__beeps += 1; }, stop: () => {} }; }
        createGain() { return { gain: {}, connect: (d) => d }; }
      };
      """;
  /** Each text the status line (role=status) was given, in window.__said: what a screen reader heard of it. */
  private static final String RECORDED_STATUS = """
      window.__said = [];
      document.addEventListener('DOMContentLoaded', () => {
        const status = document.getElementById('status');
        new MutationObserver(() => { if (status.textContent) { window.__said.push(status.textContent); } })
          .observe(status, { childList: true, characterData: true, subtree: true });
      });
      """;
  /** The server's clock: the real now as the class starts (not as it is loaded), then moved by the tests. */
  static final MutableClock clock = MutableClock.startingNow();
  @org.junit.jupiter.api.extension.RegisterExtension
  static final BrowserFixture web = BrowserFixture.forTheClassFromNow(clock);

  /** The first CPAM slot some days after the server's today, booked by phone. */
  static JsonObject book(int daysAhead, String name, String phone) {
    return bookedBy(null, daysAhead, name, phone);
  }

  /** Her login: the agent the booking went to (the CPAM has two). */
  static String agentOf(JsonObject booked) {
    return BrowserFixture.cpamAgentOf(booked);
  }

  static Instant startOf(JsonObject booked) {
    return OffsetDateTime.parse(booked.getString("start")).toInstant();
  }

  static String dayOf(JsonObject booked) {
    return OffsetDateTime.parse(booked.getString("start")).atZoneSameInstant(PARIS).toLocalDate().toString();
  }

  /** Her side says where she is, as her page does ("waiting", "left"). */
  static void citizenSays(JsonObject booked, String state) {
    var said = web.node.api.send("POST", "/api/visio/appointments/" + booked.getString("id") + "/presence", null,
        new JsonObject().put("state", state).encode(), Map.of("X-Manage-Token", booked.getString("manageToken"),
            "Content-Type", "application/json"));
    org.assertj.core.api.Assertions.assertThat(said.status()).as(said.toString()).isEqualTo(200);
  }

  static Page agentAt(JsonObject booked, Instant pageTime) {
    return agentAt(booked, pageTime, page -> { });
  }

  /** The same, `before` done to the page before it opens (a route of its requests). */
  static Page agentAt(JsonObject booked, Instant pageTime, java.util.function.Consumer<Page> before) {
    Page agent = web.newPage();
    before.accept(agent);
    agent.addInitScript(COUNTED_BEEPS);
    agent.addInitScript(RECORDED_STATUS);
    agent.clock().install(new Clock.InstallOptions().setTime(pageTime.toEpochMilli()));
    web.signIn(agent, agentOf(booked));
    assertThat(agent.locator("#appointments > *").first()).isVisible();
    return agent;
  }

  /** Her page and the server at {@code fromStart} after the appointment's start (before it: negative), its day shown. */
  static Page onItsDay(JsonObject booked, Duration fromStart) {
    Instant at = startOf(booked).plus(fromStart);
    clock.set(at);
    Page agent = agentAt(booked, at);
    show(agent, dayOf(booked));
    return agent;
  }

  static void show(Page agent, String day) {
    agent.locator("#day").fill(day);
    agent.locator("#day").dispatchEvent("change");
  }

  static Locator card(Page agent, String name) {
    return agent.locator("#appointments article").filter(new Locator.FilterOptions().setHasText(name));
  }

  static Locator button(Locator in, String name) {
    return in.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(name).setExact(true));
  }

  /**
   * Left open overnight, the page showed yesterday as "du jour" (the day was set once): at the minute's tick after
   * midnight it shows the new day and reads it; coming back to the tab does the same.
   */
  @Test
  void left_open_overnight_the_page_moves_to_the_new_day() {
    JsonObject booked = book(3, "Albertine Cayrol", "06 39 98 13 01");
    LocalDate day = LocalDate.parse(dayOf(booked));
    Instant evening = day.minusDays(1).atTime(23, 58, 30).atZone(PARIS).toInstant();
    Page agent = agentAt(booked, evening);
    assertThat(agent.locator("#day")).hasValue(day.minusDays(1).toString());
    assertThat(card(agent, "Albertine Cayrol")).hasCount(0);

    agent.clock().fastForward("02:00");
    assertThat(agent.locator("#day")).hasValue(day.toString());
    assertThat(card(agent, "Albertine Cayrol")).isVisible();
    assertThat(agent.locator("h1")).hasText("Mes rendez-vous du jour");

    // The laptop asleep all night, its timers late: the tab shown again is enough.
    agent.clock().setSystemTime(day.plusDays(1).atTime(7, 30).atZone(PARIS).toInstant().toEpochMilli());
    agent.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))");
    assertThat(agent.locator("#day")).hasValue(day.plusDays(1).toString());
    assertThat(card(agent, "Albertine Cayrol")).hasCount(0);
    agent.context().close();
  }

  /**
   * Her citizen entering the waiting room while she looks at another day: a line under the title says who and when,
   * the tab's title counts it, the page beeps — once per arrival, not again when the same state comes back — and its
   * "Rejoindre" shows her day and joins; then the line and the count go.
   */
  @Test
  void her_citizen_arriving_is_seen_and_heard_whatever_day_is_shown() {
    JsonObject booked = book(4, "Marie Dupont", "06 39 98 13 02");
    Instant start = startOf(booked);
    clock.set(start.minus(Duration.ofMinutes(5)));
    Page agent = agentAt(booked, start.minus(Duration.ofMinutes(5)));
    button(agent.locator("main"), "Jour suivant").click();
    assertThat(agent.locator("h1")).not().hasText("Mes rendez-vous du jour");

    citizenSays(booked, "waiting");
    String time = LastMileTest.clock(start.atZone(PARIS));
    Locator arrivals = agent.locator("#arrivals");
    assertThat(arrivals).containsText("Marie Dupont attend en salle d'attente (rendez-vous de " + time + ")");
    assertThat(agent).hasTitle(java.util.regex.Pattern.compile("^\\(1\\) Mes rendez-vous du "));
    assertThat(agent.locator("#status")).hasText("Marie Dupont attend en salle d'attente (rendez-vous de " + time + ")");
    PagesTest.assertAccessible(agent, "agent-arrivee");

    // The same state again (her page reconnected), then a booking that comes after it: nothing said twice.
    citizenSays(booked, "waiting");
    book(6, "Léon Bessière", "06 39 98 13 03");
    assertThat(agent.locator("#status")).containsText("Nouveau rendez-vous");
    org.assertj.core.api.Assertions.assertThat(((Number) agent.evaluate("() => window.__beeps")).intValue())
        .as("beeps for one arrival").isEqualTo(1);
    assertThat(agent).hasTitle(java.util.regex.Pattern.compile("^\\(1\\) "));

    button(arrivals, "Rejoindre Marie Dupont").click();
    assertThat(agent.locator("#day")).hasValue(dayOf(booked));
    assertThat(agent.locator("#call .stand-in")).isVisible();
    assertThat(card(agent, "Marie Dupont").locator(".tag").first()).hasText("En cours");
    assertThat(arrivals).isHidden();
    assertThat(agent).hasTitle(java.util.regex.Pattern.compile("^Mes rendez-vous"));
    agent.context().close();
  }

  /**
   * "Absent" is not offered while she waits in the room, and a question already open goes when she arrives, the card
   * saying why; the agent in the call alone (she left for good) marks her absent from there.
   */
  @Test
  void absent_is_withdrawn_when_she_arrives_and_offered_in_the_call() {
    JsonObject booked = book(5, "Gaston Rouffiac", "06 39 98 13 04");
    Page agent = onItsDay(booked, Duration.ofMinutes(5));
    Locator card = card(agent, "Gaston Rouffiac");
    assertThat(card.locator(".tag").first()).hasText("En retard");
    button(card, "Absent").click();
    assertThat(card.locator(".confirm-box")).isFocused();

    citizenSays(booked, "waiting");
    assertThat(card.locator(".confirm-box")).hasCount(0);
    assertThat(card.locator(".outcome")).hasText("Gaston Rouffiac est en salle d'attente : l'absence n'est pas notée.");
    assertThat(card.locator(".outcome")).isFocused();
    assertThat(button(card, "Absent")).hasCount(0);

    var joined = web.node.api.post("/api/visio/appointments/" + booked.getString("id") + "/presence",
        web.node.api.login(agentOf(booked) + "@cantal.demo", BrowserFixture.PASSWORD), new JsonObject().put("state", "joined"));
    org.assertj.core.api.Assertions.assertThat(joined.status()).as(joined.toString()).isEqualTo(200);
    assertThat(card.locator(".tag").first()).hasText("En cours");
    assertThat(button(card, "Absent")).hasCount(0);

    citizenSays(booked, "left");
    button(card, "Absent").click();
    button(card, "Oui, noter l'absence").click();
    assertThat(card.locator(".tag").first()).hasText("Absent");
    agent.context().close();
  }

  /**
   * Her tab killed in the waiting room never said "left": once the room has closed for her, "Absent" is hers again, and
   * its question is not withdrawn as if she had just arrived.
   */
  @Test
  void a_presence_never_taken_back_leaves_absent_to_her_once_the_room_has_closed() {
    JsonObject booked = book(11, "Honorine Lavergne", "06 39 98 13 12");
    clock.set(startOf(booked).minus(Duration.ofMinutes(5)));
    citizenSays(booked, "waiting");
    Instant closed = OffsetDateTime.parse(booked.getString("end")).toInstant().plus(Duration.ofMinutes(31));
    Page agent = onItsDay(booked, Duration.between(startOf(booked), closed));
    Locator card = card(agent, "Honorine Lavergne");
    button(card, "Absent").click();
    button(card, "Oui, noter l'absence").click();
    assertThat(card.locator(".tag").first()).hasText("Absent");
    agent.context().close();
  }

  /**
   * A GET of the day answered after an event (seconds on a weak link) put the appointment back as it was when asked:
   * her arrival undone, "En retard". Meanwhile the other day's cards are gone at once and the list is busy.
   */
  @Test
  void a_late_answer_of_the_day_does_not_undo_what_an_event_said() {
    JsonObject booked = book(7, "Yvonne Lavergne", "06 39 98 13 05");
    Instant late = startOf(booked).plus(Duration.ofMinutes(2));
    clock.set(late);
    Page agent = agentAt(booked, late);
    String day = dayOf(booked);
    show(agent, day);
    assertThat(card(agent, "Yvonne Lavergne").locator(".tag").first()).hasText("En retard");
    button(agent.locator("main"), "Jour suivant").click();
    assertThat(card(agent, "Yvonne Lavergne")).hasCount(0);

    List<Route> held = new CopyOnWriteArrayList<>();
    List<APIResponse> answers = new CopyOnWriteArrayList<>();
    agent.route("**/api/visio/appointments?date=" + day, route -> {
      answers.add(route.fetch());
      held.add(route);
    });
    button(agent.locator("main"), "Jour précédent").click();
    agent.waitForCondition(() -> held.size() == 1);
    assertThat(agent.locator("#appointments")).hasAttribute("aria-busy", "true");
    assertThat(agent.locator("#appointments article")).hasCount(0);

    citizenSays(booked, "waiting");
    assertThat(agent.locator("#arrivals")).containsText("Yvonne Lavergne");
    held.get(0).fulfill(new Route.FulfillOptions().setResponse(answers.get(0)));
    assertThat(agent.locator("#appointments")).not().hasAttribute("aria-busy", "true");
    assertThat(card(agent, "Yvonne Lavergne").locator(".tag").first()).hasText("En salle d'attente");
    assertThat(button(card(agent, "Yvonne Lavergne"), "Absent")).hasCount(0);
    agent.context().close();
  }

  /**
   * In the call, her card said "Rejoindre" again, and pressing it opened a second room over the live one: it says
   * "Vous êtes dans l'appel"; another room is joined only once leaving this one was asked. Her "joined" lost on the way
   * is said again until the server has it.
   */
  @Test
  void in_the_call_her_card_says_so_and_another_room_is_asked_first() {
    JsonObject first = book(8, "Rose Delmas", "06 39 98 13 06");
    JsonObject second = book(8, "Jules Vermenouze", "06 39 98 13 07");
    org.assertj.core.api.Assertions.assertThat(dayOf(second)).isEqualTo(dayOf(first));
    Instant before = startOf(first).minus(Duration.ofMinutes(5));
    clock.set(before);
    Page agent = agentAt(first, before);
    AtomicInteger presences = new AtomicInteger();
    agent.route("**/presence", route -> {
      if (presences.getAndIncrement() == 0) {
        route.abort();
      } else {
        route.resume();
      }
    });
    show(agent, dayOf(first));
    Locator rose = card(agent, "Rose Delmas");
    button(rose, "Rejoindre").click();
    assertThat(agent.locator("#call .stand-in")).isVisible();
    assertThat(rose.locator(".tag").first()).hasText("En cours");
    org.assertj.core.api.Assertions.assertThat(presences.get()).as("joined, said again after a loss").isEqualTo(2);
    assertThat(rose.locator(".in-call")).hasText("Vous êtes dans l'appel");
    assertThat(button(rose, "Rejoindre")).hasCount(0);

    Locator jules = card(agent, "Jules Vermenouze");
    button(jules, "Rejoindre").click();
    Locator question = jules.locator(".confirm-box");
    assertThat(question).isFocused();
    assertThat(question).containsText("Vous êtes dans un autre appel.");
    button(jules, "Ne rien changer").click();
    assertThat(agent.locator("#call .stand-in")).hasText("Salle " + ((List<?>) agent.evaluate(
        "() => window.__jitsi.map((j) => j.roomName)")).get(0));
    org.assertj.core.api.Assertions.assertThat(((Number) agent.evaluate("() => window.__jitsi.length")).intValue())
        .as("rooms opened").isEqualTo(1);

    button(jules, "Rejoindre").click();
    button(jules, "Oui, quitter l'appel et rejoindre").click();
    assertThat(jules.locator(".in-call")).hasText("Vous êtes dans l'appel");
    assertThat(button(rose, "Rejoindre")).isVisible();
    org.assertj.core.api.Assertions.assertThat(((Number) agent.evaluate("() => window.__jitsi.length")).intValue())
        .as("rooms opened").isEqualTo(2);
    agent.context().close();
  }

  /**
   * Her video failing (the video server out of reach from the agent's office), the panel said "Appelez l'usager" or
   * "écrivez-lui à son adresse e-mail" only: for someone booked by a mediator with neither, it advised writing to an
   * address that does not exist. It gives every way the card gives: here the mediator's house.
   */
  @Test
  void her_video_failing_the_panel_gives_every_way_to_reach_her() {
    String mediator = web.node.api.login("mediateur.riom@cantal.demo", BrowserFixture.PASSWORD);
    JsonObject booked = web.bookCarteVitale(mediator, LocalDate.now(clock.withZone(PARIS)).plusDays(9),
        new JsonObject().put("name", "Léontine Bru"));
    Instant before = startOf(booked).minus(Duration.ofMinutes(5));
    clock.set(before);
    // Out of reach from the page's opening on: her room open, the page asks for the video script at once.
    Page agent = agentAt(booked, before, page -> page.route("**/external_api.js", com.microsoft.playwright.Route::abort));
    show(agent, dayOf(booked));
    button(card(agent, "Léontine Bru"), "Rejoindre").click();
    Locator panel = agent.locator("#call");
    assertThat(panel).containsText("L'usager n'a laissé ni téléphone ni adresse e-mail.");
    assertThat(panel).containsText("Par le médiateur (" + booked.getJsonObject("bookedBy").getString("displayName") + ") :");
    assertThat(panel).not().containsText("écrivez-lui");
    agent.context().close();
  }

  /** Moved elsewhere (by her, with her link), her card left the day shown without a word: it is said, with both times. */
  @Test
  void a_move_made_elsewhere_is_said_with_both_times() {
    JsonObject booked = book(10, "Marthe Cayrol", "06 39 98 13 11");
    Page agent = onItsDay(booked, Duration.ofHours(-2));
    assertThat(card(agent, "Marthe Cayrol")).isVisible();
    LocalDate later = OffsetDateTime.parse(booked.getString("start")).atZoneSameInstant(PARIS).toLocalDate().plusDays(7);
    String newStart = web.firstSlot(booked.getString("serviceId"), later);
    var moved = web.node.api.send("POST", "/api/visio/appointments/" + booked.getString("id") + "/reschedule", null,
        new JsonObject().put("start", newStart).encode(), Map.of("X-Manage-Token", booked.getString("manageToken"),
            "Content-Type", "application/json"));
    org.assertj.core.api.Assertions.assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
    assertThat(agent.locator("#status")).hasText(java.util.regex.Pattern.compile(
        "^Rendez-vous de Marthe Cayrol déplacé du [^ ]+ \\d+(er)? [^ ]+ à \\d+ h( \\d+)? au [^ ]+ \\d+(er)? [^ ]+ à \\d+ h( \\d+)?\\.$"));
    agent.context().close();
  }

  /**
   * A live event drew the list again under her: the keyboard fell back to the top of the page, and a question's "Oui,
   * terminé" already sent came back enabled, to be sent twice. The control keeps the focus, and the sending its "Envoi…".
   */
  @Test
  void a_live_event_keeps_her_place_and_an_outcome_on_its_way_is_sent_once() {
    JsonObject booked = book(9, "Emilienne Soulier", "06 39 98 13 08");
    Page agent = onItsDay(booked, Duration.ofMinutes(-5));
    Locator card = card(agent, "Emilienne Soulier");
    Locator done = button(card, "Terminé");
    done.focus();
    citizenSays(booked, "waiting");
    assertThat(card.locator(".tag").first()).hasText("En salle d'attente");
    assertThat(done).isFocused();

    List<Route> held = new CopyOnWriteArrayList<>();
    agent.route("**/complete", held::add);
    done.click();
    button(card, "Oui, terminé").click();
    agent.waitForCondition(() -> held.size() == 1);
    citizenSays(booked, "left");
    assertThat(card.locator(".tag").first()).hasText("Confirmé");
    Locator sending = card.locator(".confirm-box button[aria-busy=true]");
    assertThat(sending).hasText("Envoi…");
    assertThat(sending).isDisabled();
    held.get(0).resume();
    assertThat(card.locator(".tag").first()).hasText("Terminé");
    org.assertj.core.api.Assertions.assertThat(held).as("outcomes sent").hasSize(1);
    agent.context().close();
  }

  /**
   * "Oui, terminé" pressed with the keyboard keeps it while its answer comes ("Envoi…"): disabled, it dropped the focus to
   * the top of the page, and a screen reader user lost her place, at each outcome and again at each live event drawing
   * the list anew meanwhile. Pressed again, nothing more is sent; once the answer came, the keyboard is on the line
   * saying what was done, in place of the question (WCAG 2.4.3).
   */
  @Test
  void the_confirmation_waiting_for_its_answer_keeps_the_keyboard_and_the_outcome_takes_it_after() {
    JsonObject booked = book(19, "Philomène Rouquette", "06 39 98 13 22");
    Page agent = onItsDay(booked, Duration.ofMinutes(5));
    Locator card = card(agent, "Philomène Rouquette");
    List<Route> held = new CopyOnWriteArrayList<>();
    agent.route("**/complete", held::add);
    button(card, "Terminé").click();
    button(card, "Oui, terminé").focus();
    agent.keyboard().press("Enter");
    agent.waitForCondition(() -> held.size() == 1);
    Locator sending = card.locator(".confirm-box button[data-confirm]");
    assertThat(sending).hasText("Envoi…");
    assertThat(sending).hasAttribute("aria-disabled", "true");
    assertThat(sending).hasAttribute("aria-busy", "true");
    assertThat(sending).isFocused();
    agent.keyboard().press("Enter");
    agent.keyboard().press(" ");

    // A live event draws the list anew: the keyboard is on the new "Envoi…".
    citizenSays(booked, "waiting");
    assertThat(card.locator(".tag").first()).hasText("En salle d'attente");
    assertThat(sending).hasText("Envoi…");
    assertThat(sending).isFocused();
    agent.keyboard().press("Enter");

    held.get(0).resume();
    Locator outcome = card.locator(".outcome");
    assertThat(outcome).hasAttribute("aria-label", "Rendez-vous de " + LastMileTest.clock(startOf(booked).atZone(PARIS))
        + " avec Philomène Rouquette : marqué terminé.");
    assertThat(outcome).isFocused();
    // Its answer came after the presses: had they sent anything, it would be here before it.
    org.assertj.core.api.Assertions.assertThat(held).as("outcomes sent").hasSize(1);
    agent.context().close();
  }

  /**
   * Booked at the first free time from {@code daysAhead} days on where the CPAM's other agent is free too (the demo's
   * own appointments fill some of their times): a second booking at that time goes to the other agent.
   */
  static JsonObject bookedWhileTheOtherAgentIsFree(int daysAhead, String name, String phone) {
    for (int day = daysAhead; day < daysAhead + 14; day++) {
      JsonObject booked = book(day, name, phone);
      java.time.LocalDate date = LocalDate.parse(dayOf(booked));
      boolean stillOffered = web.node.api.get("/api/visio/services/" + web.carteVitaleId() + "/slots?from=" + date + "&to="
          + date).array().stream().map(JsonObject.class::cast).anyMatch(slot -> startOf(slot).equals(startOf(booked)));
      if (stillOffered) {
        return booked;
      }
      web.node.api.send("POST", "/api/visio/appointments/" + booked.getString("id") + "/cancel", null, null,
          Map.of("X-Manage-Token", booked.getString("manageToken")));
    }
    throw new AssertionError("no time where both agents of the CPAM are free");
  }

  /** Booked at the same time as {@code mine}: the other agent of the CPAM takes it. */
  static JsonObject theColleaguesBeside(JsonObject mine, String name, String phone) {
    var booked = web.node.api.post("/api/visio/appointments", new JsonObject().put("serviceId", web.carteVitaleId())
        .put("start", mine.getString("start")).put("citizen", new JsonObject().put("name", name).put("phone", phone)));
    org.assertj.core.api.Assertions.assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
    return booked.json();
  }

  /** What the status line was given so far (see {@link #RECORDED_STATUS}). */
  @SuppressWarnings("unchecked")
  static List<String> said(Page agent) {
    return (List<String>) agent.evaluate("() => window.__said");
  }

  /**
   * "Oui, terminé" and "Annuler" go with the question or the line they were on: the keyboard lands on the outcome that
   * replaced them, read out as it is focused; given to the status line too, it was read twice (an outside review). The
   * same for the line under a form that takes the focus.
   */
  @Test
  void an_outcome_that_takes_the_focus_is_not_said_again_in_the_status_line() {
    JsonObject booked = book(12, "Clémence Vialard", "06 39 98 13 13");
    Page agent = onItsDay(booked, Duration.ofMinutes(5));
    Locator card = card(agent, "Clémence Vialard");
    button(card, "Terminé").click();
    button(card, "Oui, terminé").click();
    Locator outcome = card.locator(".outcome");
    String time = LastMileTest.clock(startOf(booked).atZone(PARIS));
    String done = "Rendez-vous de " + time + " avec Clémence Vialard : marqué terminé.";
    assertThat(outcome).hasAttribute("aria-label", done);
    assertThat(outcome).isFocused();

    button(outcome, "Annuler").click();
    String undone = "Rendez-vous de " + time + " avec Clémence Vialard : choix annulé, le rendez-vous est de nouveau à traiter.";
    assertThat(outcome).hasAttribute("aria-label", undone);
    assertThat(outcome).isFocused();

    // The same for every page's outcome line under a form (ui.js): an absence saved, a night far ahead.
    String night = LocalDate.parse(dayOf(booked)).plusDays(400).toString();
    agent.locator("#ex-start").fill(night + "T01:00");
    agent.locator("#ex-end").fill(night + "T02:00");
    agent.locator("#exception button[type=submit]").click();
    assertThat(agent.locator("#ex-outcome")).hasText("Absence enregistrée.");
    assertThat(agent.locator("#ex-outcome")).isFocused();

    // Said after all three outcomes: had any (or the event of the undo, "rétabli") been given to the status line, it
    // would be there by now. Her citizen's arrival, hers whatever the other tests booked (a new booking went to her
    // colleague when the days of the tests run before loaded her more that day: nothing was said, and the test failed).
    citizenSays(booked, "waiting");
    assertThat(agent.locator("#status")).containsText("Clémence Vialard attend en salle d'attente");
    org.assertj.core.api.Assertions.assertThat(said(agent)).as("the status line").noneMatch(words -> words.contains("marqué terminé")
        || words.contains("choix annulé") || words.contains("rétabli") || words.contains("Absence enregistrée"));
    agent.context().close();
  }

  /**
   * A colleague's citizen entering the waiting room was said to her ("Baptistine Fabre attend en salle d'attente."), as
   * if she were the one to join: it shows on its card, silently. Her own citizen, after, is said, beeped and counted.
   */
  @Test
  void a_colleagues_citizen_arriving_shows_on_its_card_and_is_neither_said_nor_beeped_nor_counted() {
    JsonObject mine = bookedWhileTheOtherAgentIsFree(15, "Augustine Fabre", "06 39 98 13 15");
    JsonObject theirs = theColleaguesBeside(mine, "Baptistine Fabre", "06 39 98 13 16");
    org.assertj.core.api.Assertions.assertThat(agentOf(theirs)).as("the colleague's").isNotEqualTo(agentOf(mine));
    org.assertj.core.api.Assertions.assertThat(dayOf(theirs)).isEqualTo(dayOf(mine));
    Page agent = onItsDay(mine, Duration.ofMinutes(-5));
    citizenSays(theirs, "waiting");
    assertThat(card(agent, "Baptistine Fabre").locator(".tag").first()).hasText("En salle d'attente");

    // Her own, after: what the colleague's arrival would have said, beeped or counted is there by the time hers is.
    citizenSays(mine, "waiting");
    assertThat(agent.locator("#status")).containsText("Augustine Fabre attend en salle d'attente");
    assertThat(agent.locator("#arrivals")).containsText("Augustine Fabre");
    assertThat(agent.locator("#arrivals")).not().containsText("Baptistine Fabre");
    assertThat(agent).hasTitle(java.util.regex.Pattern.compile("^\\(1\\) "));
    org.assertj.core.api.Assertions.assertThat(said(agent)).as("the status line")
        .noneMatch(words -> words.contains("Baptistine Fabre"));
    org.assertj.core.api.Assertions.assertThat(((Number) agent.evaluate("() => window.__beeps")).intValue())
        .as("beeps").isEqualTo(1);
    agent.context().close();
  }

  /**
   * Her colleague's appointments booked or cancelled show on their cards, and are not said: her screen reader read her
   * the whole administration's day, each colleague's booking and cancellation between her own news.
   */
  @Test
  void a_colleagues_bookings_and_cancellations_show_on_the_day_and_are_not_said() {
    JsonObject mine = bookedWhileTheOtherAgentIsFree(17, "Aurélie Fabre", "06 39 98 13 20");
    // The day before: the time is still far enough ahead to be booked.
    Page agent = onItsDay(mine, Duration.ofDays(-1));
    JsonObject theirs = theColleaguesBeside(mine, "Bérénice Fabre", "06 39 98 13 21");
    org.assertj.core.api.Assertions.assertThat(agentOf(theirs)).as("the colleague's").isNotEqualTo(agentOf(mine));
    assertThat(card(agent, "Bérénice Fabre")).isVisible();
    var cancelled = web.node.api.send("POST", "/api/visio/appointments/" + theirs.getString("id") + "/cancel", null, null,
        Map.of("X-Manage-Token", theirs.getString("manageToken")));
    org.assertj.core.api.Assertions.assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
    assertThat(card(agent, "Bérénice Fabre").locator(".tag").first()).hasText("Annulé");

    // Her own news, after: what the colleague's would have said is there by the time hers is.
    var hers = web.node.api.send("POST", "/api/visio/appointments/" + mine.getString("id") + "/cancel", null, null,
        Map.of("X-Manage-Token", mine.getString("manageToken")));
    org.assertj.core.api.Assertions.assertThat(hers.status()).as(hers.toString()).isEqualTo(200);
    assertThat(agent.locator("#status")).containsText("Rendez-vous annulé : Aurélie Fabre.");
    org.assertj.core.api.Assertions.assertThat(said(agent)).as("the status line")
        .noneMatch(words -> words.contains("Bérénice Fabre"));
    agent.context().close();
  }

  /**
   * The laptop's lid closed, then opened with the tab shown and the Wi-Fi never said offline: its socket still "open",
   * its path dead. The page waited for two heartbeats (about 40 s) to notice, and her citizen arriving meanwhile was
   * shown that late. The clock having jumped, it asks the socket at once, leaves it unanswered for a new one, and the
   * arrival sent while it slept is shown. Time stands still but for the test's steps: no heartbeat comes meanwhile.
   */
  @Test
  void after_the_laptop_slept_its_dead_socket_is_left_at_once_and_what_came_meanwhile_is_shown() {
    JsonObject booked = book(16, "Céleste Rouquette", "06 39 98 13 17");
    Instant before = startOf(booked).minus(Duration.ofMinutes(15));
    clock.set(before);
    List<WebSocketRoute> sockets = new CopyOnWriteArrayList<>();
    AtomicBoolean asleep = new AtomicBoolean();
    AtomicBoolean caughtUp = new AtomicBoolean();
    Page agent = web.newPage();
    agent.addInitScript(COUNTED_BEEPS);
    agent.routeWebSocket(java.util.regex.Pattern.compile(".*/ws$"), ws -> {
      boolean first = sockets.isEmpty();
      sockets.add(ws);
      WebSocketRoute server = ws.connectToServer();
      // The first socket's path dies with the sleep: what the server sends no longer comes, and no close either.
      server.onMessage(frame -> {
        if (!(first && asleep.get())) {
          ws.send(frame.text());
          caughtUp.compareAndSet(false, first && frame.text().contains("\"type\":\"snapshot\""));
        }
      });
    });
    agent.clock().install(new Clock.InstallOptions().setTime(before.toEpochMilli()));
    web.signIn(agent, agentOf(booked));
    show(agent, dayOf(booked));
    Locator card = card(agent, "Céleste Rouquette");
    assertThat(card.locator(".tag").first()).hasText("Confirmé");
    // The card comes from the page's HTTP read: the lid closes once its socket is up too (on a loaded machine it came
    // after, its welcome dropped by the sleep, and the page, never greeted, did not judge it dead in 10 s: 8 December).
    agent.waitForCondition(caughtUp::get);
    long lidClosed = ((Number) agent.evaluate("() => Date.now()")).longValue() + 1000;
    agent.clock().pauseAt(lidClosed);
    asleep.set(true);

    // Ten minutes asleep: her citizen enters the waiting room meanwhile.
    clock.set(startOf(booked).minus(Duration.ofMinutes(5)));
    citizenSays(booked, "waiting");
    agent.clock().setSystemTime(lidClosed + Duration.ofMinutes(10).toMillis());
    // Less than a heartbeat (20 s) once awake: the look at the clock, the ping, its 5 s without an answer.
    agent.clock().runFor(10_000);
    assertThat(agent.locator("#arrivals")).containsText("Céleste Rouquette attend en salle d'attente");
    assertThat(card.locator(".tag").first()).hasText("En salle d'attente");
    assertThat(agent).hasTitle(java.util.regex.Pattern.compile("^\\(1\\) "));
    org.assertj.core.api.Assertions.assertThat(sockets).as("sockets opened").hasSize(2);
    agent.context().close();
  }

  /**
   * The agent of another administration who booked it for someone at her desk comes into the room beside her: seen in
   * the video only, she was nobody to the agent. Her card names her, the status line says it once (not again at the
   * next news of that appointment), and once she has left the card no longer does.
   */
  @Test
  void the_card_names_who_is_in_the_room_beside_the_person() {
    String caf = cafsAgent();
    JsonObject booked = bookedBy(caf, 18, "Léonie Fabre", "06 39 98 13 18");
    Page agent = onItsDay(booked, Duration.ofMinutes(-5));
    Locator card = card(agent, "Léonie Fabre");
    assertThat(card.locator(".tag").first()).hasText("Confirmé");
    String beside = "Karine Lescure (CAF) (accompagne la personne) est dans la salle.";

    companionSays(caf, booked, "joined");
    assertThat(card.locator(".companion")).hasText(beside);
    // The next news of the appointment, her arrival, is said after the companion: said once, not again with it.
    citizenSays(booked, "waiting");
    agent.waitForFunction("() => window.__said.some((s) => s.startsWith('Léonie Fabre attend'))");
    org.assertj.core.api.Assertions.assertThat(said(agent)).as("said").containsOnlyOnce(beside);

    companionSays(caf, booked, "left");
    assertThat(card.locator(".companion")).hasCount(0);
    assertThat(card.locator(".tag").first()).hasText("En salle d'attente");
    agent.context().close();
  }

  /**
   * The companion joins from her own page (the appointment she booked, shown there by its news) and hangs up: the
   * agent's card named her until the room closed, her page saying her coming and never her going.
   */
  @Test
  void the_companion_hanging_up_is_said_and_the_agents_card_no_longer_names_her() {
    JsonObject booked = bookedBy(cafsAgent(), 19, "Augustine Delpuech", "06 39 98 13 19");
    Page agent = onItsDay(booked, Duration.ofMinutes(-5));
    Locator card = card(agent, "Augustine Delpuech");
    Page companion = web.newPage();
    companion.clock().install(new Clock.InstallOptions().setTime(clock.instant().toEpochMilli()));
    web.signIn(companion, "agent.caf");
    show(companion, dayOf(booked));
    assertThat(companion.locator("#appointments > *").first()).isVisible();
    citizenSays(booked, "waiting");
    Locator hers = card(companion, "Augustine Delpuech");
    button(hers, "Rejoindre").click();
    assertThat(card.locator(".companion")).hasText("Karine Lescure (CAF) (accompagne la personne) est dans la salle.");

    button(companion.locator("#call"), "Quitter l'appel").click();
    assertThat(card.locator(".companion")).hasCount(0);
    assertThat(card.locator(".tag").first()).hasText("En salle d'attente");
    companion.context().close();
    agent.context().close();
  }

  /** The CAF's agent (Karine Lescure), who books the CPAM's appointments for someone at her desk. */
  static String cafsAgent() {
    return web.node.api.login("agent.caf@cantal.demo", BrowserFixture.PASSWORD);
  }

  /** The first CPAM slot some days after the server's today, booked by a professional for someone reached by phone. */
  static JsonObject bookedBy(String token, int daysAhead, String name, String phone) {
    return web.bookCarteVitale(token, LocalDate.now(clock.withZone(PARIS)).plusDays(daysAhead),
        new JsonObject().put("name", name).put("phone", phone));
  }

  /** The companion's own page says where she is, as the citizen's does. */
  static void companionSays(String token, JsonObject booked, String state) {
    var said = web.node.api.post("/api/visio/appointments/" + booked.getString("id") + "/presence", token,
        new JsonObject().put("state", state));
    org.assertj.core.api.Assertions.assertThat(said.status()).as(said.toString()).isEqualTo(200);
  }

  /**
   * The times an agent types for her absence carry no zone: they are the département's, as her list of absences writes
   * them, not her tablet's. Typed "9 h – 12 h" on a tablet set to Cayenne's time, it was saved from 9 h in Cayenne
   * (13 h in Paris): citizens could book her at 9, 10 and 11 h, when she is away.
   */
  @Test
  void an_agents_absence_is_saved_at_the_hours_she_typed_whatever_her_tablets_zone() {
    Page agent = web.newTabletPageIn("America/Cayenne");
    web.signIn(agent, "agent.caf");
    assertThat(agent.locator("#exception button[type=submit]")).isEnabled();
    LocalDate day = LocalDate.now(clock.withZone(PARIS)).plusDays(300);
    agent.locator("#ex-start").fill(day + "T09:00");
    agent.locator("#ex-end").fill(day + "T12:00");
    agent.locator("#exception button[type=submit]").click();
    assertThat(agent.locator("#ex-outcome")).hasText("Absence enregistrée.");
    String from = LastMileTest.inWords(day.atTime(9, 0).atZone(PARIS));
    String to = LastMileTest.inWords(day.atTime(12, 0).atZone(PARIS));
    assertThat(agent.locator("#availability li").filter(new Locator.FilterOptions().setHasText(from)))
        .containsText(from + " → " + to);
    agent.context().close();
  }

  /**
   * She marks Mme Teissèdre absent, sees at once it was a mistake, and presses "Annuler": that request is lost on her
   * link. The card says so, and "Annuler" stays beside the message (the server takes an outcome back for 30 minutes):
   * pressed again, the appointment is to be handled again.
   */
  @Test
  void an_agents_undo_of_an_absence_lost_on_the_way_can_be_tried_again() {
    JsonObject booked = book(14, "Paulette Teissèdre", "06 39 98 18 03");
    Instant at = startOf(booked).plus(Duration.ofMinutes(5));
    clock.set(at);
    AtomicInteger undos = new AtomicInteger();
    Page agent = agentAt(booked, at, page -> page.route("**/undo-outcome", route -> {
      if (undos.incrementAndGet() == 1) {
        route.abort();
      } else {
        route.resume();
      }
    }));
    show(agent, dayOf(booked));
    Locator card = card(agent, "Paulette Teissèdre");
    button(card, "Absent").click();
    button(card, "Oui, noter l'absence").click();
    Locator outcome = card.locator(".outcome");
    assertThat(outcome).containsText("absence notée");
    button(outcome, "Annuler").click();
    assertThat(outcome).containsText("Connexion perdue. Réessayez dans un instant.");
    button(outcome, "Annuler").click();
    assertThat(outcome).containsText("choix annulé, le rendez-vous est de nouveau à traiter");
    assertThat(button(card, "Absent")).isVisible();
    org.assertj.core.api.Assertions.assertThat(undos.get()).isEqualTo(2);
    agent.context().close();
  }
}
