package fr.cantou.platform;

import fr.cantou.support.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HealthTest {
  static TestNode node;

  @BeforeAll
  static void start() {
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void health_answers_while_the_process_lives() {
    assertThat(node.api.get("/health").status()).isEqualTo(200);
  }

  @Test
  void ready_answers_200_while_the_database_answers() {
    var ready = node.api.get("/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().getString("database")).isEqualTo("up");
  }

  @Test
  void unknown_api_paths_are_problem_documents() {
    var response = node.api.get("/api/no-such-thing");
    assertThat(response.status()).isEqualTo(404);
    assertThat(response.isProblem()).isTrue();
  }

  @Test
  void every_answer_carries_the_security_headers() {
    var response = node.api.get("/health");
    assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(response.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("frame-src https://meet.jit.si").contains("default-src 'self'");
    assertThat(response.headers().firstValue("Strict-Transport-Security")).as("served over plain http here").isEmpty();
  }

  @Test
  void a_request_dressed_as_a_websocket_upgrade_elsewhere_than_ws_gets_the_headers_and_its_access_line() throws Exception {
    ch.qos.logback.classic.Logger access = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("cantou.access");
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    access.addAppender(lines);
    try {
      String head = rawGet("/rendez-vous.html", "Connection: Upgrade\r\nUpgrade: websocket\r\n");
      assertThat(head).startsWith("HTTP/1.1 200");
      assertThat(head.toLowerCase(java.util.Locale.ROOT)).contains("content-security-policy: ").contains("x-content-type-options: nosniff");
      fr.cantou.support.Eventually.until("its access line", () -> fr.cantou.support.LogLines.of(lines).stream()
          .anyMatch(e -> e.getFormattedMessage().contains("path=/rendez-vous.html") && e.getFormattedMessage().contains("status=200")));
    } finally {
      access.detachAppender(lines);
    }
  }

  /** The head of an answer to a GET written by hand (java.net.http refuses to send Connection and Upgrade). */
  private static String rawGet(String path, String headers) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: cantou\r\n" + headers + "\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return fr.cantou.support.RawHttp.head(socket.getInputStream());
    }
  }

  @Test
  void a_site_published_over_https_tells_browsers_to_keep_to_it() {
    try (TestNode published = TestNode.start(Map.of("CANTOU_HTTP_PUBLIC_URL", "https://cantou.cantal.fr"))) {
      assertThat(published.api.get("/health").headers().firstValue("Strict-Transport-Security"))
          .hasValue("max-age=31536000; includeSubDomains");
    }
  }
}
