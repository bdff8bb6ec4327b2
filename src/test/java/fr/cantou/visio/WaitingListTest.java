package fr.cantou.visio;

import fr.cantou.notify.SmsText;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.platform.http.Idempotent;
import fr.cantou.support.Api;
import fr.cantou.support.SentTwiceAtOnce;
import fr.cantou.platform.db.RateLimitStore;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.SmsProviderStandIn;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The waiting list of a full service: the CAF's agent serves it only on Tuesday 1 December,
 * 10:00 to 11:00 (two half hours), and both are booked. Whoever joins the line is offered, first
 * come first, the slot a cancellation frees; the database holds it for her, and the offer ends
 * by itself.
 */
class WaitingListTest {
  @RegisterExtension
  static GreenMailExtension smtp = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

  static final String TEN = "2026-12-01T10:00:00+01:00";
  static final String HALF_PAST = "2026-12-01T10:30:00+01:00";
  private static final Pattern LINK = Pattern.compile("https://cantou\\.cantal\\.test/liste-attente\\.html#(\\S+)");

  /** Monday 30 November 2026, 7:00 in Paris. */
  MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
  SmsProviderStandIn sms = new SmsProviderStandIn();
  DatabaseEndpoint database;
  TestNode node;
  VisioTerritory visio;
  final Map<String, String> manageTokens = new HashMap<>();

  @BeforeEach
  void start() {
    database = TestDatabase.fresh();
    node = TestNode.start(database, Map.of("CANTOU_SMTP_HOST", "127.0.0.1",
        "CANTOU_SMTP_PORT", Integer.toString(smtp.getSmtp().getPort()), "CANTOU_SMTP_STARTTLS", "disabled",
        "CANTOU_SMTP_FROM", "Cantou <ne-pas-repondre@cantal.test>", "CANTOU_HTTP_PUBLIC_URL", "https://cantou.cantal.test",
        "CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_ADDRESS", "1000", "CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_CONTACT", "3",
        "CANTOU_SMS_URL", sms.url(), "CANTOU_SMS_AUTH", "bearer", "CANTOU_SMS_API_KEY", "test-api-key"), clock);
    visio = new VisioTerritory(node);
    onlyTuesdayMorning();
    manageTokens.put(TEN, booked(TEN, "marc.delmas@example.fr"));
    manageTokens.put(HALF_PAST, booked(HALF_PAST, "lucie.bros@example.fr"));
    assertThat(node.api.get("/api/visio/services/" + visio.serviceId + "/slots?from=2026-11-30&to=2026-12-31").array()).isEmpty();
  }

  @AfterEach
  void stop() {
    node.close();
    sms.close();
  }

  @Test
  void someone_who_gave_only_a_mobile_number_gets_the_offer_by_sms_and_its_short_link_opens_her_place() {
    String dora = joinByPhone("Dora Fabre", "06 12 34 56 78").getString("id");
    cancel(TEN);
    runJobs();
    assertThat(offeredTo()).containsExactly(dora);
    assertThat(sms.received()).hasSize(1);
    assertThat(sms.received().get(0).json().getString("to")).isEqualTo("+33612345678");
    String text = sms.received().get(0).json().getString("text");
    assertThat(text).contains("liste d'attente").contains("une place s'est libérée").contains("mardi 1er décembre à 10 h")
        .contains("Réservée jusqu'à 9 h").contains("quitter la liste");
    assertThat(SmsText.isGsm(text)).as(text).isTrue();
    assertThat(SmsText.segments(text)).isLessThanOrEqualTo(2);

    // The short link opens her place on the list, where she takes it.
    String link = SmsTest.shortLink(text);
    Api.Response opened = node.api.get(link);
    assertThat(opened.status()).isEqualTo(302);
    String target = opened.headers().firstValue("Location").orElseThrow();
    assertThat(target).startsWith("/liste-attente.html#" + dora + ".");
    String token = target.substring(target.indexOf('#') + 1);
    Api.Response taken = holder("POST", dora, token, "/take");
    assertThat(taken.status()).as(taken.toString()).isEqualTo(201);

    // Taken, the same link is the appointment's: her manage page. Her confirmation comes by SMS too.
    assertThat(node.api.get(link).headers().firstValue("Location").orElseThrow()).startsWith("/rendez-vous.html?gerer#"
        + taken.json().getString("id") + ".");
    runJobs();
    assertThat(sms.received()).hasSize(2);
    assertThat(sms.received().get(1).json().getString("text")).contains("confirmé");
  }

  @Test
  void an_offer_let_go_before_its_sms_leaves_sends_nothing() {
    String dora = joinByPhone("Dora Fabre", "06 12 34 56 78").getString("id");
    cancel(TEN);
    // One pass of the jobs: the SMS job runs before the offers', so the offer is made and its SMS waits for the next.
    TestNode.await(node.node().runJobs());
    assertThat(offeredTo()).containsExactly(dora);
    assertThat(sql("SELECT 1 FROM visio_mail WHERE kind = 'offer' AND sent_at IS NULL")).hasSize(1);
    assertThat(holder("POST", dora, tokenOf(dora), "/leave").json().getString("state")).isEqualTo("left");
    runJobs();
    assertThat(sms.received()).isEmpty();
    // Something that must arrive later does: a booking's confirmation by SMS.
    Api.Response booked = node.api.post("/api/visio/appointments", VisioTerritory.booking(visio.serviceId, TEN)
        .put("citizen", new JsonObject().put("name", "Eva Roux").put("phone", "06 12 34 56 79")));
    assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
    runJobs();
    assertThat(sms.received()).extracting(r -> r.json().getString("text")).singleElement().asString().contains("confirmé");
  }

