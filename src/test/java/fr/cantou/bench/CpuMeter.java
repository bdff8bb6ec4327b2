package fr.cantou.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The processes whose CPU each row reports (nodes, load generator, PostgreSQL, a baseline
 * server), read before and after a measurement. Processes come and go (a baseline server, a
 * restarted node), so each is looked up by name at the time.
 */
final class CpuMeter {
  /** A process to watch: how to read its CPU time now. */
  private final Map<String, Supplier<CpuTime>> watched = new LinkedHashMap<>();
  private final java.util.Set<String> parts = new java.util.HashSet<>();

  void watch(String name, Supplier<CpuTime> cpu) {
    watched.put(name, cpu);
  }

  /**
   * A share of what the watched processes spend (their JIT compilers), in a column of its own and not counted again
   * when the rest of the machine's time is worked out.
   */
  void watchPart(String name, Supplier<CpuTime> cpu) {
    watched.put(name, cpu);
    parts.add(name);
  }

  void forget(String name) {
    watched.remove(name);
  }

  Map<String, CpuTime> now() {
    Map<String, CpuTime> now = new LinkedHashMap<>();
    watched.forEach((name, cpu) -> now.put(name, cpu.get()));
    return now;
  }

  static final String MACHINE = "machine";
  static final String OTHERS = "other processes";
  /** The nodes' JIT compiler threads: part of node A's and node B's columns, said apart. */
  static final String COMPILERS = "of which the nodes' JIT compilers";

  /**
   * Seconds of CPU each process used since {@code before} (processes present at both ends), and
   * what the rest of the machine used meanwhile: the cores are shared with other work.
   */
  Map<String, Double> since(Map<String, CpuTime> before, Map<String, CpuTime> after) {
    Map<String, Double> used = new LinkedHashMap<>();
    after.forEach((name, cpu) -> {
      if (before.containsKey(name) && !name.equals(MACHINE)) {
        double spent = cpu.minus(before.get(name)).seconds();
        // A part's threads may end meanwhile, their time with them (CpuTime#compilers): never less than nothing.
        used.put(name, parts.contains(name) ? Math.max(0, spent) : spent);
      }
    });
    if (before.containsKey(MACHINE)) {
      double ours = used.entrySet().stream().filter(e -> !parts.contains(e.getKey()))
          .mapToDouble(Map.Entry::getValue).sum();
      used.put(OTHERS, Math.max(0, after.get(MACHINE).minus(before.get(MACHINE)).seconds() - ours));
    }
    return used;
  }
}
