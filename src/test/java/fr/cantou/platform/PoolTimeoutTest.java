package fr.cantou.platform;

import fr.cantou.support.Api;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node whose pool (one connection here) is all taken answers 503 with {@code Retry-After} once a
 * request has waited the pool's time for a connection: the database is busy, nothing is wrong with
 * the request, so not a 500 (issue 12, item 8).
 */
class PoolTimeoutTest {

  @Test
  void a_request_that_waits_too_long_for_a_connection_gets_503_with_retry_after_in_french_and_english() {
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_DATABASE_POOL_SIZE", "1"), Clock.systemUTC())) {
      assertThat(node.api.get("/api/visio/services").status()).isEqualTo(200);
      // The test takes the pool's only connection and keeps it.
      SqlConnection held = TestNode.await(node.node().platform().pool().getConnection());
      try {
        Api.Response french = node.api.send("GET", "/api/visio/services", null, null, Map.of("Accept-Language", "fr"));
        assertThat(french.status()).as("the database busy: try again, not a server error").isEqualTo(503);
        assertThat(french.isProblem()).isTrue();
        assertThat(french.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(french.detail()).isEqualTo(
            "Le service ne peut pas joindre sa base de données pour le moment ; veuillez réessayer dans un instant.");
        Api.Response english = node.api.send("GET", "/api/visio/services", null, null, Map.of("Accept-Language", "en"));
        assertThat(english.status()).isEqualTo(503);
        assertThat(english.detail()).isEqualTo("The service cannot reach its database right now; please try again in a moment.");
        assertThat(new JsonObject(english.body()).getInteger("status")).isEqualTo(503);
      } finally {
        TestNode.await(held.close());
      }
      assertThat(node.api.get("/api/visio/services").status()).as("the connection given back, served again").isEqualTo(200);
    }
  }
}
