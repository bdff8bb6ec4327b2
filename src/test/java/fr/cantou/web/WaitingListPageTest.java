package fr.cantou.web;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import com.microsoft.playwright.Clock;
import com.microsoft.playwright.Page;
import fr.cantou.support.Api;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The waiting list in the browser: a full service offers the form where no slot is left; she
 * joins; a cancellation sends her the offer by mail; its link opens her offer, and taking it
 * books her.
 */
class WaitingListPageTest {
  @RegisterExtension
  static GreenMailExtension smtp = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
  private static final String SITE = "https://cantou.cantal.test";
  private static final Pattern LINK = Pattern.compile(Pattern.quote(SITE) + "(/liste-attente\\.html#\\S+)");

  /** Monday 30 November 2026, 7:00 in Paris. */
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
  BrowserFixture web;

  @BeforeEach
  void start() {
    web = new BrowserFixture(clock, Map.of("CANTOU_SMTP_HOST", "127.0.0.1",
        "CANTOU_SMTP_PORT", Integer.toString(smtp.getSmtp().getPort()), "CANTOU_SMTP_STARTTLS", "disabled",
        "CANTOU_SMTP_FROM", "Cantou <ne-pas-repondre@cantal.test>", "CANTOU_HTTP_PUBLIC_URL", SITE,
        // Not the defaults (2 hours, 3 a day): the pages must say the département's own.
        "CANTOU_VISIO_WAITING_OFFER_HOLD_MINUTES", "90", "CANTOU_VISIO_WAITING_OFFERS_PER_DAY", "2"));
  }

  /**
   * A node and a browser of each test's own (its clock and its mail server's port): the fixture's checks of the test's
   * pages (errors, "null" shown, the journals of a failed test), then the whole fixture closed. An extension and not an
   * {@code @AfterEach}, which cannot tell whether the test failed.
   */
  @RegisterExtension
  final org.junit.jupiter.api.extension.AfterEachCallback stop = context -> {
    if (web == null) {
      // Its start failed: that failure is the test's, not a NullPointerException here.
      return;
    }
    try {
      web.afterEach(context);
    } finally {
      web.close();
    }
  };

  @Test
  void a_full_service_offers_its_waiting_list_and_a_cancellation_becomes_her_appointment() throws Exception {
    Api api = web.node.api;
    String service = msaService(api);
    JsonObject first = book(api, service, "2026-12-01T10:00:00+01:00", "marc.delmas@example.fr");

    Page look = web.newPhonePage();
    // The page asks its slots from its own "now" (booking.js): the browser's clock is the server's, not the real date.
    look.clock().install(new Clock.InstallOptions().setTime(clock.instant().toEpochMilli()));
    look.navigate(web.url("/rendez-vous.html"));
    look.locator("#wizard button.big", new Page.LocatorOptions().setHasText("Retraite agricole")).click();
    look.getByText("Depuis chez moi (ordinateur, tablette ou téléphone)").click();
    // One slot left, shown where it is: Tuesday 1 December at 10:30.
    assertThat(look.locator(".slots button")).hasCount(1);
    assertThat(look.locator(".slots button")).hasText("10 h 30");
    assertThat(look.locator("#wizard section").first()).containsText("1er décembre");
    look.context().close();

    book(api, service, "2026-12-01T10:30:00+01:00", "lucie.bros@example.fr");
    Page page = openWaitingListForm();
    PagesTest.assertAccessible(page, "liste-attente-1-formulaire");
    assertThat(page.locator("#waiting-how")).containsText("Elle vous est réservée pendant 1 heure 30 minutes");
    assertThat(page.locator("#waiting-how")).containsText("Au plus 2 propositions par jour.");

    // Without a way to reach her: said under the field, focus on it.
    page.locator("#waiting-name").fill("Jeanne Vidal");
    page.locator("#waiting-join").click();
    assertThat(page.locator("#waiting-email-error"))
        .hasText("Indiquez une adresse e-mail ou un numéro de téléphone, pour recevoir la proposition.");
    assertThat(page.locator("#waiting-email")).isFocused();
    page.locator("#waiting-email").fill("jeanne.vidal@example.fr");
    page.locator("#waiting-join").click();
    assertThat(page.locator("#waiting-joined")).containsText("Vous êtes sur la liste d'attente.");
    assertThat(page.locator("#waiting-joined")).containsText("Vous êtes la première personne de la liste.");
    PagesTest.assertAccessible(page, "liste-attente-2-inscrite");
    // The MSA's agent sees her line under the title of his day.
    Page agentPage = web.signIn("agent.msa");
    assertThat(agentPage.locator("#waiting-length")).hasText("Retraite agricole : 1 en liste d'attente");
    agentPage.context().close();

    Api.Response cancelled = api.send("POST", "/api/visio/appointments/" + first.getString("id") + "/cancel", null, null,
        Map.of("X-Manage-Token", first.getString("manageToken")));
    assertThat(cancelled.status()).isEqualTo(200);
    TestNode.await(web.node.node().runJobs());
    TestNode.await(web.node.node().runJobs());
    MimeMessage offer = mailTo("jeanne.vidal@example.fr");
    assertThat(offer.getSubject()).contains("Une place s'est libérée");
    Matcher link = LINK.matcher((String) offer.getContent());
    assertThat(link.find()).isTrue();

    page.navigate(web.url(link.group(1)));
    assertThat(page.locator("#offer h2")).hasText("Une place s'est libérée pour vous");
    assertThat(page.locator("#time-left")).containsText("encore 1 heure 30 minutes (jusqu'à 8 h 30)");
    assertThat(page.locator("#leave")).hasText("Ne plus être sur la liste d'attente");
    PagesTest.assertAccessible(page, "liste-attente-3-proposition");

    page.locator("#take").click();
    assertThat(page.locator("#booked-title")).hasText("Votre rendez-vous est confirmé");
    assertThat(page.locator("#reference")).containsText("MSA-");
    assertThat(page.locator("#convocation")).containsText("1er décembre");
    PagesTest.assertAccessible(page, "liste-attente-4-reserve");
    page.context().close();
  }

