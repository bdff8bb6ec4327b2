package fr.cantou.platform;

import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.support.Api;
import fr.cantou.support.CareTerritory;
import fr.cantou.support.Eventually;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node killed with SIGKILL in the middle of teleconsultations: node A runs in the test's JVM
 * (with the test's clock), node B is {@code fr.cantou.Main} in a JVM of its own on the same
 * database. The nurse works on both; the three doctors' consoles are on B only. B is killed
 * with one request in call (nurse and geriatrician in the room), one assigned with the nurse
 * already in the room (the join timeout does not apply to it), one waiting and one claim in
 * flight. While B's last sign of life is within the presence grace the doctors keep what they
 * hold; once past it, on A's clock, every request is in one valid state, back in the queue at
 * its place for those the dead node's doctors held, the nurse told once. The sockets that were
 * on B resume on A with {@code since}: each has, once and in order, every event a socket that
 * never dropped would have had.
 */
class NodeKilledTest {
  private static final JsonObject REPORT = new JsonObject().put("report", "Soins locaux.").put("outcome", "advice_given");
  /** teleconsult.presenceGraceSeconds, left at its default on both nodes. */
  private static final Duration GRACE = Duration.ofSeconds(30);

  /** A socket and everything it received, in order. */
  private static final class Client {
    final String token;
    final WsClient socket;
    final List<JsonObject> received = new ArrayList<>();

    Client(String token, WsClient socket) {
      this.token = token;
      this.socket = socket;
    }

    List<JsonObject> collect() {
      received.addAll(socket.drain(Duration.ofMillis(50)));
      return received;
    }

    long snapshotId() {
      return received.stream().filter(m -> "snapshot".equals(m.getString("type"))).findFirst().orElseThrow()
          .getLong("lastEventId");
    }
  }

  @Test
  void a_node_killed_mid_flow_leaves_every_request_in_a_valid_state_and_its_sockets_resume_on_the_other(
      @TempDir Path workDir) throws Exception {
    DatabaseEndpoint database = TestDatabase.fresh();
    MutableClock clock = MutableClock.startingNow();
    try (TestNode a = TestNode.start(database, Map.of("CANTOU_TELECONSULT_JOIN_TIMEOUT_MINUTES", "2"), clock)) {
      CareTerritory care = new CareTerritory(a);
      String nodeA = a.node().nodeId();
      int portB = freePort();
      Process b = startChild(database, workDir, portB);
      try {
        Api onB = new Api(portB);
        assertThat(onB.readyWithin(b, Duration.ofSeconds(90))).as("node B ready; log:\n%s", log(workDir)).isTrue();

        Client nurseOnA = new Client(care.nurse, WsClient.hello(a.port(), care.nurse, null));
        Map<String, Client> onBClients = new LinkedHashMap<>();
        for (Map.Entry<String, String> who : Map.of("nurse", care.nurse, "geriatrician", care.geriatrician,
            "cardiologist", care.cardiologist, "generalPractitioner", care.generalPractitioner).entrySet()) {
          onBClients.put(who.getKey(), new Client(who.getValue(), WsClient.hello(portB, who.getValue(), null)));
        }
        Eventually.until("B counted the three doctors' consoles", () -> scalar(database,
            "SELECT count(*) FROM doctor_connection WHERE node_id <> ? AND connections > 0", nodeA) == 3);
        List<Client> everyone = new ArrayList<>(onBClients.values());
        everyone.add(nurseOnA);
        everyone.forEach(Client::collect);

        List<String> completed = new ArrayList<>();
        for (int cycle = 0; cycle < 3; cycle++) {
          String id = care.create(request("geriatrie", "normal")).getString("id");
          completed.add(id);
          assertThat(onB.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null).status()).isEqualTo(200);
          assertThat(a.api.get("/api/teleconsultations/" + id + "/join", care.nurse).status()).isEqualTo(200);
          assertThat(onB.get("/api/teleconsultations/" + id + "/join", care.geriatrician).status()).isEqualTo(200);
          assertThat(onB.post("/api/teleconsultations/" + id + "/complete", care.geriatrician, REPORT).status()).isEqualTo(200);
        }
        // In call: both sides in the room (the pages report Jitsi's join over their sockets).
        JsonObject inCallCreated = care.create(request("geriatrie", "normal"));
        String inCall = inCallCreated.getString("id");
        assertThat(onB.post("/api/teleconsultations/" + inCall + "/claim", care.geriatrician, null).status()).isEqualTo(200);
        nurseOnA.socket.send(joined(inCall));
        onBClients.get("geriatrician").socket.send(joined(inCall));
        Eventually.until("the call started", () -> "in_call".equals(item(a, care, inCall).getString("status")));
        // Assigned, the nurse already in the room: no join timeout will give this one back.
        JsonObject assignedCreated = care.create(request("cardiologie", "normal"));
        String assigned = assignedCreated.getString("id");
        assertThat(onB.post("/api/teleconsultations/" + assigned + "/claim", care.cardiologist, null).status()).isEqualTo(200);
        nurseOnA.socket.send(joined(assigned));
        Eventually.until("the nurse is in the room", () -> item(a, care, assigned).getJsonObject("participants")
            .getString("nurseJoinedAt") != null);
        String waiting = care.create(request("geriatrie", "urgent")).getString("id");
        String racing = care.create(request("any", "normal")).getString("id");
        CompletableFuture<Api.Response> inFlight = CompletableFuture.supplyAsync(
            () -> onB.post("/api/teleconsultations/" + racing + "/claim", care.generalPractitioner, null));

        b.destroyForcibly();
        assertThat(b.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(b.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        inFlight.handle((r, e) -> null).get(30, TimeUnit.SECONDS);
        everyone.forEach(Client::collect);

        // B's last sign of life: its last heartbeat, and the last console it counted.
        Instant heard = instant(database, "SELECT max(seen_at) FROM node_heartbeat WHERE node_id <> ?", nodeA);
        assertThat(heard).as("B said it lives").isNotNull();
        Instant nodeLastSign = instant(database, "SELECT GREATEST(max(c.changed_at), ?::timestamptz) FROM doctor_connection c"
            + " WHERE c.node_id <> ?", heard.toString(), nodeA);
        // Each request's own last sign of its doctor: B's, or her own later acts on it (the claim in flight, which B
        // may have answered after its last heartbeat).
        Instant lastSign = nodeLastSign;
        for (String id : List.of(inCall, assigned, racing)) {
          Instant own = instant(database, "SELECT GREATEST(?::timestamptz, assigned_at, video_at, doctor_joined_at)"
              + " FROM teleconsultation WHERE id = ?::uuid", nodeLastSign.toString(), id);
          lastSign = own.isAfter(lastSign) ? own : lastSign;
        }

        // Within the grace of B's last heartbeat, its doctors may still come back: they keep what they hold.
        clock.set(heard.plus(GRACE).minusSeconds(1));
        TestNode.await(a.node().runJobs());
        assertThat(item(a, care, inCall).getString("status")).as("within the grace").isEqualTo("in_call");
        assertThat(item(a, care, assigned).getString("status")).as("within the grace").isEqualTo("assigned");

        // Past it, on the surviving node's clock: nothing stays with the dead node's doctors.
        clock.set(lastSign.plus(GRACE).plusSeconds(1));
        TestNode.await(a.node().runJobs());
        for (String id : completed) {
          assertThat(item(a, care, id).getString("status")).as(id).isEqualTo("completed");
        }
        for (String id : List.of(inCall, assigned, waiting, racing)) {
          JsonObject item = item(a, care, id);
          assertThat(item.getString("status")).as("%s: back in the queue, or never left it", id).isEqualTo("queued");
          assertThat(item.containsKey("doctorId")).as(id).isFalse();
        }
        JsonObject back = item(a, care, inCall);
        assertThat(back.getString("queuedAt")).as("at its place").isEqualTo(inCallCreated.getString("queuedAt"));
        assertThat(back.getInteger("position")).as("behind the urgent one only").isEqualTo(2);
        assertThat(requeues(a, care, inCall)).extracting(e -> e.getJsonObject("detail").getString("was"))
            .as("given back once, from the call").containsExactly("in_call");
        assertThat(requeues(a, care, assigned)).extracting(e -> e.getJsonObject("detail").getString("was"))
            .containsExactly("assigned");
        Eventually.until("the nurse is told both went back to the queue",
            () -> requeuedEvents(nurseOnA.collect(), inCall) == 1 && requeuedEvents(nurseOnA.received, assigned) == 1);

        // Every socket that was on B comes back on A from the last event it had.
        Map<String, Client> resumed = new LinkedHashMap<>();
        onBClients.forEach((who, gone) -> resumed.put(who, new Client(gone.token,
            resume(a.port(), gone.token, maxId(gone.received)))));
        // The doctors, now on A, take the requests again and finish them.
        for (String[] step : new String[][] {{inCall, care.geriatrician}, {waiting, care.geriatrician},
            {assigned, care.cardiologist}, {racing, care.generalPractitioner}}) {
          assertThat(a.api.post("/api/teleconsultations/" + step[0] + "/claim", step[1], null).status()).isEqualTo(200);
          assertThat(a.api.post("/api/teleconsultations/" + step[0] + "/complete", step[1], REPORT).status()).isEqualTo(200);
        }
        // A last event every one of them may see marks the end.
        assertThat(a.api.post("/api/presence", care.generalPractitioner, new JsonObject().put("status", "available")).status())
            .isEqualTo(200);
        long end = awaitPresenceEvent(nurseOnA);

        // What each socket had before B died, then after its resume, is what the database says it
        // may see since its snapshot (a replay from there on A): each event once, in order.
        for (Map.Entry<String, Client> entry : onBClients.entrySet()) {
          Client before = entry.getValue();
          Client after = resumed.get(entry.getKey());
          Eventually.until(entry.getKey() + " resumed up to the end", () -> maxId(after.collect()) >= end);
          List<JsonObject> all = new ArrayList<>(before.received);
          all.addAll(after.received);
          List<Long> got = eventIds(all, before.snapshotId(), end);
          assertThat(got).as("%s: every event once, in order", entry.getKey()).isEqualTo(expected(a.port(), before, end));
          assertThat(got).as(entry.getKey()).hasSizeGreaterThan(2);
        }
        assertThat(eventIds(nurseOnA.received, nurseOnA.snapshotId(), end)).as("the nurse's socket that stayed on A")
            .isEqualTo(expected(a.port(), nurseOnA, end));
        everyone.forEach(c -> c.socket.close());
        resumed.values().forEach(c -> c.socket.close());
      } finally {
        b.destroyForcibly();
        b.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private static JsonObject joined(String id) {
    return new JsonObject().put("type", "call").put("teleconsultationId", id).put("event", "joined");
  }

  private static JsonObject item(TestNode a, CareTerritory care, String id) {
    return a.api.get("/api/teleconsultations/" + id, care.nurse).json();
  }

  private static List<JsonObject> requeues(TestNode a, CareTerritory care, String id) {
    return a.api.get("/api/teleconsultations/" + id + "/timeline", care.nurse).array().stream().map(JsonObject.class::cast)
        .filter(e -> "requeued".equals(e.getString("action"))).toList();
  }

  private static long requeuedEvents(List<JsonObject> messages, String id) {
    return messages.stream().filter(m -> "event".equals(m.getString("type"))
        && "teleconsultation.requeued".equals(m.getString("kind")) && id.equals(m.getJsonObject("data").getString("id"))).count();
  }

  /** The id of the presence event that marks the end, as the socket that stayed on A received it. */
  private static long awaitPresenceEvent(Client client) {
    long[] found = {0};
    Eventually.until("the marking event arrived", () -> {
      client.collect().stream().filter(m -> "event".equals(m.getString("type")) && "presence.changed".equals(m.getString("kind"))
              && "available".equals(m.getJsonObject("data").getString("status")))
          .reduce((first, second) -> second).ifPresent(m -> found[0] = m.getLong("id"));
      return found[0] > 0;
    });
    return found[0];
  }

  /** Says hello with since; the welcome must say it resumed (not a fresh snapshot). */
  private static WsClient resume(int port, String token, long since) {
    WsClient socket = WsClient.connect(port);
    socket.send(new JsonObject().put("type", "hello").put("token", token).put("since", since));
    assertThat(socket.next(m -> "welcome".equals(m.getString("type"))).getBoolean("resumed")).as("resumed").isTrue();
    return socket;
  }

  /** The events this viewer may see after its snapshot, up to {@code end}: a replay on A, from the database. */
  private static List<Long> expected(int port, Client client, long end) {
    Client reference = new Client(client.token, resume(port, client.token, client.snapshotId()));
    try {
      Eventually.until("the reference replay reached the end", () -> maxId(reference.collect()) >= end);
      return eventIds(reference.received, client.snapshotId(), end);
    } finally {
      reference.socket.close();
    }
  }

  private static long maxId(List<JsonObject> messages) {
    return messages.stream().mapToLong(m -> "snapshot".equals(m.getString("type")) ? m.getLong("lastEventId", 0L)
        : "event".equals(m.getString("type")) ? m.getLong("id") : 0L).max().orElse(0);
  }

  private static List<Long> eventIds(List<JsonObject> messages, long after, long upTo) {
    return messages.stream().filter(m -> "event".equals(m.getString("type"))).map(m -> m.getLong("id"))
        .filter(id -> id > after && id <= upTo).toList();
  }

  private static long scalar(DatabaseEndpoint db, String sql, String parameter) {
    try (var connection = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
         var query = connection.prepareStatement(sql)) {
      query.setString(1, parameter);
      try (var row = query.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Instant instant(DatabaseEndpoint db, String sql, String... parameters) {
    try (var connection = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
         var query = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        query.setString(i + 1, parameters[i]);
      }
      try (var row = query.executeQuery()) {
        row.next();
        var value = row.getObject(1, java.time.OffsetDateTime.class);
        return value == null ? null : value.toInstant();
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static Process startChild(DatabaseEndpoint database, Path workDir, int port) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
        "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "fr.cantou.Main").directory(workDir.toFile());
    var env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("CANTOU_"));
    env.put("CANTOU_HTTP_PORT", Integer.toString(port));
    env.put("CANTOU_DATABASE_URL", "postgresql://" + enc(database.user())
        + (database.password() == null || database.password().isEmpty() ? "" : ":" + enc(database.password())) + "@"
        + database.host() + ":" + database.port() + "/" + database.database());
    env.put("CANTOU_ADMIN_EMAIL", TestNode.ADMIN_EMAIL);
    env.put("CANTOU_ADMIN_PASSWORD", TestNode.ADMIN_PASSWORD);
    env.put("CANTOU_AUTH_ARGON2_MEMORY_KIB", "1024");
    env.put("CANTOU_AUTH_ARGON2_ITERATIONS", "1");
    env.put("CANTOU_TELECONSULT_JOIN_TIMEOUT_MINUTES", "2");
    builder.redirectErrorStream(true).redirectOutput(workDir.resolve("node-b.log").toFile());
    Process process = builder.start();
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
    return process;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
  }

  private static String log(Path workDir) throws java.io.IOException {
    Path log = workDir.resolve("node-b.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }
}
