package fr.cantou.visio;

import fr.cantou.support.Api;
import fr.cantou.support.Eventually;
import fr.cantou.support.MutableClock;
import fr.cantou.support.SmsProviderStandIn;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "A lost link is not a lost appointment": the reference and the contact booked with bring a new
 * manage link to that contact, and the old one stops working; the answer never says whether
 * anything matched; requests are limited and audited.
 */
class LostLinkTest {
  private static final String SENTENCE = "Si ces informations correspondent à un rendez-vous, un nouveau lien vient d'être envoyé.";

  MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
  SmsProviderStandIn provider = new SmsProviderStandIn();
  TestNode node;
  VisioTerritory visio;

  @BeforeEach
  void start() {
    node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_SMS_URL", provider.url(),
        "CANTOU_HTTP_PUBLIC_URL", "https://cantou.cantal.test", "CANTOU_HTTP_TRUSTED_PROXIES", "127.0.0.1",
        "CANTOU_VISIO_LOST_LINKS_PER_ADDRESS", "5"), clock);
    visio = new VisioTerritory(node);
  }

  @AfterEach
  void stop() {
    node.close();
    provider.close();
  }

  JsonObject book(String start, JsonObject citizen) {
    Api.Response booked = node.api.post("/api/visio/appointments", new JsonObject().put("serviceId", visio.serviceId)
        .put("start", start).put("citizen", citizen.put("name", "Jeanne Vidal")));
    assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
    return booked.json();
  }

  Api.Response ask(String reference, String contact, String from) {
    return node.api.send("POST", "/api/visio/lost-link", null, new JsonObject().put("reference", reference)
        .put("contact", contact).encode(), Map.of("Content-Type", "application/json", "X-Forwarded-For", from));
  }

  int status(JsonObject a, String token) {
    return visio.withToken("GET", "/api/visio/appointments/" + a.getString("id"), token, null).status();
  }

  List<String> trail() {
    List<String> lines = new ArrayList<>();
    JsonArray items = node.api.get("/api/admin/audit?limit=200&kind=change", visio.admin).json().getJsonArray("items");
    items.forEach(i -> {
      JsonObject e = (JsonObject) i;
      lines.add(e.getString("action") + " " + e.getString("itemId") + " " + e.getString("address"));
    });
    return lines;
  }

  @Test
  void a_citizen_who_gives_her_reference_and_her_number_written_another_way_gets_a_new_link_by_sms() {
    JsonObject a = book("2026-12-02T10:00:00+01:00", new JsonObject().put("phone", "06 12 34 56 78"));
    TestNode.await(node.node().runJobs());
    assertThat(provider.received()).hasSize(1);

    Api.Response answer = ask(a.getString("reference").toLowerCase(), "+33 6.12.34.56.78", "203.0.113.7");
    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.json().getString("message")).isEqualTo(SENTENCE);

    Eventually.until("the old link stops working", () -> status(a, a.getString("manageToken")) == 403);
    TestNode.await(node.node().runJobs());
    assertThat(provider.received()).hasSize(2);
    String text = provider.received().get(1).json().getString("text");
    assertThat(text).contains("nouveau lien").contains(a.getString("reference"));
    Matcher link = Pattern.compile("https://cantou\\.cantal\\.test(/r/\\S+)").matcher(text);
    assertThat(link.find()).isTrue();
    String location = node.api.get(link.group(1)).headers().firstValue("Location").orElseThrow();
    assertThat(status(a, location.substring("/rendez-vous.html?gerer#".length()))).as("the new link").isEqualTo(200);
    assertThat(answer.body()).doesNotContain(location.substring("/rendez-vous.html?gerer#".length()));
    assertThat(trail()).contains("appointment.link_renewed " + a.getString("id") + " 203.0.113.7");
  }

  @Test
  void an_address_in_another_case_gets_the_new_link_by_mail_only() {
    JsonObject a = book("2026-12-02T10:00:00+01:00", new JsonObject().put("email", "jeanne.vidal@example.fr")
        .put("phone", "06 12 34 56 78"));
    TestNode.await(node.node().runJobs());
    assertThat(ask(a.getString("reference"), " Jeanne.Vidal@Example.FR ", "203.0.113.8").status()).isEqualTo(202);
    Eventually.until("the old link stops working", () -> status(a, a.getString("manageToken")) == 403);
    TestNode.await(node.node().runJobs());
    List<String> sent = new ArrayList<>();
    TestNode.await(node.node().platform().pool().query("SELECT channel || ':' || kind FROM visio_mail WHERE kind = 'new_link'")
        .execute()).forEach(r -> sent.add(r.getString(0)));
    assertThat(sent).as("sent where she asked, not to her phone").containsExactly("mail:new_link");
    assertThat(provider.received()).as("only the confirmation by SMS").hasSize(1);
  }

  @Test
  void a_contact_or_a_reference_that_does_not_match_gets_the_same_answer_and_changes_nothing() {
    JsonObject a = book("2026-12-02T10:00:00+01:00", new JsonObject().put("phone", "06 12 34 56 78"));
    JsonObject other = book("2026-12-02T11:00:00+01:00", new JsonObject().put("email", "paul@example.fr"));
    Api.Response wrongContact = ask(a.getString("reference"), "06 12 34 56 79", "203.0.113.9");
    Api.Response wrongReference = ask("CAF-ZZZZZ", "06 12 34 56 78", "203.0.113.9");
    Api.Response anotherOnesContact = ask(a.getString("reference"), "paul@example.fr", "203.0.113.9");
    for (Api.Response answer : List.of(wrongContact, wrongReference, anotherOnesContact)) {
      assertThat(answer.status()).isEqualTo(202);
      assertThat(answer.body()).isEqualTo(wrongContact.body());
      assertThat(answer.json().getString("message")).isEqualTo(SENTENCE);
    }
    Eventually.until("the three requests are in the trail", () -> trail().stream()
        .filter(l -> l.startsWith("appointment.link_request_unmatched")).count() == 3);
    assertThat(trail()).contains("appointment.link_request_unmatched CAF-ZZZZZ 203.0.113.9");
    assertThat(status(a, a.getString("manageToken"))).isEqualTo(200);
    assertThat(status(other, other.getString("manageToken"))).isEqualTo(200);
    TestNode.await(node.node().runJobs());
    assertThat(provider.received().stream().map(r -> r.json().getString("text"))).noneMatch(t -> t.contains("nouveau lien"));
  }

  @Test
  void requests_from_many_addresses_that_match_nothing_write_a_bounded_number_of_lines_a_minute_and_a_match_always_one() {
    // Ten requests an hour per address: a botnet, or an IPv6 /48 of 65,536 /64s, wrote a line of the trail per request
    // without end (failed sign-ins are bounded alike, auth.signInLinesPerMinute).
    node.close();
    node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_SMS_URL", provider.url(),
        "CANTOU_HTTP_TRUSTED_PROXIES", "127.0.0.1", "CANTOU_VISIO_LOST_LINK_LINES_PER_MINUTE", "3"), clock);
    visio = new VisioTerritory(node);
    JsonObject a = book("2026-12-02T10:00:00+01:00", new JsonObject().put("phone", "06 12 34 56 78"));
    for (int i = 1; i <= 5; i++) {
      assertThat(ask("CAF-ZZZZ" + i, "06 12 34 56 78", "198.51.100." + i).status()).isEqualTo(202);
    }
    Eventually.until("the five requests are counted", () -> TestNode.await(node.node().platform().pool()
        .query("SELECT coalesce((SELECT count FROM rate_limit WHERE key = 'audit:lost_link_unmatched'), 0) AS n").execute())
        .iterator().next().getInteger("n") == 5);
    assertThat(trail().stream().filter(l -> l.startsWith("appointment.link_request_unmatched"))).hasSize(3);
    assertThat(trail().stream().filter(l -> l.startsWith("appointment.link_request_unwritten"))).hasSize(1);

    assertThat(ask(a.getString("reference"), "06 12 34 56 78", "198.51.100.9").status()).isEqualTo(202);
    Eventually.until("her own request is in the trail", () -> trail().contains(
        "appointment.link_renewed " + a.getString("id") + " 198.51.100.9"));
  }

  @Test
  void requests_are_limited_per_address_and_renewals_per_reference_so_strangers_never_lock_the_citizen_out() {
    JsonObject a = book("2026-12-02T10:00:00+01:00", new JsonObject().put("phone", "06 12 34 56 78"));
    for (int i = 0; i < 3; i++) {
      assertThat(ask(a.getString("reference"), "06 00 00 00 0" + i, "203.0.113.20").status()).isEqualTo(202);
    }
    // Three strangers' requests matched nothing: the citizen still gets her new link.
    String token = a.getString("manageToken");
    assertThat(ask(a.getString("reference"), "06 12 34 56 78", "203.0.113.21").status()).isEqualTo(202);
    Eventually.until("the old link stops working", () -> status(a, token) == 403);
    // Renewals of one appointment are few an hour: past them, the same answer and nothing renewed.
    for (int i = 0; i < 2; i++) {
      assertThat(ask(a.getString("reference"), "06 12 34 56 78", "203.0.113.2" + (2 + i)).status()).isEqualTo(202);
    }
    Eventually.until("three renewals", () -> trail().stream().filter(l -> l.startsWith("appointment.link_renewed")).count() == 3);
    assertThat(ask(a.getString("reference"), "06 12 34 56 78", "203.0.113.25").status()).isEqualTo(202);
    Eventually.until("the fourth one written, not renewed", () -> trail().stream()
        .anyMatch(l -> l.startsWith("appointment.link_request_over_limit")));
    assertThat(trail().stream().filter(l -> l.startsWith("appointment.link_renewed"))).hasSize(3);

    for (int i = 0; i < 5; i++) {
      assertThat(ask("CAF-AAAA" + i, "x" + i + "@example.fr", "203.0.113.30").status()).isEqualTo(202);
    }
    assertThat(ask("CAF-BBBBB", "y@example.fr", "203.0.113.30").status()).as("a sixth from one address").isEqualTo(429);
    assertThat(ask("CAF-BBBBB", "y@example.fr", "203.0.113.31").status()).as("another address").isEqualTo(202);
  }

  @Test
  void a_reference_typed_with_spaces_or_a_dot_for_its_hyphen_is_the_same_reference_and_the_answer_still_says_nothing() {
    JsonObject a = book("2026-12-02T10:00:00+01:00", new JsonObject().put("phone", "06 12 34 56 78"));
    String[] parts = a.getString("reference").split("-");
    String token = a.getString("manageToken");
    Api.Response spaces = ask(parts[0].toLowerCase() + "  " + parts[1].toLowerCase() + " ", "06 12 34 56 78", "203.0.113.50");
    assertThat(spaces.status()).as(spaces.toString()).isEqualTo(202);
    assertThat(spaces.json().getString("message")).isEqualTo(SENTENCE);
    Eventually.until("the old link stops working", () -> status(a, token) == 403);
    assertThat(ask(parts[0] + "." + parts[1], "06 12 34 56 78", "203.0.113.50").status()).isEqualTo(202);
    Eventually.until("renewed again, by the reference written with a dot", () -> trail().stream()
        .filter(l -> l.startsWith("appointment.link_renewed")).count() == 2);

    // Not matched, written alike: the same answer, and the trail holds the reference as on a convocation.
    Api.Response unmatched = ask("caf zzzzz", "06 12 34 56 78", "203.0.113.50");
    assertThat(unmatched.status()).isEqualTo(202);
    assertThat(unmatched.body()).isEqualTo(spaces.body());
    Eventually.until("the request in the trail", () -> trail().contains("appointment.link_request_unmatched CAF-ZZZZZ 203.0.113.50"));
    assertThat(ask("CAF - 7K3Q9 - 1", "06 12 34 56 78", "203.0.113.50").status()).as("three parts are no reference").isEqualTo(400);
  }

  /**
   * Booked with a landline: no SMS reaches it, so no new link is made for it (renewed, her link stopped working and
   * the new one went where nothing arrives). Said of the number typed, it tells nothing of any appointment.
   */
  @Test
  void a_landline_is_refused_and_her_link_keeps_working() {
    JsonObject a = book("2026-12-02T10:00:00+01:00", new JsonObject().put("phone", "04 71 48 12 12"));
    TestNode.await(node.node().runJobs());
    Api.Response answer = node.api.send("POST", "/api/visio/lost-link", null, new JsonObject()
        .put("reference", a.getString("reference")).put("contact", "04 71 48 12 12").encode(),
        Map.of("Content-Type", "application/json", "X-Forwarded-For", "203.0.113.41", "Accept-Language", "fr"));
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().getString("field")).isEqualTo("contact");
    assertThat(answer.detail()).contains("ne peut pas être envoyé à un téléphone fixe");
    // A mobile's request, answered after it, goes through the same service: the landline's was refused before.
    Api.Response mobile = ask(a.getString("reference"), "06 12 34 56 79", "203.0.113.41");
    assertThat(mobile.status()).isEqualTo(202);
    Eventually.until("the mobile's request, which matches nothing, is in the trail",
        () -> trail().contains("appointment.link_request_unmatched " + a.getString("reference") + " 203.0.113.41"));
    assertThat(status(a, a.getString("manageToken"))).as("her link").isEqualTo(200);
    TestNode.await(node.node().runJobs());
    assertThat(provider.received()).isEmpty();
    assertThat(trail()).noneMatch(line -> line.startsWith("appointment.link_renewed"));
  }

  @Test
  void a_malformed_request_is_refused_with_the_field_named() {
    Api.Response noReference = ask("pas une référence", "06 12 34 56 78", "203.0.113.40");
    assertThat(noReference.status()).isEqualTo(400);
    assertThat(noReference.json().getString("field")).isEqualTo("reference");
    Api.Response noContact = ask("CAF-7K3Q9", "ni un mail ni un numéro", "203.0.113.40");
    assertThat(noContact.status()).isEqualTo(400);
    assertThat(noContact.json().getString("field")).isEqualTo("contact");
    Map<String, String> headers = new HashMap<>(Map.of("Content-Type", "application/json", "Accept-Language", "fr"));
    Api.Response french = node.api.send("POST", "/api/visio/lost-link", null,
        new JsonObject().put("reference", "CAF-7K3Q9").put("contact", "?").encode(), headers);
    assertThat(french.json().getString("detail")).startsWith("Champ « contact » invalide");
  }
}