  /** The MSA: one agent, one half-hour service, open only on Tuesday 1 December from 10:00 to 11:00 (its id). */
  private String msaService(Api api) {
    String admin = web.node.adminToken();
    String msa = created(api.post("/api/organisations", admin, new JsonObject().put("kind", "administration")
        .put("name", "MSA Auvergne").put("commune", "Aurillac")));
    String agent = created(api.post("/api/users", admin, new JsonObject().put("email", "agent.msa@cantal.demo")
        .put("password", BrowserFixture.TYPED_BY_ADMIN).put("role", "agent").put("displayName", "Paul Cabrol").put("organisationId", msa)));
    api.chooseOwnPassword("agent.msa@cantal.demo", BrowserFixture.TYPED_BY_ADMIN, BrowserFixture.PASSWORD);
    String service = created(api.post("/api/visio/services", admin, new JsonObject().put("organisationId", msa)
        .put("name", "Retraite agricole").put("durationMinutes", 30).put("referencePrefix", "MSA")
        .put("description", "Votre retraite de la MSA")));
    Api.Response calendar = api.send("PUT", "/api/visio/agents/" + agent + "/availability", admin, new JsonObject()
        .put("serviceIds", new JsonArray().add(service))
        .put("weekly", new JsonArray().add(new JsonObject().put("weekday", 2).put("start", "10:00").put("end", "11:00")))
        .put("bufferMinutes", 0).put("minNoticeMinutes", 0).put("horizonDays", 7).encode(), Map.of("Content-Type", "application/json"));
    assertThat(calendar.status()).isEqualTo(200);
    return service;
  }

  /** The waiting list's form of the full MSA service, in a phone's page whose clock is the server's. */
  private Page openWaitingListForm() {
    Page page = web.newPhonePage();
    page.clock().install(new Clock.InstallOptions().setTime(clock.instant().toEpochMilli()));
    page.navigate(web.url("/rendez-vous.html"));
    page.locator("#wizard button.big", new Page.LocatorOptions().setHasText("Retraite agricole")).click();
    page.getByText("Depuis chez moi (ordinateur, tablette ou téléphone)").click();
    assertThat(page.locator("#waiting-title")).hasText("Liste d'attente");
    return page;
  }

