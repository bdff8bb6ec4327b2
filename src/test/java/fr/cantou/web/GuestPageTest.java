package fr.cantou.web;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.support.SmsProviderStandIn;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * A third seat in the call, through the pages: the nurse invites an interpreter from her request's
 * card (the slips said under their fields), the interpreter's phone opens the SMS's link, is told
 * the call has not started (the same link on a computer is refused: it is the phone's now, and a
 * reload of the phone keeps it), then enters once it runs, under her name and role.
 */
class GuestPageTest {
  static final SmsProviderStandIn sms = new SmsProviderStandIn();
  @org.junit.jupiter.api.extension.RegisterExtension
  static final BrowserFixture web = BrowserFixture.forTheClass(Clock.systemUTC(), Map.of("CANTOU_SMS_URL", sms.url(),
      "CANTOU_HTTP_PUBLIC_URL", "https://cantou.cantal.test"));

  /** Closed before the node now (the class's own afterAll runs before an extension's), after its last test. */
  @AfterAll
  static void stop() {
    sms.close();
  }

  @Test
  void the_nurse_invites_an_interpreter_who_waits_for_the_call_then_enters_it_without_the_residents_data() {
    // The class's other tests send their own SMS, before or after this one.
    int sentBefore = sms.received().size();
    TestNode node = web.node;
    String nurseToken = node.api.login("infirmiere.salers@cantal.demo", BrowserFixture.PASSWORD);
    String id = claimedRequest(node, nurseToken, "R-INV-1", "dr.garcia", "soins_palliatifs");

    Page nurse = web.signIn(web.newPage(BrowserFixture.Screen.TABLET), "infirmiere.salers");
    Locator card = nurse.locator("#items article").filter(new Locator.FilterOptions().setHasText("R-INV-1"));
    Locator invite = card.locator("button[data-guests]");
    assertThat(invite).hasText("Inviter une personne");
    invite.click();
    Locator dialog = nurse.locator("#guests-dialog");
    assertThat(dialog).isVisible();
    assertThat(nurse.locator("#guest-name")).isFocused();
    assertThat(dialog.locator("#guests-list")).containsText("Personne n'est invitée");

    // Sent empty, by SMS: each slip under its field, the keyboard on the first one.
    nurse.locator("#guest-by-sms").check();
    assertThat(nurse.locator("#guest-contact-label")).hasText("Numéro de portable");
    nurse.locator("#guest-contact").fill("04 71 12 34 56");
    nurse.locator("#guest-send").click();
    assertThat(nurse.locator("#guest-name")).hasAttribute("aria-invalid", "true");
    assertThat(nurse.locator("#guest-name-error")).hasText("Écrivez le nom de la personne invitée.");
    assertThat(nurse.locator("#guest-contact-error")).hasText("Un numéro de portable français, par exemple 06 12 34 56 78.");
    assertThat(nurse.locator("#guest-consent-error")).containsText("sans l'accord du résident");
    assertThat(nurse.locator("#guest-name")).isFocused();
    org.assertj.core.api.Assertions.assertThat(sms.received()).hasSize(sentBefore);
    PagesTest.assertAccessible(nurse, "infirmiere-invitation-erreurs");

    nurse.locator("#guest-name").fill("Ana Lopes");
    nurse.locator("#guest-role").selectOption("interpreter");
    nurse.locator("#guest-contact").fill("06 12 34 56 78");
    nurse.locator("#guest-consent").check();
    nurse.locator("#guest-send").click();
    assertThat(nurse.locator("#guests-outcome")).hasText("Invitation envoyée à Ana Lopes.");
    assertThat(nurse.locator("#guests-list")).containsText("Ana Lopes (interprète), par SMS à +*********78");
    PagesTest.assertAccessible(nurse, "infirmiere-invitation-envoyee");
    nurse.keyboard().press("Escape");
    assertThat(dialog).isHidden();
    assertThat(invite).isFocused();

    org.assertj.core.api.Assertions.assertThat(sms.received()).hasSize(sentBefore + 1);
    Matcher link = Pattern.compile("https://cantou\\.cantal\\.test(/invitation\\.html#\\S+)")
        .matcher(sms.received().get(sentBefore).json().getString("text"));
    org.assertj.core.api.Assertions.assertThat(link.find()).isTrue();

    Page guest = web.newPhonePage();
    guest.clock().install();
    guest.navigate(web.url(link.group(1)));
    assertThat(guest.locator("h1")).hasText("Invitation à une téléconsultation");
    assertThat(guest.locator("#invited-by")).hasText("Élodie Fabre, IDE (équipe soignante, EHPAD Le Cantou du Puy Violent) "
        + "vous invite à rejoindre une téléconsultation en vidéo, comme interprète.");
    assertThat(guest.locator("#call-state")).containsText("L'appel n'a pas encore commencé.");
    assertThat(guest.locator("#device-test")).isVisible();
    assertThat(guest.locator("main")).not().containsText("R-INV-1");
    assertThat(guest.locator("main")).not().containsText("Douleurs");
    PagesTest.assertAccessible(guest, "invitation-avant-l-appel");

    // While she waits the page asks every 20 s: the same answer leaves the page as it is ("Vérifier" is not drawn anew
    // under her finger). Her own "Vérifier" draws it again and says where the call stands.
    guest.evaluate("() => { window.statesDrawn = 0; new MutationObserver((changes) => changes.forEach((c) => c.removedNodes"
        + ".forEach((n) => { if (n.id === 'call-state') window.statesDrawn += 1; })))"
        + ".observe(document.body, { childList: true, subtree: true }); }");
    guest.waitForResponse("**/invitation", () -> guest.clock().runFor(20_001));
    guest.locator("#check-again").click();
    assertThat(guest.locator("#status")).hasText("L'appel n'a pas encore commencé.");
    org.assertj.core.api.Assertions.assertThat(guest.evaluate("window.statesDrawn")).isEqualTo(1);

    // One key per invitation: another invitation opened in this very browser stores an unrelated value under its own
    // name (one key for all let whoever reads guest_device see one browser open invitations for different residents).
    Page another = guest.context().newPage();
    another.navigate(web.url("/invitation.html#" + java.util.UUID.randomUUID() + ".another-secret"));
    another.waitForFunction("() => Object.keys(localStorage).filter(k => k.startsWith('cantou.invitation.')).length === 2");
    @SuppressWarnings("unchecked")
    java.util.Map<String, String> kept = (java.util.Map<String, String>) another.evaluate(
        "() => Object.fromEntries(Object.entries(localStorage).filter(([k]) => k.startsWith('cantou.invitation.')))");
    org.assertj.core.api.Assertions.assertThat(kept).containsKey("cantou.invitation.browser." + id).doesNotContainKey(
        "cantou.invitation.browser");
    org.assertj.core.api.Assertions.assertThat(new java.util.HashSet<>(kept.values())).as("unrelated values").hasSize(2);
    another.close();

    // The link is this phone's now: opened in another browser it is refused, saying what to do and nothing of the
    // invitation; the phone's reload keeps it.
    Page computer = web.newTabletPage();
    computer.navigate(web.url(link.group(1)));
    Locator elsewhere = computer.locator("#elsewhere");
    assertThat(elsewhere).containsText("Ce lien a déjà été ouvert sur un autre appareil.");
    assertThat(elsewhere).containsText("demandez une nouvelle invitation à l'infirmière ou au médecin qui vous a invitée");
    assertThat(computer.locator("main")).not().containsText("Élodie Fabre");
    assertThat(computer.locator("#device-test")).hasCount(0);
    PagesTest.assertAccessible(computer, "invitation-autre-appareil");
    computer.context().close();
    guest.reload();
    assertThat(guest.locator("#call-state")).containsText("L'appel n'a pas encore commencé.");

    callRuns(node, id, nurseToken);
    guest.locator("#check-again").click();
    Locator join = guest.locator("#join");
    assertThat(join).isFocused();
    assertThat(guest.locator("#call-state")).containsText("L'appel a commencé : vous pouvez entrer.");
    PagesTest.assertAccessible(guest, "invitation-appel-en-cours");
    join.click();
    assertThat(guest.locator("#call .stand-in")).isVisible();
    Object entered = guest.evaluate("() => window.__jitsi[0].displayName");
    org.assertj.core.api.Assertions.assertThat(entered).isEqualTo("Ana Lopes (interprète)");

    // The doctor sees, from her consultation, who was invited, by whom, with whose agreement, and that she entered.
    Page doctor = web.signIn(web.newPage(BrowserFixture.Screen.TABLET), "dr.garcia");
    doctor.locator("#current-item button[data-guests]").click();
    assertThat(doctor.locator("#guests-list")).containsText(
        "Ana Lopes (interprète), par SMS à +*********78, invitée par Élodie Fabre, IDE (accord : le résident) — a rejoint l'appel");
    PagesTest.assertAccessible(doctor, "medecin-invites");
    doctor.locator("#guests-list button[data-guest]").click();
    assertThat(doctor.locator("#guests-outcome")).hasText("Invitation retirée : le lien de Ana Lopes n'ouvre plus l'appel.");
    assertThat(doctor.locator("#guests-list")).containsText("invitation retirée");
  }

