package fr.cantou.platform;

import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.support.Api;
import fr.cantou.support.Eventually;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database that is up but refuses connections (ALLOW_CONNECTIONS false: SQLSTATE 55000, "not
 * currently accepting connections") is away for the client too: 503 with Retry-After, never 500;
 * and once it accepts again, requests work with no restart.
 */
class DatabaseRefusesTest {

  @Test
  void a_database_refusing_connections_answers_503_with_retry_after_then_recovers() throws Exception {
    DatabaseEndpoint database = TestDatabase.fresh();
    try (TestNode node = TestNode.start(database, Map.of(), Clock.systemUTC());
         Connection admin = DriverManager.getConnection(database.withDatabase("postgres").jdbcUrl(), database.user(),
             database.password());
         Statement sql = admin.createStatement()) {
      Api api = node.api;
      assertThat(api.get("/api/visio/services").status()).isEqualTo(200);

      sql.execute("ALTER DATABASE " + database.database() + " ALLOW_CONNECTIONS false");
      sql.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database.database() + "'");
      // The pool's connections are gone: every request opens a new one, and is refused.
      for (int i = 0; i < 20; i++) {
        Api.Response response = api.get("/api/visio/services");
        assertThat(response.status()).as("%s", response).isEqualTo(503);
        assertThat(response.isProblem()).isTrue();
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
      }
      assertThat(api.get("/ready").status()).isEqualTo(503);

      sql.execute("ALTER DATABASE " + database.database() + " ALLOW_CONNECTIONS true");
      Eventually.until("requests work again", () -> api.get("/api/visio/services").status() == 200);
    }
  }
}
