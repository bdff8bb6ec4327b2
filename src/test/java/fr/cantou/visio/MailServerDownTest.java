package fr.cantou.visio;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The mail server is down when mails are due: they wait, and go once it is back, each once. */
class MailServerDownTest {

  @Test
  void mails_wait_for_the_server_and_go_once_when_it_returns() throws Exception {
    int port = freePort();
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
    Map<String, String> smtp = smtp(port);
    GreenMail server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    try (TestNode node = TestNode.start(TestDatabase.fresh(), smtp, clock)) {
      VisioTerritory visio = new VisioTerritory(node);
      List<String> references = new ArrayList<>();
      for (String start : List.of("2026-12-01T10:00:00+01:00", "2026-12-01T11:00:00+01:00", "2026-12-01T14:00:00+01:00")) {
        references.add(visio.book(start).json().getString("reference"));
      }
      TestNode.await(node.node().runJobs());

      server.start();
      TestNode.await(node.node().runJobs());
      assertThat(server.getReceivedMessages()).as("a failed mail waits before it is tried again").isEmpty();
      clock.advance(Duration.ofMinutes(6));
      TestNode.await(node.node().runJobs());
      assertThat(server.waitForIncomingEmail(5_000, 3)).isTrue();
      clock.advance(Duration.ofMinutes(6));
      TestNode.await(node.node().runJobs());

      List<String> subjects = Arrays.stream(server.getReceivedMessages()).map(MailServerDownTest::subject).toList();
      assertThat(subjects).as("each confirmation once").hasSize(3);
      for (String reference : references) {
        assertThat(Arrays.stream(server.getReceivedMessages()).filter(m -> body(m).contains(reference))).hasSize(1);
      }
    } finally {
      server.stop();
    }
  }

  @Test
  void a_run_against_a_server_that_is_down_stops_after_its_first_batch() throws Exception {
    int port = freePort();
    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
    Map<String, String> settings = new java.util.HashMap<>(smtp(port));
    settings.put("CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_ADDRESS", "100");
    settings.put("CANTOU_VISIO_ANONYMOUS_BOOKINGS_PER_CONTACT", "100");
    try (TestNode node = TestNode.start(TestDatabase.fresh(), settings, clock)) {
      // Only the run below: on a loaded machine the 25 bookings outlast the timers' first period, whose run took some.
      node.node().stopJobTimers();
      VisioTerritory visio = new VisioTerritory(node);
      // 25 confirmations due, more than one batch of 20, and nothing listening on the mail server's port.
      for (int i = 0; i < 25; i++) {
        int minutes = 8 * 60 + 30 * (i % 20);
        visio.book("2026-12-%02dT%02d:%02d:00+01:00".formatted(1 + i / 20, minutes / 60, minutes % 60));
      }
      TestNode.await(node.node().runJobs());
      long tried = TestNode.await(node.node().platform().pool().query(
              "SELECT count(*) AS n FROM visio_mail WHERE channel = 'mail' AND kind = 'confirmation' AND attempts > 0")
          .execute()).iterator().next().getLong("n");
      assertThat(tried).as("confirmations tried by one run while the server is down").isEqualTo(20);
    }
  }

  /** A port nothing listens on (until the test starts its mail server there). */
  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  private static Map<String, String> smtp(int port) {
    return Map.of("CANTOU_SMTP_HOST", "127.0.0.1", "CANTOU_SMTP_PORT", Integer.toString(port),
        "CANTOU_SMTP_STARTTLS", "disabled", "CANTOU_SMTP_FROM", "Cantou <ne-pas-repondre@cantal.test>");
  }

  private static String subject(MimeMessage message) {
    try {
      return message.getSubject();
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String body(MimeMessage message) {
    try (java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream()) {
      message.writeTo(out);
      return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
