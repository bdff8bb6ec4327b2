package fr.cantou.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU seconds a process has used (user + system), read from /proc/&lt;pid&gt;/stat: the two
 * cores are shared, so each row of the report says who spent them.
 */
record CpuTime(double seconds) {
  /** Linux reports in clock ticks; USER_HZ is 100 on every common kernel. */
  private static final double TICKS_PER_SECOND = 100.0;

  static CpuTime of(long pid) {
    long[] f = fields(pid);
    return new CpuTime(f == null ? 0 : (f[13] + f[14]) / TICKS_PER_SECOND);
  }

  /**
   * A PostgreSQL server: the postmaster, the children it has reaped (backends that ended) and
   * the backends alive now (the pools' connections).
   */
  static CpuTime ofTree(long parent) {
    long[] f = fields(parent);
    if (f == null) {
      return new CpuTime(0);
    }
    long ticks = f[13] + f[14] + f[15] + f[16];
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      ticks += procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .mapToLong(p -> {
            long[] c = fields(Long.parseLong(p.getFileName().toString()));
            return c != null && c[3] == parent ? c[13] + c[14] : 0;
          }).sum();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return new CpuTime(ticks / TICKS_PER_SECOND);
  }

  /**
   * The JIT compiler threads of a JVM (C1 and C2; the kernel's thread names are cut at 15 characters): what a
   * process spends compiling rather than serving, while its code warms. A JVM on more cores may end compiler threads it
   * no longer needs, their time with them: the callers take differences at zero at least.
   */
  static CpuTime compilers(long pid) {
    long ticks = 0;
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        ticks += compilerTicks(task);
      }
    } catch (IOException | RuntimeException e) {
      // The process is gone: what was read stands.
    }
    return new CpuTime(ticks / TICKS_PER_SECOND);
  }

  /** A thread's CPU ticks if it is a JIT compiler; none for another, or one that ended between the listing and now. */
  private static long compilerTicks(Path task) {
    try {
      String stat = Files.readString(task.resolve("stat"));
      String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) {
        return 0;
      }
      String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return parse(rest[11]) + parse(rest[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Every process of the machine (the other engineers' included): the non-idle time of all cores, from /proc/stat. */
  static CpuTime machine() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/stat"))) {
      String[] f = lines.findFirst().orElseThrow().trim().split("\\s+");
      // user nice system idle iowait irq softirq steal
      long busy = parse(f[1]) + parse(f[2]) + parse(f[3]) + parse(f[6]) + parse(f[7]) + parse(f[8]);
      return new CpuTime(busy / TICKS_PER_SECOND);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  CpuTime minus(CpuTime before) {
    return new CpuTime(seconds - before.seconds);
  }

  /** Fields of /proc/pid/stat, 0-based as in proc(5) minus one; the name (field 2) may hold spaces. */
  private static long[] fields(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long[] f = new long[rest.length + 2];
      for (int i = 1; i < rest.length; i++) {
        f[i + 2] = parse(rest[i]);
      }
      return f;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static long parse(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
