package fr.cantou.web;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import fr.cantou.support.Eventually;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A nurse who forgot her password, in the browser: "Mot de passe oublié ?" on the sign-in page, her address, the link
 * from her mailbox, which the page takes out of the address bar at once, her new password twice, then the sign-in page
 * that says it is saved. A link that no longer works says so and leads to a new one. All of it with the keyboard.
 */
class PasswordResetPageTest {
  private static final String SITE = "https://cantou.cantal.test";
  private static final Pattern LINK = Pattern.compile(Pattern.quote(SITE) + "(/nouveau-mot-de-passe\\.html#[A-Za-z0-9_-]+)");
  private static final GreenMail smtp = started();
  @RegisterExtension
  static final BrowserFixture web = BrowserFixture.forTheClass(Clock.systemUTC(), Map.of("CANTOU_SMTP_HOST", "127.0.0.1",
      "CANTOU_SMTP_PORT", Integer.toString(smtp.getSmtp().getPort()), "CANTOU_SMTP_STARTTLS", "disabled",
      "CANTOU_SMTP_FROM", "Cantou <ne-pas-repondre@cantal.test>", "CANTOU_HTTP_PUBLIC_URL", SITE));

  private static final String CHOSEN = "la-tour-de-Murat-au-printemps";

  private static GreenMail started() {
    GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    mail.start();
    return mail;
  }

  @AfterAll
  static void stopMail() {
    smtp.stop();
  }

  private static Locator field(Page page, String label) {
    return page.getByLabel(label, new Page.GetByLabelOptions().setExact(true));
  }

  /** The path of the link in her link mail number {@code nth}, once the mail job has sent it. */
  private static String linkTo(String email, int nth) throws Exception {
    return linkTo(email, "Choisir un nouveau mot de passe Cantou", nth);
  }

  /** The path of the link in her mail number {@code nth} of this subject, once the mail job has sent it. */
  private static String linkTo(String email, String subject, int nth) throws Exception {
    // Her link is made after the answer to her request: the jobs run until its mail has come.
    Eventually.until("her mail number " + nth, () -> {
      fr.cantou.support.TestNode.await(web.node.node().runJobs());
      return mails(email, subject).size() >= nth;
    });
    Matcher link = LINK.matcher((String) mails(email, subject).get(nth - 1).getContent());
    assertThat(link.find()).isTrue();
    return link.group(1);
  }

  /**
   * "Ce lien est valable jusqu'au lundi 7 décembre à 10 h 40." for her newest link, in the département's zone: the
   * sentence the page shows once it has checked the link.
   */
  private static String validUntil(String email) {
    Instant end = fr.cantou.support.TestNode.await(web.node.node().platform().pool().preparedQuery("""
            SELECT max(l.expires_at) FROM password_link l JOIN app_user u ON u.id = l.user_id WHERE u.email = $1""")
        .execute(io.vertx.sqlclient.Tuple.of(email))).iterator().next().getOffsetDateTime(0).toInstant();
    ZonedDateTime at = end.atZone(ZoneId.of("Europe/Paris"));
    String day = at.getDayOfMonth() == 1 ? "1er" : Integer.toString(at.getDayOfMonth());
    String time = at.getHour() + " h" + (at.getMinute() == 0 ? "" : String.format(" %02d", at.getMinute()));
    return "Ce lien est valable jusqu'au " + at.format(DateTimeFormatter.ofPattern("EEEE", Locale.FRENCH)) + " " + day + " "
        + at.format(DateTimeFormatter.ofPattern("MMMM", Locale.FRENCH)) + " à " + time + ".";
  }

  /** The mails of this subject she got. */
  private static java.util.List<MimeMessage> mails(String email, String subject) {
    return Arrays.stream(smtp.getReceivedMessages()).filter(m -> {
      try {
        return m.getAllRecipients()[0].toString().equals(email) && m.getSubject().equals(subject);
      } catch (jakarta.mail.MessagingException e) {
        throw new IllegalStateException(e);
      }
    }).toList();
  }

