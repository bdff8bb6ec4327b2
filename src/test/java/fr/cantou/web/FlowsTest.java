package fr.cantou.web;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** The two flows of the product, through the pages, with two browsers open at once. */
class FlowsTest {
  /** What the call says once she left it (Jitsi's own hang-up, or hers). */
  private static final String CALL_LEFT = "Vous avez quitté l'appel.";
  @org.junit.jupiter.api.extension.RegisterExtension
  static final BrowserFixture web = BrowserFixture.forTheClass();

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> jitsiCalls(Page page) {
    return (List<Map<String, Object>>) page.evaluate("() => window.__jitsi || []");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(BrowserFixture.Screen.class)
  void a_nurse_request_appears_live_for_the_doctor_who_takes_it_and_both_meet_in_the_same_room(BrowserFixture.Screen screen) {
    // Each screen its own doctor, specialty and patient: the presence and the queue of one run are not the other's.
    boolean phone = screen == BrowserFixture.Screen.PHONE;
    String reference = "R-273" + screen.ordinal();
    String doctorName = phone ? "Dr Agnès Teyssier" : "Dr Luis Garcia";
    Page doctor = web.signIn(web.newPage(screen), phone ? "dr.teyssier" : "dr.garcia");
    assertThat(doctor.locator("#queue")).not().containsText(reference);
    doctor.locator("#available").click();
    assertThat(doctor.locator("#available")).hasAttribute("aria-pressed", "true");

    Page nurse = web.signIn(web.newPage(screen), "infirmiere.salers");
    BrowserFixture.typeRequest(nurse, reference, "MB", "1934", "Confusion depuis hier soir, chute sans traumatisme apparent");
    nurse.locator("#specialty").selectOption(phone ? "neurologie" : "soins_palliatifs");
    nurse.locator("input[name=urgency][value=urgent]").check();
    nurse.locator("#request button[type=submit]").click();
    Locator mine = nurse.locator("#items article").filter(new Locator.FilterOptions().setHasText(reference));
    assertThat(mine).containsText("1re dans la file");
    assertThat(mine).containsText("1 médecin disponible");
    BrowserFixture.screenshot(nurse, screen.prefix + "flux-infirmiere-demande");

    // The doctor's page, open all along, shows it without a reload.
    Locator card = doctor.locator("#queue article").filter(new Locator.FilterOptions().setHasText(reference));
    assertThat(card).containsText("Confusion depuis hier soir");
    assertThat(card).containsText("Urgente");
    BrowserFixture.screenshot(doctor, screen.prefix + "flux-medecin-file");
    card.getByText("Prendre en charge").click();
    assertThat(doctor.locator("#current")).isVisible();
    assertThat(nurse.locator("#items article").filter(new Locator.FilterOptions().setHasText(reference)))
        .containsText("prise en charge par " + doctorName);

    doctor.locator("#current").getByText("Rejoindre l'appel").click();
    assertThat(doctor.locator("#call .stand-in")).isVisible();
    nurse.locator("#items article").filter(new Locator.FilterOptions().setHasText(reference)).getByText("Rejoindre l'appel").click();
    assertThat(nurse.locator("#call .stand-in")).isVisible();
    BrowserFixture.screenshot(doctor, screen.prefix + "flux-medecin-appel");
    BrowserFixture.screenshot(nurse, screen.prefix + "flux-infirmiere-appel");

    List<Map<String, Object>> doctorCalls = jitsiCalls(doctor);
    List<Map<String, Object>> nurseCalls = jitsiCalls(nurse);
    assertThat(doctorCalls).hasSize(1);
    assertThat(nurseCalls).hasSize(1);
    assertThat(doctorCalls.get(0).get("roomName")).isEqualTo(nurseCalls.get(0).get("roomName"));
    assertThat((String) doctorCalls.get(0).get("roomName")).startsWith("cantou-tc-");
    assertThat(doctorCalls.get(0).get("displayName")).isEqualTo(doctorName);
    assertThat(doctorCalls.get(0).get("lang")).isEqualTo("fr");

    // Both pages reported "joined": the teleconsultation is in call.
    assertThat(nurse.locator("#items article").filter(new Locator.FilterOptions().setHasText(reference))).containsText("En appel");

    doctor.locator("#report-text").fill("Examen neurologique sans déficit. Surveillance 24 h, bilan sanguin.");
    doctor.locator("#outcome").selectOption("follow_up");
    doctor.locator("#report button[type=submit]").click();
    Locator done = nurse.locator("#items article").filter(new Locator.FilterOptions().setHasText(reference));
    assertThat(done).containsText("Examen neurologique sans déficit");
    assertThat(done).containsText("Suivi programmé");
    // Both see the outcome where they look: the nurse a banner, the doctor the list of reports sent.
    assertThat(nurse.locator("#report-banner")).containsText("Compte rendu reçu pour " + reference + ".");
    assertThat(doctor.locator("#sent-notice")).hasText("Compte rendu envoyé à l'établissement.");
    assertThat(doctor.locator("#sent article")).containsText(reference);
    BrowserFixture.screenshot(nurse, screen.prefix + "flux-infirmiere-compte-rendu");
  }

  /**
   * A request given back to the queue while its call is open on the doctor's page (her console gone
   * long enough, or released): the page ends the call and says why, and keeps her report's draft.
   */
  @Test
  void a_call_whose_request_went_back_to_the_queue_ends_on_the_page_with_the_reason_and_the_draft_kept() {
    String nurse = web.node.api.login("infirmiere.salers@cantal.demo", BrowserFixture.PASSWORD);
    String doctorToken = web.node.api.login("dr.garcia@cantal.demo", BrowserFixture.PASSWORD);
    String id = web.node.api.post("/api/teleconsultations", nurse,
        fr.cantou.support.CareTerritory.request("soins_palliatifs", "normal")).json().getString("id");
    org.assertj.core.api.Assertions.assertThat(web.node.api.post("/api/teleconsultations/" + id + "/claim", doctorToken, null)
        .status()).isEqualTo(200);
    Page doctor = web.signIn(web.newPage(), "dr.garcia");
    doctor.locator("#current").getByText("Rejoindre l'appel").click();
    assertThat(doctor.locator("#call .stand-in")).isVisible();
    doctor.locator("#report-text").fill("Douleur mieux contrôlée depuis hier.");

    org.assertj.core.api.Assertions.assertThat(web.node.api.post("/api/teleconsultations/" + id + "/release", doctorToken, null)
        .status()).isEqualTo(200);
    assertThat(doctor.locator("#call-ended")).hasText("La demande est revenue dans la file d'attente : cet appel est terminé.");
    assertThat(doctor.locator("#call .stand-in")).hasCount(0);
    assertThat(doctor.locator("#report-text")).hasValue("Douleur mieux contrôlée depuis hier.");
    PagesTest.assertAccessible(doctor, "medecin-appel-rendu-a-la-file");
    doctor.context().close();
    // The queue of soins palliatifs empty again for the other journeys.
    org.assertj.core.api.Assertions.assertThat(web.node.api.post("/api/teleconsultations/" + id + "/cancel", nurse, null)
        .status()).isEqualTo(200);
  }

  /**
   * A request the doctor gave back and a colleague then took leaves her page: the pool hears only its summary (no patient
   * data), which replaces what her page kept of it — merged into it, her own name stayed on it and the page showed it
   * as her current request, with the patient's data she no longer has the right to see.
   */
  @Test
  void a_request_given_back_then_taken_by_a_colleague_leaves_the_first_doctors_page() {
    String nurse = web.node.api.login("infirmiere.salers@cantal.demo", BrowserFixture.PASSWORD);
    String garcia = web.node.api.login("dr.garcia@cantal.demo", BrowserFixture.PASSWORD);
    String planchon = web.node.api.login("dr.planchon@cantal.demo", BrowserFixture.PASSWORD);
    String id = requestAtSalers(nurse, "R-REPRISE-COLLEGUE");
    act(id, "claim", garcia);
    Page doctor = web.signIn(web.newPage(), "dr.garcia");
    assertThat(doctor.locator("#current")).containsText("R-REPRISE-COLLEGUE");

    act(id, "release", garcia);
    assertThat(doctor.locator("#current")).isHidden();
    assertThat(doctor.locator("#queue")).containsText("R-REPRISE-COLLEGUE");
    act(id, "claim", planchon);
    assertThat(doctor.locator("#queue")).not().containsText("R-REPRISE-COLLEGUE");
    assertThat(doctor.locator("#current")).isHidden();
    org.assertj.core.api.Assertions.assertThat(doctor.locator("main").innerText()).as("nothing of it shown")
        .doesNotContain("R-REPRISE-COLLEGUE");
    doctor.context().close();
    act(id, "release", planchon);
    act(id, "cancel", nurse);
  }

  /**
   * Her report's draft stays with its request: given back, the request's draft does not appear on the next one she
   * takes (a report about one resident sent as another's), and comes back with its request when she takes it again.
   * Nothing of a request gone from her stays in the page, even hidden.
   */
  @Test
  void a_reports_draft_stays_with_its_request_and_never_shows_on_the_next_one() {
    String nurse = web.node.api.login("infirmiere.salers@cantal.demo", BrowserFixture.PASSWORD);
    String garcia = web.node.api.login("dr.garcia@cantal.demo", BrowserFixture.PASSWORD);
    String a = requestAtSalers(nurse, "R-BROUILLON-A");
    String b = requestAtSalers(nurse, "R-BROUILLON-B");
    act(a, "claim", garcia);
    Page doctor = web.signIn(web.newPage(), "dr.garcia");
    assertThat(doctor.locator("#current")).containsText("R-BROUILLON-A");
    doctor.locator("#report-text").fill("Toux sèche depuis trois jours, pas de fièvre.");
    doctor.locator("#outcome").selectOption("follow_up");

    act(a, "release", garcia);
    assertThat(doctor.locator("#current")).isHidden();
    org.assertj.core.api.Assertions.assertThat(doctor.locator("#current-item").innerHTML()).as("nothing of it kept, even hidden")
        .doesNotContain("R-BROUILLON-A");
    act(b, "claim", garcia);
    assertThat(doctor.locator("#current")).containsText("R-BROUILLON-B");
    assertThat(doctor.locator("#report-text")).hasValue("");
    assertThat(doctor.locator("#outcome")).hasValue("");

    act(b, "release", garcia);
    act(a, "claim", garcia);
    assertThat(doctor.locator("#current")).containsText("R-BROUILLON-A");
    assertThat(doctor.locator("#report-text")).hasValue("Toux sèche depuis trois jours, pas de fièvre.");
    assertThat(doctor.locator("#outcome")).hasValue("follow_up");
    doctor.context().close();
    act(a, "release", garcia);
    act(a, "cancel", nurse);
    act(b, "cancel", nurse);
  }

  /**
   * The nurse's page leaves the room once it is no longer her request's: given back to the queue,
   * then (taken again, joined again) closed by the doctor. Entering again (audio only) asks the
   * server for a fresh join, whose short-lived token comes only while the room is hers.
   */
  @Test
  void the_nurses_call_ends_when_the_request_is_given_back_or_closed_and_entering_again_asks_a_fresh_token() {
    String doctorToken = web.node.api.login("dr.bonnet@cantal.demo", BrowserFixture.PASSWORD);
    String id = claimedAtSalers("R-SALLE-RENDUE", doctorToken);
    Page nurse = web.signIn(web.newPage(), "infirmiere.salers");
    List<String> joins = joinsOf(nurse, id);
    Locator mine = nurse.locator("#items article").filter(new Locator.FilterOptions().setHasText("R-SALLE-RENDUE"));
    mine.getByText("Rejoindre l'appel").click();
    assertThat(nurse.locator("#call .stand-in")).isVisible();
    assertThat(joins).hasSize(1);
    nurse.locator("#call").getByText("Passer en audio seulement (connexion faible)").click();
    nurse.waitForFunction("() => (window.__jitsi || []).length === 2");
    assertThat(nurse.locator("#call .stand-in")).isVisible();
    org.assertj.core.api.Assertions.assertThat(joins).as("entering again asked the server again").hasSize(2);

    org.assertj.core.api.Assertions.assertThat(web.node.api.post("/api/teleconsultations/" + id + "/release", doctorToken, null)
        .status()).isEqualTo(200);
    assertThat(nurse.locator("#call-ended")).hasText("La demande est revenue dans la file d'attente : cet appel est terminé.");
    assertThat(nurse.locator("#call .stand-in")).hasCount(0);

    org.assertj.core.api.Assertions.assertThat(web.node.api.post("/api/teleconsultations/" + id + "/claim", doctorToken, null)
        .status()).isEqualTo(200);
    mine.getByText("Rejoindre l'appel").click();
    assertThat(nurse.locator("#call .stand-in")).isVisible();
    org.assertj.core.api.Assertions.assertThat(web.node.api.post("/api/teleconsultations/" + id + "/complete", doctorToken,
        new JsonObject().put("report", "Entretien fait, traitement inchangé.").put("outcome", "advice_given")).status()).isEqualTo(200);
    assertThat(nurse.locator("#call-ended")).hasText("La demande est close : cet appel est terminé.");
    assertThat(nurse.locator("#call .stand-in")).hasCount(0);
    PagesTest.assertAccessible(nurse, "infirmiere-appel-clos");
    nurse.context().close();
  }

  /**
   * Room tokens live 15 minutes and Jitsi checks them again when its IFrame reconnects: a call that
   * drops after that (the room left or failed without her) enters again by itself with a fresh
   * /join, "Reconnexion…" said meanwhile; a refusal of /join is said and ends it; her own hang-up never rejoins.
   */
  @Test
  void a_call_that_drops_rejoins_by_itself_with_a_fresh_token_and_a_hang_up_does_not() {
    String doctorToken = web.node.api.login("dr.bonnet@cantal.demo", BrowserFixture.PASSWORD);
    String id = claimedAtSalers("R-RECONNEXION", doctorToken);
    Page nurse = web.newPage();
    // The page's timers on a clock the test moves (the pauses before entering again, and none after a hang-up).
    nurse.clock().install();
    web.signIn(nurse, "infirmiere.salers");
    List<String> joins = joinsOf(nurse, id);
    Locator mine = nurse.locator("#items article").filter(new Locator.FilterOptions().setHasText("R-RECONNEXION"));
    mine.getByText("Rejoindre l'appel").click();
    assertThat(nurse.locator("#call [role=status]")).hasText("Vous êtes dans l'appel.");
    org.assertj.core.api.Assertions.assertThat(joins).hasSize(1);

    // The link drops and Jitsi's own reconnection is refused: a fatal error, the room lost under her.
    nurse.evaluate("() => window.__jitsiApis.at(-1).emit('errorOccurred', { error: { isFatal: true, type: 'CONNECTION', "
        + "name: 'connection.droppedError' } })");
    assertThat(nurse.locator("#call [role=status]")).containsText("Reconnexion…");
    nurse.clock().runFor(1_000);
    nurse.waitForFunction("() => (window.__jitsi || []).length === 2");
    assertThat(nurse.locator("#call [role=status]")).hasText("Vous êtes dans l'appel.");
    assertThat(nurse.locator("#call .stand-in")).isVisible();
    org.assertj.core.api.Assertions.assertThat(joins).as("a fresh token was asked for the room").hasSize(2);

    // She switches to audio only while the link is down: /join gets no answer. Not the end of the call: the way to try
    // again (and to go on by phone) is there; once the link is back, "Réessayer" enters the room.
    nurse.route("**/api/teleconsultations/" + id + "/join", com.microsoft.playwright.Route::abort);
    nurse.locator("#call").getByText("Passer en audio seulement (connexion faible)").click();
    assertThat(nurse.locator("#call-retry")).isVisible();
    nurse.unroute("**/api/teleconsultations/" + id + "/join");
    nurse.locator("#call-retry").click();
    nurse.waitForFunction("() => (window.__jitsi || []).length === 3");
    assertThat(nurse.locator("#call [role=status]")).hasText("Vous êtes dans l'appel.");
    org.assertj.core.api.Assertions.assertThat(joins).as("the lost /join, then the one by hand").hasSize(4);

    // A fatal error of Jitsi, likewise; this time /join refuses (the item is no longer hers): said, and no more tries.
    nurse.route("**/api/teleconsultations/" + id + "/join", route -> route.fulfill(new com.microsoft.playwright.Route.FulfillOptions()
        .setStatus(409).setContentType("application/problem+json").setBody(new JsonObject().put("type", "about:blank")
            .put("title", "Conflict").put("status", 409).put("detail", "Cette demande n'est plus la vôtre.").encode())));
    nurse.evaluate("() => window.__jitsiApis.at(-1).emit('errorOccurred', { error: { isFatal: true, type: 'CONNECTION' } })");
    assertThat(nurse.locator("#call [role=status]")).containsText("Reconnexion…");
    nurse.clock().runFor(1_000);
    assertThat(nurse.locator("#call [role=alert]")).hasText("Cette demande n'est plus la vôtre.");
    nurse.clock().runFor(60_000);
    settle(nurse);
    org.assertj.core.api.Assertions.assertThat(joins).as("a refusal ends the tries").hasSize(5);
    org.assertj.core.api.Assertions.assertThat((Integer) nurse.evaluate("() => window.__jitsi.length")).isEqualTo(3);
    nurse.unroute("**/api/teleconsultations/" + id + "/join");

    // Entered again by hand, then she hangs up with Jitsi's own button: its "left" comes, no error, no readyToClose
    // yet (it waits for Jitsi's feedback form): hers, not a drop.
    mine.getByText("Rejoindre l'appel").click();
    nurse.waitForFunction("() => (window.__jitsi || []).length === 4");
    assertThat(nurse.locator("#call [role=status]")).hasText("Vous êtes dans l'appel.");
    nurse.evaluate("() => window.__jitsiApis.at(-1).emit('videoConferenceLeft', { roomName: 'hers' })");
    nurse.clock().runFor(60_000);
    settle(nurse);
    org.assertj.core.api.Assertions.assertThat(joins).as("no rejoin after Jitsi's own hang-up").hasSize(6);
    org.assertj.core.api.Assertions.assertThat((Integer) nurse.evaluate("() => window.__jitsi.length")).isEqualTo(4);
    // Nothing to switch to audio only now: withheld, its place kept; a late press (a script's, here) enters nothing.
    Locator audioOnly = nurse.locator("#call .actions button").first();
    assertThat(audioOnly).hasText("Passer en audio seulement (connexion faible)");
    assertThat(audioOnly).isHidden();
    audioOnly.dispatchEvent("click");
    nurse.clock().runFor(60_000);
    settle(nurse);
    assertThat(nurse.locator("#call [role=status]")).hasText(CALL_LEFT);
    org.assertj.core.api.Assertions.assertThat(joins).as("no rejoin by a late press").hasSize(6);
    org.assertj.core.api.Assertions.assertThat((Integer) nurse.evaluate("() => window.__jitsi.length")).isEqualTo(4);

    // Entered again by hand, then her own hang-up with the page's button: the room's "left" that follows is not a drop.
    mine.getByText("Rejoindre l'appel").click();
    nurse.waitForFunction("() => (window.__jitsi || []).length === 5");
    assertThat(nurse.locator("#call [role=status]")).hasText("Vous êtes dans l'appel.");
    nurse.locator("#call").getByText("Quitter l'appel").click();
    assertThat(nurse.locator("#call")).isHidden();
    nurse.clock().runFor(60_000);
    settle(nurse);
    org.assertj.core.api.Assertions.assertThat(joins).as("no rejoin after a hang-up").hasSize(7);
    org.assertj.core.api.Assertions.assertThat((Integer) nurse.evaluate("() => window.__jitsi.length")).isEqualTo(5);
    nurse.context().close();
    // The doctor is free again for the other tests of this fixture (one request at a time).
    org.assertj.core.api.Assertions.assertThat(web.node.api.post("/api/teleconsultations/" + id + "/release", doctorToken, null)
        .status()).isEqualTo(200);
  }

  /** A request of the Salers care home (psychiatry), taken by the doctor: its id. */
  /** A request of médecine générale for this resident, from the care home of Salers: its id. */
  private static String requestAtSalers(String nurseToken, String reference) {
    JsonObject body = fr.cantou.support.CareTerritory.request("medecine_generale", "normal");
    body.getJsonObject("patient").put("reference", reference);
    return web.node.api.post("/api/teleconsultations", nurseToken, body).json().getString("id");
  }

  /** {@code action} (claim, release, cancel…) on request {@code id}, done by {@code token}'s holder. */
  private static void act(String id, String action, String token) {
    org.assertj.core.api.Assertions.assertThat(web.node.api.post("/api/teleconsultations/" + id + "/" + action, token, null)
        .status()).as(action).isEqualTo(200);
  }

  static String claimedAtSalers(String reference, String doctorToken) {
    String nurseToken = web.node.api.login("infirmiere.salers@cantal.demo", BrowserFixture.PASSWORD);
    String id = web.node.api.post("/api/teleconsultations", nurseToken, fr.cantou.support.CareTerritory.request("psychiatrie", "normal")
        .put("patient", new JsonObject().put("reference", reference))).json().getString("id");
    org.assertj.core.api.Assertions.assertThat(web.node.api.post("/api/teleconsultations/" + id + "/claim", doctorToken, null)
        .status()).isEqualTo(200);
    return id;
  }

  /** The page's /join requests for this request, as they leave. */
  static List<String> joinsOf(Page page, String id) {
    List<String> joins = new java.util.concurrent.CopyOnWriteArrayList<>();
    page.onRequest(r -> {
      if (r.url().endsWith("/api/teleconsultations/" + id + "/join")) {
        joins.add(r.url());
      }
    });
    return joins;
  }

  /**
   * Whatever the page's timers just started has asked the server by now: what a timer starts
   * reaches fetch within microtasks (the access token is held), and this page's own request,
   * made after, is seen after it.
   */
  static void settle(Page page) {
    page.evaluate("() => fetch('/api/config').then((r) => r.status)");
  }

  @Test
  void a_dropped_connection_shows_the_offline_banner_then_resumes_by_itself_without_losing_events() {
    List<com.microsoft.playwright.WebSocketRoute> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();
    Page nurse = web.newPage();
    nurse.routeWebSocket(java.util.regex.Pattern.compile(".*/ws$"), ws -> {
      ws.connectToServer();
      sockets.add(ws);
    });
    nurse.navigate(web.url("/connexion.html"));
    nurse.locator("#email").fill("infirmiere.pleaux@cantal.demo");
    nurse.locator("#password").fill(BrowserFixture.PASSWORD);
    nurse.locator("button[type=submit]").click();
    nurse.waitForURL(u -> u.endsWith("/infirmiere.html"));
    assertThat(nurse.locator("#items")).containsText("Aucune demande en cours");
    assertThat(sockets).hasSize(1);

    sockets.get(0).close();
    assertThat(nurse.locator("#offline")).isVisible();
    assertThat(nurse.locator("#offline")).hasText("Connexion perdue. Nous nous reconnectons…");
    BrowserFixture.screenshot(nurse, "hors-ligne");

    // Something happens while the page is away; it must arrive once the socket is back.
    String token = web.node.api.login("infirmiere.pleaux@cantal.demo", BrowserFixture.PASSWORD);
    // Dermatologie: no doctor of the other tests sees it in her queue.
    web.node.api.post("/api/teleconsultations", token, fr.cantou.support.CareTerritory.request("dermatologie", "normal")
        .put("patient", new JsonObject().put("reference", "R-HORS-LIGNE")));
    assertThat(nurse.locator("#offline")).isHidden();
    assertThat(nurse.locator("#items")).containsText("R-HORS-LIGNE");
    assertThat(sockets.size()).isGreaterThanOrEqualTo(2);
  }

  /**
   * An event id means something only in the database that gave it: after a failover to a replica that lacks the last
   * events, or a restore, the page's last id there names other events or none. The page resumes naming the stream of
   * the welcome its last event came after, so that a server on another database answers with a snapshot
   * (RestoredDatabaseTest) instead of the events after an id that means nothing there.
   */
  @Test
  void a_page_resuming_names_the_stream_its_last_event_came_from() {
    List<com.microsoft.playwright.WebSocketRoute> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<JsonObject> hellos = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<String> streams = new java.util.concurrent.CopyOnWriteArrayList<>();
    Page nurse = web.newPage();
    nurse.routeWebSocket(java.util.regex.Pattern.compile(".*/ws$"), ws -> {
      sockets.add(ws);
      com.microsoft.playwright.WebSocketRoute server = ws.connectToServer();
      ws.onMessage(frame -> {
        if ("hello".equals(new JsonObject(frame.text()).getString("type"))) {
          hellos.add(new JsonObject(frame.text()));
        }
        server.send(frame.text());
      });
      server.onMessage(frame -> {
        if ("welcome".equals(new JsonObject(frame.text()).getString("type"))) {
          streams.add(new JsonObject(frame.text()).getString("stream"));
        }
        ws.send(frame.text());
      });
    });
    web.signIn(nurse, "infirmiere.pleaux");
    assertThat(nurse.locator("#items > *").first()).isVisible();
    String token = web.node.api.login("infirmiere.pleaux@cantal.demo", BrowserFixture.PASSWORD);
    web.node.api.post("/api/teleconsultations", token, fr.cantou.support.CareTerritory.request("dermatologie", "normal")
        .put("patient", new JsonObject().put("reference", "R-FLUX")));
    assertThat(nurse.locator("#items")).containsText("R-FLUX");

    sockets.get(0).close();
    nurse.waitForCondition(() -> hellos.size() >= 2);
    org.assertj.core.api.Assertions.assertThat(streams.get(0)).as("the welcome names its stream").isNotBlank();
    org.assertj.core.api.Assertions.assertThat(hellos.get(1).getLong("since")).as("resuming").isNotNull();
    org.assertj.core.api.Assertions.assertThat(hellos.get(1).getString("stream")).isEqualTo(streams.get(0));
    nurse.context().close();
  }

  /**
   * A socket whose path died without a close (a mobile network that dropped its mapping, a hand-over between masts)
   * stays "open" in the browser for many minutes: no banner, events lost unseen. Its pings going unanswered for two
   * beats, the page leaves it for a new one, which resumes from the last event seen.
   */
  @Test
  void a_socket_gone_silent_is_left_for_a_new_one_and_no_event_is_lost() {
    List<com.microsoft.playwright.WebSocketRoute> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean silent = new java.util.concurrent.atomic.AtomicBoolean();
    Page nurse = web.newPage();
    nurse.clock().install();
    nurse.routeWebSocket(java.util.regex.Pattern.compile(".*/ws$"), ws -> {
      boolean first = sockets.isEmpty();
      sockets.add(ws);
      com.microsoft.playwright.WebSocketRoute server = ws.connectToServer();
      // The first socket's answers stop coming once the test says so; what the page sends still goes.
      server.onMessage(frame -> {
        if (!(first && silent.get())) {
          ws.send(frame.text());
        }
      });
    });
    web.signIn(nurse, "infirmiere.pleaux");
    // Her list drawn: the socket said welcome and sent its snapshot.
    assertThat(nurse.locator("#items > *").first()).isVisible();
    org.assertj.core.api.Assertions.assertThat(sockets).hasSize(1);

    silent.set(true);
    // Three heartbeats of the page (20 s each) and the pause before it knocks again.
    nurse.clock().runFor(65_000);
    nurse.waitForCondition(() -> sockets.size() >= 2);
    String token = web.node.api.login("infirmiere.pleaux@cantal.demo", BrowserFixture.PASSWORD);
    web.node.api.post("/api/teleconsultations", token, fr.cantou.support.CareTerritory.request("dermatologie", "normal")
        .put("patient", new JsonObject().put("reference", "R-SILENCE")));
    assertThat(nurse.locator("#items")).containsText("R-SILENCE");
    assertThat(nurse.locator("#offline")).isHidden();
    nurse.context().close();
  }

  /**
   * The link back ("online"), a socket waiting out its pause knocks at once: after a few failures the pause is up to
   * 30 s, and the page stayed offline that long with the network there (an outside review).
   */
  @Test
  void the_link_back_a_socket_waiting_for_its_pause_knocks_at_once() {
    Page nurse = web.newPage();
    nurse.clock().install();
    List<com.microsoft.playwright.WebSocketRoute> sockets = relayedSockets(nurse);
    web.signIn(nurse, "infirmiere.pleaux");
    assertThat(nurse.locator("#items > *").first()).isVisible();
    // Time stands still from here: a retry waiting for its pause never comes by itself.
    nurse.clock().pauseAt(System.currentTimeMillis() + 60_000);
    sockets.get(0).close();
    assertThat(nurse.locator("#offline")).isVisible();

    nurse.evaluate("() => window.dispatchEvent(new Event('online'))");
    nurse.waitForCondition(() -> sockets.size() >= 2);
    assertThat(nurse.locator("#offline")).isHidden();
    nurse.context().close();
  }

  /**
   * A node that closes every socket at once (a restart; 1011 when it follows a replaced database) must not have every
   * page knock again in the same instant: each pause is drawn between half and the whole of it. Here the draw is its
   * lowest: the page knocks after half the first pause (1 s), where an undrawn pause would still be waiting.
   */
  @Test
  void pages_dropped_together_knock_again_at_instants_spread_over_the_pause() {
    Page nurse = web.newPage();
    nurse.addInitScript("Math.random = () => 0;");
    nurse.clock().install();
    List<com.microsoft.playwright.WebSocketRoute> sockets = relayedSockets(nurse);
    web.signIn(nurse, "infirmiere.pleaux");
    assertThat(nurse.locator("#items > *").first()).isVisible();
    // Time moves only as the test says from here.
    nurse.clock().pauseAt(System.currentTimeMillis() + 60_000);
    sockets.get(0).close(new com.microsoft.playwright.WebSocketRoute.CloseOptions().setCode(1011));
    assertThat(nurse.locator("#offline")).isVisible();

    nurse.clock().runFor(500);
    nurse.waitForCondition(() -> sockets.size() >= 2);
    assertThat(nurse.locator("#offline")).isHidden();
    nurse.context().close();
  }

  /** The page's sockets, each relayed to the node both ways, in the order the page opened them (the test may close one). */
  private static List<com.microsoft.playwright.WebSocketRoute> relayedSockets(Page page) {
    List<com.microsoft.playwright.WebSocketRoute> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();
    page.routeWebSocket(java.util.regex.Pattern.compile(".*/ws$"), ws -> {
      sockets.add(ws);
      com.microsoft.playwright.WebSocketRoute server = ws.connectToServer();
      server.onMessage(frame -> ws.send(frame.text()));
    });
    return sockets;
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(BrowserFixture.Screen.class)
  void a_citizen_books_through_the_pages_and_the_agent_sees_it_live(BrowserFixture.Screen screen) {
    String person = screen == BrowserFixture.Screen.PHONE ? "Marcel Delort" : "Marcelin Delort";
    JsonObject service = web.node.api.get("/api/visio/services").array().stream().map(JsonObject.class::cast)
        .filter(s -> s.getString("name").startsWith("Carte Vitale")).findFirst().orElseThrow();
    // A day after today: today's first slot may fall inside the notice while she books (see firstSlotAfterToday).
    String today = java.time.LocalDate.now(java.time.ZoneId.of("Europe/Paris")).toString();
    JsonArray slots = web.node.api.get("/api/visio/services/" + service.getString("id") + "/slots?from=" + today + "&to="
        + java.time.LocalDate.parse(today).plusDays(13)).array();
    String day = slots.stream().map(s -> ((JsonObject) s).getString("start").substring(0, 10))
        .filter(d -> d.compareTo(today) > 0).findFirst().orElseThrow();

    Page agent = web.signIn(web.newPage(screen), "agent.cpam");
    // Its script has set the day shown to today first (the day buttons are enabled then): the day is chosen after.
    assertThat(agent.locator("#next-day")).isEnabled();
    agent.locator("#day").fill(day);
    agent.locator("#day").dispatchEvent("change");

    Page citizen = web.newPage(screen);
    citizen.navigate(web.url("/rendez-vous.html"));
    citizen.locator("#wizard .card").filter(new Locator.FilterOptions().setHasText("Carte Vitale")).locator("button.big").click();
    citizen.getByText("Depuis chez moi").click();
    BrowserFixture.firstSlotOf(citizen, day).click();
    citizen.locator("#name").fill(person);
    citizen.locator("#email").fill("marcel.delort@example.fr");
    citizen.locator("input[name=needs][value=hearing]").check();
    citizen.getByText("Confirmer le rendez-vous").click();
    assertThat(citizen.locator("#wizard h2")).hasText("Votre rendez-vous est confirmé");
    String reference = citizen.locator("#reference").textContent();
    assertThat(reference).matches("CPAM-[A-Z0-9]{5}");
    // From home: no QR code, which only a point's screen reads (LastMileTest.the_qr_code_arriving_late… has one).
    assertThat(citizen.locator("#qr-code")).hasCount(0);
    BrowserFixture.screenshot(citizen, screen.prefix + "flux-usager-confirmation");

    Locator booked = agent.locator("#appointments article").filter(new Locator.FilterOptions().setHasText(person));
    assertThat(booked).containsText(reference);
    assertThat(booked).containsText("Difficultés d'audition");
    BrowserFixture.screenshot(agent, screen.prefix + "flux-agent-journee");

    // The manage link opens the appointment, with no account.
    citizen.locator("#manage-link").click();
    assertThat(citizen.locator("#page-title")).hasText("Mon rendez-vous");
    assertThat(citizen.locator("#manage")).containsText(reference);
    assertThat(citizen.locator("#manage")).containsText("La salle ouvrira le ");
    assertThat(citizen.locator("#qr-code")).hasCount(0);
    PagesTest.assertNoSeriousViolation(citizen, screen.prefix + "flux-usager-gerer");
    BrowserFixture.screenshot(citizen, screen.prefix + "flux-usager-gerer");
  }

  @Test
  void an_agent_removes_leave_from_its_page_with_the_keyboard() {
    String token = web.node.api.login("agent.caf@cantal.demo", BrowserFixture.PASSWORD);
    String agentId = web.node.api.get("/api/me", token).json().getString("id");
    java.time.LocalDate day = java.time.LocalDate.now(java.time.ZoneId.of("Europe/Paris")).plusDays(200);
    var added = web.node.api.post("/api/visio/agents/" + agentId + "/exceptions", token, new JsonObject()
        .put("start", day + "T00:00:00+01:00").put("end", day.plusDays(1) + "T00:00:00+01:00").put("reason", "Stage de formation"));
    org.assertj.core.api.Assertions.assertThat(added.status()).isEqualTo(201);

    Page agent = web.signIn("agent.caf");
    Locator leave = agent.locator("#availability li").filter(new Locator.FilterOptions().setHasText("Stage de formation"));
    Locator remove = leave.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON);
    assertThat(remove).hasAttribute("aria-label", java.util.regex.Pattern.compile("^Supprimer l'absence du .+ au .+"));
    // Focused then pressed by one call: the list drawn again between a focus and a press would take the key elsewhere.
    remove.press("Enter");

    assertThat(leave).hasCount(0);
    assertThat(agent.locator("body")).containsText("Absence supprimée");
    org.assertj.core.api.Assertions.assertThat(web.node.api.get("/api/visio/agents/" + agentId + "/availability", token).json()
        .getJsonArray("exceptions").stream().map(JsonObject.class::cast).map(x -> x.getString("reason")))
        .doesNotContain("Stage de formation");
  }

  @Test
  void an_admin_edits_a_point_and_withdraws_another_from_the_page() {
    String admin = web.node.api.login("admin@cantal.demo", BrowserFixture.PASSWORD);
    JsonArray mornings = new JsonArray();
    for (int day = 1; day <= 5; day++) {
      mornings.add(new JsonObject().put("weekday", day).put("start", "09:00").put("end", "12:00"));
    }
    // A France Services day: mornings and afternoons on weekdays, Saturday morning (the demo's points).
    JsonArray fullWeek = mornings.copy();
    for (int day = 1; day <= 5; day++) {
      fullWeek.add(new JsonObject().put("weekday", day).put("start", "13:30").put("end", "17:30"));
    }
    fullWeek.add(new JsonObject().put("weekday", 6).put("start", "09:00").put("end", "12:00"));
    for (String name : List.of("Tiers-lieu de Lanobre", "Mairie de Trizac")) {
      org.assertj.core.api.Assertions.assertThat(web.node.api.post("/api/visio/points", admin, new JsonObject().put("name", name)
          .put("commune", name.substring(name.lastIndexOf(' ') + 1)).put("kind", "mairie")
          .put("hours", name.startsWith("Tiers") ? fullWeek : mornings)).status())
          .isEqualTo(201);
    }

    Page page = web.signIn("admin");
    // Services and points are a view of their own, chosen from the menu.
    page.locator(".admin-menu").getByRole(com.microsoft.playwright.options.AriaRole.LINK,
        new Locator.GetByRoleOptions().setName("Visio-accueil")).click();
    page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
        new Page.GetByRoleOptions().setName("Modifier Tiers-lieu de Lanobre")).click();
    assertThat(page.locator("h3:focus")).hasText("Modifier le point « Tiers-lieu de Lanobre »");
    // A service begun in the other form: a point's save or withdrawal no longer wipes it.
    page.locator("#sv-name").fill("Accueil des familles");
    page.locator("#pt-address").fill("Le Bourg");
    // Every range of its week is in the form: Monday's afternoon ends earlier, the rest stays as it was.
    assertThat(page.locator("#pt-d6s1")).hasValue("09:00");
    assertThat(page.locator("#pt-d3e2")).hasValue("17:30");
    page.locator("#pt-d1e2").fill("17:00");
    // The reception's phone, which the agent calls when the screen's video fails: a wrong one is said beside the field.
    page.locator("#pt-phone").fill("04 71 40");
    page.locator("form:has(#pt-name) button[type=submit]").click();
    assertThat(page.locator("#pt-phone-error")).hasText("Ce numéro de téléphone n'est pas reconnu. Par exemple 04 71 12 34 56.");
    assertThat(page.locator("#pt-phone")).isFocused();
    page.locator("#pt-phone").fill("04.71.40.12.34");
    page.locator("form:has(#pt-name) button[type=submit]").click();
    // Focused, the line is read out: it is not said again in the status line (see AgentDayPageTest).
    assertThat(page.locator("#admin-outcome")).hasText("Modifications enregistrées.");
    assertThat(page.locator("#admin-outcome")).isFocused();
    assertThat(page.locator("#point-form h3")).hasText("Ouvrir un point visio-accueil");
    assertThat(page.locator("#sv-name")).hasValue("Accueil des familles");

    page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
        new Page.GetByRoleOptions().setName("Retirer Mairie de Trizac")).click();
    Question.accept(page);
    assertThat(page.locator("#admin-outcome")).hasText("« Mairie de Trizac » retiré.");
    assertThat(page.locator("#admin-outcome")).isFocused();
    assertThat(page.locator("#sv-name")).hasValue("Accueil des familles");

