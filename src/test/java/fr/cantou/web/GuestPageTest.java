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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

/**
 * A third seat in the call, through the pages: the nurse invites an interpreter from her request's
 * card (the slips said under their fields), the interpreter's phone opens the SMS's link, is told
 * the call has not started (the same link on a computer is refused: it is the phone's now, and a
 * reload of the phone keeps it), then enters once it runs, under her name and role.
 */
@org.junit.jupiter.api.extension.ExtendWith(NothingNeverShown.class)
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
    TestNode node = web.node;
    String nurseToken = node.api.login("infirmiere.salers@cantal.demo", BrowserFixture.PASSWORD);
    String doctorToken = node.api.login("dr.garcia@cantal.demo", BrowserFixture.PASSWORD);
    JsonObject body = new JsonObject().put("patient", new JsonObject().put("reference", "R-INV-1").put("initials", "MB")
            .put("birthYear", 1931)).put("reason", "Douleurs mal calmées depuis deux jours").put("specialty", "soins_palliatifs")
        .put("urgency", "normal").put("consent", new JsonObject().put("given", true));
    String id = node.api.post("/api/teleconsultations", nurseToken, body).json().getString("id");
    var claimed = node.api.post("/api/teleconsultations/" + id + "/claim", doctorToken, null);
    org.assertj.core.api.Assertions.assertThat(claimed.status()).as(claimed.toString()).isEqualTo(200);

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
    org.assertj.core.api.Assertions.assertThat(sms.received()).isEmpty();
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

    org.assertj.core.api.Assertions.assertThat(sms.received()).hasSize(1);
    Matcher link = Pattern.compile("https://cantou\\.cantal\\.test(/invitation\\.html#\\S+)")
        .matcher(sms.received().get(0).json().getString("text"));
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

  /** Both sides are in the room (their pages report Jitsi's videoConferenceJoined): the call runs. */
  private static void callRuns(TestNode node, String id, String nurseToken) {
    JsonObject nurse = node.api.get("/api/me", nurseToken).json();
    JsonObject doctor = node.api.get("/api/me", node.api.login("dr.garcia@cantal.demo", BrowserFixture.PASSWORD)).json();
    var service = node.node().teleconsult().calls;
    TestNode.await(service.callEvent(new Principal(UUID.fromString(nurse.getString("id")), Role.NURSE, nurse.getString("displayName"),
        UUID.fromString(nurse.getString("organisationId")), Set.of()), UUID.fromString(id), true));
    TestNode.await(service.callEvent(new Principal(UUID.fromString(doctor.getString("id")), Role.DOCTOR,
        doctor.getString("displayName"), null, Set.of("soins_palliatifs")), UUID.fromString(id), true));
  }
}
