package fr.cantou.web;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Changer mon mot de passe", from the header of every staff page: labelled fields the browser's password manager
 * understands, mistakes said at their field and read out, all of it with the keyboard; once changed, her other
 * sessions are over and this page stays signed in.
 */
class PasswordPageTest {
  @org.junit.jupiter.api.extension.RegisterExtension
  static final BrowserFixture web = BrowserFixture.forTheClass();

  private static final String CHOSEN = "le-puy-Mary-sous-la-neige";

  private static Locator field(Page page, String label) {
    return page.getByLabel(label, new Page.GetByLabelOptions().setExact(true));
  }

  /**
   * Her page, its session's token in hand (her name shown): left while its first refresh is on its way, the next page
   * would present the refresh token that refresh spent, and the server would end the session as stolen.
   */
  private static Page signedIn(String login) {
    Page page = web.signIn(login);
    assertThat(page.locator("#who")).not().isEmpty();
    return page;
  }

  @Test
  void a_nurse_changes_her_password_from_the_header_with_the_keyboard_and_her_other_sessions_end() {
    String email = "infirmiere.salers@cantal.demo";
    String elsewhere = web.node.api.login(email, BrowserFixture.PASSWORD);
    Page nurse = signedIn("infirmiere.salers");
    Locator link = nurse.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Changer mon mot de passe"));
    link.focus();
    nurse.keyboard().press("Enter");
    nurse.waitForURL(u -> u.endsWith("/mot-de-passe.html"));
    assertThat(nurse.locator("h1")).hasText("Changer mon mot de passe");
    assertThat(field(nurse, "Mot de passe actuel")).hasAttribute("autocomplete", "current-password");
    assertThat(field(nurse, "Nouveau mot de passe")).hasAttribute("autocomplete", "new-password");
    assertThat(field(nurse, "Nouveau mot de passe, une seconde fois")).hasAttribute("autocomplete", "new-password");
    assertThat(nurse.locator("button[type=submit]")).isEnabled();

    field(nurse, "Mot de passe actuel").fill("pas-le-bon-mot-de-passe");
    field(nurse, "Nouveau mot de passe").fill(CHOSEN);
    field(nurse, "Nouveau mot de passe, une seconde fois").fill(CHOSEN);
    nurse.keyboard().press("Enter");
    Locator current = field(nurse, "Mot de passe actuel");
    assertThat(nurse.locator("#current-password-error"))
        .hasText("Ce n'est pas votre mot de passe actuel. Vérifiez-le (majuscules comprises) et réessayez.");
    assertThat(current).hasAttribute("aria-invalid", "true");
    assertThat(current).isFocused();
    assertThat(nurse.locator("#error")).hasAttribute("role", "alert");
    assertThat(nurse.locator("#error")).isVisible();
    PagesTest.assertAccessible(nurse, "mot-de-passe-refuse");

    current.fill(BrowserFixture.PASSWORD);
    nurse.keyboard().press("Enter");
    Locator outcome = nurse.locator("#outcome");
    assertThat(outcome).hasText("Votre mot de passe est changé. Vos sessions sur d'autres appareils sont fermées ; "
        + "vous restez connecté(e) ici.");
    assertThat(outcome).isFocused();
    assertThat(current).hasValue("");
    assertThat(current).not().hasAttribute("aria-invalid", "true");
    PagesTest.assertAccessible(nurse, "mot-de-passe-change");

    assertThat(web.node.api.get("/api/me", elsewhere).status()).as("her session elsewhere").isEqualTo(401);
    assertThat(web.node.api.post("/api/auth/login", new JsonObject().put("email", email)
        .put("password", BrowserFixture.PASSWORD)).status()).as("the old password").isEqualTo(401);
    web.node.api.login(email, CHOSEN);

    nurse.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Retour à ma page")).click();
    nurse.waitForURL(u -> u.endsWith("/infirmiere.html"));
    // Still signed in here: her name in the header, not the sign-in page.
    assertThat(nurse.locator("#who")).not().isEmpty();
    nurse.context().close();
  }