  /**
   * She waits with the page open; it asks every 20 s whether the call has begun. One of those checks is lost on her
   * line: what she sees stays, the page asks again by itself, then every 20 s as before; the call begins, and her page
   * says so without her pressing anything.
   */
  @Test
  void a_guest_whose_background_check_was_lost_once_still_sees_the_call_begin_without_pressing_anything() {
    TestNode node = web.node;
    String nurseToken = node.api.login("infirmiere.salers@cantal.demo", BrowserFixture.PASSWORD);
    // Another doctor than the other test's: one open teleconsultation a doctor.
    String id = claimedRequest(node, nurseToken, "R-INV-LOST", "dr.planchon", "medecine_generale");
    var invited = node.api.post("/api/teleconsultations/" + id + "/guests", nurseToken, new JsonObject().put("name", "Josiane Bouygues")
        .put("role", "family").put("phone", "06 12 34 56 79").put("consent", new JsonObject().put("given", true).put("by", "patient")));
    org.assertj.core.api.Assertions.assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
    Matcher link = Pattern.compile("https://cantou\\.cantal\\.test(/invitation\\.html#\\S+)")
        .matcher(sms.received().get(sms.received().size() - 1).json().getString("text"));
    org.assertj.core.api.Assertions.assertThat(link.find()).isTrue();

    Page guest = web.newPhonePage();
    guest.clock().install();
    // Her line drops once: the second check (the first in the background) gets no answer; the others go through.
    AtomicInteger checks = new AtomicInteger();
    guest.route("**/api/teleconsultations/*/invitation", route -> {
      if (checks.incrementAndGet() == 2) {
        route.abort();
      } else {
        route.resume();
      }
    });
    guest.navigate(web.url(link.group(1)));
    Locator state = guest.locator("#call-state");
    assertThat(state).containsText("L'appel n'a pas encore commencé.");
    guest.clock().runFor(20_001);
    guest.waitForCondition(() -> checks.get() >= 2);
    // What she saw stays: no "Connexion perdue" in place of her invitation.
    assertThat(state).containsText("L'appel n'a pas encore commencé.");
    callRuns(node, id, nurseToken, "dr.planchon", "medecine_generale");
    // Two minutes of her waiting pass, a check at a time: each check the page makes is waited for (none: none is).
    for (int i = 0; i < 4 && guest.locator("#join").count() == 0; i++) {
      int before = checks.get();
      guest.clock().runFor(30_001);
      try {
        guest.waitForCondition(() -> checks.get() > before, new Page.WaitForConditionOptions().setTimeout(3_000));
      } catch (com.microsoft.playwright.TimeoutError none) {
        break;
      }
      guest.waitForFunction("() => !document.querySelector('[aria-busy=true]')");
    }
    assertThat(state).containsText("L'appel a commencé : vous pouvez entrer.");
    assertThat(guest.locator("#load-failed")).hasCount(0);
    guest.context().close();
  }

