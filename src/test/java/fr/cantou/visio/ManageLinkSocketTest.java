package fr.cantou.visio;

import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A manage link's socket holds only while the link does: renewed (on any node) or past its
 * validity, the sockets opened with it close (4401) and it opens none again; the renewed
 * appointment's room is a new one, which whoever had the old link does not know.
 */
class ManageLinkSocketTest {
  /** Monday 30 November 2026, 7:00 in Paris. */
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
  DatabaseEndpoint database;
  TestNode node;
  /** Another node on the same database: where the citizen's sockets are, while the renewal happens on the first. */
  TestNode other;
  VisioTerritory visio;

  @BeforeEach
  void start() {
    database = TestDatabase.fresh();
    // A heartbeat every second (the links' end, by the node's clock, is checked every second whatever the heartbeat).
    Map<String, String> env = Map.of("CANTOU_REALTIME_HEARTBEAT_SECONDS", "1");
    node = TestNode.start(database, env, clock);
    other = TestNode.start(database, env, clock);
    visio = new VisioTerritory(node);
  }

  @AfterEach
  void stop() {
    other.close();
    node.close();
  }

  @Test
  void a_socket_opened_with_the_old_link_is_closed_on_renewal_on_another_node_and_the_new_links_keeps_receiving() {
    JsonObject a = visio.book("2026-12-01T10:00:00+01:00").json();
    String id = a.getString("id");
    String oldLink = a.getString("manageToken");
    try (WsClient old = WsClient.hello(other.port(), oldLink, null)) {
      JsonObject welcome = old.next(m -> "snapshot".equals(m.getString("type")));
      long lastSeen = welcome.getLong("lastEventId");

      // The citizen asks for a new link on the first node; her old socket is on the other.
      assertThat(visio.withToken("POST", "/api/visio/appointments/" + id + "/manage-link", oldLink, null).status())
          .isEqualTo(202);
      assertThat(old.awaitClose()).as("the old link's socket").isEqualTo(4401);

      String newLink = link(id, 1);
      try (WsClient renewed = WsClient.hello(other.port(), newLink, null);
           WsClient resumed = WsClient.connect(other.port())) {
        // The old link resuming where it stopped is refused like any unknown token.
        resumed.send(new JsonObject().put("type", "hello").put("token", oldLink).put("since", lastSeen));
        assertThat(resumed.awaitClose()).as("a resume with the old link").isEqualTo(4401);

        assertThat(visio.withToken("POST", "/api/visio/appointments/" + id + "/reschedule", newLink,
            new JsonObject().put("start", "2026-12-01T10:30:00+01:00")).status()).isEqualTo(200);
        JsonObject moved = renewed.nextEvent("appointment.changed");
        assertThat(moved.getJsonObject("data").getString("start")).isEqualTo("2026-12-01T10:30:00+01:00");

        // A second renewal, by the agent this time: the link of the first renewal's socket closes in turn.
        assertThat(node.api.post("/api/visio/appointments/" + id + "/manage-link", visio.agent, null).status())
            .isEqualTo(202);
        assertThat(renewed.awaitClose()).isEqualTo(4401);
      }
    }
  }

  @Test
  void a_socket_opened_with_a_link_is_closed_when_the_link_expires() {
    // 10:00 to 10:30 on 1 December (Paris): the link opens the appointment until 30 days after its end.
    JsonObject a = visio.book("2026-12-01T10:00:00+01:00").json();
    Instant validUntil = Instant.parse("2026-12-01T09:30:00Z").plus(Duration.ofDays(30));
    try (WsClient citizen = WsClient.hello(other.port(), a.getString("manageToken"), null)) {
      clock.set(validUntil.plusSeconds(1));
      assertThat(citizen.awaitClose()).isEqualTo(4401);
    }
    try (WsClient again = WsClient.connect(other.port())) {
      again.send(new JsonObject().put("type", "hello").put("token", a.getString("manageToken")));
      assertThat(again.awaitClose()).as("a hello with the expired link").isEqualTo(4401);
    }
  }

  /**
   * A move carries the link's validity with the appointment: a day later, it holds a day longer.
   * Another appointment's socket, whose link ends when the moved one's used to, shows that the
   * node's check has passed that time (it is closed by it).
   */
  @Test
  void a_moved_appointments_link_socket_ends_with_its_new_validity() {
    JsonObject moved = visio.book("2026-12-01T10:00:00+01:00").json();
    JsonObject stays = visio.book("2026-12-01T11:00:00+01:00").json();
    try (WsClient citizen = WsClient.hello(other.port(), moved.getString("manageToken"), null);
         WsClient control = WsClient.hello(other.port(), stays.getString("manageToken"), null)) {
      // Moved while her socket is open (on the other node): the move's event comes after its links' change.
      assertThat(visio.withToken("POST", "/api/visio/appointments/" + moved.getString("id") + "/reschedule",
          moved.getString("manageToken"), new JsonObject().put("start", "2026-12-02T10:00:00+01:00")).status())
          .isEqualTo(200);
      citizen.nextEvent("appointment.changed");
      // Past the end of the other's link (11:00 to 11:30 on 1 December, and 30 days), and of the moved one's former.
      clock.set(Instant.parse("2026-12-01T10:30:00Z").plus(Duration.ofDays(30)).plusSeconds(1));
      assertThat(control.awaitClose()).as("the other appointment's link").isEqualTo(4401);
      citizen.send(new JsonObject().put("type", "ping"));
      citizen.next(m -> "pong".equals(m.getString("type")));

      clock.set(Instant.parse("2026-12-02T09:30:00Z").plus(Duration.ofDays(30)).plusSeconds(1));
      assertThat(citizen.awaitClose()).as("the moved appointment's link, at its new end").isEqualTo(4401);
    }
  }

  @Test
  void after_a_renewal_the_room_is_a_new_one_for_the_citizen_and_the_agent() {
    JsonObject a = visio.book("2026-11-30T10:00:00+01:00").json();
    String id = a.getString("id");
    String join = "/api/visio/appointments/" + id + "/join";
    clock.set(Instant.parse("2026-11-30T08:51:00Z"));
    String before = visio.withToken("GET", join, a.getString("manageToken"), null).json()
        .getJsonObject("jitsi").getString("roomName");

    assertThat(node.api.post("/api/visio/appointments/" + id + "/manage-link", visio.agent, null).status()).isEqualTo(202);

    assertThat(visio.withToken("GET", join, a.getString("manageToken"), null).status()).as("the old link").isEqualTo(403);
    String citizen = visio.withToken("GET", join, link(id, 1), null).json().getJsonObject("jitsi").getString("roomName");
    String agent = node.api.get(join, visio.agent).json().getJsonObject("jitsi").getString("roomName");
    assertThat(citizen).as("the citizen's room after the renewal").isNotEqualTo(before).startsWith("cantou-va-");
    assertThat(agent).as("the agent's").isEqualTo(citizen);
  }

  /** The manage link of this version of the appointment's links, made with the node's key as the mails make it. */
  private String link(String appointmentId, int version) {
    try (var connection = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
         var statement = connection.prepareStatement("SELECT value FROM setting WHERE key = 'visio.manageKey'");
         var rows = statement.executeQuery()) {
      rows.next();
      return new ManageTokens(rows.getString(1), clock, Duration.ofDays(30)).issue(UUID.fromString(appointmentId), version);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
