package fr.cantou.platform;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import fr.cantou.platform.config.CantouConfig;
import fr.cantou.platform.log.LogFormat;
import fr.cantou.support.Api;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A request id on every log line of a request, in its problem document and its response; JSON lines when asked. */
class LogsTest {

  @Test
  void every_line_of_a_request_and_its_problem_carry_its_id() throws Exception {
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    OutputStreamAppender<ILoggingEvent> capture = capture(lines);
    try (TestNode node = TestNode.start()) {
      Api.Response fine = node.api.send("GET", "/api/visio/services", null, null, Map.of("X-Request-Id", "proxy-7f3a.1"));
      assertThat(fine.headers().firstValue("X-Request-Id")).hasValue("proxy-7f3a.1");
      Api.Response forged = node.api.send("GET", "/health", null, null, Map.of("X-Request-Id", "a b\"c"));
      assertThat(forged.headers().firstValue("X-Request-Id").orElseThrow()).matches("[0-9a-f]{24}");

      // The database refuses the node: the request fails after a hop to the pool and back, and logs why.
      String database = node.database().database();
      sql(node, "ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
      sql(node, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'");
      try {
        Api.Response failed = node.api.send("GET", "/api/visio/points", null, null, Map.of("X-Request-Id", "req-down-1"));
        assertThat(failed.status()).isGreaterThanOrEqualTo(500);
        assertThat(failed.json().getString("requestId")).isEqualTo("req-down-1");
        assertThat(failed.headers().firstValue("X-Request-Id")).hasValue("req-down-1");
      } finally {
        sql(node, "ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
      }
      Api.Response missing = node.api.get("/api/no-such-thing");
      assertThat(missing.json().getString("requestId")).isEqualTo(missing.headers().firstValue("X-Request-Id").orElseThrow());
    } finally {
      root().detachAppender(capture);
      capture.stop();
    }
    List<String> logged = lines.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(logged).anyMatch(line -> line.startsWith("proxy-7f3a.1|access|method=GET path=/api/visio/services status=200"));
    List<String> ofFailure = logged.stream().filter(line -> line.startsWith("req-down-1|")).toList();
    assertThat(ofFailure).as("the failure's lines").anyMatch(line -> line.startsWith("req-down-1|ProblemHandler|event=request_failed"))
        .anyMatch(line -> line.startsWith("req-down-1|access|method=GET path=/api/visio/points status=5"));
    assertThat(logged).as("every line of a request names it")
        .filteredOn(line -> line.contains("|access|") || line.contains("|ProblemHandler|"))
        .noneMatch(line -> line.startsWith("|"));
  }

  @Test
  void json_lines_when_configured() {
    PrintStream console = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TestNode node = TestNode.start()) {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      LogFormat.apply(new CantouConfig.Log("json"));
      node.api.send("GET", "/health", null, null, Map.of("X-Request-Id", "json-line-1"));
    } finally {
      LogFormat.apply(new CantouConfig.Log("text"));
      System.setOut(console);
    }
    JsonObject line = out.toString(StandardCharsets.UTF_8).lines().map(JsonObject::new)
        .filter(json -> "json-line-1".equals(json.getString("requestId"))).findFirst().orElseThrow();
    assertThat(line.getString("logger_name")).isEqualTo("cantou.access");
    assertThat(line.getString("level")).isEqualTo("INFO");
    assertThat(line.getString("message")).startsWith("method=GET path=/health status=200");
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  /** Every line, rendered as it is logged (on the logging thread, where the request's id is known). */
  private static OutputStreamAppender<ILoggingEvent> capture(ByteArrayOutputStream into) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%requestId|%logger{0}|%msg%n");
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(into);
    appender.start();
    root().addAppender(appender);
    return appender;
  }

  private static void sql(TestNode node, String statement) throws Exception {
    var admin = node.database().withDatabase("postgres");
    try (var connection = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password());
         var st = connection.createStatement()) {
      st.execute(statement);
    }
  }
}
