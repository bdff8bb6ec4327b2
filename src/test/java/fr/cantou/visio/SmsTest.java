package fr.cantou.visio;

import fr.cantou.notify.SmsText;
import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.support.Api;
import fr.cantou.support.MutableClock;
import fr.cantou.support.SmsProviderStandIn;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A citizen who gave only a phone number is told by SMS, through a real HTTP server standing in
 * for the provider: the confirmation with a short link, the reminders, retries when the provider
 * fails, each SMS once however many nodes claim them.
 */
class SmsTest {
  private static final Pattern SHORT_LINK = Pattern.compile("https://cantou\\.cantal\\.test(/r/\\S+)");

  private static final String METRICS_TOKEN = "sms-test-metrics-token-0123456789abcdef";
  MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
  SmsProviderStandIn provider = new SmsProviderStandIn();
  DatabaseEndpoint database;
  TestNode node;
  VisioTerritory visio;

  Map<String, String> settings(Map<String, String> more) {
    Map<String, String> all = new HashMap<>(Map.of("CANTOU_SMS_URL", provider.url(), "CANTOU_SMS_AUTH", "bearer",
        "CANTOU_SMS_API_KEY", "test-api-key", "CANTOU_HTTP_PUBLIC_URL", "https://cantou.cantal.test"));
    all.putAll(more);
    return all;
  }