  /**
   * A nurse the admin has just made an account for follows the link to her page: signed in with the password the admin
   * typed, she is first asked to choose her own (nothing else opens before), then lands on the page she asked for.
   */
  @Test
  void a_new_nurse_chooses_her_own_password_at_her_first_sign_in_then_reaches_her_page() {
    String admin = web.node.adminToken();
    String home = web.node.api.get("/api/organisations", admin).array().stream()
        .map(JsonObject.class::cast).filter(o -> "ehpad".equals(o.getString("kind"))).findFirst().orElseThrow().getString("id");
    assertThat(web.node.api.post("/api/users", admin, new JsonObject().put("email", "nouvelle.ide@cantal.demo")
        .put("password", "saisi-par-l-admin").put("role", "nurse").put("displayName", "Jeanne Nouvelle")
        .put("organisationId", home)).status()).isEqualTo(201);
    Page nurse = web.newPage();
    nurse.navigate(web.url("/infirmiere.html"));
    nurse.waitForURL(u -> u.contains("/connexion.html"));
    nurse.locator("#email").fill("nouvelle.ide@cantal.demo");
    nurse.locator("#password").fill("saisi-par-l-admin");
    // The form's button is disabled until the page's script has come: Enter in a field before it submits nothing.
    assertThat(nurse.locator("button[type=submit]")).isEnabled();
    nurse.keyboard().press("Enter");

    nurse.waitForURL(u -> u.contains("/mot-de-passe.html"));
    assertThat(nurse.locator("#first-time")).hasText("Avant d'utiliser Cantou, choisissez votre propre mot de passe : celui "
        + "donné à la création de votre compte a été saisi par l'administrateur. Tapez-le comme mot de passe actuel, puis le vôtre.");
    assertThat(nurse.locator("#back")).isHidden();
    assertThat(nurse.locator("button[type=submit]")).isEnabled();
    PagesTest.assertAccessible(nurse, "mot-de-passe-premier");
    field(nurse, "Mot de passe donné à la création du compte").fill("saisi-par-l-admin");
    field(nurse, "Nouveau mot de passe").fill(CHOSEN);
    field(nurse, "Nouveau mot de passe, une seconde fois").fill(CHOSEN);
    nurse.keyboard().press("Enter");

    nurse.waitForURL(u -> u.endsWith("/infirmiere.html"));
    assertThat(nurse.locator("#who")).hasText("Jeanne Nouvelle");
    web.node.api.login("nouvelle.ide@cantal.demo", CHOSEN);
    nurse.context().close();
  }

  @Test
  void mistakes_the_page_can_see_are_said_at_their_field_and_nothing_is_sent() {
    Page doctor = signedIn("dr.garcia");
    AtomicInteger sent = new AtomicInteger();
    doctor.onRequest(request -> {
      if (request.url().endsWith("/api/auth/password")) {
        sent.incrementAndGet();
      }
    });
    doctor.navigate(web.url("/mot-de-passe.html"));
    assertThat(doctor.locator("h1")).hasText("Changer mon mot de passe");
    assertThat(doctor.locator("button[type=submit]")).isEnabled();
    field(doctor, "Mot de passe actuel").fill(BrowserFixture.PASSWORD);
    field(doctor, "Nouveau mot de passe").fill("court");
    doctor.locator("button[type=submit]").click();
    assertThat(doctor.locator("#new-password-error")).hasText("Le nouveau mot de passe doit compter de 10 à 200 caractères.");
    assertThat(field(doctor, "Nouveau mot de passe")).isFocused();

    field(doctor, "Nouveau mot de passe").fill(CHOSEN);
    field(doctor, "Nouveau mot de passe, une seconde fois").fill(CHOSEN + "!");
    doctor.keyboard().press("Enter");
    assertThat(doctor.locator("#confirm-password-error"))
        .hasText("Les deux nouveaux mots de passe ne sont pas les mêmes : tapez-le à nouveau.");
    assertThat(doctor.locator("#new-password-error")).hasCount(0);
    assertThat(field(doctor, "Nouveau mot de passe, une seconde fois")).hasAttribute("aria-invalid", "true");
    assertThat(sent.get()).as("nothing sent").isZero();
    doctor.context().close();
  }
}