  @Test
  void a_cancellation_is_offered_by_mail_to_the_first_in_line_held_for_her_and_taking_it_books_her() throws Exception {
    String alice = join("Alice Martin", "alice@example.fr", null).getString("id");
    JsonObject bruno = join("Bruno Roux", "bruno@example.fr", null);
    assertThat(bruno.getInteger("ahead")).isEqualTo(1);
    assertThat(length()).isEqualTo(new JsonObject().put("serviceId", visio.serviceId).put("waiting", 2).put("offered", 0));

    cancel(TEN);
    runJobs();
    MimeMessage offer = mailTo("alice@example.fr");
    assertThat(offer.getSubject()).contains("Une place s'est libérée").contains("mardi 1er décembre à 10 h");
    String text = (String) offer.getContent();
    VisioMailTest.assertOnlyQuoted(text, "Alice Martin");
    assertThat(text).startsWith("Bonjour,").contains("Nom indiqué : « Alice Martin »").contains("dans 2 heures").contains("Ne plus être sur la liste d'attente")
        .contains("https://cantou.cantal.test/liste-attente.html?quitter=1#");
    String token = link(text);
    assertThat(token).startsWith(alice + ".");

    // Held for her: nobody else sees or books it, and the line does not give it to Bruno.
    assertThat(node.api.get("/api/visio/services/" + visio.serviceId + "/slots?from=2026-11-30&to=2026-12-31").array()).isEmpty();
    assertThat(node.api.post("/api/visio/appointments", VisioTerritory.booking(visio.serviceId, TEN)).status()).isEqualTo(409);
    assertThat(sql("SELECT status, citizen_email FROM appointment WHERE starts_at = '" + TEN + "' AND status <> 'cancelled'"))
        .extracting(r -> r.getString("status") + " " + r.getString("citizen_email")).containsExactly("offered alice@example.fr");
    assertThat(length()).isEqualTo(new JsonObject().put("serviceId", visio.serviceId).put("waiting", 1).put("offered", 1));

    JsonObject place = holder("GET", alice, token, "").json();
    assertThat(place.getString("state")).isEqualTo("offered");
    assertThat(place.getJsonObject("offer").getString("start")).isEqualTo(TEN);
    assertThat(place.getJsonObject("offer").getString("expiresAt")).isEqualTo("2026-11-30T09:00:00+01:00");

    Api.Response taken = holder("POST", alice, token, "/take");
    assertThat(taken.status()).as(taken.toString()).isEqualTo(201);
    assertThat(taken.json().getString("status")).isEqualTo("booked");
    assertThat(taken.json().getJsonObject("citizen").getString("name")).isEqualTo("Alice Martin");
    String manage = taken.json().getString("manageToken");
    assertThat(visio.withToken("GET", "/api/visio/appointments/" + taken.json().getString("id"), manage, null).status()).isEqualTo(200);

    runJobs();
    MimeMessage confirmation = mailTo("alice@example.fr", 2);
    assertThat(confirmation.getSubject()).contains("est confirmé");
    // Her place is closed and keeps nothing about her.
    assertThat(sql("SELECT state, citizen_name, citizen_email, contact_key FROM visio_waiting WHERE id = '" + alice + "'"))
        .extracting(r -> r.getString("state") + " " + r.getString("citizen_name") + " " + r.getString("citizen_email")
            + " " + r.getString("contact_key")).containsExactly("booked null null null");
    assertThat(length()).isEqualTo(new JsonObject().put("serviceId", visio.serviceId).put("waiting", 1).put("offered", 0));

    // Her first answer lost on a weak link, "Réessayez": the same appointment and its link, nothing booked or sent again.
    Api.Response again = holder("POST", alice, token, "/take");
    assertThat(again.status()).as(again.toString()).isEqualTo(201);
    assertThat(again.json().getString("id")).isEqualTo(taken.json().getString("id"));
    assertThat(again.json().getString("manageToken")).isEqualTo(manage);
    assertThat(sql("SELECT 1 FROM visio_mail WHERE appointment_id = '" + taken.json().getString("id") + "' AND kind = 'confirmation'"
        + " AND channel = 'mail'")).hasSize(1);
    // Her place's link is not a lasting key to the appointment.
    clock.advance(WaitingListService.TAKE_ANSWERED_AGAIN.plusMinutes(1));
    assertThat(holder("POST", alice, token, "/take").status()).isEqualTo(409);
  }

