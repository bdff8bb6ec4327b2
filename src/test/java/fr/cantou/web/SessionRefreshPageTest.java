package fr.cantou.web;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A staff page lives through its access token's end: the server closes its socket (4401) when the token ends, and the
 * page refreshes it. A refresh left unanswered (a node restarting, a proxy's 502, a rural link dropping at that moment)
 * is tried again until it is answered, the session kept; only a refusal ends it, and the page then says so with the way
 * to sign in again. Access tokens live a few seconds here, so the server ends the socket's token itself, as it does every
 * 15 minutes in production.
 */
class SessionRefreshPageTest {
  private static final String REFRESH = "**/api/auth/refresh";
  @org.junit.jupiter.api.extension.RegisterExtension
  static final BrowserFixture web = BrowserFixture.forTheClass(Clock.systemUTC(),
      Map.of("CANTOU_AUTH_ACCESS_TOKEN_SECONDS", "5"));

  /** The doctor's page, signed in, its script run to the end (her presence buttons enabled last). */
  private static Page doctorsPage() {
    return doctorsPage("dr.garcia");
  }

  /**
   * Each answer given again counts towards her 3 in half an hour (on this class's real clock): a test that gives more
   * than one signs in another doctor, so that the tests after it are not refused for those before.
   */
  private static Page doctorsPage(String login) {
    Page doctor = web.signIn(login);
    assertThat(doctor.locator("#available")).isEnabled();
    // Set in this document only: still there at the end, the page was never loaded again.
    doctor.evaluate("() => { window.__sameDocument = true; window.__signedInWith = sessionStorage.getItem('cantou.refresh'); }");
    return doctor;
  }

  private static String refreshToken(Page page) {
    return (String) page.evaluate("() => sessionStorage.getItem('cantou.refresh')");
  }

  @Test
  void a_refresh_unanswered_for_a_while_is_tried_again_and_the_page_resumes_by_itself() {
    Page doctor = doctorsPage();
    Locator banner = doctor.locator("#offline");
    AtomicInteger refused = new AtomicInteger();
    doctor.route(REFRESH, route -> {
      refused.incrementAndGet();
      route.fulfill(new Route.FulfillOptions().setStatus(502).setContentType("text/html")
          .setBody("<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"));
    });
    // The token ends, the server closes the socket (4401), the refresh meets the 502, and is tried again later.
    doctor.waitForCondition(() -> refused.get() >= 2);
    assertThat(banner).isVisible();
    assertThat(banner).hasText("Connexion perdue. Nous nous reconnectons…");
    assertThat(refreshToken(doctor)).as("the session kept through a refresh left unanswered").isNotNull();

    doctor.unroute(REFRESH);
    assertThat(banner).isHidden();
    assertThat(doctor.locator("#status")).hasText("Connexion rétablie.");

    String nurse = web.node.api.login("infirmiere.salers@cantal.demo", BrowserFixture.PASSWORD);
    JsonObject body = fr.cantou.support.CareTerritory.request("medecine_generale", "normal");
    body.getJsonObject("patient").put("reference", "R-APRES-REFRESH");
    var created = web.node.api.post("/api/teleconsultations", nurse, body);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(doctor.locator("#queue")).containsText("R-APRES-REFRESH");
    assertThat(doctor.evaluate("() => window.__sameDocument === true")).as("never loaded again").isEqualTo(true);
    doctor.context().close();
    assertThat(web.node.api.post("/api/teleconsultations/" + created.json().getString("id") + "/cancel",
        web.node.api.login("infirmiere.salers@cantal.demo", BrowserFixture.PASSWORD), null).status()).isEqualTo(200);
  }

  /**
   * The link drops after the server rotated her refresh token, before its answer reached the page (or she left the page
   * then): the page sends the same token again, revealing the secret whose key came with the first send, and the
   * session goes on. It used to be read as a stolen token: "Votre session a pris fin" in the middle of her day.
   */
  @Test
  void a_refresh_whose_answer_was_lost_on_the_way_is_sent_again_and_the_session_goes_on() {
    Page doctor = doctorsPage();
    AtomicInteger sent = new AtomicInteger();
    doctor.route(REFRESH, route -> {
      if (sent.getAndIncrement() == 0) {
        route.fetch();
        route.abort("connectionreset");
      } else {
        route.resume();
      }
    });
    wentOnAfter(doctor, sent, 2);
  }

  /**
   * A rural line dropping twice during one refresh, then once more before a send left: the answer lost after the server
   * rotated her refresh token, the answer given again lost too, the next send never reaching the server. The one after
   * is answered again, and the session goes on: each send carried the key of the next one's secret.
   */
  @Test
  void a_refresh_whose_answer_was_lost_twice_in_a_row_is_sent_again_and_the_session_goes_on() {
    Page doctor = doctorsPage();
    AtomicInteger sent = new AtomicInteger();
    doctor.route(REFRESH, route -> {
      int n = sent.getAndIncrement();
      if (n < 2) {
        route.fetch();
        route.abort("connectionreset");
      } else if (n == 2) {
        route.abort("internetdisconnected");
      } else {
        route.resume();
      }
    });
    wentOnAfter(doctor, sent, 4);
  }

  /**
   * A copy of her tab (it holds her chain's seed) answered again before her page's retry arrives: her retry is refused
   * as overtaken, and her page, still there, sends the token again at once revealing its chain's top. She is answered,
   * the copy's session ends, and her session goes on (before, the refusal signed her out and the copy kept her session).
   */
  @Test
  void a_copy_of_her_tab_answered_before_her_retry_is_ended_and_her_page_goes_on() {
    Page doctor = doctorsPage("dr.planchon");
    AtomicInteger sent = new AtomicInteger();
    java.util.concurrent.atomic.AtomicReference<Route> held = new java.util.concurrent.atomic.AtomicReference<>();
    doctor.route(REFRESH, route -> {
      int n = sent.getAndIncrement();
      if (n == 0) {
        route.fetch(); // the answer lost after the server rotated her token
        route.abort("connectionreset");
      } else if (n == 1) {
        held.set(route); // her retry, held while the copy goes first
      } else {
        route.resume();
      }
    });
    doctor.waitForCondition(() -> held.get() != null);
    String spent = new JsonObject(held.get().request().postData()).getString("refreshToken");
    String seed = (String) doctor.evaluate("() => JSON.parse(sessionStorage.getItem('cantou.refreshAnswerSecret')).seed");
    String ahead = chainLink(seed, 2);
    fr.cantou.support.Api.Response copys = web.node.api.post("/api/auth/refresh",
        new JsonObject().put("refreshToken", spent).put("answerKey", ahead).put("answerSecret", ahead));
    org.assertj.core.api.Assertions.assertThat(copys.status()).as(copys.toString()).isEqualTo(200);

    held.get().resume();

    wentOnAfter(doctor, sent, 3);
    org.assertj.core.api.Assertions.assertThat(web.node.api.get("/api/me", copys.json().getString("accessToken")).status())
        .as("the copy's session").isEqualTo(401);
  }

  /** The key of a page's send {@code n} of a token, from its chain's seed (webapp/js/api.js: 512 links a chain). */
  private static String chainLink(String seed, int n) {
    String link = seed;
    try {
      java.security.MessageDigest sha256 = java.security.MessageDigest.getInstance("SHA-256");
      for (int i = 0; i < 512 - n; i++) {
        link = java.util.Base64.getUrlEncoder().withoutPadding()
            .encodeToString(sha256.digest(link.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      }
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return link;
  }

  /**
   * Once the page sent {@code sends} refreshes, it took a new session (its refresh token is another than at the sign-in)
   * and says no more that it is offline, and she is still signed in when the page is loaded again (a session ended would
   * send her to the sign-in page).
   */
  private static void wentOnAfter(Page doctor, AtomicInteger sent, int sends) {
    doctor.waitForCondition(() -> sent.get() >= sends);
    // Not "Connexion rétablie." in the live region at one instant: it is shared, and her presence, read again once the
    // socket is back, may have replaced it already (LastMileReview4Test checks that sentence).
    doctor.waitForFunction("() => ![null, window.__signedInWith].includes(sessionStorage.getItem('cantou.refresh'))"
        + " && document.getElementById('offline').hidden");
    assertThat(doctor.locator("#offline")).isHidden();
    doctor.unroute(REFRESH);

    doctor.reload();
    assertThat(doctor.locator("#available")).isEnabled();
    assertThat(doctor).hasURL(java.util.regex.Pattern.compile("/medecin\\.html"));
    doctor.context().close();
  }

  @Test
  void a_refused_refresh_says_the_session_ended_with_the_way_to_sign_in_again_back_to_this_page() {
    Page doctor = doctorsPage();
    Locator banner = doctor.locator("#offline");
    doctor.route(REFRESH, route -> route.fulfill(new Route.FulfillOptions().setStatus(401)
        .setContentType("application/problem+json")
        .setBody("{\"status\":401,\"title\":\"Unauthorized\",\"detail\":\"This refresh token is no longer valid; please sign in again.\"}")));
    assertThat(banner).containsText("Votre session a pris fin : cette page n'est plus mise à jour.");
    assertThat(banner).hasAttribute("role", "alert");
    Locator again = banner.getByRole(com.microsoft.playwright.options.AriaRole.LINK,
        new Locator.GetByRoleOptions().setName("Se reconnecter"));
    assertThat(again).hasAttribute("href", "/connexion.html?next=%2Fmedecin.html");
    assertThat(refreshToken(doctor)).as("the refused refresh token forgotten").isNull();
    PagesTest.assertAccessible(doctor, "medecin-session-terminee");

    doctor.unroute(REFRESH);
    again.click();
    doctor.waitForURL(u -> u.contains("/connexion.html"));
    doctor.locator("#email").fill("dr.garcia@cantal.demo");
    doctor.locator("#password").fill(BrowserFixture.PASSWORD);
    doctor.locator("button[type=submit]").click();
    doctor.waitForURL(u -> u.endsWith("/medecin.html"));
    assertThat(doctor.locator("#available")).isEnabled();
    assertThat(banner).isHidden();
    doctor.context().close();
  }

  /**
   * The care home's shared tablet: the doctor's session there ended, and her page sent it to
   * "/connexion.html?next=/medecin.html". The nurse signs in on it: she lands on her own page (sent to the doctor's,
   * it sent her back to the empty sign-in form without a word, at every try). A page of every role (her password's)
   * is still where her sign-in goes on to.
   */
  @Test
  void a_nurse_signing_in_where_the_doctors_session_ended_lands_on_her_own_page() {
    Page page = web.newTabletPage();
    page.navigate(web.url("/connexion.html?next=%2Fmedecin.html"));
    page.locator("#email").fill("infirmiere.salers@cantal.demo");
    page.locator("#password").fill(BrowserFixture.PASSWORD);
    page.locator("button[type=submit]").click();
    assertThat(page.locator("form#request")).isVisible();
    org.assertj.core.api.Assertions.assertThat(page.url()).as("where her sign-in took her").endsWith("/infirmiere.html");

    page.navigate(web.url("/connexion.html?next=%2Fmot-de-passe.html"));
    page.locator("#email").fill("infirmiere.salers@cantal.demo");
    page.locator("#password").fill(BrowserFixture.PASSWORD);
    page.locator("button[type=submit]").click();
    page.waitForURL(u -> u.endsWith("/mot-de-passe.html"));
    page.context().close();
  }
}
