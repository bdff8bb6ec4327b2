package fr.cantou.teleconsult;

import fr.cantou.platform.secrets.Secrets;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.support.Api;
import fr.cantou.support.CareTerritory;
import fr.cantou.support.Eventually;
import fr.cantou.support.MutableClock;
import fr.cantou.support.SentTwiceAtOnce;
import fr.cantou.support.SmsProviderStandIn;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A third seat in the call: the nurse or the doctor invites an interpreter, a family member or the
 * resident's regular GP by mail or SMS; the guest's link opens this call's room only while it runs,
 * never as a moderator, and says nothing of the resident.
 */
class GuestTest {
  @RegisterExtension
  static GreenMailExtension smtp = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
  private static final String SECRET = "guest-test-jitsi-secret-0123456789abcdef";
  private static final Pattern LINK = Pattern.compile("https://cantou\\.cantal\\.test/invitation\\.html#([0-9a-f-]{36})\\.([A-Za-z0-9_-]{43})");

  final MutableClock clock = MutableClock.startingNow();
  final SmsProviderStandIn sms = new SmsProviderStandIn();
  TestNode node;
  CareTerritory care;

  @BeforeEach
  void start() {
    node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_SMTP_HOST", "127.0.0.1",
        "CANTOU_SMTP_PORT", Integer.toString(smtp.getSmtp().getPort()), "CANTOU_SMTP_STARTTLS", "disabled",
        "CANTOU_SMTP_FROM", "Cantou <ne-pas-repondre@cantal.test>", "CANTOU_HTTP_PUBLIC_URL", "https://cantou.cantal.test",
        "CANTOU_SMS_URL", sms.url(), "CANTOU_JITSI_DOMAIN", "visio.cantal.fr", "CANTOU_JITSI_APP_ID", "cantou-cantal",
        "CANTOU_JITSI_APP_SECRET", SECRET), clock);
    care = new CareTerritory(node);
  }

  @AfterEach
  void stop() {
    node.close();
    sms.close();
  }

  /** A geriatrics request of the nurse's care home, taken by the geriatrician. */
  private String assigned() {
    String id = care.create(request("geriatrie", "normal")).getString("id");
    assertThat(node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null).status()).isEqualTo(200);
    return id;
  }

  /** Both sides are in the room (the pages report Jitsi's videoConferenceJoined): the call runs. */
  private void callRuns(String id) {
    JsonObject nurse = node.api.get("/api/me", care.nurse).json();
    CallService service = node.node().teleconsult().calls;
    UUID item = UUID.fromString(id);
    TestNode.await(service.callEvent(new Principal(UUID.fromString(nurse.getString("id")), Role.NURSE, "Sophie Delmas",
        UUID.fromString(care.ehpadId), Set.of()), item, true));
    TestNode.await(service.callEvent(new Principal(UUID.fromString(care.geriatricianId), Role.DOCTOR, "Dr Mercier", null,
        Set.of("geriatrie")), item, true));
    assertThat(node.api.get("/api/teleconsultations/" + id, care.nurse).json().getString("status")).isEqualTo("in_call");
  }

  private static JsonObject guest(String name, String role, String contactField, String contact) {
    return new JsonObject().put("name", name).put("role", role).put(contactField, contact)
        .put("consent", new JsonObject().put("given", true).put("by", "patient"));
  }

  private Api.Response invite(String id, String token, JsonObject body) {
    return node.api.post("/api/teleconsultations/" + id + "/guests", token, body);
  }

  /** Invites by SMS and returns the secret the guest received. */
  private String invitedBySms(String id, String token) {
    int before = sms.received().size();
    Api.Response invited = invite(id, token, guest("Ana Lopes", "interpreter", "phone", "06 12 34 56 78"));
    assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
    assertThat(sms.received()).hasSize(before + 1);
    Matcher link = LINK.matcher(sms.received().get(before).json().getString("text"));
    assertThat(link.find()).isTrue();
    assertThat(link.group(1)).isEqualTo(id);
    return link.group(2);
  }

  /** The key the guest's page keeps in the browser she first opened the link in (her phone), and another browser's. */
  private static final String PHONE = "telephone-de-ana-0123456789abcdefghijklmno";
  private static final String COMPUTER = "ordinateur-de-ana-0123456789abcdefghijklmn";

  private Api.Response asGuest(String method, String id, String path, String secret) {
    return asGuest(method, id, path, secret, PHONE);
  }

  private Api.Response asGuest(String method, String id, String path, String secret, String device) {
    Map<String, String> headers = new java.util.HashMap<>();
    if (secret != null) {
      headers.put("X-Guest-Token", secret);
    }
    if (device != null) {
      headers.put("X-Guest-Device", device);
    }
    return node.api.send(method, "/api/teleconsultations/" + id + "/invitation" + path, null, null, headers);
  }

  /**
   * The link is one browser's: the first that opens it keeps it (its reloads, and its retries after a lost answer, are
   * still itself); the same link in another browser is refused with a sentence saying what to do, before and during the
   * call, for the invitation and for the room; the nurse sees when it was opened.
   */
  @Test
  void the_link_opens_in_the_first_browser_only_which_keeps_it_across_reloads() {
    String id = assigned();
    String secret = invitedBySms(id, care.nurse);
    assertThat(node.api.get("/api/teleconsultations/" + id + "/guests", care.nurse).array().getJsonObject(0)
        .getString("openedAt")).as("not opened yet").isNull();
    assertThat(asGuest("GET", id, "", secret, null).status()).as("no browser's key").isEqualTo(401);
    assertThat(asGuest("GET", id, "", secret, "short").status()).isEqualTo(401);

    assertThat(asGuest("GET", id, "", secret, PHONE).json().getString("call")).isEqualTo("waiting");
    assertThat(node.api.get("/api/teleconsultations/" + id + "/guests", care.nurse).array().getJsonObject(0)
        .getString("openedAt")).as("the nurse sees that it was opened").isNotNull();
    Api.Response elsewhere = node.api.send("GET", "/api/teleconsultations/" + id + "/invitation", null, null,
        Map.of("X-Guest-Token", secret, "X-Guest-Device", COMPUTER, "Accept-Language", "fr"));
    assertThat(elsewhere.status()).as(elsewhere.toString()).isEqualTo(409);
    assertThat(elsewhere.detail()).startsWith("Ce lien a déjà été ouvert sur un autre appareil")
        .contains("nouvelle invitation à l’infirmière ou au médecin");
    assertThat(elsewhere.body()).as("nothing of the invitation").doesNotContain("Ana Lopes").doesNotContain("Sophie Delmas");

    callRuns(id);
    assertThat(asGuest("POST", id, "/join", secret, COMPUTER).status()).isEqualTo(409);
    assertThat(asGuest("GET", id, "", secret, PHONE).json().getString("call")).as("her reload").isEqualTo("open");
    assertThat(asGuest("POST", id, "/join", secret, PHONE).status()).isEqualTo(200);
    assertThat(asGuest("POST", id, "/join", secret, PHONE).status()).as("again, after a lost answer").isEqualTo(200);
    assertThat(asGuest("GET", id, "", secret, COMPUTER).status()).isEqualTo(409);
  }

  /**
   * Two browsers open the link at the same instant: exactly one keeps it. The test holds the guest's key in the primary
   * key of guest_device (an uncommitted bind of a third browser) until both requests wait on it, then rolls it back:
   * both binds then run against each other, deterministically.
   */
  @Test
  void two_browsers_opening_the_link_at_the_same_instant_one_wins() throws Exception {
    String id = assigned();
    String secret = invitedBySms(id, care.nurse);
    UUID guestId = UUID.fromString(node.api.get("/api/teleconsultations/" + id + "/guests", care.nurse).array()
        .getJsonObject(0).getString("id"));
    io.vertx.sqlclient.SqlConnection holder = TestNode.await(node.node().platform().pool().getConnection());
    List<java.util.concurrent.CompletableFuture<Integer>> opened;
    try {
      io.vertx.sqlclient.Transaction held = TestNode.await(holder.begin());
      assertThat(TestNode.await(new GuestStore().bindDevice(holder, UUID.fromString(id), guestId,
          Secrets.sha256("a-third-browser-held-by-the-test"), clock.instant()))).isTrue();
      opened = List.of(PHONE, COMPUTER).stream().map(device -> java.util.concurrent.CompletableFuture.supplyAsync(
          () -> asGuest("GET", id, "", secret, device).status())).toList();
      Eventually.until("both openings wait on the held key", () -> lockWaiters() >= 2);
      TestNode.await(held.rollback());
    } finally {
      holder.close();
    }
    List<Integer> statuses = opened.stream().map(java.util.concurrent.CompletableFuture::join).toList();
    assertThat(statuses).as("exactly one browser keeps the link").containsExactlyInAnyOrder(200, 409);
    String winner = statuses.get(0) == 200 ? PHONE : COMPUTER;
    String loser = winner.equals(PHONE) ? COMPUTER : PHONE;
    assertThat(asGuest("GET", id, "", secret, winner).status()).isEqualTo(200);
    assertThat(asGuest("GET", id, "", secret, loser).status()).isEqualTo(409);
  }

  /** Statements of this test's database waiting for a lock another transaction holds. */
  private long lockWaiters() {
    return TestNode.await(node.node().platform().pool().query("SELECT count(*) AS n FROM pg_stat_activity "
        + "WHERE wait_event_type = 'Lock' AND datname = current_database()").execute()).iterator().next().getLong("n");
  }

  @Test
  void the_nurse_invites_an_interpreter_by_mail_and_the_timeline_says_who_and_who_recorded_the_consent() throws Exception {
    String id = assigned();
    Api.Response invited = invite(id, care.nurse, guest("Ana Lopes", "interpreter", "email", "ana.lopes@example.fr"));
    assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
    assertThat(invited.json().getBoolean("sent")).isTrue();
    assertThat(invited.json().getString("contact")).isEqualTo("a***@example.fr");
    assertThat(invited.json().getBoolean("current")).isTrue();

    assertThat(smtp.waitForIncomingEmail(5_000, 1)).isTrue();
    MimeMessage mail = smtp.getReceivedMessages()[0];
    assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("ana.lopes@example.fr");
    assertThat(mail.getSubject()).contains("EHPAD Les Estives");
    String text = GreenMailUtil.getBody(mail);
    assertThat(text).contains("Sophie Delmas").contains("interpr");
    String plain = String.valueOf(mail.getContent());
    assertThat(plain).as("her name as data, never in Cantou's sentence").startsWith("Bonjour,")
        .contains("Invitation au nom de : « Ana Lopes »");
    assertThat(plain.split("Ana Lopes", -1).length).isEqualTo(plain.split("« Ana Lopes »", -1).length);
    JsonObject item = node.api.get("/api/teleconsultations/" + id, care.nurse).json();
    assertThat(new String(mail.getInputStream().readAllBytes(), StandardCharsets.UTF_8) + text)
        .as("the mail says nothing of the resident").doesNotContain(item.getJsonObject("patient").getString("reference"))
        .doesNotContain("talon");

    JsonObject line = node.api.get("/api/teleconsultations/" + id + "/timeline", care.nurse).array().stream()
        .map(JsonObject.class::cast).filter(e -> e.getString("action").equals("guest_invited")).findFirst().orElseThrow();
    assertThat(line.getString("actorName")).as("who recorded the consent").isEqualTo("Sophie Delmas");
    assertThat(line.getJsonObject("detail").getString("guest")).isEqualTo("Ana Lopes");
    assertThat(line.getJsonObject("detail").getString("role")).isEqualTo("interpreter");
    assertThat(line.getJsonObject("detail").getString("consentBy")).isEqualTo("patient");
    assertThat(line.getJsonObject("detail").containsKey("email")).as("the address is not kept").isFalse();

    long audited = TestNode.await(node.node().platform().pool().preparedQuery(
            "SELECT count(*) AS n FROM change_audit WHERE action = 'teleconsultation.guest_invited' AND item_id = $1::text")
        .execute(Tuple.of(id))).iterator().next().getLong("n");
    assertThat(audited).as("a change_audit line").isEqualTo(1);
    assertThat(node.api.get("/api/teleconsultations/" + id + "/guests", care.geriatrician).array()).hasSize(1);
  }

  @Test
  void the_doctor_invites_the_regular_gp_by_sms_to_a_french_mobile_only() {
    String id = assigned();
    String secret = invitedBySms(id, care.geriatrician);
    JsonObject sent = sms.received().get(0).json();
    assertThat(sent.getString("to")).isEqualTo("+33612345678");
    assertThat(fr.cantou.notify.SmsText.segments(sent.getString("text"))).isLessThanOrEqualTo(2);
    assertThat(secret).hasSize(43);

    for (String phone : List.of("04 71 12 34 56", "08 99 12 34 56", "+44 7700 900123", "06 12")) {
      Api.Response refused = invite(id, care.geriatrician, guest("Dr Lafon", "gp", "phone", phone));
      assertThat(refused.status()).as(phone).isEqualTo(400);
      assertThat(refused.detail()).contains("phone");
    }
    assertThat(sms.received()).as("nothing sent to a landline, a premium or a foreign number").hasSize(1);
  }

  @Test
  void without_consent_or_a_contact_nothing_is_invited_and_the_refusal_names_the_field() {
    String id = assigned();
    JsonObject noConsent = guest("Marc Roux", "family", "email", "marc@example.fr").put("consent", new JsonObject().put("given", false));
    Api.Response refused = invite(id, care.nurse, noConsent);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.detail()).contains("consent.given");
    Api.Response french = node.api.send("POST", "/api/teleconsultations/" + id + "/guests", care.nurse, noConsent.encode(),
        Map.of("Content-Type", "application/json", "Accept-Language", "fr"));
    assertThat(french.detail()).contains("consentement du résident");

    Api.Response none = invite(id, care.nurse, new JsonObject().put("name", "Marc Roux").put("role", "family")
        .put("consent", new JsonObject().put("given", true)));
    assertThat(none.status()).isEqualTo(400);
    assertThat(none.detail()).contains("email");
    Api.Response both = invite(id, care.nurse, guest("Marc Roux", "family", "email", "marc@example.fr").put("phone", "0612345678"));
    assertThat(both.status()).isEqualTo(400);
    assertThat(invite(id, care.nurse, guest("Marc Roux", "family", "email", "marc-at-example.fr")).status()).isEqualTo(400);
    assertThat(invite(id, care.nurse, guest("Marc Roux", "family", "email", "Marc<victime@example.org>")).status())
        .as("one mailbox, not a name and an address").isEqualTo(400);
    assertThat(node.api.get("/api/teleconsultations/" + id + "/guests", care.nurse).array()).isEmpty();
    assertThat(sms.received()).isEmpty();
  }

  @Test
  void only_the_care_homes_nurses_and_the_assigned_doctor_invite_and_only_while_a_call_runs_or_can_run() {
    String queued = care.create(request("geriatrie", "normal")).getString("id");
    Api.Response tooEarly = invite(queued, care.nurse, guest("Marc Roux", "family", "email", "marc@example.fr"));
    assertThat(tooEarly.status()).isEqualTo(409);
    String id = assigned();
    assertThat(invite(id, care.otherNurse, guest("Marc Roux", "family", "email", "marc@example.fr")).status()).isEqualTo(403);
    assertThat(invite(id, care.cardiologist, guest("Marc Roux", "family", "email", "marc@example.fr")).status()).isEqualTo(403);
    assertThat(invite(id, node.adminToken(), guest("Marc Roux", "family", "email", "marc@example.fr")).status()).isEqualTo(403);
    assertThat(node.api.get("/api/teleconsultations/" + id + "/guests", care.otherNurse).status()).isEqualTo(403);
  }

  @Test
  void a_call_has_at_most_the_guests_the_setting_allows() {
    String id = assigned();
    for (int i = 0; i < 3; i++) {
      assertThat(invite(id, care.nurse, guest("Invité " + (char) ('A' + i), "family", "email", "i" + i + "@example.fr")).status()).isEqualTo(201);
    }
    Api.Response fourth = invite(id, care.nurse, guest("Invité D", "family", "email", "i4@example.fr"));
    assertThat(fourth.status()).isEqualTo(409);
    assertThat(fourth.detail()).contains("3");
  }

  /**
   * "Envoyer l'invitation" sent again with its key after the answer was lost (a weak link), at the call's last seat: the
   * guest the first made is answered (sent included), not a 409 "the call has its guests already", nor a second SMS to
   * her, a second link, or a second line of the timeline.
   */
  @Test
  void an_invitation_sent_again_with_its_key_invites_and_sends_once_even_at_the_calls_last_seat() {
    String id = assigned();
    for (int i = 0; i < 2; i++) {
      assertThat(invite(id, care.nurse, guest("Invité " + (char) ('A' + i), "family", "email", "i" + i + "@example.fr"))
          .status()).isEqualTo(201);
    }
    JsonObject ana = guest("Ana Lopes", "interpreter", "phone", "06 12 34 56 78");
    Api.Response first = node.api.post("/api/teleconsultations/" + id + "/guests", care.nurse, ana, "guest-key-0001");
    Api.Response again = node.api.post("/api/teleconsultations/" + id + "/guests", care.nurse, ana, "guest-key-0001");
    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    assertThat(again.status()).as(again.toString()).isEqualTo(201);
    assertThat(again.json()).isEqualTo(first.json());
    assertThat(first.json().getBoolean("sent")).isTrue();
    assertThat(sms.received()).as("one SMS to her").hasSize(1);
    assertThat(node.api.get("/api/teleconsultations/" + id + "/guests", care.nurse).array()).hasSize(3);
    assertThat(node.api.get("/api/teleconsultations/" + id + "/timeline", care.nurse).array().stream()
        .map(JsonObject.class::cast).filter(l -> "guest_invited".equals(l.getString("action")))).hasSize(3);
  }

  /**
   * The row keeps her number masked; what it keeps to know a retry must not give it back (the review of 6 December
   * found a guest's mobile number from the SHA-256 kept beside it in 0.2 s): two numbers its mask cannot tell apart
   * leave the same fingerprint.
   */
  @Test
  void the_key_kept_with_an_invitation_tells_no_more_of_her_number_than_its_mask() {
    String id = assigned();
    for (String[] sent : new String[][] {{"06 12 34 56 78", "guest-key-0003"}, {"07 98 76 54 78", "guest-key-0004"}}) {
      assertThat(node.api.post("/api/teleconsultations/" + id + "/guests", care.nurse,
          guest("Ana Lopes", "interpreter", "phone", sent[0]), sent[1]).status()).isEqualTo(201);
    }
    var kept = TestNode.await(node.node().platform().pool().preparedQuery(
            "SELECT DISTINCT encode(idempotency_fingerprint, 'hex') AS f FROM teleconsultation_guest WHERE teleconsultation_id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(UUID.fromString(id))));
    assertThat(kept.rowCount()).as("one fingerprint for both numbers ending in 78").isEqualTo(1);
  }

  /**
   * The doctor's invitation made, its answer lost, sent again with its key after she gave the request back: told it was
   * sent before the give-back (409, as her message's retry), without the guest, nothing sent twice; another invitation,
   * or another guest under her key, stays 403 (without the look-up of her key: 403 at the retry, watched).
   */
  @Test
  void a_doctor_who_gave_the_request_back_and_sends_her_invitation_again_is_told_it_was_sent_without_the_guest() {
    String id = assigned();
    JsonObject gp = guest("Paul Martin", "gp", "phone", "06 98 76 54 32");
    assertThat(node.api.post("/api/teleconsultations/" + id + "/guests", care.geriatrician, gp, "doctor-guest-0001")
        .status()).isEqualTo(201);
    assertThat(node.api.post("/api/teleconsultations/" + id + "/release", care.geriatrician, null).status()).isEqualTo(200);

    Api.Response again = node.api.post("/api/teleconsultations/" + id + "/guests", care.geriatrician, gp, "doctor-guest-0001");
    assertThat(again.status()).as(again.toString()).isEqualTo(409);
    assertThat(again.detail()).isEqualTo("Votre invitation est bien partie : elle a été faite avant que vous ne rendiez "
        + "cette demande. Elle n'est plus la vôtre, ses invités ne vous sont donc plus montrés.");
    assertThat(again.json().fieldNames()).as("a problem, not the guest").doesNotContain("name", "contact", "id");
    assertThat(sms.received()).as("one SMS to him").hasSize(1);

    assertThat(node.api.post("/api/teleconsultations/" + id + "/guests", care.geriatrician, gp, "doctor-guest-0002")
        .status()).as("a new invitation: not hers to make").isEqualTo(403);
    assertThat(node.api.post("/api/teleconsultations/" + id + "/guests", care.geriatrician,
        guest("Ana Lopes", "interpreter", "phone", "06 12 34 56 78"), "doctor-guest-0001").status())
        .as("another guest under her key").isEqualTo(403);
    assertThat(node.api.post("/api/teleconsultations/" + id + "/guests", care.cardiologist, gp, "doctor-guest-0001")
        .status()).as("another doctor with her key").isEqualTo(403);
  }

  /** The same key for someone else: refused in French, nobody invited, nothing sent. */
  @Test
  void the_same_key_for_someone_else_is_refused_and_sends_nothing() {
    String id = assigned();
    assertThat(node.api.post("/api/teleconsultations/" + id + "/guests", care.nurse,
        guest("Ana Lopes", "interpreter", "phone", "06 12 34 56 78"), "guest-key-0002").status()).isEqualTo(201);
    Api.Response other = node.api.post("/api/teleconsultations/" + id + "/guests", care.nurse,
        guest("Paul Martin", "family", "phone", "06 98 76 54 32"), "guest-key-0002");
    assertThat(other.status()).as(other.toString()).isEqualTo(422);
    assertThat(other.detail()).contains("a servi à une autre invitation");
    assertThat(sms.received()).hasSize(1);
    assertThat(node.api.get("/api/teleconsultations/" + id + "/guests", care.nurse).array()).hasSize(1);
  }

  /**
   * The retry sent while the first send was still being written (its transaction open, the item locked as the service
   * locks it) waits for it, then finds its guest: answered with her, not with "the call has its guests already" though
   * hers was the last seat; three guests, no SMS sent by the retry.
   */
  @Test
  void the_same_key_sent_twice_at_once_invites_once() throws Exception {
    String id = assigned();
    for (int i = 0; i < 2; i++) {
      assertThat(invite(id, care.nurse, guest("Invité " + (char) ('A' + i), "family", "email", "i" + i + "@example.fr"))
          .status()).isEqualTo(201);
    }
    UUID item = UUID.fromString(id);
    UUID nurse = UUID.fromString(node.api.get("/api/me", care.nurse).json().getString("id"));
    JsonObject ana = guest("Ana Lopes", "interpreter", "phone", "06 12 34 56 78");
    NewGuest asked = fr.cantou.platform.json.Json.mapper().readValue(ana.encode(), NewGuest.class);
    UUID firstGuest = UUID.randomUUID();
    GuestStore store = new GuestStore();
    Api.Response answered = SentTwiceAtOnce.retryAnswer(node, tx -> store.lockOpenRoom(tx, item)
            .compose(room -> store.insert(tx, new GuestStore.NewGuest(firstGuest, item, room.orElseThrow().roomName(),
                Secrets.sha256(Secrets.randomToken()), "Ana Lopes", "interpreter", "sms", "06 ** ** ** 78", "patient",
                nurse, GuestService.sentWith("guest-key-0003", item, asked, true, "+33612345678")), clock.instant())),
        () -> node.api.post("/api/teleconsultations/" + id + "/guests", care.nurse, ana, "guest-key-0003"));
    assertThat(answered.status()).as(answered.toString()).isEqualTo(201);
    assertThat(answered.json().getString("id")).isEqualTo(firstGuest.toString());
    assertThat(sms.received()).isEmpty();
    assertThat(node.api.get("/api/teleconsultations/" + id + "/guests", care.nurse).array()).hasSize(3);
  }

  /**
   * A give-back and a new claim make a new room, not a new quota of invitations: the outside review sent nine SMS to one
   * number in three such turns. Over all its calls a request has at most twice the cap of one.
   */
  @Test
  void give_backs_do_not_reset_the_invitations_of_a_request() {
    String id = assigned();
    for (int turn = 0; turn < 2; turn++) {
      for (int i = 0; i < 3; i++) {
        Api.Response invited = invite(id, care.geriatrician, guest("Invité " + (char) ('A' + 3 * turn + i), "family", "email", "t" + turn + i + "@example.fr"));
        assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
      }
      assertThat(node.api.post("/api/teleconsultations/" + id + "/release", care.geriatrician, null).status()).isEqualTo(200);
      assertThat(node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null).status()).isEqualTo(200);
    }
    Api.Response seventh = invite(id, care.geriatrician, guest("Invité sept", "family", "email", "t7@example.fr"));
    assertThat(seventh.status()).isEqualTo(409);
    assertThat(seventh.detail()).contains("6");
  }

  /** The guest's name is said in a mail sent from Cantou and shown in the room: a name as on a form, nothing else. */
  @Test
  void a_guests_name_is_a_name_never_a_hidden_line_break_a_link_or_lookalike_letters() {
    String id = assigned();
    for (String name : List.of("Ana\u2028https://cantou-sante.fr.evil.example/connexion\u2028Lopes", "\u202eRES-4242 seloP anA",
        "Dr H\u0435l\u0435ne Mercier", "Ana Lopes www.evil.example", "Ana\u200bLopes")) {
      Api.Response refused = invite(id, care.nurse, guest(name, "family", "email", "victime@example.org"));
      assertThat(refused.status()).as(name).isEqualTo(400);
      assertThat(refused.detail()).as(name).contains("name");
    }
    assertThat(invite(id, care.nurse, guest("Ana Lopes-Da Silva", "family", "email", "ana@example.org")).status()).isEqualTo(201);
    assertThat(smtp.getReceivedMessages()).hasSize(1);
  }

  @Test
  void the_guest_waits_until_the_call_runs_then_enters_without_moderator_rights() throws Exception {
    String id = assigned();
    String secret = invitedBySms(id, care.nurse);

    Api.Response before = asGuest("GET", id, "", secret);
    assertThat(before.status()).isEqualTo(200);
    assertThat(before.json().getString("call")).isEqualTo("waiting");
    assertThat(before.json().getString("guestName")).isEqualTo("Ana Lopes");
    assertThat(before.json().getString("invitedByName")).isEqualTo("Sophie Delmas");
    assertThat(before.json().getString("organisationName")).isEqualTo("EHPAD Les Estives");
    JsonObject item = node.api.get("/api/teleconsultations/" + id, care.nurse).json();
    assertThat(before.body()).as("never the resident's data").doesNotContain(item.getJsonObject("patient").getString("reference"))
        .doesNotContain(item.getString("reason")).doesNotContain("JD")
        // The birth year as a JSON value, not any "1938" (a time's fraction of a second, from the real time, may hold it).
        .doesNotContain(":1938").doesNotContain("\"1938\"");
    assertThat(asGuest("POST", id, "/join", secret).status()).as("not before the call runs").isEqualTo(409);

    callRuns(id);
    assertThat(asGuest("GET", id, "", secret).json().getString("call")).isEqualTo("open");
    Api.Response joined = asGuest("POST", id, "/join", secret);
    assertThat(joined.status()).as(joined.toString()).isEqualTo(200);
    JsonObject jitsi = joined.json().getJsonObject("jitsi");
    assertThat(jitsi.getBoolean("moderator")).isFalse();
    assertThat(jitsi.getString("displayName")).isEqualTo("Ana Lopes (interprète)");
    JsonObject nurseJitsi = node.api.get("/api/teleconsultations/" + id + "/join", care.nurse).json().getJsonObject("jitsi");
    assertThat(jitsi.getString("roomName")).as("this call's room").isEqualTo(nurseJitsi.getString("roomName"));

    SignedJWT jwt = SignedJWT.parse(jitsi.getString("jwt"));
    assertThat(jwt.verify(new MACVerifier(SECRET.getBytes(StandardCharsets.UTF_8)))).isTrue();
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertThat(claims.getStringClaim("room")).isEqualTo(jitsi.getString("roomName"));
    assertThat(claims.getBooleanClaim("moderator")).isFalse();
    @SuppressWarnings("unchecked")
    Map<String, Object> user = (Map<String, Object>) claims.getJSONObjectClaim("context").get("user");
    assertThat(user.get("moderator")).isEqualTo("false");
    assertThat(user.get("affiliation")).as("never owner").isEqualTo("member");
    assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime())
        .as("short: a guest withdrawn while inside cannot come back with it for long").isBetween(14 * 60 * 1000L, 15 * 60 * 1000L);

    asGuest("POST", id, "/join", secret);
    List<String> lines = node.api.get("/api/teleconsultations/" + id + "/timeline", care.nurse).array().stream()
        .map(JsonObject.class::cast).map(e -> e.getString("action")).filter(a -> a.startsWith("guest_")).toList();
    assertThat(lines).as("her first entry is a line, a reload is not").containsExactly("guest_invited", "guest_joined");
  }

  @Test
  void a_secret_opens_only_its_own_call_and_nothing_without_one() {
    String id = assigned();
    String secret = invitedBySms(id, care.nurse);
    String other = care.create(request("cardiologie", "normal")).getString("id");
    assertThat(asGuest("GET", other, "", secret).status()).isEqualTo(403);
    assertThat(asGuest("POST", other, "/join", secret).status()).isEqualTo(403);
    assertThat(asGuest("GET", id, "", null).status()).isEqualTo(401);
    assertThat(asGuest("POST", id, "/join", "not-the-secret-" + "x".repeat(28)).status()).isEqualTo(403);
  }

  @Test
  void the_link_is_void_once_the_call_is_completed() {
    String id = assigned();
    String secret = invitedBySms(id, care.nurse);
    callRuns(id);
    assertThat(node.api.post("/api/teleconsultations/" + id + "/complete", care.geriatrician,
        new JsonObject().put("report", "Vu.").put("outcome", "advice_given")).status()).isEqualTo(200);
    assertThat(asGuest("GET", id, "", secret).json().getString("call")).isEqualTo("ended");
    Api.Response late = asGuest("POST", id, "/join", secret);
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.detail()).contains("over");
    assertThat(invite(id, care.nurse, guest("Marc Roux", "family", "email", "marc@example.fr")).status()).isEqualTo(409);
  }

  @Test
  void the_link_is_void_once_the_request_is_given_back_even_when_the_same_doctor_takes_it_again() {
    String id = assigned();
    String secret = invitedBySms(id, care.nurse);
    assertThat(node.api.post("/api/teleconsultations/" + id + "/release", care.geriatrician, null).status()).isEqualTo(200);
    assertThat(asGuest("GET", id, "", secret).json().getString("call")).isEqualTo("revoked");
    assertThat(node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null).status()).isEqualTo(200);
    callRuns(id);
    JsonObject revoked = asGuest("GET", id, "", secret).json();
    assertThat(revoked.getString("call")).as("a new assignment is a new room").isEqualTo("revoked");
    assertThat(revoked.getString("doctorName")).as("a void link does not tell who took the request next").isNull();
    assertThat(asGuest("POST", id, "/join", secret).status()).isEqualTo(409);
    JsonObject listed = node.api.get("/api/teleconsultations/" + id + "/guests", care.nurse).array().getJsonObject(0);
    assertThat(listed.getBoolean("current")).isFalse();
  }

  @Test
  void a_removed_guest_can_no_longer_enter() {
    String id = assigned();
    String secret = invitedBySms(id, care.nurse);
    callRuns(id);
    String guestId = node.api.get("/api/teleconsultations/" + id + "/guests", care.nurse).array().getJsonObject(0).getString("id");
    assertThat(node.api.send("DELETE", "/api/teleconsultations/" + id + "/guests/" + guestId, care.otherNurse, null, Map.of())
        .status()).isEqualTo(403);
    Api.Response removed = node.api.send("DELETE", "/api/teleconsultations/" + id + "/guests/" + guestId, care.geriatrician, null,
        Map.of());
    assertThat(removed.status()).isEqualTo(200);
    assertThat(removed.json().getString("removedAt")).isNotNull();
    assertThat(asGuest("GET", id, "", secret).json().getString("call")).isEqualTo("revoked");
    Api.Response late = asGuest("POST", id, "/join", secret);
    assertThat(late.status()).as("at once, in the browser that had the link").isEqualTo(409);
    assertThat(late.detail()).contains("withdrawn");
    assertThat(asGuest("POST", id, "/join", secret, COMPUTER).status()).as("nor elsewhere").isEqualTo(409);
    assertThat(node.api.get("/api/teleconsultations/" + id + "/timeline", care.nurse).array().stream()
        .map(JsonObject.class::cast).map(e -> e.getString("action"))).contains("guest_removed");
  }

  @Test
  void ten_invitations_at_once_never_pass_the_limit_of_a_call() throws Exception {
    String id = assigned();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(10);
    try {
      List<java.util.concurrent.Future<Integer>> sent = new java.util.ArrayList<>();
      for (int i = 0; i < 10; i++) {
        String address = "proche" + i + "@example.fr";
        sent.add(pool.submit(() -> invite(id, care.nurse, guest("Proche", "family", "email", address)).status()));
      }
      List<Integer> statuses = new java.util.ArrayList<>();
      for (var f : sent) {
        statuses.add(f.get());
      }
      assertThat(statuses).filteredOn(s -> s == 201).hasSize(3);
      assertThat(statuses).filteredOn(s -> s == 409).hasSize(7);
    } finally {
      pool.shutdownNow();
    }
    assertThat(node.api.get("/api/teleconsultations/" + id + "/guests", care.nurse).array()).hasSize(3);
  }

  @Test
  void the_guests_names_go_with_the_patients_data_when_retention_erases_them() {
    String id = assigned();
    String secret = invitedBySms(id, care.nurse);
    assertThat(asGuest("GET", id, "", secret).status()).as("opened: bound to her browser").isEqualTo(200);
    callRuns(id);
    assertThat(node.api.post("/api/teleconsultations/" + id + "/complete", care.geriatrician,
        new JsonObject().put("report", "Vu.").put("outcome", "advice_given")).status()).isEqualTo(200);
    clock.advance(java.time.Duration.ofDays(91));
    TestNode.await(node.node().runJobs());

    assertThat(node.api.get("/api/teleconsultations/" + id + "/guests", care.nurse).array()).isEmpty();
    JsonObject line = node.api.get("/api/teleconsultations/" + id + "/timeline", care.nurse).array().stream()
        .map(JsonObject.class::cast).filter(e -> e.getString("action").equals("guest_invited")).findFirst().orElseThrow();
    assertThat(line.getJsonObject("detail").containsKey("guest")).as("her name is gone").isFalse();
    assertThat(line.getJsonObject("detail").getString("consentBy")).as("that consent was given stays").isEqualTo("patient");
    long bound = TestNode.await(node.node().platform().pool().preparedQuery(
            "SELECT count(*) AS n FROM guest_device WHERE teleconsultation_id = $1")
        .execute(Tuple.of(UUID.fromString(id)))).iterator().next().getLong("n");
    assertThat(bound).as("her browser's key goes too").isZero();
  }

  @Test
  void a_doctor_who_gave_the_request_back_meanwhile_cannot_invite_into_the_next_doctors_call() throws Exception {
    String id = assigned();
    String otherGeriatrician = care.token(care.user("geriatre2@ch.test", "doctor", "Dr Brun", null,
        new io.vertx.core.json.JsonArray().add("geriatrie")));
    GuestService guests = node.node().teleconsult().guests;
    var checked = new java.util.concurrent.CompletableFuture<Runnable>();
    guests.afterInviterChecked(() -> {
      io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
      io.vertx.core.Promise<Void> goOn = io.vertx.core.Promise.promise();
      checked.complete(() -> context.runOnContext(v -> goOn.complete()));
      return goOn.future();
    });
    try {
      var late = java.util.concurrent.CompletableFuture.supplyAsync(
          () -> invite(id, care.geriatrician, guest("Dr Lafon", "gp", "email", "lafon@example.fr")));
      // Between the check (she holds it) and the invitation's transaction: given back, taken by Dr Brun.
      Runnable goOn = checked.get(20, java.util.concurrent.TimeUnit.SECONDS);
      guests.afterInviterChecked(io.vertx.core.Future::succeededFuture);
      assertThat(node.api.post("/api/teleconsultations/" + id + "/release", care.geriatrician, null).status()).isEqualTo(200);
      assertThat(node.api.post("/api/teleconsultations/" + id + "/claim", otherGeriatrician, null).status()).isEqualTo(200);
      goOn.run();
      Api.Response answer = late.get(20, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(answer.status()).as(answer.toString()).isEqualTo(403);
    } finally {
      guests.afterInviterChecked(io.vertx.core.Future::succeededFuture);
    }
    assertThat(node.api.get("/api/teleconsultations/" + id + "/guests", otherGeriatrician).array()).isEmpty();
    assertThat(smtp.getReceivedMessages()).isEmpty();
  }
}
