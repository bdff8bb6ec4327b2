package fr.cantou.realtime;

import com.nimbusds.jwt.SignedJWT;
import fr.cantou.support.CareTerritory;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/** A socket lives no longer than the access token it said hello with; a fresh one resumes where it stopped. */
class TokenExpiryTest {
  static TestNode node;
  static CareTerritory care;
  static String nurseId;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("CANTOU_AUTH_ACCESS_TOKEN_SECONDS", "4"));
    care = new CareTerritory(node);
    nurseId = care.user("veilleuse@murat.test", "nurse", "Claire Bonal", care.ehpadId, null);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void the_socket_closes_with_4401_when_its_token_expires_and_a_fresh_token_resumes_without_losing_events() throws Exception {
    long lastSeen;
    String token = care.token(nurseId);
    Instant expiry = SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime().toInstant();
    try (WsClient socket = WsClient.hello(node.port(), token, null)) {
      socket.next(m -> "snapshot".equals(m.getString("type")));
      String first = node.api.post("/api/teleconsultations", care.token(nurseId), request("geriatrie", "normal"))
          .json().getString("id");
      JsonObject seen = socket.nextEvent("teleconsultation.queued");
      assertThat(seen.getJsonObject("data").getString("id")).isEqualTo(first);
      lastSeen = seen.getLong("id");

      assertThat(socket.awaitClose()).as("closed when the token expired").isEqualTo(4401);
      // Tokens are timed by the system clock (the node's own may be a test's): never closed before its end.
      assertThat(Instant.now()).as("closed at or after the token's exp").isAfterOrEqualTo(expiry);
    }
    String missed = node.api.post("/api/teleconsultations", care.token(nurseId), request("cardiologie", "normal"))
        .json().getString("id");

    try (WsClient again = WsClient.connect(node.port())) {
      again.send(new JsonObject().put("type", "hello").put("token", care.token(nurseId)).put("since", lastSeen));
      assertThat(again.next(m -> "welcome".equals(m.getString("type"))).getBoolean("resumed")).isTrue();
      assertThat(again.nextEvent("teleconsultation.queued").getJsonObject("data").getString("id")).isEqualTo(missed);
    }
  }

  @Test
  void a_node_clock_moved_ahead_ends_no_socket_whose_token_still_holds() {
    MutableClock clock = MutableClock.startingNow();
    try (TestNode moved = TestNode.start(TestDatabase.fresh(), Map.of(), clock)) {
      CareTerritory people = new CareTerritory(moved);
      clock.advance(Duration.ofDays(1));
      try (WsClient nurse = WsClient.hello(moved.port(), people.nurse, null)) {
        String id = people.create(request("geriatrie", "normal")).getString("id");
        assertThat(nurse.nextEvent("teleconsultation.queued").getJsonObject("data").getString("id")).isEqualTo(id);
      }
    }
  }
}
