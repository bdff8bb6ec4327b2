package fr.cantou.platform;

import fr.cantou.support.Api;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input gets a 4xx problem naming the field, never a stack trace, and writes nothing. */
class BadInputTest {
  static TestNode node;
  static String admin;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    admin = node.adminToken();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  Api.Response createOrganisation(String body) {
    return node.api.send("POST", "/api/organisations", admin, body, Map.of("Content-Type", "application/json"));
  }

  static void assertProblem(Api.Response response, int status, String detailContains) {
    assertThat(response.status()).as(response.toString()).isEqualTo(status);
    assertThat(response.isProblem()).isTrue();
    JsonObject problem = response.json();
    assertThat(problem.getString("type")).isNotBlank();
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("detail")).contains(detailContains);
    assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void an_unknown_field_is_named() {
    assertProblem(createOrganisation("{\"kind\":\"ehpad\",\"name\":\"A\",\"commune\":\"B\",\"colour\":\"red\"}"), 400, "colour");
  }

  @Test
  void a_wrong_type_is_named() {
    var response = createOrganisation("{\"kind\":\"ehpad\",\"name\":42,\"commune\":\"B\"}");
    assertProblem(response, 400, "Invalid field 'name'");
    assertThat(response.detail()).isEqualTo("Invalid field 'name': a text is expected.");
  }

  @Test
  void a_missing_field_is_named() {
    assertProblem(createOrganisation("{\"kind\":\"ehpad\",\"commune\":\"B\"}"), 400, "name");
  }

  @Test
  void a_value_outside_the_enumeration_is_named() {
    assertProblem(createOrganisation("{\"kind\":\"castle\",\"name\":\"A\",\"commune\":\"B\"}"), 400, "kind");
  }

  @Test
  void malformed_json_is_refused() {
    assertProblem(createOrganisation("{\"kind\":\"ehpad\","), 400, "not valid JSON");
    assertProblem(createOrganisation("{\"kind\":\"ehpad\",\"kind\":\"hopital\",\"name\":\"A\",\"commune\":\"B\"}"), 400, "the field 'kind' is given twice");
  }

  @Test
  void bad_utf8_is_refused() {
    byte[] body = "{\"kind\":\"ehpad\",\"name\":\"A\u00ff\",\"commune\":\"B\"}".getBytes(StandardCharsets.ISO_8859_1);
    assertProblem(node.api.sendBytes("POST", "/api/organisations", admin, body, Map.of("Content-Type", "application/json")),
        400, "UTF-8");
  }

  @Test
  void a_body_that_is_not_json_is_refused() {
    var response = node.api.send("POST", "/api/organisations", admin, "kind=ehpad", Map.of("Content-Type", "text/plain"));
    assertProblem(response, 415, "application/json");
  }

  @Test
  void a_body_over_the_limit_is_413() {
    String huge = "{\"kind\":\"ehpad\",\"name\":\"" + "x".repeat(70 * 1024) + "\",\"commune\":\"B\"}";
    assertProblem(createOrganisation(huge), 413, "larger");
  }

  /**
   * A body over the limit that never ends (chunked, its last chunk never sent) is answered 413, and its connection
   * closed a moment later: kept open, it was read for as long as its sender went on (an outside review read 24 GiB in
   * 15 s from one client, signed in or not).
   */
  @Test
  void a_body_over_the_limit_that_never_ends_is_answered_and_its_connection_closed() throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.port())) {
      socket.setSoTimeout(20_000);
      java.io.OutputStream out = socket.getOutputStream();
      out.write(("POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      byte[] chunk = new byte[70 * 1024];
      java.util.Arrays.fill(chunk, (byte) ' ');
      out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.write(chunk);
      out.write("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.flush();
      java.io.InputStream in = socket.getInputStream();
      assertThat(fr.cantou.support.RawHttp.answer(in)).startsWith("HTTP/1.1 413").containsIgnoringCase("connection: close");
      assertThat(in.read()).as("the connection closes, the body never ended").isEqualTo(-1);
    }
  }

  /**
   * An address whose % is not followed by two hexadecimal digits, in its path or in a query an API route reads, failed
   * in Vert.x's own matching of the routes, before any handler of ours: a plain-text "Bad Request", not a problem, and
   * an ERROR line with its stack trace for each such request (a log anyone could fill); in a page's query, Vert.x's
   * own English, "Error while decoding query params". Now a 400 problem in French, an access line and no error.
   */
  @Test
  void a_malformed_address_is_a_400_problem_in_french_an_access_line_and_no_error() throws Exception {
    ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
        org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
        new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    root.addAppender(lines);
    String[] addresses = {"/%ZZ", "/api/visio/appointments/%ZZ", "/js/%E", "/rendez-vous.html?service=%",
        "/api/visio/services/" + java.util.UUID.randomUUID() + "/slots?from=%&to=2026-12-02",
        "/api/visio/services/" + java.util.UUID.randomUUID() + "/slots?from=%ZZ&to=2026-12-02"};
    try {
      for (String address : addresses) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.port())) {
          socket.setSoTimeout(20_000);
          socket.getOutputStream().write(("GET " + address + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: fr\r\n"
              + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
          String answer = fr.cantou.support.RawHttp.answer(socket.getInputStream());
          assertThat(answer).as(address).startsWith("HTTP/1.1 400")
              .containsIgnoringCase("content-type: application/problem+json").containsIgnoringCase("x-content-type-options: nosniff");
          JsonObject problem = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
          assertThat(problem.getString("detail")).as(address).isEqualTo("L’adresse de la requête est mal formée.");
        }
      }
      // The access line of the last one is written once its answer is: waited for, then nothing worse was said.
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
      while (fr.cantou.support.LogLines.messages(lines).stream().filter(m -> m.contains("path=(malformed) status=400")).count()
          < addresses.length && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    } finally {
      root.detachAppender(lines);
    }
    assertThat(fr.cantou.support.LogLines.messages(lines)).filteredOn(m -> m.contains("path=(malformed) status=400"))
        .hasSize(addresses.length);
    assertThat(fr.cantou.support.LogLines.of(lines)).noneMatch(line -> line.getLevel().isGreaterOrEqual(
        ch.qos.logback.classic.Level.WARN));
  }

  @Test
  void nothing_is_written_by_a_refused_request() {
    createOrganisation("{\"kind\":\"ehpad\",\"name\":\"Refused\",\"commune\":\"B\",\"extra\":1}");
    var all = node.api.get("/api/organisations", admin).array();
    assertThat(all.stream().map(o -> ((JsonObject) o).getString("name"))).doesNotContain("Refused");
  }
}
