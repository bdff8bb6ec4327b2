package fr.cantou.visio;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import fr.cantou.support.LogLines;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outside review r24 (session 38, privacy): a mail server that refuses a recipient says so with her address (Postfix:
 * "550 5.1.1 &lt;jeanne@…&gt;: Recipient address rejected: User unknown"). Cantou keeps the server's words as the
 * message's {@code last_error} and writes them in its WARN line. The SMS sender already keeps a provider's body out
 * ("it may repeat the number"); the mail job does not: the citizen's address outlives her appointment's retention
 * (an appointment's message rows have none) and her erasure, in the database and in the node's log.
 */
class RefusedMailAddressTest {
  private static final String ADDRESS = "jeanne.vidal@example.fr";

  @Test
  void a_refused_recipients_address_is_kept_neither_in_the_queue_after_the_retention_nor_in_the_log() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
    try (RefusingSmtp smtp = new RefusingSmtp(); TestNode node = sendingTo(smtp, clock)) {
      VisioTerritory visio = new VisioTerritory(node);
      JsonObject booked = visio.book("2026-12-01T10:00:00+01:00").json();
      String id = booked.getString("id");

      Logger log = (Logger) LoggerFactory.getLogger(MailJob.class);
      ListAppender<ILoggingEvent> lines = new ListAppender<>();
      lines.start();
      log.addAppender(lines);
      try {
        TestNode.await(node.node().runJobs());
        for (int run = 0; run < MailJob.MAX_ATTEMPTS; run++) {
          clock.advance(Duration.ofMinutes(6));
          TestNode.await(node.node().runJobs());
        }
      } finally {
        log.detachAppender(lines);
      }
      assertThat(smtp.refusals).as("the server was asked and refused her").isPositive();
      String logged = String.join("\n", LogLines.messages(lines));

      // Past visio.citizenDataDays (30) after the appointment's end: the retention erased her.
      clock.set(Instant.parse("2027-01-15T12:00:00Z"));
      TestNode.await(node.node().runJobs());
      assertThat(node.api.get("/api/visio/appointments/" + id, visio.agent).body()).as("the retention erased her")
          .doesNotContain(ADDRESS);
      String kept = String.valueOf(TestNode.await(node.node().platform().pool()
          .query("SELECT string_agg(coalesce(last_error, ''), ' | ') AS e FROM visio_mail WHERE appointment_id = '" + id + "'")
          .execute()).iterator().next().getString("e"));

      org.assertj.core.api.SoftAssertions.assertSoftly(soft -> {
        soft.assertThat(kept).as("the queue's rows of her erased appointment").doesNotContain(ADDRESS);
        soft.assertThat(logged).as("the node's WARN lines").doesNotContain(ADDRESS);
      });
    }
  }

  /**
   * The same for a guest of a teleconsultation: Cantou keeps only her contact's mask (V63) and erases her name with the
   * patient's data, but a refused invitation's WARN line holds her whole address, for as long as the logs are kept.
   */
  @Test
  void a_guests_refused_invitation_logs_no_address() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
    try (RefusingSmtp smtp = new RefusingSmtp(); TestNode node = sendingTo(smtp, clock)) {
      fr.cantou.support.CareTerritory care = new fr.cantou.support.CareTerritory(node);
      String id = care.create(fr.cantou.support.CareTerritory.request("geriatrie", "normal")).getString("id");
      assertThat(node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null).status()).isEqualTo(200);

      Logger log = (Logger) LoggerFactory.getLogger("fr.cantou.teleconsult.GuestInvitations");
      ListAppender<ILoggingEvent> lines = new ListAppender<>();
      lines.start();
      log.addAppender(lines);
      fr.cantou.support.Api.Response invited;
      try {
        invited = node.api.post("/api/teleconsultations/" + id + "/guests", care.nurse, new JsonObject()
            .put("name", "Ana Lopes").put("role", "interpreter").put("email", "ana.lopes@example.fr")
            .put("consent", new JsonObject().put("given", true).put("by", "patient")));
      } finally {
        log.detachAppender(lines);
      }
      assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
      assertThat(smtp.refusals).as("the server was asked and refused her").isPositive();
      assertThat(String.join("\n", LogLines.messages(lines))).as("the node's WARN line").isNotEmpty()
          .doesNotContain("ana.lopes@example.fr");
    }
  }

  /** A node whose mails go to {@code smtp}, its jobs run by the test only. */
  private static TestNode sendingTo(RefusingSmtp smtp, MutableClock clock) {
    TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_SMTP_HOST", "127.0.0.1",
        "CANTOU_SMTP_PORT", Integer.toString(smtp.port()), "CANTOU_SMTP_STARTTLS", "disabled",
        "CANTOU_SMTP_FROM", "Cantou <ne-pas-repondre@cantal.test>"), clock);
    node.node().stopJobTimers();
    return node;
  }

  /** An SMTP server that greets, then refuses every recipient naming her, as Postfix does. */
  static final class RefusingSmtp implements AutoCloseable {
    final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    volatile int refusals;
    private final Thread accepting = new Thread(this::accept, "refusing-smtp");

    RefusingSmtp() throws java.io.IOException {
      accepting.setDaemon(true);
      accepting.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          Thread t = new Thread(() -> serve(s), "refusing-smtp-conn");
          t.setDaemon(true);
          t.start();
        } catch (java.io.IOException e) {
          return;
        }
      }
    }

    private void serve(Socket s) {
      try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
           OutputStream out = s.getOutputStream()) {
        write(out, "220 mx.example.fr ESMTP");
        String line;
        while ((line = in.readLine()) != null) {
          String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line;
          switch (verb) {
            case "EHLO", "HELO" -> write(out, "250 mx.example.fr");
            case "MAIL" -> write(out, "250 2.1.0 Ok");
            case "RCPT" -> {
              String to = line.substring(line.indexOf('<') + 1, line.indexOf('>'));
              refusals++;
              write(out, "550 5.1.1 <" + to + ">: Recipient address rejected: User unknown in virtual mailbox table");
            }
            case "QUIT" -> {
              write(out, "221 2.0.0 Bye");
              return;
            }
            default -> write(out, "250 2.0.0 Ok");
          }
        }
      } catch (java.io.IOException | RuntimeException e) {
        // the client went
      }
    }

    private static void write(OutputStream out, String line) throws java.io.IOException {
      out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    @Override
    public void close() throws java.io.IOException {
      server.close();
    }
  }
}