    List<JsonObject> points = web.node.api.get("/api/visio/points").array().stream().map(JsonObject.class::cast).toList();
    JsonObject edited = points.stream().filter(p -> p.getString("name").equals("Tiers-lieu de Lanobre")).findFirst().orElseThrow();
    org.assertj.core.api.Assertions.assertThat(edited.getString("address")).isEqualTo("Le Bourg");
    org.assertj.core.api.Assertions.assertThat(edited.getString("phone")).isEqualTo("04 71 40 12 34");
    // Saving the phone once wiped the afternoons and the Saturday: only the first range, Monday to Friday, went back.
    org.assertj.core.api.Assertions.assertThat(edited.getJsonArray("hours").stream().map(JsonObject.class::cast)
        .map(h -> h.getInteger("weekday") + " " + h.getString("start").substring(0, 5) + "-" + h.getString("end").substring(0, 5)))
        .containsExactlyInAnyOrder("1 09:00-12:00", "1 13:30-17:00", "2 09:00-12:00", "2 13:30-17:30", "3 09:00-12:00",
            "3 13:30-17:30", "4 09:00-12:00", "4 13:30-17:30", "5 09:00-12:00", "5 13:30-17:30", "6 09:00-12:00");
    org.assertj.core.api.Assertions.assertThat(points).noneMatch(p -> p.getString("name").equals("Mairie de Trizac"));
  }

  /**
   * The admin sets up a new administration the way its steps come: the administration, its agent, its service and the
   * agent's week, without reloading the page between them (the lists of the later steps were those of the page's load).
   */
  @Test
  void an_administration_and_its_agent_created_are_offered_by_the_next_forms_at_once() {
    Page page = web.signIn("admin");
    Locator menu = page.locator(".admin-menu");
    menu.getByRole(com.microsoft.playwright.options.AriaRole.LINK, new Locator.GetByRoleOptions().setName("Visio-accueil")).click();
    page.locator("#sv-name").fill("Accueil des familles");
    BrowserFixture.typeOrganisation(page, "administration", "MSA Auvergne", "Aurillac");
    page.locator("#org-form button[type=submit]").click();
    assertThat(page.locator("#admin-outcome")).hasText("Créé.");
    String msa = page.locator("#user-org option", new Page.LocatorOptions().setHasText("MSA Auvergne")).getAttribute("value");

    menu.getByRole(com.microsoft.playwright.options.AriaRole.LINK, new Locator.GetByRoleOptions().setName("Utilisateurs")).click();
    page.locator("#user-name").fill("Agnès Vidal");
    page.locator("#user-email").fill("agnes.vidal@msa.test");
    page.locator("#user-password").fill("un-mot-de-passe-long");
    page.locator("#user-role").selectOption("agent");
    page.locator("#user-org").selectOption(msa);
    page.locator("#user-form button[type=submit]").click();
    assertThat(page.locator("#admin-outcome")).hasText("Créé.");

    menu.getByRole(com.microsoft.playwright.options.AriaRole.LINK, new Locator.GetByRoleOptions().setName("Visio-accueil")).click();
    assertThat(page.locator("#sv-org option[value='" + msa + "']")).hasText("MSA Auvergne");
    assertThat(page.locator("#sv-name")).hasValue("Accueil des familles");
    menu.getByRole(com.microsoft.playwright.options.AriaRole.LINK,
        new Locator.GetByRoleOptions().setName("Disponibilités des agents")).click();
    assertThat(page.locator("#av-agent option", new Page.LocatorOptions().setHasText("Agnès Vidal"))).hasCount(1);
  }

  @Test
  void an_agent_closes_the_whole_administration_for_a_day_from_its_page() {
    java.time.LocalDate day = java.time.LocalDate.now(java.time.ZoneId.of("Europe/Paris")).plusDays(210);
    Page agent = web.signIn("agent.cpam");
    agent.locator("#ex-start").fill(day + "T00:00");
    agent.locator("#ex-end").fill(day + "T23:59");
    agent.locator("#ex-reason").fill("Déménagement des bureaux");
    agent.locator("#ex-all").check();
    agent.locator("#exception button[type=submit]").click();

    assertThat(agent.locator("#ex-outcome")).containsText("Fermeture enregistrée pour les");
    assertThat(agent.locator("#ex-outcome")).isFocused();
    assertThat(agent.locator("#availability")).containsText("Déménagement des bureaux");
  }
}
