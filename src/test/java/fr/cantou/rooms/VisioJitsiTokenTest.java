package fr.cantou.rooms;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A visio-accueil room with tokens: the agent and the citizen each get a token Jitsi accepts for
 * this appointment's room only, until half an hour after its end; only the agent moderates.
 * Checked with an independent JOSE library and the configured secret.
 */
class VisioJitsiTokenTest {
  static final String SECRET = "jitsi-app-secret-that-is-long-enough-42";
  /** Monday 30 November 2026, 7:00 in Paris. */
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
  TestNode node;
  VisioTerritory visio;

  @BeforeEach
  void start() {
    node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_JITSI_DOMAIN", "visio.cantal.fr",
        "CANTOU_JITSI_APP_ID", "cantou-cantal", "CANTOU_JITSI_APP_SECRET", SECRET), clock);
    visio = new VisioTerritory(node);
  }

  @AfterEach
  void stop() {
    node.close();
  }

  @Test
  void the_agent_and_the_citizen_get_signed_tokens_for_the_appointments_room_and_only_the_agent_moderates() throws Exception {
    // Tuesday 1 December 2026, 10:00–10:30 in Paris (9:00–9:30 UTC); the room opens 10 minutes before.
    JsonObject booked = visio.book("2026-12-01T10:00:00+01:00").json();
    String id = booked.getString("id");
    clock.set(Instant.parse("2026-12-01T08:55:00Z"));

    var agentAnswer = node.api.get("/api/visio/appointments/" + id + "/join", visio.agent);
    var citizenAnswer = visio.withToken("GET", "/api/visio/appointments/" + id + "/join", booked.getString("manageToken"), null);
    assertThat(agentAnswer.status()).as(agentAnswer.toString()).isEqualTo(200);
    assertThat(citizenAnswer.status()).as(citizenAnswer.toString()).isEqualTo(200);
    JsonObject agent = agentAnswer.json().getJsonObject("jitsi");
    JsonObject citizen = citizenAnswer.json().getJsonObject("jitsi");
    assertThat(citizen.getString("roomName")).as("one room for both").isEqualTo(agent.getString("roomName"));

    JWTClaimsSet agentClaims = verified(agent.getString("jwt"), agent.getString("roomName"));
    JWTClaimsSet citizenClaims = verified(citizen.getString("jwt"), agent.getString("roomName"));

    assertThat(agentClaims.getBooleanClaim("moderator")).isTrue();
    assertThat(user(agentClaims)).containsEntry("moderator", "true").containsEntry("affiliation", "owner")
        .containsEntry("id", visio.agentId).containsEntry("name", "Karine Lescure");
    assertThat(citizenClaims.getBooleanClaim("moderator")).isFalse();
    assertThat(user(citizenClaims)).containsEntry("moderator", "false").containsEntry("affiliation", "member")
        .containsEntry("name", "Jeanne Vidal");
  }

  /**
   * The agent of another administration who booked it for someone gets a token of her own (her id, her name), a member's,
   * never the citizen's identity (outside review, session 28, F1).
   */
  @Test
  void the_agent_of_another_administration_who_booked_it_gets_her_own_identity_in_her_token() throws Exception {
    JsonObject booked = visio.bookAs(visio.otherAgent, "2026-12-01T10:00:00+01:00",
        new JsonObject().put("name", "Jeanne Martin").put("email", "jeanne.martin@example.fr"));
    clock.set(Instant.parse("2026-12-01T08:55:00Z"));

    var answer = node.api.get("/api/visio/appointments/" + booked.getString("id") + "/join", visio.otherAgent);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    JsonObject jitsi = answer.json().getJsonObject("jitsi");
    JWTClaimsSet claims = verified(jitsi.getString("jwt"), jitsi.getString("roomName"));
    assertThat(claims.getBooleanClaim("moderator")).isFalse();
    assertThat(user(claims)).containsEntry("id", visio.otherAgentId).containsEntry("affiliation", "member")
        .containsEntry("name", "Sandrine Malet (accompagne la personne)");
  }

  /** Signed with the secret, for this room on this domain, from a minute before now to 30 minutes after the end. */
  private JWTClaimsSet verified(String token, String room) throws Exception {
    SignedJWT jwt = SignedJWT.parse(token);
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
    assertThat(jwt.verify(new MACVerifier(SECRET.getBytes(StandardCharsets.UTF_8)))).as("signed with the secret").isTrue();
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertThat(claims.getIssuer()).isEqualTo("cantou-cantal");
    assertThat(jwt.getPayload().toJSONObject().get("aud")).isEqualTo("jitsi");
    assertThat(claims.getSubject()).isEqualTo("visio.cantal.fr");
    assertThat(claims.getStringClaim("room")).isEqualTo(room.toLowerCase());
    assertThat(claims.getNotBeforeTime().toInstant()).isEqualTo(Instant.parse("2026-12-01T08:54:00Z"));
    assertThat(claims.getExpirationTime().toInstant()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
    return claims;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> user(JWTClaimsSet claims) throws Exception {
    return (Map<String, Object>) claims.getJSONObjectClaim("context").get("user");
  }
}