  /**
   * Her place asked, and the answer lost on the way back (a weak link): "Réessayez", and the form's second send carries
   * the same Idempotency-Key. She gets her place and its link, where she met "already on this list" without her link;
   * one place in the line.
   */
  @Test
  void asked_again_after_a_lost_answer_she_gets_her_place_and_its_link() {
    Api api = web.node.api;
    String service = msaService(api);
    book(api, service, "2026-12-01T10:00:00+01:00", "marc.delmas@example.fr");
    book(api, service, "2026-12-01T10:30:00+01:00", "lucie.bros@example.fr");
    Page page = openWaitingListForm();
    java.util.List<String> keys = BrowserFixture.losingTheFirstAnswer(page, "**/api/visio/waiting-list");
    page.locator("#waiting-name").fill("Jeanne Vidal");
    page.locator("#waiting-email").fill("jeanne.vidal@example.fr");
    page.locator("#waiting-join").click();
    assertThat(page.locator("#waiting-list .error")).containsText("Réessayez");
    page.locator("#waiting-join").click();

    assertThat(page.locator("#waiting-joined")).containsText("Vous êtes sur la liste d'attente.");
    assertThat(page.locator("#waiting-joined")).containsText("Vous êtes la première personne de la liste.");
    assertThat(page.locator("#waiting-place")).hasAttribute("href", Pattern.compile("/liste-attente\\.html#.+"));
    assertThat(keys).hasSize(2);
    assertThat(keys.get(0)).isNotEqualTo("null").isEqualTo(keys.get(1));
    String agent = web.node.api.login("agent.msa@cantal.demo", BrowserFixture.PASSWORD);
    assertThat(api.get("/api/visio/services/" + service + "/waiting-list", agent).json().getInteger("waiting")).isEqualTo(1);
    page.context().close();
  }

  /**
   * She took the offered slot: the page shows her reference and her appointment's link. A reload of that tab (her phone
   * discarded it) shows them again, not "Vous avez pris une place" without either.
   */
  @Test
  void a_reload_after_taking_the_offer_still_shows_her_reference_and_link() {
    Api api = web.node.api;
    String service = msaService(api);
    JsonObject first = book(api, service, "2026-12-01T10:00:00+01:00", "marc.delmas@example.fr");
    book(api, service, "2026-12-01T10:30:00+01:00", "lucie.bros@example.fr");
    Api.Response joined = api.post("/api/visio/waiting-list", new JsonObject().put("serviceId", service)
        .put("citizen", new JsonObject().put("name", "Jeanne Vidal").put("email", "jeanne.vidal@example.fr")));
    assertThat(joined.status()).as(joined.toString()).isEqualTo(201);
    assertThat(api.send("POST", "/api/visio/appointments/" + first.getString("id") + "/cancel", null, null,
        Map.of("X-Manage-Token", first.getString("manageToken"))).status()).isEqualTo(200);
    TestNode.await(web.node.node().runJobs());
    TestNode.await(web.node.node().runJobs());

    Page page = web.newPhonePage();
    page.clock().install(new Clock.InstallOptions().setTime(clock.instant().toEpochMilli()));
    page.navigate(web.url("/liste-attente.html#" + joined.json().getString("token")));
    page.locator("#take").click();
    assertThat(page.locator("#booked-title")).hasText("Votre rendez-vous est confirmé");
    String reference = page.locator("#reference").textContent();
    String link = page.locator("#manage-link").getAttribute("href");
    page.reload();
    assertThat(page.locator("#booked-title")).hasText("Votre rendez-vous est confirmé");
    assertThat(page.locator("#reference")).hasText(reference);
    assertThat(page.locator("#manage-link")).hasAttribute("href", link);
    page.context().close();
  }

  private static JsonObject book(Api api, String service, String start, String email) {
    Api.Response booked = api.post("/api/visio/appointments", new JsonObject().put("serviceId", service).put("start", start)
        .put("citizen", new JsonObject().put("name", "Marc Delmas").put("email", email)));
    assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
    return booked.json();
  }

  private static String created(Api.Response response) {
    assertThat(response.status()).as(response.toString()).isEqualTo(201);
    return response.json().getString("id");
  }

  private static MimeMessage mailTo(String address) throws Exception {
    for (int wait = 0; wait < 50; wait++) {
      for (MimeMessage m : smtp.getReceivedMessages()) {
        if (m.getAllRecipients()[0].toString().equals(address)) {
          return m;
        }
      }
      smtp.waitForIncomingEmail(200, smtp.getReceivedMessages().length + 1);
    }
    throw new AssertionError("no mail to " + address);
  }
}
