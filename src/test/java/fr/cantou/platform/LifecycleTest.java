package fr.cantou.platform;

import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.platform.db.EmbeddedDatabase;
import fr.cantou.platform.db.Migrations;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Start, restart and losing the database, on a PostgreSQL of its own with a data folder. */
class LifecycleTest {

  @Test
  void a_restart_keeps_everything(@TempDir Path data) throws Exception {
    String organisationId;
    try (EmbeddedDatabase database = EmbeddedDatabase.start(data, 0)) {
      Migrations.migrate(database.endpoint());
      try (TestNode node = TestNode.start(database.endpoint(), Map.of(), Clock.systemUTC())) {
        organisationId = node.api.post("/api/organisations", node.adminToken(),
            new JsonObject().put("kind", "ehpad").put("name", "EHPAD Persistant").put("commune", "Salers")).json().getString("id");
      }
    }
    try (EmbeddedDatabase database = EmbeddedDatabase.start(data, 0)) {
      var migrated = Migrations.migrate(database.endpoint());
      assertThat(migrated.migrationsExecuted).isZero();
      try (TestNode node = TestNode.start(database.endpoint(), Map.of(), Clock.systemUTC())) {
        var organisations = node.api.get("/api/organisations", node.adminToken()).array();
        assertThat(organisations.stream().map(o -> ((JsonObject) o).getString("id"))).contains(organisationId);
      }
    }
  }

  /**
   * A node starting beside a database slow to give it a connection (just started, its disk cold; or the node's machine
   * loaded) waits for it, past the 3 s a request waits for one, instead of failing its start.
   */
  @Test
  void a_start_waits_for_a_database_slow_to_give_its_first_connection() throws Exception {
    DatabaseEndpoint database = fr.cantou.support.TestDatabase.fresh();
    try (fr.cantou.support.WatchedLogger said = fr.cantou.support.WatchedLogger.of(
             fr.cantou.platform.db.FirstConnection.class.getName());
         fr.cantou.support.HoldingProxy proxy = new fr.cantou.support.HoldingProxy(database)) {
      proxy.holdNewConnections();
      java.util.concurrent.CompletableFuture<TestNode> starting = java.util.concurrent.CompletableFuture.supplyAsync(
          () -> TestNode.start(proxy.endpoint(database), Map.of(), Clock.systemUTC()));
      // The pool's own wait ran out once: the start failed there, or said it waits on.
      fr.cantou.support.Eventually.until("the start failed or said it waits for its database", () -> starting.isDone()
          || said.lines().stream().anyMatch(line -> line.startsWith("event=database_slow_at_start")));
      proxy.letConnectionsThrough();
      try (TestNode node = starting.get(90, java.util.concurrent.TimeUnit.SECONDS)) {
        assertThat(node.api.get("/ready", null).status()).isEqualTo(200);
      }
    }
  }

  @Test
  void tokens_survive_a_restart_because_the_generated_key_is_kept_in_the_database(@TempDir Path data) throws Exception {
    try (EmbeddedDatabase database = EmbeddedDatabase.start(data, 0)) {
      Migrations.migrate(database.endpoint());
      String token;
      try (TestNode first = TestNode.start(database.endpoint(), Map.of(), Clock.systemUTC())) {
        token = first.adminToken();
      }
      try (TestNode second = TestNode.start(database.endpoint(), Map.of(), Clock.systemUTC())) {
        assertThat(second.api.get("/api/me", token).status()).isEqualTo(200);
      }
    }
  }

  @Test
  void ready_turns_503_when_the_database_goes_away_and_200_when_it_returns(@TempDir Path data) throws Exception {
    EmbeddedDatabase database = EmbeddedDatabase.start(data, 0);
    DatabaseEndpoint endpoint = database.endpoint();
    Migrations.migrate(endpoint);
    try (TestNode node = TestNode.start(endpoint, Map.of(), Clock.systemUTC())) {
      assertThat(node.api.get("/ready").status()).isEqualTo(200);

      database.close();
      assertThat(waitForStatus(node, 503, Duration.ofSeconds(5))).as("503 within 5 s").isTrue();
      var down = node.api.get("/ready");
      assertThat(down.isProblem()).isTrue();
      assertThat(node.api.get("/health").status()).isEqualTo(200);
      var refused = node.api.get("/api/visio/services");
      assertThat(refused.status()).as("try again later, not a server error").isEqualTo(503);
      assertThat(refused.isProblem()).isTrue();
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("2");

      database = EmbeddedDatabase.start(data, endpoint.port());
      assertThat(waitForStatus(node, 200, Duration.ofSeconds(15))).as("back to 200 by itself").isTrue();
    } finally {
      database.close();
    }
  }

  @Test
  void the_demo_territory_loads_once(@TempDir Path data) throws Exception {
    Map<String, String> demo = Map.of("CANTOU_DEMO", "true", "CANTOU_DEMO_PASSWORD", "demo-password");
    try (EmbeddedDatabase database = EmbeddedDatabase.start(data, 0)) {
      Migrations.migrate(database.endpoint());
      int users;
      try (TestNode node = TestNode.start(database.endpoint(), demo, Clock.systemUTC())) {
        users = node.api.get("/api/users", node.adminToken()).array().size();
        assertThat(node.api.login("infirmiere.murat@cantal.demo", "demo-password")).isNotBlank();
        assertThat(node.api.login("dr.mercier@cantal.demo", "demo-password")).isNotBlank();
      }
      try (TestNode node = TestNode.start(database.endpoint(), demo, Clock.systemUTC())) {
        assertThat(node.api.get("/api/users", node.adminToken()).array().size()).isEqualTo(users);
      }
    }
  }

  @Test
  void without_demo_nothing_but_the_admin_exists() {
    try (TestNode node = TestNode.start()) {
      assertThat(node.api.get("/api/users", node.adminToken()).array().size()).isEqualTo(1);
      assertThat(node.api.get("/api/organisations", node.adminToken()).array().size()).isZero();
    }
  }

  private static boolean waitForStatus(TestNode node, int status, Duration within) throws InterruptedException {
    Instant deadline = Instant.now().plus(within);
    while (Instant.now().isBefore(deadline)) {
      if (node.api.get("/ready").status() == status) {
        return true;
      }
      Thread.sleep(200);
    }
    return false;
  }
}
