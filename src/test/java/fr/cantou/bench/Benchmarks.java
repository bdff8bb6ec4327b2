package fr.cantou.bench;

import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.support.Api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The benchmark profile ({@code mvn -B -Pbench verify}): the orchestrator. It starts node A
 * ({@code fr.cantou.Main} with an embedded PostgreSQL in target/bench/node-a), node B on the
 * same database, and the load generator, each in its own JVM; runs the workloads of issue 10
 * one after another, each beside its baseline; restarts node A on its data; and writes
 * target/bench/report.md. {@code -Dbench.seconds} sets each measured phase (10 by default),
 * {@code -Dbench.only=<names>} (comma-separated: bookings, teleconsultations, race, slots,
 * fanout, two-nodes, idle, restart) keeps some.
 */
public final class Benchmarks {

  /** A workload that may be kept or skipped by name. */
  private interface Workload {
    void run() throws Exception;
  }

  /** {@code -Dbench.nodeJvm="-XX:… -XX:…"}: more options for the nodes' and the bare server's JVMs (a profiler's). */
  static List<String> extraJvmOptions() {
    return List.of(System.getProperty("bench.nodeJvm", "").trim().split("\\s+")).stream().filter(s -> !s.isEmpty()).toList();
  }

  static List<String> withExtraJvmOptions(String... options) {
    List<String> all = new java.util.ArrayList<>(List.of(options));
    all.addAll(extraJvmOptions());
    return all;
  }

  public static void main(String[] args) throws Exception {
    double seconds = Double.parseDouble(System.getProperty("bench.seconds", "10"));
    List<String> only = List.of(System.getProperty("bench.only", "").split(",")).stream().map(String::trim)
        .filter(s -> !s.isEmpty()).toList();
    Path dir = Path.of("target", "bench").toAbsolutePath();
    // A run starts from nothing: no data, log or recording of an earlier one (npm's install stays).
    for (String node : List.of("node-a", "node-b")) {
      delete(dir.resolve(node));
    }
    Files.createDirectories(dir);
    try (var files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".jfr")).toList()) {
        Files.delete(file);
      }
    }
    Report report = new Report();
    CpuMeter cpu = new CpuMeter();
    int databasePort = NodeProcess.freePort();
    DatabaseEndpoint database = new DatabaseEndpoint("localhost", databasePort, "cantou", "postgres", "");
    Map<String, String> embedded = Map.of("CANTOU_DATABASE_EMBEDDED_DATA_DIR", "data",
        "CANTOU_DATABASE_EMBEDDED_PORT", Integer.toString(databasePort),
        // Tokens outlive the run: one login per fixture, not per workload phase.
        "CANTOU_AUTH_ACCESS_TOKEN_MINUTES", "120");
    NodeProcess nodeA = startNodeA(dir, embedded, database);
    report.note("WAL: " + WalSteadyState.prepare(database) + " recycled segments ahead of the current one before the first row,"
        + " and again before every measured phase (WalSteadyState: a database made for the run would otherwise create each"
        + " next segment under the load).");
    Map<String, String> onA = Map.of("CANTOU_DATABASE_URL", "postgresql://postgres@localhost:" + databasePort + "/cantou",
        "CANTOU_AUTH_ACCESS_TOKEN_MINUTES", "120");
    // Node B too serves with its class data archive, written by a first start.
    NodeProcess.start("node-b-first", dir.resolve("node-b"), onA, NodeProcess.freePort()).close();
    NodeProcess nodeB = NodeProcess.start("node-b", dir.resolve("node-b"), onA, NodeProcess.freePort());
    long postmaster = Long.parseLong(Files.readAllLines(dir.resolve("node-a/data/postmaster.pid")).get(0).trim());
    Machine machine = Machine.describe(database.jdbcUrl(), database.user(), database.password());
    try (LoadProcess load = new LoadProcess(dir)) {
      cpu.watch("node A", () -> CpuTime.of(nodeA.pid()));
      cpu.watch("node B", () -> CpuTime.of(nodeB.pid()));
      cpu.watch("load generator", () -> CpuTime.of(load.pid()));
      cpu.watch("PostgreSQL", () -> CpuTime.ofTree(postmaster));
      cpu.watchPart(CpuMeter.COMPILERS, () -> new CpuTime(CpuTime.compilers(nodeA.pid()).seconds()
          + CpuTime.compilers(nodeB.pid()).seconds()));
      cpu.watch(CpuMeter.MACHINE, CpuTime::machine);
      Workloads workloads = new Workloads(load, nodeA, nodeB, database, new Fixtures(new Api(nodeA.port())), cpu, report,
          seconds, dir);
      Map<String, Workload> all = new java.util.LinkedHashMap<>();
      all.put("bookings", workloads::bookings);
      all.put("teleconsultations", workloads::teleconsultations);
      all.put("race", workloads::race);
      all.put("slots", workloads::slotSearch);
      all.put("fanout", workloads::fanOut);
      all.put("two-nodes", workloads::twoNodes);
      all.put("idle", workloads::idleSockets);
      for (var workload : all.entrySet()) {
        if (only.isEmpty() || only.contains(workload.getKey())) {
          System.out.println("== " + workload.getKey());
          try {
            workload.getValue().run();
          } catch (Exception | AssertionError e) {
            // One broken workload (the server changed under it) must not hide the others' figures.
            e.printStackTrace();
            report.note(workload.getKey() + " did not complete: " + e);
          }
        }
      }
    } finally {
      report.note("Blocked-thread warnings logged: node A " + nodeA.blockedWarnings() + ", node B " + nodeB.blockedWarnings()
          + " (under a load beyond the cores an event loop is starved, not necessarily blocked by the code).");
      nodeB.close();
      nodeA.close();
    }
    if (only.isEmpty() || only.contains("restart")) {
      restart(dir, embedded, report);
    }
    Path out = report.write(dir.resolve("report.md"), machine, seconds);
    System.out.println("report written to " + out);
  }

  /**
   * Node A as it serves: started once to make its database and its class data archive (a JVM
   * that writes one runs in the JDK's dumping mode, without JFR, until it stops), then again on
   * both. With -Dbench.pgstat=true its PostgreSQL loads pg_stat_statements at the second start.
   */
  private static NodeProcess startNodeA(Path dir, Map<String, String> embedded, DatabaseEndpoint database) throws Exception {
    NodeProcess first = NodeProcess.start("node-a-first", dir.resolve("node-a"), embedded, NodeProcess.freePort());
    if (StatementTimes.ON) {
      StatementTimes.preload(database);
    }
    first.close();
    NodeProcess nodeA = NodeProcess.start("node-a", dir.resolve("node-a"), embedded, NodeProcess.freePort());
    if (StatementTimes.ON) {
      new StatementTimes(database).create();
    }
    return nodeA;
  }

  /** Node A again on the data it left: from the process start to /ready answering 200. */
  private static void restart(Path dir, Map<String, String> embedded, Report report) {
    long start = System.nanoTime();
    try (NodeProcess again = NodeProcess.start("node-a-restarted", dir.resolve("node-a"), embedded, NodeProcess.freePort())) {
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      report.add(new Report.Goal("restart → /ready on an existing embedded database", "< 3 s",
          Report.fmt(took.toMillis(), 0) + " ms from the process start (JVM start included)", "—", took.toMillis() < 3000));
    }
  }

  private static void delete(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (var files = Files.walk(path)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
