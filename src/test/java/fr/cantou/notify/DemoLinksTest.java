package fr.cantou.notify;

import fr.cantou.support.Eventually;
import fr.cantou.support.TestNode;
import fr.cantou.support.WatchedLogger;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README's demo sends no mail and no SMS (no SMTP host, no provider): they went to the log as a kind and a masked
 * recipient only, and a tester could not follow the citizen's journey past her booking page (the demo's bookings by
 * phone, a link renewed, an offer of the waiting list). In the demo, and only there, each link of such a message is
 * written too.
 */
class DemoLinksTest {
  private static final java.time.Duration SENT_WITHIN = java.time.Duration.ofSeconds(30);

  @Test
  void in_the_demo_the_log_gives_the_manage_link_of_a_booking_and_the_short_link_of_its_sms() {
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (WatchedLogger mail = WatchedLogger.of("cantou.mail"); WatchedLogger sms = WatchedLogger.of("cantou.sms");
         TestNode node = TestNode.start(Map.of("CANTOU_DEMO", "true", "CANTOU_DEMO_PASSWORD", "demo-password-1",
             "CANTOU_DEMO_ACTIVITY", "false"))) {
      JsonObject byMail = book(node, new JsonObject().put("name", "Odette Lavergne").put("email", "odette.lavergne@example.fr"));
      JsonObject byPhone = book(node, new JsonObject().put("name", "Fernand Lavergne").put("phone", "06 39 98 15 01"));
      String manageLink = "/rendez-vous.html?gerer#" + byMail.getString("manageToken");
      // Sent by the node's mail and SMS jobs: a longer limit than the usual, which costs a passing run nothing.
      Eventually.until("her confirmation's manage link in the log", SENT_WITHIN, () -> mail.lines().stream()
          .anyMatch(line -> line.startsWith("event=demo_link channel=mail to=o***@example.fr link=http")
              && line.endsWith(manageLink)));
      Eventually.until("his SMS's short link in the log", SENT_WITHIN, () -> sms.lines().stream()
          .anyMatch(line -> line.startsWith("event=demo_link channel=sms to=+*********01 link=http")
              && line.contains("/r/" + byPhone.getString("reference") + ".")));
      lines.addAll(mail.lines());
    }
    assertThat(lines).anyMatch(line -> line.startsWith("event=mail_not_sent"));
  }

  @Test
  void outside_the_demo_no_link_is_written() {
    try (WatchedLogger mail = WatchedLogger.of("cantou.mail"); WatchedLogger sms = WatchedLogger.of("cantou.sms")) {
      String text = "Votre rendez-vous : https://cantou.example/rendez-vous.html?gerer#abc.def";
      new LogMailer(false).send(new MailMessage("odette@example.fr", "Rendez-vous", text, null));
      new LogSmsSender(false).send(new SmsMessage("+33639981501", "RDV CPAM : https://cantou.example/r/CPAM-X.k3"));
      // Written at once, on this thread: the kind and masked recipient are there, never a link.
      assertThat(mail.lines()).singleElement().asString().startsWith("event=mail_not_sent").doesNotContain("http");
      assertThat(sms.lines()).singleElement().asString().startsWith("event=sms_not_sent").doesNotContain("http");
    }
  }

  @Test
  void a_link_ends_before_the_punctuation_that_follows_it() {
    assertThat(DemoLinks.in("Votre lien : https://cantou.example/r/CPAM-AB12.k3J. Gérer : "
        + "https://cantou.example/rendez-vous.html?gerer#9f.x_Y-z), merci")).containsExactly(
        "https://cantou.example/r/CPAM-AB12.k3J", "https://cantou.example/rendez-vous.html?gerer#9f.x_Y-z");
    assertThat(DemoLinks.in("Sans lien.")).isEmpty();
  }

  private static JsonObject book(TestNode node, JsonObject citizen) {
    String service = node.api.get("/api/visio/services").array().stream().map(JsonObject.class::cast)
        .filter(s -> s.getString("name").startsWith("Carte Vitale")).findFirst().orElseThrow().getString("id");
    java.time.LocalDate from = java.time.LocalDate.now(java.time.ZoneId.of("Europe/Paris")).plusDays(3);
    String start = node.api.get("/api/visio/services/" + service + "/slots?from=" + from + "&to=" + from.plusDays(6)).array()
        .getJsonObject(0).getString("start");
    var booked = node.api.post("/api/visio/appointments", new JsonObject().put("serviceId", service).put("start", start)
        .put("citizen", citizen));
    assertThat(booked.status()).as(booked.toString()).isEqualTo(201);
    return booked.json();
  }
}
