package fr.cantou.bench;

import fr.cantou.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
    String blocked = "none";
    TestNode node = TestNode.start();
    try {
      Vertx vertx = Vertx.vertx();
      LoadRunner runner = new LoadRunner(vertx, node.port(), 64);
      String admin = node.adminToken();
      String only = System.getProperty("bench.only", "");
      for (Scenario scenario : Scenario.all(node, admin)) {
        if (!scenario.name().contains(only)) {
          continue;
        }
        scenario.prepare();
        // A short warm-up lets the JIT and the pool settle; its figures are discarded.
        TestNode.await(runner.openLoop("warm-up", scenario.rate(), Duration.ofSeconds(2), scenario.requests()));
        LoadRunner.Result result = TestNode.await(runner.openLoop(scenario.name(), scenario.rate(), duration, scenario.requests()));
        results.add(result);
        System.out.println(line(result));
      }
      TestNode.await(runner.close().compose(v -> vertx.close()));
    } finally {
      try {
        node.close();
      } catch (AssertionError e) {
        // Under a load beyond the node's capacity the event loop is starved, not blocked by
        // our code; the report says how often, and the tests keep the strict check.
        blocked = e.getMessage().split("ms, time limit").length - 1 + " warnings";
      }
    }
    write(results, duration, blocked);
  }

  /** One kind of request at one rate. */
  interface Scenario {
    String name();

    double rate();

    java.util.function.Supplier<LoadRunner.Request> requests();

    default void prepare() {}

    static List<Scenario> all(TestNode node, String admin) {
      BusyService busy = new BusyService(node, admin);
      return List.of(
          simple("GET /health (no database)", 1000, new LoadRunner.Request(HttpMethod.GET, "/health", null, null)),
          simple("GET /api/me (JWT + user read)", 1000, new LoadRunner.Request(HttpMethod.GET, "/api/me", admin, null)),
          simple("GET /api/specialties (public list)", 1000,
              new LoadRunner.Request(HttpMethod.GET, "/api/specialties", null, null)),
          busy.slotsOfAMonth(),
          busy.bookings(),
          busy.teleconsultations());
    }

    static Scenario simple(String name, double rate, LoadRunner.Request request) {
      return new Scenario() {
        public String name() {
          return name;
        }

        public double rate() {
          return rate;
        }

        public java.util.function.Supplier<LoadRunner.Request> requests() {
          return () -> request;
        }
      };
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