  @Test
  void a_nurse_who_forgot_her_password_asks_for_a_link_and_chooses_a_new_one_with_the_keyboard() throws Exception {
    String email = "infirmiere.salers@cantal.demo";
    String elsewhere = web.node.api.login(email, BrowserFixture.PASSWORD);
    Page page = web.newPage();
    page.navigate(web.url("/connexion.html"));
    Locator forgot = page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Mot de passe oublié ?"));
    forgot.focus();
    page.keyboard().press("Enter");
    page.waitForURL(u -> u.endsWith("/mot-de-passe-oublie.html"));
    assertThat(page.locator("h1")).hasText("Mot de passe oublié");
    assertThat(field(page, "Adresse e-mail de votre compte")).hasAttribute("autocomplete", "username");
    PagesTest.assertAccessible(page, "mot-de-passe-oublie-1");

    // Nothing typed: said at the field (once the page's script has enabled the form's button, which Enter presses).
    assertThat(page.locator("button[type=submit]")).isEnabled();
    field(page, "Adresse e-mail de votre compte").focus();
    page.keyboard().press("Enter");
    assertThat(page.locator("#email-error")).hasText("Indiquez l'adresse e-mail de votre compte.");
    assertThat(field(page, "Adresse e-mail de votre compte")).isFocused();
    field(page, "Adresse e-mail de votre compte").fill(" Infirmiere.Salers@cantal.demo ");
    page.keyboard().press("Enter");
    Locator outcome = page.locator("#outcome");
    assertThat(outcome).hasText("Si un compte existe pour cette adresse, un message vient de lui être envoyé avec un lien"
        + " pour choisir un nouveau mot de passe. Ce lien est valable une heure.");
    assertThat(outcome).isFocused();
    PagesTest.assertAccessible(page, "mot-de-passe-oublie-2-envoye");

    String link = linkTo(email, 1);
    page.navigate(web.url(link));
    assertThat(page.locator("h1")).hasText("Choisir un nouveau mot de passe");
    assertThat(page.locator("button[type=submit]")).isEnabled();
    // Checked on load: until when it works, on the page and in its live region.
    assertThat(page.locator("#valid-until")).hasText(validUntil(email));
    assertThat(page.locator("#status")).hasText(validUntil(email));
    assertThat(page).hasURL(web.url("/nouveau-mot-de-passe.html"));
    assertThat(field(page, "Nouveau mot de passe")).hasAttribute("autocomplete", "new-password");
    PagesTest.assertAccessible(page, "nouveau-mot-de-passe-1");

    field(page, "Nouveau mot de passe").fill(CHOSEN);
    field(page, "Nouveau mot de passe, une seconde fois").fill(CHOSEN + "!");
    page.keyboard().press("Enter");
    assertThat(page.locator("#confirm-password-error"))
        .hasText("Les deux nouveaux mots de passe ne sont pas les mêmes : tapez-le à nouveau.");
    assertThat(field(page, "Nouveau mot de passe, une seconde fois")).isFocused();
    field(page, "Nouveau mot de passe, une seconde fois").fill(CHOSEN);
    page.keyboard().press("Enter");

    page.waitForURL(u -> u.contains("/connexion.html"));
    Locator saved = page.locator("#password-chosen");
    assertThat(saved).hasText("Votre nouveau mot de passe est enregistré. Connectez-vous avec lui.");
    assertThat(saved).isFocused();
    PagesTest.assertAccessible(page, "nouveau-mot-de-passe-2-enregistre");
    assertThat(web.node.api.get("/api/me", elsewhere).status()).as("her session elsewhere").isEqualTo(401);
    page.locator("#email").fill(email);
    page.locator("#password").fill(CHOSEN);
    page.keyboard().press("Enter");
    page.waitForURL(u -> u.endsWith("/infirmiere.html"));

    // The same link again: spent. Said as the page opens, before she types anything, with the way to a new one.
    Page again = web.newPage();
    again.navigate(web.url(link));
    assertThat(again).hasURL(web.url("/nouveau-mot-de-passe.html"));
    Locator invalid = again.locator("#invalid");
    assertThat(invalid).containsText("Ce lien n'est plus valable : il a déjà servi, un lien plus récent l'a remplacé, ou"
        + " il a expiré.");
    assertThat(invalid).isVisible();
    assertThat(invalid).isFocused();
    assertThat(again.locator("#form")).isHidden();
    assertThat(again.evaluate("() => sessionStorage.getItem('cantou.passwordLinkToken')")).as("the tab forgot it").isNull();
    PagesTest.assertAccessible(again, "nouveau-mot-de-passe-3-plus-valable");
    again.keyboard().press("Tab");
    again.keyboard().press("Enter");
    again.waitForURL(u -> u.endsWith("/mot-de-passe-oublie.html"));
    web.node.api.login(email, CHOSEN);
    assertThat(web.node.api.post("/api/auth/login", new JsonObject().put("email", email)
        .put("password", BrowserFixture.PASSWORD)).status()).as("the password she forgot").isEqualTo(401);
    page.context().close();
    again.context().close();
  }

