package fr.cantou.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** target/bench/report.md: the machine, the goals met or missed, every measured row with who spent the CPU. */
final class Report {

  /** One measurement: {@code ok} operations (or frames) done, {@code failed} (or lost), with the CPU each process used. */
  record Row(String name, long ok, long failed, double perSecond, Latencies latencies, double wallSeconds,
             Map<String, Double> cpu, String note) {}

  /** One line of the table: what was asked, what was measured, beside which baseline. */
  record Goal(String workload, String goal, String measured, String baseline, Boolean met) {
    String verdict() {
      return met == null ? "not measured" : met ? "**met**" : "**missed**";
    }
  }

  private final List<Row> rows = new ArrayList<>();
  private final List<Goal> goals = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<String> statements = new ArrayList<>();

  void add(Row row) {
    rows.add(row);
    System.out.println(line(row, cpuColumns()));
  }

  void add(Goal goal) {
    goals.add(goal);
    System.out.println("goal: " + goal.workload() + " — " + goal.measured() + " — " + goal.verdict());
  }

  /** Where PostgreSQL's time went during a phase ({@link StatementTimes}). */
  void statements(String table) {
    statements.add(table);
  }

  void note(String note) {
    notes.add(note);
    System.out.println("note: " + note);
  }

  Path write(Path out, Machine machine, double seconds) throws IOException {
    List<String> cpu = cpuColumns();
    StringBuilder md = new StringBuilder("# Cantou benchmark report\n\n")
        .append("Run ended ").append(Instant.now()).append("; ").append(fmt(seconds, 0))
        .append(" s per measured phase (after a warm-up of ").append(System.getProperty("bench.warmup", "10"))
        .append(" s where the workload has one; a closed loop's goes on while the JIT compilers still work, up to ")
        .append(fmt(Workloads.WARM_UP_MAX_SECONDS, 0)).append(" s: see the notes).\n\n")
        .append("## Machine\n\n| | |\n|---|---|\n")
        .append("| cores | ").append(machine.cores()).append(" |\n")
        .append("| memory | ").append(machine.memory()).append(" |\n")
        .append("| CPU | ").append(machine.cpuModel()).append(" |\n")
        .append("| JVM | ").append(machine.jvm()).append(" |\n")
        .append("| PostgreSQL | ").append(machine.postgres()).append(" |\n")
        .append("| Vert.x | ").append(machine.vertx()).append(" |\n\n")
        .append("Every process is its own: node A (`fr.cantou.Main`, embedded PostgreSQL), node B (`fr.cantou.Main` on ")
        .append("node A's database), the load generator (a Vert.x JVM driven by the orchestrator), the baseline servers ")
        .append("(bare Vert.x, socket.io on Node). All share the cores; the CPU columns say who spent them during each row ")
        .append("(seconds of CPU from /proc/<pid>/stat, user + system; PostgreSQL: its postmaster and backends; ")
        .append("server: the baseline server of the row; other processes: the whole machine's busy time from /proc/stat minus ")
        .append("ours, i.e. whatever else ran on the cores meanwhile). Two cores give at most 2 CPU s per wall second.\n\n")
        .append("## Goals\n\n| workload | goal | measured | baseline, same run | verdict |\n|---|---|---|---|---|\n");
    goals.forEach(g -> md.append("| ").append(g.workload()).append(" | ").append(g.goal()).append(" | ").append(g.measured())
        .append(" | ").append(g.baseline()).append(" | ").append(g.verdict()).append(" |\n"));
    md.append("\n## Every row\n\nok: operations answered as expected (fan-out: frames received); failed: other answers ")
        .append("(fan-out: frames lost); per s: throughput (fan-out: creates per second asked).\n\n")
        .append(header(cpu));
    rows.forEach(r -> md.append(line(r, cpu)).append('\n'));
    if (!statements.isEmpty()) {
      md.append("\n## PostgreSQL's statements\n\n");
      statements.forEach(t -> md.append(t).append('\n'));
    }
    if (!notes.isEmpty()) {
      md.append("\n## Notes\n\n");
      notes.forEach(n -> md.append("- ").append(n).append('\n'));
    }
    Files.createDirectories(out.getParent());
    Files.writeString(out, md.toString());
    return out;
  }

  private List<String> cpuColumns() {
    Set<String> names = new LinkedHashSet<>();
    rows.forEach(r -> names.addAll(r.cpu().keySet()));
    // The rest of the machine last, whatever came and went before it.
    if (names.remove(CpuMeter.OTHERS)) {
      names.add(CpuMeter.OTHERS);
    }
    return List.copyOf(names);
  }

  private static String header(List<String> cpu) {
    StringBuilder h = new StringBuilder("| row | ok | failed | per s | p50 ms | p99 ms | p99.9 ms | max ms | wall s |");
    cpu.forEach(c -> h.append(" CPU s ").append(c).append(" |"));
    h.append(" note |\n|---|---|---|---|---|---|---|---|---|");
    cpu.forEach(c -> h.append("---|"));
    return h.append("---|\n").toString();
  }

  private static String line(Row r, List<String> cpu) {
    Latencies l = r.latencies();
    StringBuilder s = new StringBuilder("| ").append(r.name()).append(" | ").append(r.ok()).append(" | ").append(r.failed())
        .append(" | ").append(fmt(r.perSecond(), 1)).append(" | ").append(fmt(l.p50(), 2)).append(" | ").append(fmt(l.p99(), 2))
        .append(" | ").append(fmt(l.p999(), 2)).append(" | ").append(fmt(l.max(), 1)).append(" | ").append(fmt(r.wallSeconds(), 1))
        .append(" |");
    cpu.forEach(c -> s.append(' ').append(r.cpu().containsKey(c) ? fmt(r.cpu().get(c), 1) : "").append(" |"));
    return s.append(' ').append(r.note() == null ? "" : r.note()).append(" |").toString();
  }

  static String fmt(double value, int decimals) {
    return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%,." + decimals + "f", value);
  }
}
