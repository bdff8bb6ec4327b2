package fr.cantou.identity;

import fr.cantou.support.Api;
import fr.cantou.support.Eventually;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A link mail the mail server took whole, but whose "250 OK" never reached the node (the connection cut after the data: a
 * rural line, a server restarting): the job tries it again five minutes later with a new token, and the link in the mail
 * she did receive first still opens (found by the outside review r16: the new token's hash replaced the first one's).
 * Either serves once: the link spent, the other opens nothing.
 */
class PasswordLinkMailRetryTest {
  private static final Pattern LINK = Pattern.compile("https://cantou\\.cantal\\.test/nouveau-mot-de-passe\\.html#([A-Za-z0-9_-]+)");
  private static final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T09:30:00Z"));
  private static final List<String> delivered = new CopyOnWriteArrayList<>();
  private static final AtomicBoolean cutOnce = new AtomicBoolean();
  private static ServerSocket server;
  private static Thread serving;
  private static TestNode node;

  @BeforeAll
  static void start() throws Exception {
    server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    serving = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          Socket client = server.accept();
          Thread t = new Thread(() -> converse(client));
          t.setDaemon(true);
          t.start();
        } catch (Exception e) {
          return;
        }
      }
    });
    serving.setDaemon(true);
    serving.start();
    node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_SMTP_HOST", "127.0.0.1",
        "CANTOU_SMTP_PORT", Integer.toString(server.getLocalPort()), "CANTOU_SMTP_STARTTLS", "disabled",
        "CANTOU_SMTP_FROM", "Cantou <ne-pas-repondre@cantal.test>", "CANTOU_HTTP_PUBLIC_URL", "https://cantou.cantal.test",
        "CANTOU_HTTP_TRUSTED_PROXIES", "127.0.0.1"), clock);
    node.node().stopJobTimers();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
    server.close();
  }

  /**
   * A minimal SMTP server: takes every message whole (kept in {@link #delivered}); the first one that carries a password
   * link is cut right after its data, before the "250" that tells the sender it was taken.
   */
  private static void converse(Socket client) {
    try (client; var in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.ISO_8859_1));
         OutputStream out = client.getOutputStream()) {
      say(out, "220 fake.cantal.test ESMTP");
      String line;
      while ((line = in.readLine()) != null) {
        String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
        switch (verb) {
          case "EHLO", "HELO" -> say(out, "250 fake.cantal.test");
          case "MAIL", "RCPT", "RSET", "NOOP" -> say(out, "250 OK");
          case "QUIT" -> {
            say(out, "221 bye");
            return;
          }
          case "DATA" -> {
            say(out, "354 go on");
            StringBuilder data = new StringBuilder();
            String d;
            while ((d = in.readLine()) != null && !d.equals(".")) {
              data.append(d.startsWith("..") ? d.substring(1) : d).append("\r\n");
            }
            delivered.add(data.toString());
            if (data.toString().contains("nouveau-mot-de-passe") && cutOnce.compareAndSet(false, true)) {
              return; // taken whole, then the line drops before "250"
            }
            say(out, "250 OK queued");
          }
          default -> say(out, "502 not here");
        }
      }
    } catch (Exception e) {
      // the node closed its side
    }
  }

  private static void say(OutputStream out, String reply) throws java.io.IOException {
    out.write((reply + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private static List<String> linksDelivered() {
    List<String> tokens = new java.util.ArrayList<>();
    for (String raw : delivered) {
      try {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()),
            new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)));
        Matcher found = LINK.matcher(PasswordChangeMailTest.text(m));
        if (found.find()) {
          tokens.add(found.group(1));
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return tokens;
  }

  @Test
  void the_link_in_the_first_mail_she_received_still_opens_after_the_job_sends_it_again() throws Exception {
    String email = "dr-retry@murat.test";
    Api.Response made = node.api.post("/api/users", node.adminToken(), new JsonObject().put("email", email)
        .put("role", "doctor").put("displayName", "Dr Anne Retry"));
    assertThat(made.status()).as(made.toString()).isEqualTo(201);

    Eventually.until("her invitation reached the server once, its answer cut", () -> {
      TestNode.await(node.node().runJobs());
      return linksDelivered().size() == 1;
    });
    // The job tries again after its pause: a second mail, with a new token.
    Eventually.until("the job sent it again", () -> {
      clock.advance(Duration.ofMinutes(6));
      TestNode.await(node.node().runJobs());
      return linksDelivered().size() == 2;
    });
    List<String> tokens = linksDelivered();
    assertThat(tokens.get(0)).isNotEqualTo(tokens.get(1));

    // She opens the first mail in her box (both are there; the first is on top when sorted by date, or read first).
    Api.Response first = PasswordLinkRequests.confirm(node.api, tokens.get(0), "mon-jardin-a-Salers-2026", "203.0.113.70");
    assertThat(first.status()).as("the link of a mail she did receive: " + first).isEqualTo(200);
    Api.Response second = PasswordLinkRequests.confirm(node.api, tokens.get(1), "un-autre-jardin-a-Salers", "203.0.113.71");
    assertThat(second.status()).as("the other mail's link, once the link has served: " + second).isEqualTo(410);
  }
}