  /** Her invitation not read on a dropped line: "Connexion perdue. Réessayez dans un instant." — she has typed nothing. */
  @Test
  void a_guests_page_not_read_on_a_dropped_line_speaks_of_no_answers_she_never_gave() {
    Page guest = web.newPhonePage();
    guest.route("**/api/teleconsultations/*/invitation", com.microsoft.playwright.Route::abort);
    guest.navigate(web.url("/invitation.html#" + UUID.randomUUID() + ".secret"));
    assertThat(guest.locator("#load-failed")).containsText("Connexion perdue. Réessayez dans un instant.");
    assertThat(guest.locator("#retry")).isVisible();
    guest.context().close();
  }

  /** A request of the nurse's home for the resident {@code reference}, claimed by {@code doctorLogin}: its id. */
  private static String claimedRequest(TestNode node, String nurseToken, String reference, String doctorLogin, String specialty) {
    JsonObject body = new JsonObject().put("patient", new JsonObject().put("reference", reference).put("initials", "MB")
            .put("birthYear", 1931)).put("reason", "Douleurs mal calmées depuis deux jours").put("specialty", specialty)
        .put("urgency", "normal").put("consent", new JsonObject().put("given", true));
    String id = node.api.post("/api/teleconsultations", nurseToken, body).json().getString("id");
    var claimed = node.api.post("/api/teleconsultations/" + id + "/claim",
        node.api.login(doctorLogin + "@cantal.demo", BrowserFixture.PASSWORD), null);
    org.assertj.core.api.Assertions.assertThat(claimed.status()).as(claimed.toString()).isEqualTo(200);
    return id;
  }

  /** Both sides are in the room (their pages report Jitsi's videoConferenceJoined): the call runs. */
  private static void callRuns(TestNode node, String id, String nurseToken) {
    callRuns(node, id, nurseToken, "dr.garcia", "soins_palliatifs");
  }

  /** The same, the request's doctor being {@code doctorLogin} (one open teleconsultation a doctor). */
  private static void callRuns(TestNode node, String id, String nurseToken, String doctorLogin, String specialty) {
    JsonObject nurse = node.api.get("/api/me", nurseToken).json();
    JsonObject doctor = node.api.get("/api/me", node.api.login(doctorLogin + "@cantal.demo", BrowserFixture.PASSWORD)).json();
    var service = node.node().teleconsult().calls;
    TestNode.await(service.callEvent(new Principal(UUID.fromString(nurse.getString("id")), Role.NURSE, nurse.getString("displayName"),
        UUID.fromString(nurse.getString("organisationId")), Set.of()), UUID.fromString(id), true));
    TestNode.await(service.callEvent(new Principal(UUID.fromString(doctor.getString("id")), Role.DOCTOR,
        doctor.getString("displayName"), null, Set.of(specialty)), UUID.fromString(id), true));
  }
}