  void start(Map<String, String> more) {
    database = TestDatabase.fresh();
    node = TestNode.start(database, settings(more), clock);
    visio = new VisioTerritory(node);
  }

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
    provider.close();
  }

  JsonObject bookByPhone(String start, String phone) {
    Api.Response booked = node.api.post("/api/visio/appointments", new JsonObject().put("serviceId", visio.serviceId)
        .put("start", start).put("citizen", new JsonObject().put("name", "Jeanne Vidal").put("phone", phone)));
    assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
    return booked.json();
  }

  void runJobs() {
    TestNode.await(node.node().runJobs());
  }

  List<String> texts() {
    return provider.received().stream().map(r -> r.json().getString("text")).toList();
  }

  static String shortLink(String text) {
    Matcher m = SHORT_LINK.matcher(text);
    assertThat(m.find()).as("a short link in: " + text).isTrue();
    return m.group(1);
  }

  @Test
  void a_booking_with_only_a_phone_number_gets_its_confirmation_by_sms_with_a_short_link_to_manage_it() {
    start(Map.of());
    JsonObject a = bookByPhone("2026-12-02T10:00:00+01:00", "06 12 34 56 78");
    runJobs();

    assertThat(provider.received()).hasSize(1);
    SmsProviderStandIn.Received sms = provider.received().get(0);
    assertThat(sms.authorization()).isEqualTo("Bearer test-api-key");
    assertThat(sms.contentType()).startsWith("application/json");
    assertThat(sms.json().getString("to")).isEqualTo("+33612345678");
    String text = sms.json().getString("text");
    assertThat(text).contains("CAF du Cantal").contains("Allocations familiales").contains("confirmé")
        .contains("mercredi 2 décembre à 10 h").contains("en visio depuis chez vous").contains(a.getString("reference"));
    assertThat(SmsText.isGsm(text)).as("in the GSM alphabet: " + text).isTrue();
    assertThat(SmsText.segments(text)).isLessThanOrEqualTo(2);
    assertThat(text).doesNotContain(a.getString("manageToken"));

    String link = shortLink(text);
    assertThat(link).startsWith("/r/" + a.getString("reference") + ".").hasSizeLessThan(40);
    // The booking's answer gave the same short link, for the printed convocation.
    assertThat(a.getString("shortLink")).isEqualTo(link);
    Api.Response opened = node.api.get(link);
    assertThat(opened.status()).isEqualTo(302);
    assertThat(opened.headers().firstValue("Location")).hasValue("/rendez-vous.html?gerer#" + a.getString("manageToken"));
    assertThat(opened.headers().firstValue("Cache-Control")).hasValue("no-store");

    runJobs();
    assertThat(provider.received()).as("sent once").hasSize(1);
  }

  @Test
  void one_run_sends_every_due_confirmation_sms_of_a_burst_not_only_the_first_batch() {
    start(Map.of("CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_ADDRESS", "100", "CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_CONTACT", "100"));
    // 45 bookings, more than two batches of 20: Tuesday and Wednesday 8:00–17:30, Thursday 8:00–10:00.
    for (int i = 0; i < 45; i++) {
      int minutes = 8 * 60 + 30 * (i % 20);
      bookByPhone("2026-12-%02dT%02d:%02d:00+01:00".formatted(1 + i / 20, minutes / 60, minutes % 60), "06 12 34 56 78");
    }
    runJobs();
    assertThat(texts()).hasSize(45).allMatch(t -> t.contains("confirmé"));
  }

  @Test
  void a_run_whose_provider_refuses_a_message_stops_after_that_batch() {
    start(Map.of("CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_ADDRESS", "100", "CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_CONTACT", "100"));
    provider.answering(503);
    for (int i = 0; i < 25; i++) {
      int minutes = 8 * 60 + 30 * (i % 20);
      bookByPhone("2026-12-%02dT%02d:%02d:00+01:00".formatted(1 + i / 20, minutes / 60, minutes % 60), "06 12 34 56 78");
    }
    runJobs();
    assertThat(provider.received()).as("the first batch only: one refusal, then 19 sent").hasSize(20);
    runJobs();
    assertThat(provider.received()).as("the next run sends the rest").hasSize(25);
  }

  @Test
  void reminders_go_by_sms_24_hours_and_1_hour_before_and_say_when_the_room_opens_as_set() {
    start(Map.of("CANTOU_VISIO_JOIN_OPENS_MINUTES_BEFORE", "15"));
    bookByPhone("2026-12-02T10:00:00+01:00", "+33 6 12 34 56 78");
    runJobs();
    clock.set(Instant.parse("2026-12-01T09:05:00Z"));
    runJobs();
    clock.set(Instant.parse("2026-12-02T08:05:00Z"));
    runJobs();
    runJobs();

    List<String> texts = texts();
    assertThat(texts).hasSize(3);
    assertThat(texts.get(1)).contains("rappel").contains("demain").contains("La salle ouvre 15 minutes avant");
    assertThat(texts.get(2)).contains("commence dans une heure, à 10 h").contains("La salle ouvre 15 minutes avant");
    assertThat(texts).allSatisfy(t -> assertThat(SmsText.segments(t)).isLessThanOrEqualTo(2));
  }

  @Test
  void a_failed_provider_answer_is_tried_again_after_a_back_off_and_the_sms_goes_once() {
    start(Map.of());
    provider.answering(500);
    bookByPhone("2026-12-02T10:00:00+01:00", "06 12 34 56 78");
    runJobs();
    assertThat(provider.received()).as("the first attempt, refused").hasSize(1);
    runJobs();
    assertThat(provider.received()).as("not again before the back-off").hasSize(1);

    clock.advance(Duration.ofMinutes(1));
    runJobs();
    assertThat(provider.received()).as("tried again, accepted").hasSize(2);
    clock.advance(Duration.ofMinutes(10));
    runJobs();
    assertThat(provider.received()).hasSize(2);
    assertThat(provider.received().get(1).body()).isEqualTo(provider.received().get(0).body());
    assertThat(row("SELECT sent_at, failed_at, attempts FROM visio_mail WHERE channel = 'sms' AND kind = 'confirmation'").getInteger("attempts"))
        .isEqualTo(2);
  }

  @Test
  void an_sms_the_provider_refuses_at_every_attempt_is_finally_marked_failed_and_never_sent_again() {
    start(Map.of("CANTOU_METRICS_TOKEN", METRICS_TOKEN));
    provider.answering(500, 502, 500, 503, 500, 500, 500);
    bookByPhone("2026-12-02T10:00:00+01:00", "06 12 34 56 78");
    for (int i = 0; i < 8; i++) {
      runJobs();
      clock.advance(Duration.ofMinutes(20));
    }
    assertThat(provider.received()).as("five attempts, no more").hasSize(SmsJob.MAX_ATTEMPTS);
    Row sms = row("SELECT sent_at, failed_at, last_error FROM visio_mail WHERE channel = 'sms' AND kind = 'confirmation'");
    assertThat(sms.getValue("sent_at")).isNull();
    assertThat(sms.getValue("failed_at")).isNotNull();
    assertThat(sms.getString("last_error")).contains("500");
    String figures = node.api.get("/metrics", METRICS_TOKEN).body();
    assertThat(figures).as("counted for the operator's alert").contains("cantou_sms_total{outcome=\"given_up\"} 1.0")
        .contains("cantou_sms_total{outcome=\"failed\"} 5.0");
  }

  /**
   * The first node claims three SMS at 06:00 (until 06:05) and the provider takes 2 min 30 s to answer each: while it
   * answers the second, at 06:05:00, the second node claims the third (its claim lapsed) and sends it. The first node
   * claimed its second again just before sending it, and leaves the third to the node that took it.
   */
  @Test
  void a_batch_that_outlasts_its_claim_sends_each_sms_once_with_another_node_running() {
    start(Map.of());
    node.node().stopJobTimers();
    List<String> references = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      references.add(bookByPhone("2026-12-02T" + (10 + i) + ":00:00+01:00", "06 12 34 56 7" + i).getString("reference"));
    }
    try (TestNode second = TestNode.start(database, settings(Map.of()), clock)) {
      second.node().stopJobTimers();
      provider.onEachRequest(index -> {
        if (index < 2) {
          clock.advance(SmsJob.CLAIM.dividedBy(2).plusSeconds(1));
        }
        if (index == 1) {
          TestNode.await(second.node().runJobs());
        }
      });
      runJobs();
    }
    assertThat(provider.received()).as("three confirmations, none twice").hasSize(3);
    for (String reference : references) {
      assertThat(provider.received().stream().filter(sms -> sms.body().contains(reference))).as(reference).hasSize(1);
    }
  }

  @Test
  void two_nodes_claiming_at_the_same_time_send_each_sms_once() {
    start(Map.of());
    provider.slow(200);
    List<String> references = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      references.add(bookByPhone("2026-12-02T" + (10 + i) + ":00:00+01:00", "06 12 34 56 7" + i).getString("reference"));
    }
    try (TestNode second = TestNode.start(database, settings(Map.of()), clock)) {
      for (int round = 0; round < 3; round++) {
        TestNode.await(Future.all(node.node().runJobs(), second.node().runJobs()));
      }
    }
    assertThat(provider.received()).hasSize(6);
    for (String reference : references) {
      assertThat(texts()).as(reference).filteredOn(t -> t.contains(reference)).hasSize(1);
    }
  }

  @Test
  void a_provider_taking_form_fields_with_basic_credentials_gets_them_filled_in() {
    start(Map.of("CANTOU_SMS_AUTH", "basic", "CANTOU_SMS_USERNAME", "cantal", "CANTOU_SMS_PASSWORD", "s3cret",
        "CANTOU_SMS_FORMAT", "form", "CANTOU_SMS_TEMPLATE", "to={toDigits}&message={text}&sender=Cantal"));
    JsonObject a = bookByPhone("2026-12-02T10:00:00+01:00", "06.12.34.56.78");
    runJobs();
    SmsProviderStandIn.Received sms = provider.received().get(0);
    assertThat(sms.contentType()).startsWith("application/x-www-form-urlencoded");
    assertThat(sms.authorization()).isEqualTo("Basic " + Base64.getEncoder().encodeToString("cantal:s3cret"
        .getBytes(StandardCharsets.UTF_8)));
    assertThat(sms.field("to")).isEqualTo("33612345678");
    assertThat(sms.field("sender")).isEqualTo("Cantal");
    assertThat(sms.field("message")).contains(a.getString("reference")).contains("mercredi 2 décembre à 10 h");
  }

  @Test
  void a_booking_with_both_an_address_and_a_number_is_told_by_mail_and_by_sms() {
    start(Map.of());
    Api.Response booked = node.api.post("/api/visio/appointments", new JsonObject().put("serviceId", visio.serviceId)
        .put("start", "2026-12-02T10:00:00+01:00").put("citizen", new JsonObject().put("name", "Jeanne Vidal")
            .put("email", "jeanne.vidal@example.fr").put("phone", "06 12 34 56 78")));
    assertThat(booked.status()).isEqualTo(201);
    runJobs();
    assertThat(texts()).hasSize(1).first().asString().contains("confirmé");
    assertThat(rows("SELECT channel || ':' || kind AS m FROM visio_mail WHERE sent_at IS NOT NULL ORDER BY channel"))
        .containsExactly("mail:confirmation", "sms:confirmation");
  }

  @Test
  void a_cancelled_appointment_is_announced_by_sms_and_its_reminders_are_not_sent() {
    start(Map.of());
    JsonObject a = bookByPhone("2026-12-02T10:00:00+01:00", "06 12 34 56 78");
    visio.withToken("POST", "/api/visio/appointments/" + a.getString("id") + "/cancel", a.getString("manageToken"), null);
    runJobs();
    clock.set(Instant.parse("2026-12-02T08:30:00Z"));
    runJobs();
    assertThat(texts()).hasSize(2);
    assertThat(texts()).anyMatch(t -> t.contains("annulé")).noneMatch(t -> t.contains("rappel"));
  }

  /** Moved, then moved back before the first move's SMS went: her phone is not told of a change that is none. */
  @Test
  void a_move_taken_back_before_its_sms_went_sends_no_sms() {
    start(Map.of());
    JsonObject a = bookByPhone("2026-12-02T10:00:00+01:00", "06 12 34 56 78");
    runJobs();
    for (String start : List.of("2026-12-03T14:00:00+01:00", "2026-12-02T10:00:00+01:00")) {
      assertThat(visio.withToken("POST", "/api/visio/appointments/" + a.getString("id") + "/reschedule",
          a.getString("manageToken"), new JsonObject().put("start", start)).status()).isEqualTo(200);
    }
    runJobs();
    visio.withToken("POST", "/api/visio/appointments/" + a.getString("id") + "/cancel", a.getString("manageToken"), null);
    runJobs();
    assertThat(texts()).as("the confirmation, then the cancellation").hasSize(2);
    assertThat(texts().get(1)).contains("annulé");
  }

  @Test
  void a_short_link_stops_working_when_the_links_are_renewed_or_expire_and_never_leads_elsewhere() {
    start(Map.of());
    JsonObject a = bookByPhone("2026-12-02T10:00:00+01:00", "06 12 34 56 78");
    runJobs();
    String old = shortLink(texts().get(0));

    Api.Response renewed = visio.withToken("POST", "/api/visio/appointments/" + a.getString("id") + "/manage-link",
        a.getString("manageToken"), null);
    assertThat(renewed.status()).isEqualTo(202);
    assertThat(renewed.json().getBoolean("mailed")).as("sent").isTrue();
    assertThat(renewed.json().getString("sentBy")).as("by SMS, she gave no e-mail").isEqualTo("sms");
    runJobs();
    assertThat(texts()).hasSize(2);
    assertThat(texts().get(1)).contains("nouveau lien");
    String fresh = shortLink(texts().get(1));
    assertThat(fresh).isNotEqualTo(old);

    assertThat(location(old)).isEqualTo("/rendez-vous.html?gerer#lien-perdu");
    String token = location(fresh).substring("/rendez-vous.html?gerer#".length());
    assertThat(visio.withToken("GET", "/api/visio/appointments/" + a.getString("id"), token, null).status()).isEqualTo(200);

    String reference = a.getString("reference");
    assertThat(location("/r/" + reference + ".aaaaaaaaaaaaaaaaaaaa")).as("a guessed code").isEqualTo("/rendez-vous.html?gerer#lien-perdu");
    assertThat(location("/r/" + reference)).isEqualTo("/rendez-vous.html?gerer#lien-perdu");
    assertThat(location("/r/%2F%2Fevil.example")).isEqualTo("/rendez-vous.html?gerer#lien-perdu");
    assertThat(location(fresh.toLowerCase())).as("case does not matter to a reader typing it")
        .isEqualTo("/rendez-vous.html?gerer#" + token);

    clock.set(Instant.parse("2027-01-02T10:00:00Z"));
    assertThat(location(fresh)).as("past the manage link's validity").isEqualTo("/rendez-vous.html?gerer#lien-perdu");
  }

  private String location(String path) {
    Api.Response answer = node.api.get(path);
    assertThat(answer.status()).as(path).isEqualTo(302);
    return answer.headers().firstValue("Location").orElseThrow();
  }

  private Row row(String sql) {
    return TestNode.await(node.node().platform().pool().query(sql).execute()).iterator().next();
  }

  private List<String> rows(String sql) {
    List<String> values = new ArrayList<>();
    TestNode.await(node.node().platform().pool().query(sql).execute()).forEach(r -> values.add(r.getString(0)));
    return values;
  }
}