  @Test
  void once_she_asked_for_a_new_link_her_places_link_taken_again_no_longer_hands_out_one() {
    String alice = join("Alice Martin", "alice@example.fr", null).getString("id");
    cancel(TEN);
    runJobs();
    String place = link(text(mailTo("alice@example.fr")));
    JsonObject taken = holder("POST", alice, place, "/take").json();
    String path = "/api/visio/appointments/" + taken.getString("id");
    // Her link seen by someone else (a shared computer): she renews it, which must void every earlier one.
    assertThat(visio.withToken("POST", path + "/manage-link", taken.getString("manageToken"), null).status()).isEqualTo(202);

    // Her place's link, still in that browser's history and her mailbox, taken again within the retry's window.
    Api.Response again = holder("POST", alice, place, "/take");
    assertThat(again.status()).as(again.toString()).isEqualTo(201);
    assertThat(again.json().getString("id")).isEqualTo(taken.getString("id"));
    assertThat(again.json().getString("manageToken")).as("the renewed link is hers alone").isNull();
    assertThat(again.json().getString("shortLink")).as("the renewed short link too").isNull();
    assertThat(visio.withToken("GET", path, taken.getString("manageToken"), null).status()).isEqualTo(403);
  }

  @Test
  void the_database_itself_refuses_any_other_appointment_over_a_held_slot() {
    join("Alice Martin", "alice@example.fr", null);
    cancel(TEN);
    runJobs();
    String copy = "INSERT INTO appointment (service_id, agent_id, point_id, starts_at, ends_at, blocked_until, status, reference,"
        + " citizen_name, citizen_email, room_name, created_at) SELECT service_id, agent_id, point_id, starts_at, ends_at,"
        + " blocked_until, '%s', reference || '-2', 'Zoé Autre', 'zoe@example.fr', room_name || '-2', created_at"
        + " FROM appointment WHERE status = 'offered'";
    for (String status : List.of("booked", "offered")) {
      Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> sql(copy.formatted(status)));
      assertThat(refused).as(status).hasMessageContaining("appointment_agent_free");
    }
  }

  @Test
  void an_offer_not_taken_in_time_expires_by_itself_and_goes_to_the_next_one() {
    String alice = join("Alice Martin", "alice@example.fr", null).getString("id");
    String bruno = join("Bruno Roux", "bruno@example.fr", null).getString("id");
    cancel(TEN);
    runJobs();
    String aliceToken = link(text(mailTo("alice@example.fr")));

    clock.advance(Duration.ofMinutes(119));
    runJobs();
    assertThat(offeredTo()).containsExactly(alice);
    clock.advance(Duration.ofMinutes(1));
    runJobs();
    assertThat(offeredTo()).containsExactly(bruno);
    assertThat(holder("POST", alice, aliceToken, "/take").status()).isEqualTo(409);
    // Alice keeps her place (first), and that start is never offered to her again.
    JsonObject back = holder("GET", alice, aliceToken, "").json();
    assertThat(back.getString("state")).isEqualTo("waiting");
    assertThat(back.getInteger("ahead")).isZero();
    assertThat(text(mailTo("bruno@example.fr"))).contains("mardi 1er décembre à 10 h");
  }

  @Test
  void declining_gives_the_slot_to_the_next_and_leaving_erases_her_and_frees_what_was_held() {
    String alice = join("Alice Martin", "alice@example.fr", null).getString("id");
    String bruno = joinByPhone("Bruno Roux", "04 71 45 10 10").getString("id");
    String chloe = join("Chloé Vidal", "chloe@example.fr", null).getString("id");
    cancel(TEN);
    runJobs();
    String aliceToken = link(text(mailTo("alice@example.fr")));
    Api.Response declined = holder("POST", alice, aliceToken, "/decline");
    assertThat(declined.status()).as(declined.toString()).isEqualTo(200);
    assertThat(declined.json().getString("state")).isEqualTo("waiting");
    assertThat(holder("POST", alice, aliceToken, "/decline").status()).isEqualTo(409);

    runJobs();
    // Bruno gave only a landline, which no channel reaches (SMS go to mobiles): no slot is held for him, Chloé gets it.
    assertThat(offeredTo()).containsExactly(chloe);
    Api.Response left = holder("POST", bruno, tokenOf(bruno), "/leave");
    assertThat(left.json().getString("state")).isEqualTo("left");
    assertThat(sql("SELECT citizen_name, citizen_phone FROM visio_waiting WHERE id = '" + bruno + "'"))
        .extracting(r -> r.getString("citizen_name") + " " + r.getString("citizen_phone")).containsExactly("null null");

    // Chloé leaves while the slot is held for her: it goes back to the line (Alice declined that start: nobody else).
    String chloeToken = link(text(mailTo("chloe@example.fr")));
    assertThat(holder("POST", chloe, chloeToken, "/leave").json().getString("state")).isEqualTo("left");
    assertThat(sql("SELECT 1 FROM appointment WHERE status = 'offered'")).isEmpty();
    assertThat(sql("SELECT citizen_email FROM visio_waiting WHERE id = '" + chloe + "'"))
        .extracting(r -> r.getString("citizen_email")).containsOnlyNulls();
    assertThat(node.api.get("/api/visio/services/" + visio.serviceId + "/slots?from=2026-11-30&to=2026-12-31").body())
        .contains(TEN);
  }

  /** RGPD article 15 with her place's link, like an appointment's personal-data with its manage link (CitizenPersonalDataTest). */
  @Test
  void she_downloads_what_is_held_about_her_place_with_its_link_audited_once_per_ten_minutes_and_staff_cannot() {
    String alice = join("Alice Martin", "alice@example.fr", null).getString("id");
    String bruno = join("Bruno Roux", "bruno@example.fr", null).getString("id");
    cancel(TEN);
    runJobs();
    Api.Response export = holder("GET", alice, tokenOf(alice), "/personal-data");
    assertThat(export.status()).as(export.toString()).isEqualTo(200);
    assertThat(export.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment");
    assertThat(export.headers().firstValue("Cache-Control").orElseThrow()).isEqualTo("no-store");
    JsonObject data = export.json();
    assertThat(data.getString("exportedAt")).isEqualTo("2026-11-30T06:00:00Z");
    JsonObject place = data.getJsonObject("place");
    assertThat(place.getString("id")).isEqualTo(alice);
    assertThat(place.getString("name")).isEqualTo("Alice Martin");
    assertThat(place.getString("email")).isEqualTo("alice@example.fr");
    assertThat(place.getString("serviceId")).isEqualTo(visio.serviceId);
    assertThat(place.getString("state")).isEqualTo("offered");
    JsonArray offers = data.getJsonArray("offers");
    assertThat(offers).hasSize(1);
    assertThat(offers.getJsonObject(0).getString("start")).isEqualTo("2026-12-01T09:00:00Z");
    assertThat(offers.getJsonObject(0).getString("offeredAt")).isEqualTo("2026-11-30T06:00:00Z");
    assertThat(offers.getJsonObject(0).getValue("outcome")).isNull();
    JsonArray audit = data.getJsonArray("audit");
    assertThat(audit).hasSize(1);
    assertThat(audit.getJsonObject(0).getString("action")).isEqualTo("export");
    assertThat(audit.getJsonObject(0).getString("actor")).isEqualTo("citizen");

    // Downloaded again and again (a reload, a loop): one line per place and address in ten minutes, not one a call.
    clock.advance(Duration.ofMinutes(5));
    for (int i = 0; i < 5; i++) {
      assertThat(holder("GET", alice, tokenOf(alice), "/personal-data").status()).isEqualTo(200);
    }
    assertThat(holder("POST", alice, tokenOf(alice), "/decline").status()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(6));
    JsonObject again = holder("GET", alice, tokenOf(alice), "/personal-data").json();
    assertThat(again.getJsonArray("audit").stream().map(e -> ((JsonObject) e).getString("at")))
        .containsExactly("2026-11-30T06:00:00Z", "2026-11-30T06:11:00Z");
    assertThat(again.getJsonArray("offers").getJsonObject(0).getString("outcome")).isEqualTo("declined");
    assertThat(again.getJsonArray("offers").getJsonObject(0).getString("endedAt")).isEqualTo("2026-11-30T06:05:00Z");
    assertThat(again.getJsonObject("place").getString("state")).isEqualTo("waiting");
    assertThat(sql("SELECT item_kind, actor FROM personal_data_audit WHERE item_id = '" + alice + "'")).hasSize(2);

    // Only she, with her place's link: staff, nobody, and another place's link are refused; nothing is written for them.
    for (String token : new String[] {visio.agent, visio.mediator, visio.admin}) {
      assertThat(node.api.get("/api/visio/waiting-list/" + alice + "/personal-data", token).status()).isEqualTo(403);
    }
    assertThat(node.api.get("/api/visio/waiting-list/" + alice + "/personal-data").status()).isEqualTo(401);
    assertThat(holder("GET", alice, tokenOf(bruno), "/personal-data").status()).isEqualTo(403);
    assertThat(sql("SELECT 1 FROM personal_data_audit WHERE item_id = '" + alice + "'")).hasSize(2);

    // Once she has left, her place keeps nothing of her, and that is what the file says.
    assertThat(holder("POST", alice, tokenOf(alice), "/leave").status()).isEqualTo(200);
    JsonObject gone = holder("GET", alice, tokenOf(alice), "/personal-data").json().getJsonObject("place");
    assertThat(gone.getString("state")).isEqualTo("left");
    assertThat(gone.getValue("name")).isNull();
    assertThat(gone.getValue("email")).isNull();
  }

  /**
   * A slot held for someone on the list is nobody's appointment yet: its page answers 404 to everyone, and so must her
   * data's export, its erasure and a mediator's convocation (403 or 401 there told that the appointment exists).
   */
  @Test
  void a_held_slots_personal_data_is_no_such_appointment_to_anyone_as_its_page_says() {
    String held = heldSlot();
    noSuchAppointmentToAnyone("GET", held, "/personal-data");
    assertThat(sql("SELECT 1 FROM personal_data_audit WHERE item_id = '" + held + "'")).isEmpty();
  }

  @Test
  void a_held_slots_erasure_is_no_such_appointment_to_anyone_and_erases_nothing() {
    String held = heldSlot();
    noSuchAppointmentToAnyone("POST", held, "/erasure");
    assertThat(sql("SELECT status, citizen_name FROM appointment WHERE id = '" + held + "'"))
        .extracting(r -> r.getString("status") + " " + r.getString("citizen_name")).containsExactly("offered Alice Martin");
    assertThat(sql("SELECT 1 FROM personal_data_audit WHERE item_id = '" + held + "'")).isEmpty();
  }

  @Test
  void a_held_slot_has_no_convocation_for_a_mediator_it_is_no_such_appointment() {
    String held = heldSlot();
    for (String token : new String[] {visio.mediator, visio.agent, visio.admin}) {
      Api.Response answer = node.api.get("/api/visio/appointments/" + held + "/convocation", token);
      assertThat(answer.status()).as(answer.toString()).isEqualTo(404);
      assertThat(answer.detail()).isEqualTo(node.api.get("/api/visio/appointments/" + held).detail());
    }
  }

  /** The slot of ten, freed and held for Alice, first in line: its appointment's id. */
  private String heldSlot() {
    join("Alice Martin", "alice@example.fr", null);
    cancel(TEN);
    runJobs();
    List<Row> held = sql("SELECT id FROM appointment WHERE status = 'offered'");
    assertThat(held).hasSize(1);
    String id = held.get(0).getUUID("id").toString();
    assertThat(node.api.get("/api/visio/appointments/" + id).status()).as("its page").isEqualTo(404);
    return id;
  }

  /**
   * Sent by nobody, by staff, with another appointment's manage link and with the place's own secret, the request is
   * answered as the held slot's page answers them: no such appointment.
   */
  private void noSuchAppointmentToAnyone(String method, String held, String suffix) {
    String path = "/api/visio/appointments/" + held + suffix;
    List<Api.Response> answers = new ArrayList<>();
    answers.add(node.api.send(method, path, null, null, Map.of()));
    for (String token : new String[] {visio.agent, visio.mediator, visio.admin}) {
      answers.add(node.api.send(method, path, token, null, Map.of()));
    }
    answers.add(visio.withToken(method, path, manageTokens.get(HALF_PAST), null));
    answers.add(visio.withToken(method, path, tokenOf(offeredTo().get(0)), null));
    String itsPage = node.api.get("/api/visio/appointments/" + held).detail();
    for (Api.Response answer : answers) {
      assertThat(answer.status()).as(answer.toString()).isEqualTo(404);
      assertThat(answer.detail()).isEqualTo(itsPage);
    }
  }

  @Test
  void a_person_who_asked_for_a_point_is_offered_only_a_slot_there() {
    String wednesdays = node.api.post("/api/visio/points", visio.admin, new JsonObject().put("name", "Tiers-lieu d'Allanche")
        .put("commune", "Allanche").put("kind", "tiers_lieu").put("hours", new JsonArray()
            .add(new JsonObject().put("weekday", 3).put("start", "14:00").put("end", "17:00")))).json().getString("id");
    join("Alice Martin", "alice@example.fr", wednesdays);
    String atMurat = join("Bruno Roux", "bruno@example.fr", visio.pointId).getString("id");
    join("Chloé Vidal", "chloe@example.fr", null);
    cancel(TEN); // the agent is free at 10:00 on Tuesday: the tiers-lieu is closed then, the mairie of Murat open
    runJobs();
    assertThat(offeredTo()).containsExactly(atMurat);
    JsonObject offer = holder("GET", atMurat, tokenOf(atMurat), "").json().getJsonObject("offer");
    assertThat(offer.getString("pointName")).isEqualTo("Mairie de Murat");
    assertThat(text(mailTo("bruno@example.fr"))).contains("au point visio-accueil « Mairie de Murat », Murat");
  }

  @Test
  void a_point_withdrawn_after_someone_asked_for_it_holds_nobody_behind_her_back() {
    String point = node.api.post("/api/visio/points", visio.admin, new JsonObject().put("name", "Mairie de Riom")
        .put("commune", "Riom-ès-Montagnes").put("kind", "mairie").put("hours", new JsonArray()
            .add(new JsonObject().put("weekday", 2).put("start", "09:00").put("end", "12:00")))).json().getString("id");
    join("Alice Martin", "alice@example.fr", point);
    String bruno = join("Bruno Roux", "bruno@example.fr", null).getString("id");
    assertThat(node.api.post("/api/visio/points/" + point + "/withdraw", visio.admin, null).status()).isEqualTo(204);
    cancel(TEN);
    runJobs();
    assertThat(offeredTo()).containsExactly(bruno);
  }

  @Test
  void two_slots_freed_at_once_go_to_two_people_and_no_slot_is_ever_offered_twice() throws Exception {
    List<String> line = new ArrayList<>();
    for (String name : List.of("Alice", "Bruno", "Chloé", "Denis")) {
      line.add(join(name + " Martin", name.toLowerCase().replace("é", "e") + "@example.fr", null).getString("id"));
    }
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Callable<Object>> frees = List.of(() -> cancel(TEN), () -> cancel(HALF_PAST));
      for (Future<Object> f : pool.invokeAll(frees)) {
        f.get();
      }
      List<Callable<Object>> jobs = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        jobs.add(() -> TestNode.await(node.node().runJobs().recover(e -> io.vertx.core.Future.succeededFuture())));
      }
      for (Future<Object> f : pool.invokeAll(jobs)) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    runJobs();
    assertThat(offeredTo()).containsExactlyInAnyOrder(line.get(0), line.get(1));
    // The database's view: each held slot is one person's, each person holds at most one.
    assertThat(sql("SELECT starts_at, count(*) AS n FROM appointment WHERE status IN ('offered', 'booked') GROUP BY starts_at"))
        .extracting(r -> r.getLong("n")).containsOnly(1L).hasSize(2);
    assertThat(sql("SELECT offer_id FROM visio_waiting WHERE state = 'offered'")).hasSize(2);
    assertThat(sql("SELECT entry_id FROM visio_waiting_offer GROUP BY entry_id HAVING count(*) > 1")).isEmpty();
  }

  @Test
  void two_takes_at_once_book_once() throws Exception {
    String alice = join("Alice Martin", "alice@example.fr", null).getString("id");
    cancel(TEN);
    runJobs();
    String token = tokenOf(alice);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Integer> statuses = new ArrayList<>();
    try {
      List<Callable<Integer>> takes = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        takes.add(() -> holder("POST", alice, token, "/take").status());
      }
      for (Future<Integer> f : pool.invokeAll(takes)) {
        statuses.add(f.get());
      }
    } finally {
      pool.shutdown();
    }
    assertThat(statuses).as("each answered her appointment").containsExactly(201, 201, 201, 201);
    assertThat(sql("SELECT 1 FROM appointment WHERE starts_at = '" + TEN + "' AND status = 'booked'")).hasSize(1);
    assertThat(sql("SELECT 1 FROM visio_mail m JOIN appointment a ON a.id = m.appointment_id "
        + "WHERE a.starts_at = '" + TEN + "' AND a.status = 'booked' AND m.kind = 'confirmation'")).hasSize(1);
  }

  @Test
  void nobody_gets_more_than_three_offers_in_a_day() {
    String alice = join("Alice Martin", "alice@example.fr", null).getString("id");
    String token = null;
    // Each day she declines; a new slot frees up each time.
    for (int offer = 0; offer < 3; offer++) {
      reopen(offer);
      runJobs();
      assertThat(offeredTo()).as("offer " + (offer + 1)).containsExactly(alice);
      token = tokenOf(alice);
      assertThat(holder("POST", alice, token, "/decline").status()).isEqualTo(200);
    }
    reopen(3);
    runJobs();
    assertThat(offeredTo()).as("a fourth offer the same day").isEmpty();
    clock.advance(Duration.ofHours(24));
    runJobs();
    assertThat(offeredTo()).containsExactly(alice);
    assertThat(token).isNotNull();
  }

  @Test
  void the_list_refuses_twice_the_same_person_a_missing_contact_and_a_wrong_secret() {
    JsonObject alice = join("Alice Martin", "alice@example.fr", null);
    Api.Response again = node.api.post("/api/visio/waiting-list", body("ALICE Martin", "Alice@Example.fr", null, null)
        .put("serviceId", visio.serviceId));
    assertThat(again.status()).isEqualTo(409);
    Api.Response noContact = node.api.post("/api/visio/waiting-list", body("Bruno Roux", null, null, null)
        .put("serviceId", visio.serviceId));
    assertThat(noContact.status()).isEqualTo(400);
    assertThat(noContact.detail()).contains("citizen");
    String bruno = join("Bruno Roux", "bruno@example.fr", null).getString("id");
    assertThat(holder("GET", bruno, alice.getString("token"), "").status()).isEqualTo(403);
    assertThat(holder("GET", bruno, manageTokens.get(TEN), "").status()).isEqualTo(403);
    assertThat(node.api.get("/api/visio/waiting-list/" + bruno).status()).isEqualTo(401);
    assertThat(node.api.get("/api/visio/services/" + visio.serviceId + "/waiting-list", visio.otherAgent).status()).isEqualTo(403);
  }

  @Test
  void joining_is_limited_per_person_like_an_anonymous_booking() {
    for (int i = 0; i < 3; i++) {
      JsonObject joined = join("Alice Martin", "alice@example.fr", null);
      assertThat(holder("POST", joined.getString("id"), joined.getString("token"), "/leave").json().getString("state"))
          .isEqualTo("left");
    }
    Api.Response fourth = node.api.post("/api/visio/waiting-list", body("Alice Martin", "ALICE+liste@example.fr", null, null)
        .put("serviceId", visio.serviceId));
    assertThat(fourth.status()).as(fourth.toString()).isEqualTo(429);
    // A mediator joining for her is not limited.
    assertThat(node.api.post("/api/visio/waiting-list", visio.mediator, body("Alice Martin", "alice@example.fr", null, null)
        .put("serviceId", visio.serviceId)).status()).isEqualTo(201);
  }

  /**
   * Her "Rejoindre la liste" sent again with its key after the answer was lost (a weak link): the place the first made
   * is answered with its link, where she met "already on this list" and stayed in line without her link; one place,
   * counted once against her limits (three a person here: four sends pass). Once she leaves, the key goes with her.
   */
  @Test
  void a_place_asked_again_with_its_key_answers_the_first_place_with_its_link_and_counts_once() {
    JsonObject body = body("Alice Martin", "alice@example.fr", null, null).put("serviceId", visio.serviceId);
    Api.Response first = node.api.post("/api/visio/waiting-list", null, body, "waiting-key-0001");
    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    for (int i = 0; i < 3; i++) {
      Api.Response again = node.api.post("/api/visio/waiting-list", null, body, "waiting-key-0001");
      assertThat(again.status()).as(again.toString()).isEqualTo(201);
      assertThat(again.json()).isEqualTo(first.json());
    }
    assertThat(length().getInteger("waiting")).isEqualTo(1);

    String id = first.json().getString("id");
    assertThat(holder("POST", id, first.json().getString("token"), "/leave").json().getString("state")).isEqualTo("left");
    assertThat(sql("SELECT idempotency_key, idempotency_fingerprint FROM visio_waiting WHERE id = '" + id + "'"))
        .extracting(r -> r.getString("idempotency_key") + " " + r.getBuffer("idempotency_fingerprint"))
        .containsExactly("null null");
    assertThat(join("Alice Martin", "alice@example.fr", null).getString("id")).as("her limits counted one place").isNotEqualTo(id);
  }

  /** The same key with another body (another person, another service): refused in French, nobody put in line. */
  @Test
  void the_same_key_with_another_body_is_refused_and_puts_nobody_in_line() {
    JsonObject alice = body("Alice Martin", "alice@example.fr", null, null).put("serviceId", visio.serviceId);
    assertThat(node.api.post("/api/visio/waiting-list", null, alice, "waiting-key-0002").status()).isEqualTo(201);
    Api.Response bruno = node.api.post("/api/visio/waiting-list", null,
        body("Bruno Roux", "bruno@example.fr", null, null).put("serviceId", visio.serviceId), "waiting-key-0002");
    assertThat(bruno.status()).as(bruno.toString()).isEqualTo(422);
    assertThat(bruno.detail()).contains("a servi à une autre inscription sur une liste d’attente");
    assertThat(length().getInteger("waiting")).isEqualTo(1);
    // Another scope (a mediator's account) has keys of its own: the same key there is hers.
    assertThat(node.api.post("/api/visio/waiting-list", visio.mediator,
        body("Bruno Roux", "bruno@example.fr", null, null).put("serviceId", visio.serviceId), "waiting-key-0002").status())
        .isEqualTo(201);
  }

  /**
   * The retry sent while the first send was still being written (its transaction open) waits for it at the unique
   * index, then is answered with the place the first made: one place, not a 409 without her link, nor a 500.
   */
  @Test
  void the_same_key_sent_twice_at_once_puts_her_in_line_once() {
    JsonObject body = body("Alice Martin", "alice@example.fr", null, null).put("serviceId", visio.serviceId);
    VisioRecords.WaitingBody asked = new VisioRecords.WaitingBody(visio.serviceId, null,
        new VisioRecords.CitizenBody("Alice Martin", "alice@example.fr", null));
    CitizenContact contact = CitizenContact.of(asked.citizen());
    Api.Response answered = SentTwiceAtOnce.retryAnswer(node, tx -> new WaitingListStore().join(tx,
            UUID.fromString(visio.serviceId), null, contact.name(), contact.email(), contact.phone(), contact.key(),
            clock.instant(), Idempotent.scoped("anonymous", "waiting-key-0003", asked)),
        () -> node.api.post("/api/visio/waiting-list", null, body, "waiting-key-0003"));
    assertThat(answered.status()).as(answered.toString()).isEqualTo(201);
    assertThat(answered.json().getString("token")).isNotBlank();
    assertThat(sql("SELECT id FROM visio_waiting")).extracting(r -> r.getUUID("id").toString())
        .containsExactly(answered.json().getString("id"));
  }

  /**
   * Her third place of the hour (three a person here) is being written, its use of her allowance with it, when her page
   * sends it again (its answer slow on a weak link, or a second tab): the retry waits for the first and answers her place
   * with its link. Counting it first said 429 "too many requests": she believed she was not in line, though she was.
   */
  @Test
  void the_same_key_sent_again_while_the_first_takes_her_last_allowance_answers_her_place_not_too_many() {
    for (int i = 0; i < 2; i++) {
      JsonObject joined = join("Alice Martin", "alice@example.fr", null);
      holder("POST", joined.getString("id"), joined.getString("token"), "/leave");
    }
    JsonObject body = body("Alice Martin", "alice@example.fr", null, null).put("serviceId", visio.serviceId);
    VisioRecords.WaitingBody asked = new VisioRecords.WaitingBody(visio.serviceId, null,
        new VisioRecords.CitizenBody("Alice Martin", "alice@example.fr", null));
    CitizenContact contact = CitizenContact.of(asked.citizen());
    List<String> hers = List.of("waiting-email:alice@example.fr");
    Api.Response answered = SentTwiceAtOnce.retryAnswer(node, tx -> new WaitingListStore().join(tx,
            UUID.fromString(visio.serviceId), null, contact.name(), contact.email(), contact.phone(), contact.key(),
            clock.instant(), Idempotent.scoped("anonymous", "waiting-key-0005", asked))
            .compose(id -> new RateLimitStore().count(tx, hers, clock.instant(), clock.instant().minus(AnonymousBookings.WINDOW))),
        () -> node.api.post("/api/visio/waiting-list", null, body, "waiting-key-0005"));
    assertThat(answered.status()).as(answered.toString()).isEqualTo(201);
    assertThat(answered.json().getString("token")).isNotBlank();
    assertThat(sql("SELECT id FROM visio_waiting WHERE state = 'waiting'")).extracting(r -> r.getUUID("id").toString())
        .containsExactly(answered.json().getString("id"));
    assertThat(sql("SELECT count FROM rate_limit WHERE key = 'waiting-email:alice@example.fr'"))
        .extracting(r -> r.getInteger("count")).as("her place counted once").containsExactly(3);
  }

  @Test
  void a_place_is_erased_once_the_list_looks_no_further() {
    String alice = join("Alice Martin", "alice@example.fr", null).getString("id");
    clock.advance(Duration.ofDays(62).plusMinutes(1));
    runJobs();
    assertThat(sql("SELECT state, citizen_name, citizen_email FROM visio_waiting WHERE id = '" + alice + "'"))
        .extracting(r -> r.getString("state") + " " + r.getString("citizen_name") + " " + r.getString("citizen_email"))
        .containsExactly("closed null null");
  }

  // The territory.

  /** The CAF's only agent works Tuesdays 10:00–11:00, a week ahead. */
  private void onlyTuesdayMorning() {
    Api.Response calendar = node.api.send("PUT", "/api/visio/agents/" + visio.agentId + "/availability", visio.admin,
        new JsonObject().put("serviceIds", new JsonArray().add(visio.serviceId))
            .put("weekly", new JsonArray().add(new JsonObject().put("weekday", 2).put("start", "10:00").put("end", "11:00")))
            .put("bufferMinutes", 0).put("minNoticeMinutes", 0).put("horizonDays", 7).encode(),
        Map.of("Content-Type", "application/json"));
    assertThat(calendar.status()).as(calendar.toString()).isEqualTo(200);
  }

  /** For the limits: a new half hour on Tuesday 1 December, after the first two (10:00–11:00 + n). */
  private void reopen(int n) {
    JsonArray week = new JsonArray().add(new JsonObject().put("weekday", 2).put("start", "10:00")
        .put("end", String.format("%02d:%02d", 11 + (n + 1) / 2, (n + 1) % 2 * 30)));
    Api.Response calendar = node.api.send("PUT", "/api/visio/agents/" + visio.agentId + "/availability", visio.admin,
        new JsonObject().put("serviceIds", new JsonArray().add(visio.serviceId)).put("weekly", week)
            .put("bufferMinutes", 0).put("minNoticeMinutes", 0).put("horizonDays", 7).encode(),
        Map.of("Content-Type", "application/json"));
    assertThat(calendar.status()).as(calendar.toString()).isEqualTo(200);
  }

  private String booked(String start, String email) {
    JsonObject body = VisioTerritory.booking(visio.serviceId, start);
    body.getJsonObject("citizen").put("email", email);
    Api.Response booked = node.api.post("/api/visio/appointments", body);
    assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
    manageTokens.put(start + ":id", booked.json().getString("id"));
    return booked.json().getString("manageToken");
  }

  private Object cancel(String start) {
    Api.Response cancelled = visio.withToken("POST", "/api/visio/appointments/" + manageTokens.get(start + ":id") + "/cancel",
        manageTokens.get(start), null);
    assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
    return null;
  }

  static JsonObject body(String name, String email, String phone, String pointId) {
    JsonObject citizen = new JsonObject().put("name", name);
    if (email != null) {
      citizen.put("email", email);
    }
    if (phone != null) {
      citizen.put("phone", phone);
    }
    JsonObject body = new JsonObject().put("citizen", citizen);
    return pointId == null ? body : body.put("pointId", pointId);
  }

  private JsonObject join(String name, String email, String pointId) {
    return join(body(name, email, null, pointId));
  }

  private JsonObject joinByPhone(String name, String phone) {
    return join(body(name, null, phone, null));
  }

  private JsonObject join(JsonObject body) {
    body.put("serviceId", visio.serviceId);
    Api.Response joined = node.api.post("/api/visio/waiting-list", body);
    assertThat(joined.status()).as(joined.toString()).isEqualTo(201);
    tokens.put(joined.json().getString("id"), joined.json().getString("token"));
    return joined.json();
  }

  private final Map<String, String> tokens = new HashMap<>();

  private String tokenOf(String entry) {
    return tokens.get(entry);
  }

  private Api.Response holder(String method, String entry, String token, String suffix) {
    return visio.withToken(method, "/api/visio/waiting-list/" + entry + suffix, token, null);
  }

  private JsonObject length() {
    return node.api.get("/api/visio/services/" + visio.serviceId + "/waiting-list", visio.agent).json();
  }

  private List<String> offeredTo() {
    return sql("SELECT id FROM visio_waiting WHERE state = 'offered' ORDER BY joined_at").stream()
        .map(r -> r.getUUID("id").toString()).toList();
  }

  private void runJobs() {
    TestNode.await(node.node().runJobs());
    TestNode.await(node.node().runJobs());
  }

  private MimeMessage mailTo(String address) {
    return mailTo(address, 1);
  }

  /** The {@code nth} mail to this address, waited for. */
  private MimeMessage mailTo(String address, int nth) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      List<MimeMessage> to = new ArrayList<>();
      for (MimeMessage m : smtp.getReceivedMessages()) {
        try {
          if (m.getAllRecipients()[0].toString().equals(address)) {
            to.add(m);
          }
        } catch (jakarta.mail.MessagingException e) {
          throw new AssertionError(e);
        }
      }
      if (to.size() >= nth) {
        return to.get(nth - 1);
      }
      smtp.waitForIncomingEmail(200, smtp.getReceivedMessages().length + 1);
    }
    throw new AssertionError("no mail number " + nth + " to " + address);
  }

  static String text(MimeMessage mail) {
    try {
      return (String) mail.getContent();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static String link(String text) {
    Matcher m = LINK.matcher(text);
    assertThat(m.find()).as(text).isTrue();
    return m.group(1);
  }

  private List<Row> sql(String query) {
    List<Row> rows = new ArrayList<>();
    TestNode.await(node.node().platform().pool().query(query).execute()).forEach(rows::add);
    return rows;
  }
}
