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
  void a_site_published_over_https_tells_browsers_to_keep_to_it() {
    try (TestNode published = TestNode.start(Map.of("CANTOU_HTTP_PUBLIC_URL", "https://cantou.cantal.fr"))) {
      assertThat(published.api.get("/health").headers().firstValue("Strict-Transport-Security"))
          .hasValue("max-age=31536000; includeSubDomains");
    }
  }
}
