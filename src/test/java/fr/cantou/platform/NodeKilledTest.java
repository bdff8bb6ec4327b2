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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node killed with SIGKILL in the middle of teleconsultations: node A runs in the test's JVM
 * (with the test's clock), node B is {@code fr.cantou.Main} in a JVM of its own on the same
 * database. The nurse works on A, the doctor on B; B is killed with one request assigned to the
 * doctor, one waiting and one claim in flight. Nothing stays assigned past the join timeout, and
 * the sockets that were on B resume on A with every event once.
 */
class NodeKilledTest {
  private static final JsonObject REPORT = new JsonObject().put("report", "Soins locaux.").put("outcome", "advice_given");

  @Test
  void a_node_killed_mid_flow_leaves_every_request_in_a_valid_state_and_its_sockets_resume_on_the_other(
      @TempDir Path workDir) throws Exception {
    DatabaseEndpoint database = TestDatabase.fresh();
    MutableClock clock = MutableClock.startingNow();
    try (TestNode a = TestNode.start(database, Map.of("CANTOU_TELECONSULT_JOIN_TIMEOUT_MINUTES", "2"), clock)) {
      CareTerritory care = new CareTerritory(a);
      int portB = freePort();
      Process b = startChild(database, workDir, portB);
      try {
        Api onB = new Api(portB);
        assertThat(onB.readyWithin(b, Duration.ofSeconds(90))).as("node B ready; log:\n%s", log(workDir)).isTrue();

        WsClient nurseOnA = WsClient.hello(a.port(), care.nurse, null);
        WsClient nurseOnB = WsClient.hello(portB, care.nurse, null);
        WsClient doctorOnA = WsClient.hello(a.port(), care.geriatrician, null);
        WsClient doctorOnB = WsClient.hello(portB, care.geriatrician, null);
        List<WsClient> all = List.of(nurseOnA, nurseOnB, doctorOnA, doctorOnB);
        List<List<JsonObject>> received = new ArrayList<>();
        for (WsClient client : all) {
          received.add(new ArrayList<>(client.drain(Duration.ofMillis(300))));
        }
        long baseline = received.stream().flatMap(List::stream).mapToLong(NodeKilledTest::idOf).max().orElse(0);

        List<String> ids = new ArrayList<>();
        for (int cycle = 0; cycle < 3; cycle++) {
          String id = care.create(request("geriatrie", "normal")).getString("id");
          ids.add(id);
          assertThat(onB.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null).status()).isEqualTo(200);
          assertThat(a.api.get("/api/teleconsultations/" + id + "/join", care.nurse).status()).isEqualTo(200);
          assertThat(onB.get("/api/teleconsultations/" + id + "/join", care.geriatrician).status()).isEqualTo(200);
          assertThat(onB.post("/api/teleconsultations/" + id + "/complete", care.geriatrician, REPORT).status()).isEqualTo(200);
        }
        String assigned = care.create(request("geriatrie", "normal")).getString("id");
        assertThat(onB.post("/api/teleconsultations/" + assigned + "/claim", care.geriatrician, null).status()).isEqualTo(200);
        String waiting = care.create(request("geriatrie", "urgent")).getString("id");
        String racing = care.create(request("geriatrie", "normal")).getString("id");
        ids.addAll(List.of(assigned, waiting, racing));
        CompletableFuture<Api.Response> inFlight = CompletableFuture.supplyAsync(
            () -> onB.post("/api/teleconsultations/" + racing + "/claim", care.geriatrician, null));

        b.destroyForcibly();
        assertThat(b.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(b.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        inFlight.handle((r, e) -> null).get(30, TimeUnit.SECONDS);

        // What the sockets on B had received when it died; then each resumes on A from its last id.
        List<WsClient> resumed = new ArrayList<>();
        for (int i : List.of(1, 3)) {
          received.get(i).addAll(all.get(i).drain(Duration.ofMillis(300)));
          long last = Math.max(baseline, received.get(i).stream().mapToLong(NodeKilledTest::idOf).max().orElse(baseline));
          resumed.add(WsClient.hello(a.port(), i == 1 ? care.nurse : care.geriatrician, last));
        }

        // Past the join timeout on the surviving node's clock, its jobs put the orphan back in the queue.
        clock.advance(Duration.ofMinutes(3));
        TestNode.await(a.node().runJobs());
        for (String id : ids) {
          JsonObject item = a.api.get("/api/teleconsultations/" + id, care.nurse).json();
          String status = item.getString("status");
          if (ids.indexOf(id) < 3) {
            assertThat(status).as(id).isEqualTo("completed");
          } else {
            assertThat(status).as("%s: nothing stays assigned to the dead node's doctor", id).isEqualTo("queued");
          }
        }
        // The doctor, now on A, takes them and finishes them.
        for (String id : List.of(assigned, waiting, racing)) {
          assertThat(a.api.post("/api/teleconsultations/" + id + "/claim", care.geriatrician, null).status()).isEqualTo(200);
          assertThat(a.api.post("/api/teleconsultations/" + id + "/complete", care.geriatrician, REPORT).status()).isEqualTo(200);
        }

        // Every event the reference sockets on A saw since the start, the resumed ones saw once.
        for (int k = 0; k < 2; k++) {
          int reference = k == 0 ? 0 : 2;
          int dead = k == 0 ? 1 : 3;
          WsClient again = resumed.get(k);
          Eventually.until("the resumed socket catches up with the one that stayed", () -> {
            received.get(reference).addAll(all.get(reference).drain(Duration.ofMillis(100)));
            received.get(dead).addAll(again.drain(Duration.ofMillis(100)));
            return !received.get(reference).isEmpty() && maxId(received.get(dead)) >= maxId(received.get(reference))
                && maxId(received.get(reference)) > baseline;
          });
          received.get(reference).addAll(all.get(reference).drain(Duration.ofMillis(300)));
          received.get(dead).addAll(again.drain(Duration.ofMillis(300)));
          List<Long> expected = eventIds(received.get(reference), baseline);
          List<Long> got = eventIds(received.get(dead), baseline);
          assertThat(got).as(k == 0 ? "nurse's events" : "doctor's events").isEqualTo(expected);
          assertThat(expected).hasSizeGreaterThan(10);
        }
        for (WsClient client : all) {
          client.close();
        }
        resumed.forEach(WsClient::close);
      } finally {
        b.destroyForcibly();
        b.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private static long idOf(JsonObject message) {
    if ("snapshot".equals(message.getString("type"))) {
      return message.getLong("lastEventId", 0L);
    }
    return "event".equals(message.getString("type")) ? message.getLong("id") : 0;
  }

  private static long maxId(List<JsonObject> messages) {
    return messages.stream().mapToLong(NodeKilledTest::idOf).max().orElse(0);
  }

  private static List<Long> eventIds(List<JsonObject> messages, long after) {
    return messages.stream().filter(m -> "event".equals(m.getString("type"))).map(m -> m.getLong("id"))
        .filter(id -> id > after).toList();
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
    env.put("CANTOU_AUTH_ARGON2_MEMORY_KIB", "8192");
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
