package fr.cantou.bench;

import fr.cantou.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The benchmark suite: {@code mvn -B -Pbench verify} (or exec:java with the test class path).
 * Starts a real node on the embedded PostgreSQL, runs each scenario in turn over loopback
 * and writes target/bench/report.md. Figures are medians and high percentiles of one run,
 * side by side; the machine is shared, so compare within a report, not across reports.
 */
public final class Benchmarks {

  public static void main(String[] args) throws Exception {
    Duration duration = Duration.ofSeconds(Long.parseLong(System.getProperty("bench.seconds", "10")));
    List<LoadRunner.Result> results = new ArrayList<>();
    int blocked;
    TestNode node = TestNode.start();
    // A second node on the same database that keeps no slots in memory: the same request, side by side.
    TestNode fromDatabase = TestNode.start(node.database(), Map.of("CANTOU_VISIO_SLOT_DAYS_KEPT", "0"), Clock.systemUTC());
    try {
      Vertx vertx = Vertx.vertx();
      Map<TestNode, LoadRunner> runners = new HashMap<>();
      String admin = node.adminToken();
      String only = System.getProperty("bench.only", "");
      for (Scenario scenario : Scenario.all(node, fromDatabase, admin)) {
        if (!scenario.name().contains(only)) {
          continue;
        }
        Supplier<LoadRunner.Request> requests = scenario.prepare().get();
        Scenario background = scenario.background();
        Supplier<LoadRunner.Request> backgroundRequests = background == null ? null : background.prepare().get();
        TestNode target = scenario.target() == null ? node : scenario.target();
        LoadRunner runner = runners.computeIfAbsent(target, t -> new LoadRunner(vertx, t.port(), 64));
        // A short warm-up lets the JIT and the pool settle; its figures are discarded.
        TestNode.await(runner.openLoop("warm-up", scenario.rate(), Duration.ofSeconds(2), requests));
        Future<LoadRunner.Result> beside = background == null ? null
            : runner.openLoop(background.name(), background.rate(), duration, backgroundRequests);
        results.add(TestNode.await(runner.openLoop(scenario.name(), scenario.rate(), duration, requests)));
        if (beside != null) {
          results.add(TestNode.await(beside));
        }
      }
      results.forEach(r -> System.out.println(line(r)));
      TestNode.await(Future.all(runners.values().stream().map(LoadRunner::close).toList()).compose(v -> vertx.close()));
    } finally {
      blocked = closeCounting(fromDatabase, closeCounting(node, 0));
    }
    write(results, duration, blocked == 0 ? "none" : blocked + " warnings");
  }

  /**
   * Under a load beyond the node's capacity the event loop is starved, not blocked by our
   * code; the report says how often, and the tests keep the strict check.
   */
  private static int closeCounting(TestNode node, int warnings) {
    try {
      node.close();
      return warnings;
    } catch (AssertionError e) {
      return warnings + e.getMessage().split("ms, time limit").length - 1;
    }
  }

  /**
   * One kind of request at one rate, on one node (null: the main one), maybe with another load
   * sent beside it and reported on its own line. {@code prepare} sets up the data and returns
   * the requests.
   */
  record Scenario(String name, double rate, Supplier<Supplier<LoadRunner.Request>> prepare, TestNode target,
                  Scenario background) {

    static Scenario of(String name, double rate, Supplier<Supplier<LoadRunner.Request>> prepare) {
      return new Scenario(name, rate, prepare, null, null);
    }

    static Scenario simple(String name, double rate, LoadRunner.Request request) {
      return of(name, rate, () -> () -> request);
    }

    Scenario on(TestNode node) {
      return new Scenario(name, rate, prepare, node, background);
    }

    Scenario beside(Scenario other) {
      return new Scenario(name, rate, prepare, target, other);
    }

    static List<Scenario> all(TestNode node, TestNode fromDatabase, String admin) {
      BusyService busy = new BusyService(node, admin);
      return List.of(
          simple("GET /health (no database)", 1000, new LoadRunner.Request(HttpMethod.GET, "/health", null, null)),
          simple("GET /api/me (JWT + user read)", 1000, new LoadRunner.Request(HttpMethod.GET, "/api/me", admin, null)),
          simple("GET /api/specialties (public list)", 1000,
              new LoadRunner.Request(HttpMethod.GET, "/api/specialties", null, null)),
          busy.slotsOfAMonth("computed from the database at each request", 50).on(fromDatabase),
          busy.slotsOfAMonth("kept in memory", 50),
          busy.slotsOfAMonth("kept in memory", 1000),
          busy.slotsWhileBooking(1000, 10),
          busy.bookings(),
          busy.teleconsultations());
    }
  }

  private static String line(LoadRunner.Result r) {
    return String.format(Locale.ROOT, "| %s | %.0f | %.0f | %d | %.2f | %.2f | %.2f | %.2f |", r.name(), r.requestedRate(),
        r.throughput(), r.failed(), r.percentileMs(50), r.percentileMs(90), r.percentileMs(99), r.percentileMs(99.9));
  }

  private static void write(List<LoadRunner.Result> results, Duration duration, String blocked) throws IOException {
    StringBuilder report = new StringBuilder()
        .append("# Cantou benchmark report\n\n")
        .append("Run: ").append(Instant.now()).append(", ").append(Runtime.getRuntime().availableProcessors())
        .append(" cores, ").append(duration.toSeconds()).append(" s per scenario, open loop over loopback, ")
        .append("node and load generator in one JVM, embedded PostgreSQL 17.\n\n")
        .append("| scenario | rate asked (req/s) | served (req/s) | failed | p50 ms | p90 ms | p99 ms | p99.9 ms |\n")
        .append("|---|---|---|---|---|---|---|---|\n");
    results.forEach(r -> report.append(line(r)).append('\n'));
    report.append("\nBlocked-thread warnings of the node during the run: ").append(blocked).append(".\n");
    Path out = Path.of("target", "bench", "report.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report.toString());
    System.out.println("report written to " + out.toAbsolutePath());
  }

}
