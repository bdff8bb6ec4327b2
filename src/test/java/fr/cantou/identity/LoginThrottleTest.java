package fr.cantou.identity;

import fr.cantou.support.Api;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guessing passwords is slow and bounded, and never locks the owner out for long: attempts are
 * counted before the password is checked (atomically), per account and address, per account,
 * per address; past a limit comes a short block that doubles; hashing has a ceiling.
 */
class LoginThrottleTest {
  static JsonObject credentials(String email, String password) {
    return new JsonObject().put("email", email).put("password", password);
  }

  @Test
  void forty_parallel_guesses_on_one_account_get_exactly_the_allowed_number_of_checks() throws Exception {
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_AUTH_MAX_FAILED_LOGINS", "5",
        "CANTOU_AUTH_MAX_FAILED_LOGINS_PER_ADDRESS", "1000"), MutableClock.startingNow())) {
      List<Api.Response> answers = inParallel(40, i -> node.api.post("/api/auth/login", credentials(TestNode.ADMIN_EMAIL, "guess-" + i)));
      assertThat(answers.stream().filter(a -> a.status() == 401)).hasSize(5);
      assertThat(answers.stream().filter(a -> a.status() == 429)).hasSize(35)
          .allSatisfy(a -> assertThat(a.headers().firstValue("Retry-After")).isPresent());
    }
  }

  @Test
  void the_block_is_short_and_doubles_and_the_owner_gets_back_in_once_it_is_over() {
    MutableClock clock = MutableClock.startingNow();
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_AUTH_MAX_FAILED_LOGINS", "3",
        "CANTOU_AUTH_MAX_FAILED_LOGINS_PER_ADDRESS", "1000"), clock)) {
      for (int i = 0; i < 3; i++) {
        assertThat(node.api.post("/api/auth/login", credentials(TestNode.ADMIN_EMAIL, "typo-" + i)).status()).isEqualTo(401);
      }
      var blocked = node.api.post("/api/auth/login", credentials(TestNode.ADMIN_EMAIL, "typo-3"));
      assertThat(blocked.status()).isEqualTo(429);
      assertThat(blocked.headers().firstValue("Retry-After")).hasValue("2");
      assertThat(node.api.post("/api/auth/login", credentials(TestNode.ADMIN_EMAIL, TestNode.ADMIN_PASSWORD)).status())
          .as("still blocked, even with the right password").isEqualTo(429);

      clock.advance(Duration.ofSeconds(2));
      assertThat(node.api.post("/api/auth/login", credentials(TestNode.ADMIN_EMAIL, "typo-4")).status())
          .as("one more try once the block is over").isEqualTo(401);
      var longer = node.api.post("/api/auth/login", credentials(TestNode.ADMIN_EMAIL, "typo-5"));
      assertThat(longer.status()).isEqualTo(429);
      assertThat(longer.headers().firstValue("Retry-After")).as("twice as long").hasValue("4");

      clock.advance(Duration.ofSeconds(4));
      assertThat(node.api.post("/api/auth/login", credentials(TestNode.ADMIN_EMAIL, TestNode.ADMIN_PASSWORD)).status())
          .as("not 15 minutes: the owner is back in").isEqualTo(200);
    }
  }

  @Test
  void random_emails_from_one_address_are_stopped_but_the_owner_elsewhere_is_not() throws Exception {
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_AUTH_MAX_FAILED_LOGINS_PER_ADDRESS", "20"),
        MutableClock.startingNow())) {
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        statuses.add(postFrom("127.0.0.2", node.port(), credentials(UUID.randomUUID() + "@nowhere.test", "guess")));
      }
      assertThat(statuses.subList(0, 20)).containsOnly(401);
      assertThat(statuses.subList(20, 25)).as("no hash is spent on them").containsOnly(429);

      assertThat(postFrom("127.0.0.1", node.port(), credentials(TestNode.ADMIN_EMAIL, TestNode.ADMIN_PASSWORD))).isEqualTo(200);
    }
  }

  @Test
  void a_guesser_on_the_owners_account_elsewhere_does_not_lock_the_owner_out() throws Exception {
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_AUTH_MAX_FAILED_LOGINS", "5"),
        MutableClock.startingNow())) {
      for (int i = 0; i < 8; i++) {
        postFrom("127.0.0.3", node.port(), credentials(TestNode.ADMIN_EMAIL, "guess-" + i));
      }
      assertThat(postFrom("127.0.0.3", node.port(), credentials(TestNode.ADMIN_EMAIL, TestNode.ADMIN_PASSWORD))).isEqualTo(429);
      assertThat(postFrom("127.0.0.1", node.port(), credentials(TestNode.ADMIN_EMAIL, TestNode.ADMIN_PASSWORD))).isEqualTo(200);
    }
  }

  @Test
  void a_guesser_spread_over_many_addresses_slows_each_of_them_but_never_keeps_the_owner_out() throws Exception {
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_AUTH_MAX_FAILED_LOGINS", "3"),
        MutableClock.startingNow())) {
      for (int address = 10; address < 30; address++) {
        for (int i = 0; i < 4; i++) {
          postFrom("127.0.1." + address, node.port(), credentials(TestNode.ADMIN_EMAIL, "guess-" + i));
        }
      }
      assertThat(postFrom("127.0.1.10", node.port(), credentials(TestNode.ADMIN_EMAIL, "guess"))).isEqualTo(429);
      assertThat(postFrom("127.0.0.1", node.port(), credentials(TestNode.ADMIN_EMAIL, TestNode.ADMIN_PASSWORD))).isEqualTo(200);
    }
  }

  @Test
  void behind_a_trusted_proxy_each_client_counts_by_its_own_address() throws Exception {
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_AUTH_MAX_FAILED_LOGINS_PER_ADDRESS", "5",
        "CANTOU_HTTP_TRUSTED_PROXIES", "127.0.0.1"), MutableClock.startingNow())) {
      for (int i = 0; i < 5; i++) {
        postFrom("127.0.0.1", node.port(), credentials(UUID.randomUUID() + "@nowhere.test", "guess"),
            "X-Forwarded-For: 10.1.2.3, 203.0.113.7");
      }
      assertThat(postFrom("127.0.0.1", node.port(), credentials(UUID.randomUUID() + "@nowhere.test", "guess"),
          "X-Forwarded-For: 203.0.113.7")).as("that client is slowed down").isEqualTo(429);
      assertThat(postFrom("127.0.0.1", node.port(), credentials(TestNode.ADMIN_EMAIL, TestNode.ADMIN_PASSWORD),
          "X-Forwarded-For: 203.0.113.8")).as("another client through the same proxy is not").isEqualTo(200);
      for (int i = 0; i < 6; i++) {
        postFrom("127.0.0.2", node.port(), credentials(UUID.randomUUID() + "@nowhere.test", "guess"),
            "X-Forwarded-For: 203.0.113." + i);
      }
      assertThat(postFrom("127.0.0.2", node.port(), credentials(TestNode.ADMIN_EMAIL, TestNode.ADMIN_PASSWORD),
          "X-Forwarded-For: 203.0.113.9")).as("not a proxy: what it says of itself is not believed").isEqualTo(429);
    }
  }

  @Test
  void behind_a_proxy_that_writes_the_clients_port_each_port_is_not_a_new_client() throws Exception {
    // Some load balancers write "address:port" in X-Forwarded-For: taken whole, each of a guesser's connections (a new
    // source port) was a new client for every limit.
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_AUTH_MAX_FAILED_LOGINS_PER_ADDRESS", "5",
        "CANTOU_HTTP_TRUSTED_PROXIES", "127.0.0.1"), MutableClock.startingNow())) {
      for (int port = 40001; port <= 40005; port++) {
        postFrom("127.0.0.1", node.port(), credentials(UUID.randomUUID() + "@nowhere.test", "guess"),
            "X-Forwarded-For: 203.0.113.7:" + port);
      }
      assertThat(postFrom("127.0.0.1", node.port(), credentials(UUID.randomUUID() + "@nowhere.test", "guess"),
          "X-Forwarded-For: 203.0.113.7:40006")).as("the same client from another port").isEqualTo(429);
      assertThat(postFrom("127.0.0.1", node.port(), credentials(UUID.randomUUID() + "@nowhere.test", "guess"),
          "X-Forwarded-For: [2001:db8::7]:40007")).as("an IPv6 client written with its port is another client").isEqualTo(401);
    }
  }

  @Test
  void a_guesser_hopping_over_the_64s_of_one_ipv6_network_is_slowed_as_one_and_the_owner_elsewhere_is_not() throws Exception {
    // An address counts by its /64, and one /48 (a tunnel broker gives one away) holds 65,536 of them: ten guesses
    // on her account from each made 655,360 every 15 minutes, the hashing ceiling the only bound left.
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_AUTH_MAX_FAILED_LOGINS", "3",
        "CANTOU_AUTH_MAX_FAILED_LOGINS_PER_NETWORK", "5", "CANTOU_HTTP_TRUSTED_PROXIES", "127.0.0.1"),
        MutableClock.startingNow())) {
      for (int i = 1; i <= 5; i++) {
        assertThat(postFrom("127.0.0.1", node.port(), credentials(TestNode.ADMIN_EMAIL, "guess-" + i),
            "X-Forwarded-For: 2001:db8:9:" + i + "::1")).as("one guess from /64 number " + i).isEqualTo(401);
      }
      assertThat(postFrom("127.0.0.1", node.port(), credentials(TestNode.ADMIN_EMAIL, "guess-6"),
          "X-Forwarded-For: 2001:db8:9:6::1")).as("a sixth /64 of the same /48").isEqualTo(429);
      assertThat(postFrom("127.0.0.1", node.port(), credentials(TestNode.ADMIN_EMAIL, TestNode.ADMIN_PASSWORD),
          "X-Forwarded-For: 2001:db8:10:1::1")).as("the owner in another network").isEqualTo(200);
      assertThat(postFrom("127.0.0.1", node.port(), credentials(TestNode.ADMIN_EMAIL, TestNode.ADMIN_PASSWORD),
          "X-Forwarded-For: 198.51.100.4")).as("the owner over IPv4").isEqualTo(200);
    }
  }

  @Test
  void failed_sign_ins_from_many_addresses_write_a_bounded_number_of_lines_a_minute() throws Exception {
    MutableClock clock = MutableClock.startingNow();
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_AUTH_SIGN_IN_LINES_PER_MINUTE", "5"), clock)) {
      String admin = node.adminToken();
      for (int address = 10; address < 22; address++) {
        assertThat(postFrom("127.0.2." + address, node.port(), credentials(UUID.randomUUID() + "@nowhere.test", "guess")))
            .isEqualTo(401);
      }
      assertThat(failedLines(node, admin)).as("five lines, then one saying the others of the minute are not written")
          .containsExactly("sign_in.unwritten", "sign_in.failed", "sign_in.failed", "sign_in.failed", "sign_in.failed",
              "sign_in.failed");
      // The junk cannot hide a guess on a real account: that one is written all the same.
      assertThat(postFrom("127.0.2.25", node.port(), credentials(TestNode.ADMIN_EMAIL, "guess"))).isEqualTo(401);
      assertThat(failedLines(node, admin)).hasSize(7).first().isEqualTo("sign_in.failed");

      clock.advance(Duration.ofSeconds(61));
      assertThat(postFrom("127.0.2.30", node.port(), credentials(UUID.randomUUID() + "@nowhere.test", "guess"))).isEqualTo(401);
      assertThat(failedLines(node, admin)).as("a new minute writes again").hasSize(8).first().isEqualTo("sign_in.failed");
    }
  }

  /** The trail's lines of sign-ins that proved nobody, newest first. */
  private static List<String> failedLines(TestNode node, String admin) {
    return node.api.get("/api/admin/audit?kind=sign_in&limit=200", admin).json().getJsonArray("items").stream()
        .map(JsonObject.class::cast).map(e -> e.getString("action"))
        .filter(action -> !action.equals("sign_in.succeeded")).toList();
  }

  @Test
  void past_the_hashing_ceiling_a_sign_in_is_told_to_come_back_not_queued_for_ever() throws Exception {
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_AUTH_MAX_CONCURRENT_HASHES", "1",
        "CANTOU_AUTH_HASH_QUEUE", "0", "CANTOU_AUTH_MAX_FAILED_LOGINS_PER_ADDRESS", "1000",
        "CANTOU_AUTH_ARGON2_MEMORY_KIB", "65536", "CANTOU_AUTH_ARGON2_ITERATIONS", "3"), MutableClock.startingNow())) {
      List<Api.Response> answers = inParallel(30,
          i -> node.api.post("/api/auth/login", credentials(UUID.randomUUID() + "@nowhere.test", "guess")));
      assertThat(answers).extracting(Api.Response::status).containsOnly(401, 503).contains(401, 503);
      assertThat(answers.stream().filter(a -> a.status() == 503))
          .allSatisfy(a -> assertThat(a.headers().firstValue("Retry-After")).hasValue("1"));
    }
  }

  private interface Attempt {
    Api.Response run(int i) throws Exception;
  }

  private static List<Api.Response> inParallel(int count, Attempt attempt) throws Exception {
    var pool = Executors.newFixedThreadPool(count);
    try {
      List<Future<Api.Response>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int n = i;
        futures.add(pool.submit((Callable<Api.Response>) () -> attempt.run(n)));
      }
      List<Api.Response> answers = new ArrayList<>();
      for (Future<Api.Response> f : futures) {
        answers.add(f.get());
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }

  /** A sign-in sent from another loopback address, as from another machine. */
  private static int postFrom(String localAddress, int port, JsonObject body, String... headers) throws Exception {
    byte[] json = body.encode().getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(localAddress), 0)) {
      socket.getOutputStream().write(("POST /api/auth/login HTTP/1.1\r\nHost: cantou\r\nContent-Type: application/json\r\n"
          + String.join("", java.util.Arrays.stream(headers).map(h -> h + "\r\n").toList())
          + "Content-Length: " + json.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(json);
      String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      return Integer.parseInt(status.split(" ")[1]);
    }
  }
}
