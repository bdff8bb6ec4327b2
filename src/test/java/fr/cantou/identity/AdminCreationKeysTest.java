package fr.cantou.identity;

import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An admin's creation keys (V93) answer her retries for a day, then go (they were kept without end, each with a hash
 * of its request: an account's name and address among it); a creation sent again after that is a new one.
 */
class AdminCreationKeysTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
  private TestNode node;

  @BeforeEach
  void start() {
    node = TestNode.start(TestDatabase.fresh(), Map.of(), clock);
  }

  @AfterEach
  void stop() {
    node.close();
  }

  private fr.cantou.support.Api.Response specialty(String code, String key) {
    return node.api.post("/api/specialties", node.adminToken(), new JsonObject().put("code", code).put("label", "Essai " + code),
        key);
  }

  private List<String> keysKept() {
    List<String> keys = new java.util.ArrayList<>();
    TestNode.await(node.node().platform().pool().query("SELECT idempotency_key FROM admin_creation_key ORDER BY 1").execute())
        .forEach(r -> keys.add(r.getString(0)));
    return keys;
  }

  @Test
  void a_creations_key_answers_its_retries_for_a_day_then_is_forgotten() {
    assertThat(specialty("ancienne", "admin-key-old-0001").status()).isEqualTo(201);
    clock.advance(Duration.ofHours(23));
    assertThat(specialty("recente", "admin-key-new-0001").status()).isEqualTo(201);
    clock.advance(Duration.ofHours(2));
    TestNode.await(node.node().runJobs());

    assertThat(keysKept()).as("the key of 25 hours ago gone, the one of 2 hours ago kept")
        .containsExactly("admin-key-new-0001");
    assertThat(specialty("recente", "admin-key-new-0001").status()).as("its retry still answered").isEqualTo(201);
    assertThat(specialty("ancienne", "admin-key-old-0001").status()).as("a new creation now: it exists").isEqualTo(409);
  }
}