  /** The admin sends a link from the list of users: she sees neither the link nor a password; the owner gets it. */
  @Test
  void an_admin_sends_a_password_link_from_the_list_of_users_with_the_keyboard() throws Exception {
    Page admin = web.signIn("admin");
    admin.locator(".admin-menu").getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Utilisateurs")).click();
    Locator send = admin.getByRole(AriaRole.BUTTON,
        new Page.GetByRoleOptions().setName("Envoyer un lien de mot de passe Sophie Delmas, IDE"));
    send.focus();
    admin.keyboard().press("Enter");
    Locator outcome = admin.locator("#admin-outcome");
    assertThat(outcome).hasText("Un lien pour choisir son mot de passe a été envoyé à Sophie Delmas, IDE "
        + "(infirmiere.murat@cantal.demo). Il est valable 72 heures ; vous ne verrez ni le lien ni le mot de passe.");
    assertThat(outcome).isFocused();
    PagesTest.assertAccessible(admin, "admin-lien-mot-de-passe");

    fr.cantou.support.TestNode.await(web.node.node().runJobs());
    Eventually.until("her mail", () -> !mails("infirmiere.murat@cantal.demo", "Choisir votre mot de passe Cantou").isEmpty());
    assertThat(admin.content()).doesNotContain("nouveau-mot-de-passe.html#");
    admin.context().close();
  }

  /** An account made from the admin page with no password typed: the owner is invited by mail to choose hers. */
  @Test
  void an_account_made_without_a_password_from_the_admin_page_invites_its_owner() throws Exception {
    Page admin = web.signIn("admin");
    admin.locator(".admin-menu").getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Utilisateurs")).click();
    assertThat(field(admin, "Mot de passe provisoire (facultatif)")).not().hasAttribute("required", "");
    admin.locator("#user-name").fill("Dr Paul Invité");
    admin.locator("#user-email").fill("paul.invite@cantal.demo");
    admin.locator("#user-role").selectOption("doctor");
    admin.locator("#user-form button[type=submit]").click();
    Locator outcome = admin.locator("#admin-outcome");
    assertThat(outcome).hasText("Compte créé. Une invitation à choisir son mot de passe a été envoyée à paul.invite@cantal.demo.");
    assertThat(outcome).isFocused();
    PagesTest.assertAccessible(admin, "admin-compte-invite");

    // Her link greets her new account, and says until when it works (72 hours).
    Page hers = web.newPage();
    hers.navigate(web.url(linkTo("paul.invite@cantal.demo", "Votre compte Cantou : choisissez votre mot de passe", 1)));
    assertThat(hers.locator("h1")).hasText("Choisir le mot de passe de votre nouveau compte");
    assertThat(hers.locator("#why")).hasText("Un compte Cantou vient d'être ouvert pour vous. Choisissez son mot de passe :"
        + " vous vous connecterez avec lui et votre adresse e-mail.");
    assertThat(hers.locator("#valid-until")).hasText(validUntil("paul.invite@cantal.demo"));
    assertThat(hers.locator("button[type=submit]")).isEnabled();
    PagesTest.assertAccessible(hers, "nouveau-mot-de-passe-invitation");
    field(hers, "Nouveau mot de passe").fill(CHOSEN);
    field(hers, "Nouveau mot de passe, une seconde fois").fill(CHOSEN);
    hers.keyboard().press("Enter");
    hers.waitForURL(u -> u.contains("/connexion.html"));
    web.node.api.login("paul.invite@cantal.demo", CHOSEN);
    admin.context().close();
    hers.context().close();
  }

  /** A link the page cannot check (offline, the server unwell) leaves the form as it was: the confirm will say. */
  @Test
  void a_link_the_page_cannot_check_still_opens_the_form() throws Exception {
    String email = "infirmiere.condat@cantal.demo";
    assertThat(web.node.api.post("/api/auth/password-reset", new JsonObject().put("email", email)).status()).isEqualTo(202);
    String link = linkTo(email, 1);
    Page page = web.newPage();
    page.route("**/api/auth/password-reset/check", route -> route.abort());
    page.navigate(web.url(link));
    assertThat(page.locator("button[type=submit]")).isEnabled();
    assertThat(page.locator("#checking")).isHidden();
    assertThat(page.locator("#valid-until")).isHidden();
    field(page, "Nouveau mot de passe").fill(CHOSEN);
    field(page, "Nouveau mot de passe, une seconde fois").fill(CHOSEN);
    page.keyboard().press("Enter");
    page.waitForURL(u -> u.contains("/connexion.html"));
    web.node.api.login(email, CHOSEN);
    page.context().close();
  }

  @Test
  void the_page_opened_without_a_link_says_where_links_come_from() {
    Page page = web.newPage();
    page.navigate(web.url("/nouveau-mot-de-passe.html"));
    assertThat(page.locator("#no-link")).containsText("Cette page s'ouvre depuis le lien reçu par e-mail.");
    assertThat(page.locator("#no-link")).isFocused();
    assertThat(page.locator("#form")).isHidden();
    PagesTest.assertAccessible(page, "nouveau-mot-de-passe-sans-lien");
    page.context().close();
  }
}
