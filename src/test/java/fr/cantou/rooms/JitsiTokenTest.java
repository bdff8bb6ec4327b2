package fr.cantou.rooms;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import fr.cantou.support.CareTerritory;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/** Participant tokens, checked with an independent JOSE library against what Jitsi's token plugin checks. */
class JitsiTokenTest {
  static final String SECRET = "jitsi-app-secret-that-is-long-enough-42";
  static final MutableClock clock = MutableClock.startingNow();
  static TestNode node;
  static CareTerritory care;

  @BeforeAll
  static void start() {
    node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_JITSI_DOMAIN", "Visio.Cantal.fr", "CANTOU_JITSI_APP_ID",
        "cantou-cantal", "CANTOU_JITSI_APP_SECRET", SECRET), clock);
    care = new CareTerritory(node);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void each_participant_gets_a_token_jitsi_accepts_for_this_room_only() throws Exception {
    String id = care.create(request("geriatrie", "normal")).getString("id");
    node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null);
    JsonObject doctor = node.api.get("/api/teleconsultations/" + id + "/join", care.geriatrician).json().getJsonObject("jitsi");
    JsonObject nurse = node.api.get("/api/teleconsultations/" + id + "/join", care.nurse).json().getJsonObject("jitsi");
    assertThat(doctor.getString("domain")).isEqualTo("visio.cantal.fr");

    SignedJWT jwt = SignedJWT.parse(doctor.getString("jwt"));
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
    assertThat(jwt.getHeader().getType()).isEqualTo(JOSEObjectType.JWT);
    assertThat(jwt.verify(new MACVerifier(SECRET.getBytes(StandardCharsets.UTF_8)))).isTrue();

    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertThat(claims.getIssuer()).isEqualTo("cantou-cantal");
    assertThat(claims.getAudience()).containsExactly("jitsi");
    assertThat(jwt.getPayload().toJSONObject().get("aud")).as("a plain string, as prosody expects").isEqualTo("jitsi");
    assertThat(claims.getSubject()).isEqualTo("visio.cantal.fr");
    assertThat(claims.getStringClaim("room")).isEqualTo(doctor.getString("roomName")).isEqualTo(doctor.getString("roomName").toLowerCase());
    Instant now = clock.instant();
    assertThat(claims.getNotBeforeTime().toInstant()).isBefore(now).isAfter(now.minusSeconds(120));
    assertThat(claims.getExpirationTime().toInstant()).isEqualTo(now.plus(Duration.ofMinutes(15)).truncatedTo(ChronoUnit.SECONDS));

    Map<String, Object> user = jwt.getJWTClaimsSet().getJSONObjectClaim("context");
    @SuppressWarnings("unchecked")
    Map<String, Object> who = (Map<String, Object>) user.get("user");
    assertThat(who.get("name")).isEqualTo("Dr Mercier");
    assertThat(who.get("id")).isEqualTo(care.geriatricianId);
    assertThat(who.get("moderator")).isEqualTo("true");
    assertThat(who.get("affiliation")).isEqualTo("owner");
    assertThat(claims.getBooleanClaim("moderator")).isTrue();

    JWTClaimsSet nurseClaims = SignedJWT.parse(nurse.getString("jwt")).getJWTClaimsSet();
    assertThat(nurseClaims.getBooleanClaim("moderator")).isFalse();
    @SuppressWarnings("unchecked")
    Map<String, Object> nurseUser = (Map<String, Object>) nurseClaims.getJSONObjectClaim("context").get("user");
    assertThat(nurseUser).as("the nurse joins as a member, never as the room's owner")
        .containsEntry("moderator", "false").containsEntry("affiliation", "member");
    assertThat(nurseClaims.getStringClaim("room")).isEqualTo(claims.getStringClaim("room"));
    assertThat(SignedJWT.parse(nurse.getString("jwt")).verify(new MACVerifier("another-secret-that-is-long-enough-xx".getBytes())))
        .isFalse();
  }

  /**
   * A room token lives 15 minutes from its join, by the node's clock: a doctor who gave the item
   * back (or whose item was closed) keeps a way into its room for at most that, since a fresh
   * token comes only from /join, which checks the item is still hers.
   */
  @Test
  void a_room_token_lives_fifteen_minutes_and_only_a_join_with_the_right_renews_it() throws Exception {
    String id = care.create(request("geriatrie", "normal")).getString("id");
    node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null);
    Instant first = clock.instant();
    assertThat(expiry(id, care.geriatrician)).isEqualTo(first.plus(Duration.ofMinutes(15)).truncatedTo(ChronoUnit.SECONDS));
    assertThat(expiry(id, care.nurse)).isEqualTo(first.plus(Duration.ofMinutes(15)).truncatedTo(ChronoUnit.SECONDS));

    clock.advance(Duration.ofMinutes(10));
    Instant later = clock.instant();
    assertThat(expiry(id, care.geriatrician)).as("entering again while the item is hers gives a fresh token")
        .isEqualTo(later.plus(Duration.ofMinutes(15)).truncatedTo(ChronoUnit.SECONDS));

    assertThat(node.api.post("/api/teleconsultations/" + id + "/release", care.geriatrician, null).status()).isEqualTo(200);
    assertThat(node.api.get("/api/teleconsultations/" + id + "/join", care.geriatrician).status())
        .as("given back: no fresh token").isIn(403, 409);
    node.api.post("/api/teleconsultations/" + id + "/cancel", care.nurse, null);
  }

  private static Instant expiry(String id, String token) throws Exception {
    JsonObject jitsi = node.api.get("/api/teleconsultations/" + id + "/join", token).json().getJsonObject("jitsi");
    return SignedJWT.parse(jitsi.getString("jwt")).getJWTClaimsSet().getExpirationTime().toInstant();
  }
}
