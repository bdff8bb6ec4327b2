package fr.cantou.teleconsult;

import fr.cantou.support.CareNodeTest;
import fr.cantou.support.Eventually;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.sql.DriverManager;
import java.time.Duration;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A doctor whose console drops (a train through a tunnel, a browser restarting) is given the
 * grace period, 30 seconds by default, to come back: until it ends she is still shown available
 * and keeps the request she took; once it has passed with no console of hers open, she is offline.
 */
class PresenceGraceTest extends CareNodeTest {
  String statusOfTheGeriatrician() {
    return node.api.get("/api/presence", care.nurse).array().stream().map(JsonObject.class::cast)
        .filter(p -> p.getString("doctorId").equals(care.geriatricianId)).findFirst().orElseThrow().getString("status");
  }

  /** Her open sockets as the node counted them (the count the periodic job reads). */
  int consolesOpen() {
    var db = node.database();
    try (var connection = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
         var query = connection.prepareStatement(
             "SELECT COALESCE(sum(connections), 0) FROM doctor_connection WHERE doctor_id = ?::uuid")) {
      query.setString(1, care.geriatricianId);
      try (var row = query.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  void sql(String statement, String doctorId) {
    var db = node.database();
    try (var connection = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
         var update = connection.prepareStatement(statement)) {
      update.setString(1, doctorId);
      update.executeUpdate();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  String claimedByTheGeriatricianWithHerConsoleOpen() {
    assertThat(node.api.post("/api/presence", care.geriatrician, new JsonObject().put("status", "available")).status())
        .isEqualTo(200);
    String id = care.create(request("geriatrie", "normal")).getString("id");
    assertThat(node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null).status()).isEqualTo(200);
    return id;
  }

  void stillHers(String id, String when) {
    JsonObject item = node.api.get("/api/teleconsultations/" + id, care.nurse).json();
    assertThat(item.getString("status")).as(when + " " + item + " " + node.api.get("/api/teleconsultations/" + id + "/timeline", care.nurse).body()).isEqualTo("assigned");
    assertThat(item.getString("doctorId")).as(when).isEqualTo(care.geriatricianId);
    assertThat(statusOfTheGeriatrician()).as(when).isEqualTo("available");
  }

  /**
   * The write of a console's opening can be lost (a pool too busy in a reconnect storm): the node's
   * heartbeat writes its counts whole, so her open console counts again and her request stays hers.
   */
  @Test
  void a_console_whose_opening_was_lost_counts_again_at_the_next_heartbeat() {
    try (WsClient console = WsClient.hello(node.port(), care.geriatrician, null)) {
      Eventually.until("her console is counted", () -> consolesOpen() == 1);
      String id = claimedByTheGeriatricianWithHerConsoleOpen();
      sql("UPDATE doctor_connection SET connections = 0 WHERE doctor_id = ?::uuid", care.geriatricianId);

      TestNode.await(node.node().runJobs());
      assertThat(consolesOpen()).as("counted again by the heartbeat").isEqualTo(1);
      clock.advance(Duration.ofSeconds(31));
      TestNode.await(node.node().runJobs());
      stillHers(id, "31 s later, her console open all along");
    }
  }

  /**
   * A node that has just started (or whose database just came back) cannot tell another node's late
   * heartbeat from its death: until its own has been steady for the node silence, it judges no one.
   */
  @Test
  void a_node_just_started_does_not_take_a_late_heartbeat_for_a_dead_node() {
    try (WsClient console = WsClient.hello(node.port(), care.geriatrician, null)) {
      Eventually.until("her console is counted", () -> consolesOpen() == 1);
      String id = claimedByTheGeriatricianWithHerConsoleOpen();
      // 35 s without the first node's jobs (the database away, say), then a second node starts first.
      clock.advance(Duration.ofSeconds(35));
      try (TestNode second = TestNode.start(node.database(), java.util.Map.of(), clock)) {
        TestNode.await(second.node().runJobs());
        stillHers(id, "judged by a node just started");
        // Both alive again, each with its heartbeat every few seconds (here two steps of 16 s).
        for (int step = 0; step < 2; step++) {
          TestNode.await(node.node().runJobs());
          clock.advance(Duration.ofSeconds(16));
          TestNode.await(second.node().runJobs());
        }
        stillHers(id, "32 s later, both nodes alive, her console open all along");
      }
    }
  }

  @Test
  void a_doctor_who_drops_off_is_available_until_the_grace_ends_and_offline_just_after() {
    WsClient console = WsClient.hello(node.port(), care.geriatrician, null);
    Eventually.until("her console is counted", () -> consolesOpen() == 1);
    assertThat(node.api.post("/api/presence", care.geriatrician, new JsonObject().put("status", "available")).status())
        .isEqualTo(200);
    String id = care.create(request("geriatrie", "normal")).getString("id");
    assertThat(node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null).status()).isEqualTo(200);

    // The clock stands still until the node has counted the console closed: she left at this instant.
    console.close();
    Eventually.until("her console is counted closed", () -> consolesOpen() == 0);

    clock.advance(Duration.ofSeconds(29));
    TestNode.await(node.node().runJobs());
    assertThat(statusOfTheGeriatrician()).as("29 s after she left").isEqualTo("available");
    JsonObject item = node.api.get("/api/teleconsultations/" + id, care.nurse).json();
    assertThat(item.getString("status")).isEqualTo("assigned");
    assertThat(item.getString("doctorId")).as("she keeps her request").isEqualTo(care.geriatricianId);

    clock.advance(Duration.ofSeconds(2));
    TestNode.await(node.node().runJobs());
    assertThat(statusOfTheGeriatrician()).as("31 s after she left").isEqualTo("offline");
    JsonObject back = node.api.get("/api/teleconsultations/" + id, care.nurse).json();
    assertThat(back.getString("status")).as("31 s after she left, her request is back in the queue").isEqualTo("queued");
    assertThat(back.containsKey("doctorId")).isFalse();
    assertThat(back.getString("queuedAt")).as("at its place").isEqualTo(item.getString("queuedAt"));
    var timeline = node.api.get("/api/teleconsultations/" + id + "/timeline", care.nurse).array();
    JsonObject last = timeline.getJsonObject(timeline.size() - 1);
    assertThat(last.getString("action")).isEqualTo("requeued");
    assertThat(last.getJsonObject("detail").getString("was")).isEqualTo("assigned");
  }

  /**
   * Her taking a request is a sign of her as much as an open console: taken while every console of hers has been
   * closed for minutes (her page's socket not through yet, a network that stops WebSockets), the request stays hers for
   * the grace, then goes back if still no console of hers opened. Before, the next sweep gave it back at once, the
   * instant after she had taken it (FlowsTest, its doctor's page opened just after her claim, failed so on loaded runs).
   */
  @Test
  void a_request_taken_without_a_console_open_stays_hers_for_the_grace_then_goes_back() {
    consoleClosedFiveMinutesAgo();
    String id = care.create(request("geriatrie", "normal")).getString("id");
    assertThat(node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null).status()).isEqualTo(200);
    stillHersForTheGraceThenBack(id, "she took it");
  }

  /**
   * The same when she turns a written opinion she holds into a call, her consoles closed for minutes: the call is the
   * sign of her, not her taking the opinion long before (whose 12-hour grace no longer applies to a call).
   */
  @Test
  void an_opinion_turned_into_a_call_without_a_console_open_stays_hers_for_the_grace_then_goes_back() {
    String id = care.create(request("geriatrie", "normal").put("kind", "opinion")).getString("id");
    assertThat(node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null).status()).isEqualTo(200);
    consoleClosedFiveMinutesAgo();
    assertThat(node.api.get("/api/teleconsultations/" + id, care.nurse).json().getString("status"))
        .as("an opinion, kept for hours").isEqualTo("assigned");
    assertThat(node.api.post("/api/teleconsultations/" + id + "/video", care.geriatrician, null).status()).isEqualTo(200);
    stillHersForTheGraceThenBack(id, "she turned it into a call");
  }

  /** Her console opened, closed, then five minutes without one, the node's jobs running all along (heartbeat steady). */
  private void consoleClosedFiveMinutesAgo() {
    WsClient console = WsClient.hello(node.port(), care.geriatrician, null);
    Eventually.until("her console is counted", () -> consolesOpen() == 1);
    console.close();
    Eventually.until("her console is counted closed", () -> consolesOpen() == 0);
    for (int step = 0; step < 20; step++) {
      clock.advance(Duration.ofSeconds(16));
      TestNode.await(node.node().runJobs());
    }
    assertThat(statusOfTheGeriatrician()).isEqualTo("offline");
  }

  /** Request {@code id}, hers since {@code what} this instant, still hers 29 s later, back in the queue 31 s later. */
  private void stillHersForTheGraceThenBack(String id, String what) {
    TestNode.await(node.node().runJobs());
    clock.advance(Duration.ofSeconds(29));
    TestNode.await(node.node().runJobs());
    JsonObject item = node.api.get("/api/teleconsultations/" + id, care.nurse).json();
    assertThat(item.getString("status")).as("29 s after " + what).isEqualTo("assigned");
    assertThat(item.getString("doctorId")).isEqualTo(care.geriatricianId);

    clock.advance(Duration.ofSeconds(2));
    TestNode.await(node.node().runJobs());
    assertThat(node.api.get("/api/teleconsultations/" + id, care.nurse).json().getString("status"))
        .as("31 s after " + what + ", no console of hers opened").isEqualTo("queued");
  }

  /**
   * A written opinion is answered when the doctor can: closing her tablet does not take it from
   * her after 30 s; it goes back to the queue only after teleconsult.opinionGraceHours (12).
   */
  @Test
  void a_written_opinion_stays_with_a_doctor_who_closed_her_console_for_hours_not_seconds() {
    WsClient console = WsClient.hello(node.port(), care.geriatrician, null);
    Eventually.until("her console is counted", () -> consolesOpen() == 1);
    String id = care.create(request("geriatrie", "normal").put("kind", "opinion")).getString("id");
    assertThat(node.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null).status()).isEqualTo(200);
    console.close();
    Eventually.until("her console is counted closed", () -> consolesOpen() == 0);

    clock.advance(Duration.ofMinutes(5));
    TestNode.await(node.node().runJobs());
    JsonObject later = node.api.get("/api/teleconsultations/" + id, care.nurse).json();
    assertThat(later.getString("status")).as("5 minutes after she left").isEqualTo("assigned");
    assertThat(later.getString("doctorId")).isEqualTo(care.geriatricianId);

    clock.advance(Duration.ofHours(12));
    // The node's heartbeat steady again after the jump, as it would be after 12 hours of jobs.
    for (int step = 0; step < 3; step++) {
      TestNode.await(node.node().runJobs());
      clock.advance(Duration.ofSeconds(16));
    }
    TestNode.await(node.node().runJobs());
    assertThat(node.api.get("/api/teleconsultations/" + id, care.nurse).json().getString("status"))
        .as("12 hours after she left").isEqualTo("queued");
  }
}
